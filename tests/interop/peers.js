// Shared plumbing for the interop tests: the websrt binary, free loopback ports, child processes
// that are always killed, and waits that never hang.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createSocket } from "node:dgram";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const websrtBin = process.env.WEBSRT_BIN ?? join(repoRoot, "build", "native", "native-shim", "websrt");

export function requireWebsrt() {
  if (!existsSync(websrtBin)) throw new Error(`websrt binary missing at ${websrtBin}: run npm run build`);
  return websrtBin;
}

/**
 * `websrt bridge ARGS` as a child process: the native binary, or, with WEBSRT_BRIDGE=node, the
 * package's Node bridge (js/cli.js bridge), so that one suite proves both.
 */
export function startBridgeProcess(args) {
  if (process.env.WEBSRT_BRIDGE === "node") return start(process.execPath, [join(repoRoot, "js", "cli.js"), "bridge", ...args]);
  return start(requireWebsrt(), ["bridge", ...args]);
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export async function freeUdpPort() {
  const socket = createSocket("udp4");
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise((resolve) => socket.close(resolve));
  return port;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (for the bridge's HTTP side). */
export async function freeTcpPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const running = new Set();

/** Spawns a peer; its stderr is kept for failure messages. Killed by killAll(). */
export function start(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"], ...options });
  child.stderrText = "";
  child.stderr.on("data", (chunk) => {
    child.stderrText += chunk.toString();
    if (child.stderrText.length > 200_000) child.stderrText = child.stderrText.slice(-100_000);
  });
  child.exited = new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  child.stdin.on("error", () => {});  // a peer that exits early must not crash the test
  running.add(child);
  child.exited.then(() => running.delete(child));
  return child;
}

export function killAll() {
  for (const child of running) child.kill("SIGKILL");
}

/** Resolves with the exit status, or rejects (after killing the child) when it takes too long. */
export async function exitWithin(child, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${what} did not finish within ${ms} ms; stderr:\n${child.stderrText.slice(-2000)}`));
    }, ms);
  });
  try {
    return await Promise.race([child.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `predicate(stderrText)` holds for a child, e.g. a readiness line. */
export async function stderrMatches(child, pattern, ms, what) {
  const deadline = Date.now() + ms;
  while (!pattern.test(child.stderrText)) {
    if (child.exitCode !== null) throw new Error(`${what} exited early: ${child.stderrText}`);
    if (Date.now() > deadline) throw new Error(`${what}: no ${pattern} within ${ms} ms: ${child.stderrText}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * How a websrt receiver may end after a libsrt peer closed through the lossy relay: cleanly (exit
 * 0), or, when the relay lost libsrt's one unacknowledged SHUTDOWN, by the peer idle timeout.
 */
export function endedAfterPeerClose(status, child, lossy) {
  return status.code === 0 || (lossy && status.code === 1 && /peer idle timeout/.test(child.stderrText));
}

/** Polls `predicate`; `what()` describes the state when it never holds. */
export async function until(predicate, ms, what) {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await sleep(20);
  }
}

/** Starts `websrt impair` in front of `targetPort`; resolves with the port to send to. */
export async function impairRelay(targetPort, seed, { loss = 5, delay = 20, jitter = 5 } = {}) {
  const port = await freeUdpPort();
  const impair = start(requireWebsrt(), ["impair", "--listen", `127.0.0.1:${port}`, "--to", `127.0.0.1:${targetPort}`,
    "--loss", String(loss), "--delay", String(delay), "--jitter", String(jitter), "--seed", String(seed)]);
  await stderrMatches(impair, /relaying/, 5000, "websrt impair");
  return port;
}

/** The last JSON stats line a websrt process printed to stderr. */
export function lastStats(child) {
  const lines = child.stderrText.split("\n").filter((l) => l.startsWith("{"));
  assert.ok(lines.length > 0, `no stats printed: ${child.stderrText}`);
  return JSON.parse(lines.at(-1));
}

/** Collects a child's stdout: its byte count, and a hash of its first `limit` bytes. */
export function collect(child, limit = Infinity) {
  const sink = { bytes: 0, hash: createHash("sha256") };
  child.stdout.on("data", (chunk) => {
    if (sink.bytes < limit) sink.hash.update(chunk.subarray(0, Math.min(chunk.length, limit - sink.bytes)));
    sink.bytes += chunk.length;
  });
  return sink;
}

// srt-live-transmit sends what it reads from stdin in 1456-byte messages and drops a short last
// message when it closes at the end of its input; whole chunks make the comparison exact.
export const sltChunk = 1456;

// A live stream goes on: half a second more after the payload, so that a lost last packet is
// noticed (a receiver learns of a loss from the packet after it; libsrt's sender never resends
// the end of a stream by itself). Only the payload is compared.
export const trailer = (bytesPerSecond) => Buffer.alloc(Math.ceil(bytesPerSecond / 2 / sltChunk) * sltChunk);

/**
 * Writes `data` into a writable stream in 64 KiB pieces at `bytesPerSecond`, with backpressure.
 * A live sender must be fed in real time: srt-live-transmit discards input it cannot send at once,
 * and any live sender drops what waits longer than its too-late threshold.
 */
export async function feed(stream, data, bytesPerSecond) {
  const started = Date.now();
  for (let offset = 0; offset < data.length; offset += 65536) {
    if (!stream.write(data.subarray(offset, offset + 65536))) await new Promise((r) => stream.once("drain", r));
    const due = started + ((offset + 65536) / bytesPerSecond) * 1000;
    if (due > Date.now()) await sleep(due - Date.now());
  }
}

/** Sends `data` in `chunk`-byte messages at `bytesPerSecond`, as a live source does. */
export async function sendPaced(socket, data, bytesPerSecond, chunk = sltChunk) {
  const started = Date.now();
  for (let offset = 0; offset < data.length; offset += chunk) {
    await socket.send(data.subarray(offset, offset + chunk));
    if (offset % (64 * chunk) === 0) {
      const due = started + ((offset + chunk) / bytesPerSecond) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  }
}

/** Reads a socket's messages into a running hash of the first `limit` bytes. */
export function drain(socket, limit) {
  const sink = { bytes: 0, hash: createHash("sha256") };
  sink.done = (async () => {
    for await (const message of socket) {
      if (sink.bytes < limit) sink.hash.update(message.subarray(0, Math.min(message.length, limit - sink.bytes)));
      sink.bytes += message.length;
    }
  })();
  return sink;
}

/**
 * Plays `payload` (and a trailer) into a srt-live-transmit `sender` that serves it as an SRT
 * listener, and reads it from the connected `socket` until all of it arrived; resolves with the
 * sink (bytes, hash of the payload's length) once the socket ended.
 */
export async function receiveFromSlt(sender, socket, payload, bytesPerSecond) {
  const sink = drain(socket, payload.length);
  await stderrMatches(sender, /Accepted/i, 10_000, "srt-live-transmit accepting");
  await feed(sender.stdin, Buffer.concat([payload, trailer(bytesPerSecond)]), bytesPerSecond);
  await until(() => sink.bytes >= payload.length, 30_000, () => `${sink.bytes} of ${payload.length} bytes`);
  sender.stdin.end();
  await sleep(200);
  sender.kill("SIGINT");
  await sink.done;
  return sink;
}
