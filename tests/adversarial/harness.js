// Plumbing shared by the adversarial tests: a `websrt transmit` under attack, its CPU seconds and
// memory read from /proc, and a record of the figures each case measured (printed with the test
// so a run documents what it saw, pass or fail).
import { readFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { freeUdpPort, requireWebsrt, start, stderrMatches } from "../interop/peers.js";

export { freeUdpPort, killAll, sleep, start, stderrMatches, until, exitWithin, lastStats, collect } from "../interop/peers.js";

const clockTicksPerSecond = 100;  // USER_HZ: /proc/<pid>/stat counts in 1/100 s on Linux

/** User + system CPU seconds a process used so far (/proc/<pid>/stat fields 14 and 15). */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");  // fields from 3 (state) on
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

/** VmRSS and VmHWM in MB (/proc/<pid>/status). */
export function memoryMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: kb("VmRSS") / 1024, hwm: kb("VmHWM") / 1024 };
}

/** CPU and memory before an attack; `.delta()` afterwards gives what the attack cost. */
export function usageMeter(pid) {
  const cpu0 = cpuSeconds(pid);
  const mem0 = memoryMb(pid);
  return {
    before: { cpu: cpu0, ...mem0 },
    delta() {
      const mem = memoryMb(pid);
      return { cpuS: round(cpuSeconds(pid) - cpu0), rssMb: round(mem.rss), rssGrowthMb: round(mem.rss - mem0.rss),
        hwmMb: round(mem.hwm), hwmGrowthMb: round(mem.hwm - mem0.hwm) };
    },
  };
}

export const round = (x, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Prints a case's figures on one line (`node --test` shows it with the test's output). */
export function report(name, figures) {
  console.log(`adversarial ${name}: ${JSON.stringify(figures)}`);
}

/**
 * Starts `websrt transmit` as an SRT listener on a free port: the receiver (`srt://:P?…` to
 * file://con) by default, or the sender (file://con to srt://) with `sender: true`.
 */
export async function startListener({ query = "latency=200", sender = false, extraArgs = [] } = {}) {
  const port = await freeUdpPort();
  const srt = `srt://:${port}${query ? `?${query}` : ""}`;
  const args = sender ? ["transmit", ...extraArgs, "file://con", srt] : ["transmit", ...extraArgs, srt, "file://con"];
  const child = start(requireWebsrt(), args);
  await stderrMatches(child, /listening on/, 5000, "websrt transmit listener");
  return { child, port };
}

export const sha256 = (buffer) => createHash("sha256").update(buffer).digest("hex");

/** Distinct, recognisable payload bytes (random, so a misplaced chunk changes the hash). */
export const payloadOf = (bytes) => randomBytes(bytes);

/** True when a process exited by itself with a status (not killed by a signal, i.e. no crash). */
export const exitedCleanly = (child) => child.exitCode !== null && child.signalCode === null;

/**
 * The receiver-side pattern: a `websrt transmit` listener writing to stdout, a HostilePeer
 * connected as its caller streaming `payload` honestly, with `inject(peer, i, seq)` called after
 * each data packet. Resolves once the payload arrived (or `settleMs` after the stream ended) with
 * the listener, the peer, the bytes and hash of stdout, the usage the whole run cost, and the
 * listener's last stats line.
 */
export async function receiverUnderAttack({ payloadBytes = 1316 * 600, bytesPerSecond = 1_000_000, latencyMs = 200, inject,
  settleMs = 1500, query } = {}) {
  const { HostilePeer } = await import("./hostile_peer.js");
  const { child, port } = await startListener({ query: query ?? `latency=${latencyMs}`, extraArgs: ["--stats-every", "250"] });
  const chunks = [];
  let stdoutBytes = 0;
  child.stdout.on("data", (c) => { chunks.push(c); stdoutBytes += c.length; });
  const peer = await new HostilePeer({ port }).open();
  const connection = await peer.connect({ latencyMs });
  if (!connection.accepted) throw new Error(`hostile caller refused: ${connection.handshake.requestType}`);
  const stopKeepalive = peer.keepAlive(500);
  const meter = usageMeter(child.pid);
  const payload = payloadOf(payloadBytes);
  const streamStarted = Date.now();
  await peer.stream(payload, { bytesPerSecond, between: inject && ((i, seq) => inject(peer, i, seq)) });
  const deadline = Date.now() + settleMs + latencyMs;
  while (stdoutBytes < payload.length && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
  const arrivedMs = Date.now() - streamStarted;
  await new Promise((r) => setTimeout(r, 300));  // anything extra the attack made it write
  const usage = child.exitCode === null ? meter.delta() : { exited: child.exitCode, signal: child.signalCode };
  stopKeepalive();
  const output = Buffer.concat(chunks);
  const statsLines = child.stderrText.split("\n").filter((l) => l.startsWith("{"));
  const stats = statsLines.length ? JSON.parse(statsLines.at(-1)) : {};
  return { child, peer, payload, output, usage, stats, arrivedMs, alive: child.exitCode === null };
}

/** The receiver's figures worth reporting from its libsrt-named stats. */
export const receiverFigures = (s) => ({ pktRecvTotal: s.pktRecvTotal, pktRcvDropTotal: s.pktRcvDropTotal,
  pktRcvLossTotal: s.pktRcvLossTotal, pktRcvBelatedTotal: s.pktRcvBelatedTotal, pktSentNAKTotal: s.pktSentNAKTotal });
