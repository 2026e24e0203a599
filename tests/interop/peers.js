// Shared plumbing for the interop tests: the websrt binary, loopback ports no other process can
// take, child processes that are always killed, and waits for a condition that never hang.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createSocket } from "node:dgram";
import { existsSync, readFileSync } from "node:fs";
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
 * The libsrt builds the interop suite runs against: Debian's 1.5.1 (srt-tools) and 1.5.5, built
 * from ../shared/peers by scripts/libsrt-peer.sh into ~/.cache/websrt (scripts/test.sh builds it
 * before the interop step and passes its folder in WEBSRT_LIBSRT_155; otherwise the first test
 * that starts it builds it, which takes about a minute). `peer.tool(name)` is the path of one of
 * its programs; start them with `peer.env`.
 */
export const libsrt151 = { version: "1.5.1", tool: (name) => name, env: process.env };
let libsrt155Folder = process.env.WEBSRT_LIBSRT_155;
export const libsrt155 = {
  version: "1.5.5",
  folder() {
    libsrt155Folder ??= execFileSync("bash", [join(repoRoot, "scripts", "libsrt-peer.sh")],
      { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 900_000 }).trim();
    return libsrt155Folder;
  },
  tool(name) { return join(this.folder(), "bin", name); },
  get env() {
    const lib = join(this.folder(), "lib");
    return { ...process.env, LD_LIBRARY_PATH: lib + (process.env.LD_LIBRARY_PATH ? `:${process.env.LD_LIBRARY_PATH}` : "") };
  },
};
export const libsrtPeers = [libsrt151, libsrt155];

/** Starts `tool` (srt-live-transmit, srt-file-transmit) of the libsrt build `peer`. */
export const startLibsrt = (peer, tool, args) => start(peer.tool(tool), args, { env: peer.env });

/**
 * Starts `peer`'s srt-live-transmit sending to `srtUri` what feedSlt() gives it (`options` go
 * before the source). 1.5.1 reads its stdin. 1.5.5's stdin source sends a whole -c chunk even when
 * a read returned less, the rest stale bytes (apps/transmitmedia.cpp ConsoleSource::Read), so it
 * reads one message per datagram from a loopback UDP port instead (../shared/peers/README.md);
 * `throughUdp` asks that of 1.5.1 too, where messages must keep their size.
 */
export async function startSltSender(peer, srtUri, options = [], { throughUdp = peer !== libsrt151 } = {}) {
  if (!throughUdp) return startLibsrt(peer, "srt-live-transmit", [...options, "file://con", srtUri]);
  const port = await reservedUdpPort();
  // Room for a quarter of a second at the tests' fastest rate while the process is descheduled.
  const sender = startLibsrt(peer, "srt-live-transmit", [...options, `udp://127.0.0.1:${port}?rcvbuf=4194304`, srtUri]);
  await udpPortBound(port, 5000, sender);
  sender.udpInput = port;
  return sender;
}

/**
 * Feeds a startSltSender() sender `data` at `bytesPerSecond`; through UDP, in `chunk`-byte
 * messages (AES-GCM's tag leaves 1440 bytes of a 1456-byte payload: libsrt refuses longer ones).
 */
export async function feedSlt(sender, data, bytesPerSecond, chunk = sltChunk) {
  if (sender.udpInput === undefined) return feed(sender.stdin, data, bytesPerSecond);
  const socket = createSocket("udp4");
  await new Promise((resolve, reject) => socket.connect(sender.udpInput, "127.0.0.1", (error) => error ? reject(error) : resolve()));
  try {
    const started = Date.now();
    for (let offset = 0; offset < data.length; offset += chunk) {
      await new Promise((resolve, reject) => socket.send(data.subarray(offset, offset + chunk), (error) => error ? reject(error) : resolve()));
      // Paced in bursts of 16 messages (23 KB): well inside the source's receive buffer.
      if ((offset / chunk) % 16 === 15) {
        const due = started + ((offset + chunk) / bytesPerSecond) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
      }
    }
  } finally {
    socket.close();
  }
}

/**
 * `websrt bridge ARGS` as a child process: the native binary, or, with WEBSRT_BRIDGE=node, the
 * package's Node bridge (js/cli.js bridge), so that one suite proves both.
 */
export function startBridgeProcess(args) {
  if (process.env.WEBSRT_BRIDGE === "node") return start(process.execPath, [join(repoRoot, "js", "cli.js"), "bridge", ...args]);
  return start(requireWebsrt(), ["bridge", ...args]);
}

/**
 * A UDP port on 127.0.0.1 that was free a moment ago. Not for tests: between its close and a
 * peer's bind any socket on the machine may be given it (CI runs test files in parallel). Kept
 * for the bench/ scripts; tests bind port 0 where the process is ours and read the port it
 * reports, and use reservedUdpPort() for peers that must be told a number.
 */
export async function freeUdpPort() {
  const socket = createSocket("udp4");
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise((resolve) => socket.close(resolve));
  return port;
}

/**
 * The port a websrt process (native or Node: transmit, bridge) said it listens on, once it said
 * so: "listening on srt://ADDR:PORT" or "listening on ws://ADDR:PORT/srt". Started with port 0,
 * it is the port the kernel gave it.
 */
export async function listeningPort(child, what, ms = 5000) {
  const pattern = /listening on (?:srt|ws):\/\/(?:\[[^\]]*\]|[^\s/]+?):(\d+)/;
  await stderrMatches(child, pattern, ms, what);
  return Number(pattern.exec(child.stderrText)[1]);
}

// Ports for peers that cannot bind port 0 and report what they got (srt-live-transmit refuses
// ports below 1024, 0 included; ffmpeg, srt-file-transmit, the demo script take a number). They
// come from outside the kernel's ephemeral range (/proc/sys/net/ipv4/ip_local_port_range): bind(0)
// never hands out such a port, so between our check and the peer's own bind no other socket on the
// machine takes it unless it names this very number. Two test processes could: each starts at its
// own block of the range (from its pid) and moves on one port per call.
const reservedBlock = 64;  // ports one test process takes before it reaches the next process's block
let reservedCalls = 0;
let reservable;

/** Ports 20000–32767 outside the ephemeral range (any ports outside it if that range covers those). */
function reservablePorts() {
  if (reservable) return reservable;
  const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
  for (const [first, last] of [[20000, 32767], [1024, 65535]]) {
    const ports = [];
    for (let port = first; port <= last; port += 1) if (port < low || port > high) ports.push(port);
    if (ports.length >= reservedBlock) return (reservable = ports);
  }
  throw new Error(`no port outside the ephemeral range ${low}-${high} to reserve`);
}

/** Whether nothing holds `port` (udp or tcp, any IPv4 address) right now: a bind to it succeeds. */
async function portIsFree(kind, port) {
  if (kind === "udp") {
    const socket = createSocket("udp4");
    const bound = await new Promise((resolve) => {
      socket.once("error", () => resolve(false));
      socket.bind(port, "0.0.0.0", () => resolve(true));
    });
    if (bound) await new Promise((resolve) => socket.close(resolve));
    return bound;
  }
  const server = createServer();
  const bound = await new Promise((resolve) => {
    server.once("error", () => resolve(false));
    server.listen(port, "0.0.0.0", () => resolve(true));
  });
  if (bound) await new Promise((resolve) => server.close(resolve));
  return bound;
}

async function reservedPort(kind) {
  const ports = reservablePorts();
  const start = (process.pid % Math.floor(ports.length / reservedBlock)) * reservedBlock;
  for (let tries = 0; tries < ports.length; tries += 1) {
    const port = ports[(start + reservedCalls++) % ports.length];
    if (await portIsFree(kind, port)) return port;
  }
  throw new Error(`no free ${kind} port outside the ephemeral range`);
}

/** A free UDP port outside the ephemeral range, for a peer that must be told its port (see above). */
export const reservedUdpPort = () => reservedPort("udp");

/** A free TCP port outside the ephemeral range, for a server that must be told its port (see above). */
export const reservedTcpPort = () => reservedPort("tcp");

/**
 * Sockets in /proc/net/{udp,tcp}{,6} (`protocol`) whose local port is `port`, with their state
 * (hex, as the kernel writes it: 07 an unconnected UDP socket, 0A a listening TCP one) and the
 * bytes waiting in their receive queue.
 */
export function socketsOnPort(protocol, port) {
  const sockets = [];
  for (const table of [protocol, `${protocol}6`]) {
    let text;
    try {
      text = readFileSync(`/proc/net/${table}`, "utf8");
    } catch {
      continue;  // no IPv6
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);  // sl local remote state tx_queue:rx_queue …
      if (fields.length < 5) continue;
      const [, local, , state, queues] = fields;
      if (parseInt(local.slice(local.lastIndexOf(":") + 1), 16) === port)
        sockets.push({ state, receiveQueueBytes: parseInt(queues.split(":")[1], 16) });
    }
  }
  return sockets;
}

/**
 * Waits until a UDP socket is bound to `port` (a peer told to listen there has bound it), polling
 * /proc/net/udp and udp6; fails when `peer` (a child process, optional) exits first or after `ms`.
 */
export async function udpPortBound(port, ms, peer) {
  const deadline = Date.now() + ms;
  while (!socketsOnPort("udp", port).some((s) => s.state === "07")) {
    if (peer && peer.exitCode !== null) throw new Error(`the peer exited before binding UDP port ${port}: ${peer.stderrText}`);
    if (Date.now() > deadline) throw new Error(`nothing bound UDP port ${port} within ${ms} ms${peer ? `: ${peer.stderrText}` : ""}`);
    await sleep(10);
  }
}

/** TCP connections whose local end is `port` (a server's side of them) not yet closed by it. */
export const tcpConnectionsAt = (port) =>
  socketsOnPort("tcp", port).filter((s) => s.state === "01" || s.state === "08").length;  // ESTABLISHED, CLOSE_WAIT

/** A UDP socket on 127.0.0.1 port 0, kept open (its port is ours until it is closed). */
export async function boundUdpSocket() {
  const socket = createSocket("udp4");
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return socket;
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

/**
 * Starts `websrt impair` in front of `targetPort`; resolves with the port to send to, once the
 * relay has bound it (it prints its "relaying" line after the bind). A reserved port: given port
 * 0, impair binds one but prints the 0 it was given.
 */
export async function impairRelay(targetPort, seed, { loss = 5, delay = 20, jitter = 5, burst } = {}) {
  const port = await reservedUdpPort();
  const impair = start(requireWebsrt(), ["impair", "--listen", `127.0.0.1:${port}`, "--to", `127.0.0.1:${targetPort}`,
    "--loss", String(loss), "--delay", String(delay), "--jitter", String(jitter), "--seed", String(seed),
    ...(burst ? ["--burst", String(burst)] : [])]);
  await stderrMatches(impair, /relaying/, 5000, "websrt impair");
  return port;
}

/**
 * Ends a srt-live-transmit sender's input and stops it, resolving once it exited. It does not
 * always exit at the end of its input; on SIGINT it closes its connection (a SHUTDOWN to its
 * peer) and exits. Call it once the peer has what it needs: the rest of the input is dropped.
 */
export async function stopSltSender(sender) {
  sender.stdin.end();
  sender.kill("SIGINT");
  return exitWithin(sender, 10_000, "srt-live-transmit sender");
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
 * sink (bytes, hash of the payload's length) once the socket ended. The sender's close ends the
 * socket, unless `lossyLink`: libsrt sends its SHUTDOWN once, and a lossy relay drops it as often
 * as it drops data (the socket then waits out its idle timeout), so there the socket is closed
 * here once everything arrived.
 */
export async function receiveFromSlt(sender, socket, payload, bytesPerSecond, { lossyLink = false } = {}) {
  const sink = drain(socket, payload.length);
  await stderrMatches(sender, /Accepted/i, 10_000, "srt-live-transmit accepting");
  await feed(sender.stdin, Buffer.concat([payload, trailer(bytesPerSecond)]), bytesPerSecond);
  await until(() => sink.bytes >= payload.length, 30_000, () => `${sink.bytes} of ${payload.length} bytes`);
  if (lossyLink) await socket.close();
  await stopSltSender(sender);
  await sink.done;
  return sink;
}
