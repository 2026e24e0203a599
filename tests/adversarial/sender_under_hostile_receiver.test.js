// A `websrt transmit file://con srt://:PORT` listener sending a live stream (fed on stdin by the
// test) to a hostile receiver: a NAK bomb (issue 12 case 1) and ACKs of packets never sent
// (case 2). The sender's CPU, memory and retransmitted bytes must stay bounded; it must keep
// sending, or close cleanly with a reason.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, test } from "node:test";
import {
  exitedCleanly, holdsWithin, killAll, latestStats, nextStats, report, round, sleep, startListener, until, usageMeter,
} from "./harness.js";
import { HostilePeer, ackPacket, lightAckPacket, nakPacket, seqAdd } from "./hostile_peer.js";

after(killAll);

const feedRate = 500_000;  // B/s on stdin: 380 packets/s of 1316 bytes
const packetsPerSecond = feedRate / 1316;

/** Connects a hostile receiver to a sending listener; resolves once data flows. */
async function sendingListener() {
  const { child, port } = await startListener({ sender: true, query: "latency=200",
    extraArgs: ["--stats-every", "250", "--stats-format", "json"] });
  const peer = await new HostilePeer({ port }).open();
  peer.keepData = true;
  const connection = await peer.connect({ latencyMs: 200 });
  assert.ok(connection.accepted, "the hostile receiver was refused");
  const feeding = { stop: false, bytes: 0 };
  feeding.done = (async () => {
    const chunk = randomBytes(1316 * 10);
    const started = Date.now();
    while (!feeding.stop && child.exitCode === null) {
      child.stdin.write(chunk);
      feeding.bytes += chunk.length;
      const due = started + (feeding.bytes / feedRate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());  // pacing: a live source's rate
    }
  })();
  return { child, peer, feeding };
}

/**
 * Waits until `seconds` of the fed stream reached the peer and the sender reported it in a stats
 * line (so that a later line's totals are measured from one that counted that much).
 */
async function streamFlowed(child, peer, seconds) {
  const packets = Math.round(seconds * packetsPerSecond);
  await until(() => peer.dataBySeq.size >= packets && (latestStats(child).pktSentUniqueTotal ?? 0) >= packets, 10_000,
    () => `${peer.dataBySeq.size} of ${packets} packets received, stats ${JSON.stringify(latestStats(child)).slice(0, 200)}`);
}

/** The highest sequence number the peer received so far (by distance from its ISN). */
function highestReceived(peer) {
  let best = peer.isn;
  let bestOffset = -1;
  for (const seq of peer.dataBySeq.keys()) {
    const offset = (seq - peer.isn + 0x80000000) % 0x80000000;
    if (offset < 0x40000000 && offset > bestOffset) [best, bestOffset] = [seq, offset];
  }
  return best;
}

test("a NAK bomb (70 KB/s of alternating sequence numbers and huge ranges) costs the sender bounded CPU and retransmissions",
  { timeout: 30_000 }, async () => {
    const { child, peer, feeding } = await sendingListener();
    await streamFlowed(child, peer, 0.5);  // half a second of honest stream: packets in the send buffer to name
    const meter = usageMeter(child.pid);
    const statsBefore = latestStats(child);
    let nakBytes = 0;
    const bombMs = 4000;
    const bombEnd = Date.now() + bombMs;
    while (Date.now() < bombEnd && child.exitCode === null) {
      const top = highestReceived(peer);
      const destId = peer.peerId;
      const timestamp = peer.now();
      // 150 alternating single sequence numbers over the last 300 sent (a loss list that defeats
      // range compression), the whole recent window as a range, and 2^30 packets from the ISN.
      const alternating = Array.from({ length: 150 }, (_, k) => seqAdd(top, -2 * k));
      for (const losses of [alternating, [[seqAdd(top, -400), top]], [[peer.isn, seqAdd(peer.isn, 2 ** 30 - 1)]]]) {
        const nak = nakPacket({ losses, timestamp, destId });
        peer.send(nak);
        nakBytes += nak.length;
      }
      await sleep(10);  // pacing: the bomb's rate (3 NAKs per 10 ms), for bombMs, the attack's length
    }
    const usage = child.exitCode === null ? meter.delta() : { exited: child.exitCode };
    feeding.stop = true;
    await feeding.done;
    await nextStats(child, 2000);  // one more stats line: the totals after the bomb
    const stats = latestStats(child);
    const retransBytes = (stats.byteRetransTotal ?? 0) - (statsBefore.byteRetransTotal ?? 0);
    const uniqueBytes = (stats.byteSentUniqueTotal ?? 0) - (statsBefore.byteSentUniqueTotal ?? 0);
    const figures = { ...usage, nakKBps: round(nakBytes / bombMs, 1), byteRetrans: retransBytes,
      pktRetrans: (stats.pktRetransTotal ?? 0) - (statsBefore.pktRetransTotal ?? 0), byteSentUnique: uniqueBytes,
      retransPerUniqueByte: round(retransBytes / Math.max(1, uniqueBytes), 2), pktSndDropTotal: stats.pktSndDropTotal,
      receivedUniquePackets: peer.dataBySeq.size, fedBytes: feeding.bytes, alive: child.exitCode === null };
    report("NAK bomb", figures);
    assert.ok(child.exitCode === null, `sender exited: ${child.stderrText.slice(-500)}`);
    // Honest sending goes on: nearly every fed packet reached the (loopback) receiver at least once.
    assert.ok(peer.dataBySeq.size * 1316 >= 0.9 * (feeding.bytes - 1316 * 20), `only ${peer.dataBySeq.size} packets arrived`);
    // A live sender drops what is older than max(latency + …, 1000 ms) + 20 ms, and (libsrt's
    // retransmission algorithm 1, its default since 1.4.4) resends a packet at most once per
    // SRTT + 4·RTTVar, 300 ms before any RTT sample: ≤ 4 retransmissions per packet. 4× the unique
    // bytes is that bound; a sender that obeys every NAK resends hundreds of times more.
    assert.ok(retransBytes <= 4 * uniqueBytes, `retransmitted ${retransBytes} bytes for ${uniqueBytes} unique (bound 4×)`);
    // Sending 2 MB costs ~0.02 CPU s; decoding 70 KB/s of loss lists is as cheap. 1 CPU s over
    // 4 s is a quarter of a core: far above a correct sender, far below one that walks 2^30 ranges.
    assert.ok(usage.cpuS <= 1.0, `sender used ${usage.cpuS} CPU s during the bomb (bound 1.0)`);
    assert.ok(usage.rssGrowthMb <= 16, `sender RSS grew ${usage.rssGrowthMb} MB (bound 16: 1 s of send buffer is 0.5 MB)`);
    peer.close();
  });

test("ACKs of packets never sent (ACK sequence 10^6 and 2^30 ahead) neither crash the sender nor corrupt its state",
  { timeout: 30_000 }, async () => {
    const { child, peer, feeding } = await sendingListener();
    await streamFlowed(child, peer, 0.7);
    const meter = usageMeter(child.pid);
    const top = highestReceived(peer);
    const destId = peer.peerId;
    let ackNo = 1;
    for (let k = 0; k < 50; k++) {
      for (const ahead of [1_000_000, 2 ** 30, 2 ** 30 + 12345]) {
        peer.send(ackPacket({ ackNo: ackNo++, seq: seqAdd(top, ahead), timestamp: peer.now(), destId }));
        peer.send(lightAckPacket({ seq: seqAdd(top, ahead), timestamp: peer.now(), destId }));
      }
      await sleep(5);  // pacing: 50 rounds of bogus ACKs spread over a quarter of a second or more
    }
    const receivedAtAttack = peer.dataBySeq.size;
    const attackEndStamp = latestStats(child).msTimeStamp ?? -1;
    // The sender goes on (300 new packets, and a stats line printed after the attack), or closes;
    // 1.5 s of the fed stream is 570 packets.
    await holdsWithin(() => child.exitCode !== null ||
      (peer.dataBySeq.size - receivedAtAttack >= 300 && latestStats(child).msTimeStamp > attackEndStamp), 1500);
    const usage = child.exitCode === null ? meter.delta() : { exited: child.exitCode, signal: child.signalCode };
    feeding.stop = true;
    await feeding.done;
    const stats = latestStats(child);
    const newPackets = peer.dataBySeq.size - receivedAtAttack;
    const figures = { ...usage, alive: child.exitCode === null, newPacketsAfterAttack: newPackets,
      pktFlightSize: stats.pktFlightSize, pktSndBuf: stats.pktSndBuf, lastStderr: child.stderrText.split("\n").filter((l) => l && !l.startsWith("{")).at(-1) };
    report("ACK of unsent packets", figures);
    if (child.exitCode !== null) {
      // Closing is acceptable (libsrt breaks the connection on an ACK beyond its next sequence
      // number), but cleanly: an exit status and a reason, no signal.
      assert.ok(exitedCleanly(child), `sender died by ${child.signalCode}`);
      assert.match(child.stderrText, /websrt transmit: .+/);
      return;
    }
    // Still up: it keeps sending new packets at the fed rate (1.5 s ≈ 570 packets)…
    assert.ok(newPackets >= 300, `only ${newPackets} new packets in 1.5 s after the bogus ACKs`);
    // …and its flight size is a real count, not an unsigned wrap of "acknowledged beyond sent".
    assert.ok(stats.pktFlightSize >= 0 && stats.pktFlightSize <= 8192, `pktFlightSize ${stats.pktFlightSize}`);
    assert.ok(usage.cpuS <= 0.5, `sender used ${usage.cpuS} CPU s (bound 0.5)`);
    peer.close();
  });
