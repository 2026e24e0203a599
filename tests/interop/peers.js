// Shared plumbing for the interop tests: the websrt binary, free loopback ports, child processes
// that are always killed, and waits that never hang.
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const websrtBin = process.env.WEBSRT_BIN ?? join(repoRoot, "build", "native", "native-shim", "websrt");

export function requireWebsrt() {
  if (!existsSync(websrtBin)) throw new Error(`websrt binary missing at ${websrtBin}: run npm run build`);
  return websrtBin;
}

/** A UDP port on 127.0.0.1 that was free a moment ago. */
export async function freeUdpPort() {
  const socket = createSocket("udp4");
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address();
  await new Promise((resolve) => socket.close(resolve));
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
