// Plumbing shared by the adversarial tests: a `websrt transmit` under attack, its CPU seconds and
// memory read from /proc, and a record of the figures each case measured (printed with the test
// so a run documents what it saw, pass or fail).
import { readFileSync } from "node:fs";
import { createHash, randomBytes } from "node:crypto";
import { listeningPort, requireWebsrt, sleep, socketsOnPort, start } from "../interop/peers.js";

export {
  killAll, sleep, start, stderrMatches, until, exitWithin, collect, reservedUdpPort,
} from "../interop/peers.js";

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
 * Starts `websrt transmit` as an SRT listener on port 0: the receiver (`srt://:0?…` to
 * file://con) by default, or the sender (file://con to srt://) with `sender: true`. Resolves with
 * the port the kernel gave it, as its "listening on" line reports it.
 */
export async function startListener({ query = "latency=200", sender = false, extraArgs = [] } = {}) {
  const srt = `srt://:0${query ? `?${query}` : ""}`;
  const args = sender ? ["transmit", ...extraArgs, "file://con", srt] : ["transmit", ...extraArgs, srt, "file://con"];
  const child = start(requireWebsrt(), args);
  const port = await listeningPort(child, "websrt transmit listener");
  return { child, port };
}

/**
 * Polls `predicate` every 20 ms until it holds (true) or `ms` passed (false). For waits whose
 * failure the test reports with its figures rather than as a timeout.
 */
export async function holdsWithin(predicate, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (predicate()) return true;
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
}

/** The last whole JSON stats line a websrt process printed so far, parsed ({} when none yet). */
export function latestStats(child) {
  const lines = child.stderrText.split("\n").slice(0, -1).filter((l) => l.startsWith("{"));  // not a line still being written
  return lines.length ? JSON.parse(lines.at(-1)) : {};
}

/**
 * Waits for a stats line `child` prints after this call (a later msTimeStamp than the last one so
 * far) for which `predicate` holds (any line by default). Resolves with it, or with undefined when
 * the child exits or `ms` pass first.
 */
export async function nextStats(child, ms, predicate = () => true) {
  const after = latestStats(child).msTimeStamp ?? -1;
  let found;
  await holdsWithin(() => {
    const stats = latestStats(child);
    if (stats.msTimeStamp > after && predicate(stats)) found = stats;
    return found !== undefined || child.exitCode !== null;
  }, ms);
  return found;
}

/** Bytes waiting in the receive queues of the UDP sockets bound to `port` (/proc/net/udp, udp6). */
const udpReceiveQueueBytes = (port) => socketsOnPort("udp", port).reduce((sum, s) => sum + s.receiveQueueBytes, 0);

/** Whether process `pid` sleeps (/proc/<pid>/stat state S: blocked waiting, not running or runnable). */
function sleeping(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "S";
}

/**
 * Waits until a listener (`child`, on UDP `port`) has read every datagram queued for it and is done
 * with them: its socket's receive queue is empty while the process sleeps. False if that does not
 * happen within `ms` (or the child exited).
 */
export function listenerIdle(child, port, ms) {
  return holdsWithin(() => child.exitCode === null && udpReceiveQueueBytes(port) === 0 && sleeping(child.pid), ms);
}

export const sha256 = (buffer) => createHash("sha256").update(buffer).digest("hex");

/** Distinct, recognisable payload bytes (random, so a misplaced chunk changes the hash). */
export const payloadOf = (bytes) => randomBytes(bytes);

/** True when a process exited by itself with a status (not killed by a signal, i.e. no crash). */
export const exitedCleanly = (child) => child.exitCode !== null && child.signalCode === null;

/**
 * The receiver-side pattern: a `websrt transmit` listener writing to stdout, a HostilePeer
 * connected as its caller streaming `payload` honestly, with `inject(peer, i, seq)` called after
 * each data packet (`filter`: the packet filter its handshake asks for, which the listener adopts).
 * Resolves once the payload arrived (or `settleMs` after the stream ended) with
 * the listener, the peer, the bytes and hash of stdout, the usage the whole run cost, and the
 * listener's last stats line.
 */
export async function receiverUnderAttack({ payloadBytes = 1316 * 600, bytesPerSecond = 1_000_000, latencyMs = 200, inject,
  settleMs = 1500, query, filter } = {}) {
  const { HostilePeer } = await import("./hostile_peer.js");
  const { child, port } = await startListener({ query: query ?? `latency=${latencyMs}`, extraArgs: ["--stats-every", "250"] });
  const chunks = [];
  let stdoutBytes = 0;
  child.stdout.on("data", (c) => { chunks.push(c); stdoutBytes += c.length; });
  const peer = await new HostilePeer({ port }).open();
  const connection = await peer.connect({ latencyMs, filter });
  if (!connection.accepted) throw new Error(`hostile caller refused: ${connection.handshake.requestType}`);
  const stopKeepalive = peer.keepAlive(500);
  const meter = usageMeter(child.pid);
  const payload = payloadOf(payloadBytes);
  const streamStarted = Date.now();
  await peer.stream(payload, { bytesPerSecond, between: inject && ((i, seq) => inject(peer, i, seq)) });
  await holdsWithin(() => stdoutBytes >= payload.length || child.exitCode !== null, settleMs + latencyMs);
  const arrivedMs = Date.now() - streamStarted;
  // Anything extra the attack made it write: a stats line printed from now on with nothing left in
  // the receive buffer (everything it held was played out); a receiver that keeps injected
  // packets never shows one, and the test goes on after a latency and a second.
  await nextStats(child, latencyMs + 1000, (s) => s.pktRcvBuf === 0);
  const usage = child.exitCode === null ? meter.delta() : { exited: child.exitCode, signal: child.signalCode };
  stopKeepalive();
  const output = Buffer.concat(chunks);
  const stats = latestStats(child);
  return { child, peer, payload, output, usage, stats, arrivedMs, alive: child.exitCode === null };
}

/** The receiver's figures worth reporting from its libsrt-named stats. */
export const receiverFigures = (s) => ({ pktRecvTotal: s.pktRecvTotal, pktRcvDropTotal: s.pktRcvDropTotal,
  pktRcvLossTotal: s.pktRcvLossTotal, pktRcvBelatedTotal: s.pktRcvBelatedTotal, pktSentNAKTotal: s.pktSentNAKTotal });
