// A `websrt transmit` listener receiving an honest stream from a caller that also injects hostile
// packets into its own connection: data far beyond the receive buffer (issue 12 case 3), far-ahead
// timestamps (case 4), reversed and huge DROPREQ ranges (case 5), garbage KM messages (case 6,
// in-band), garbage FEC packets on a connection with the packet filter, and 64 KB datagrams. Each
// time the receiver must stay up, write exactly the honest bytes (sha256), on time, and spend
// bounded CPU and memory on the injected packets.
import assert from "node:assert/strict";
import { randomBytes, randomInt } from "node:crypto";
import { after, describe, test } from "node:test";
import { killAll, receiverFigures, receiverUnderAttack, report, sha256 } from "./harness.js";
import {
  CTRL, EXT, ackackPacket, dropReqPacket, encodeControl, encodeData, extPacket, keepalivePacket, kmMessage, seqAdd,
} from "./hostile_peer.js";

after(killAll);

const payloadBytes = 1316 * 600;  // 790 KB at 1 MB/s: 0.8 s of stream
const streamMs = 800;
// Bounds, generous for a loaded 2-core machine. The honest stream alone costs the receiver about
// 0.02 CPU s here; a receiver that drops a bad packet after looking at its header spends
// microseconds on it, so 0.5 CPU s leaves a factor of 10 over everything injected below.
const cpuBoundS = 0.5;
// The stream holds latency × rate ≈ 200 KB in the receive buffer. A receiver that stored the
// injected packets, or sized a ring to reach them, grows by a 23 KB block per packet or by far
// more; 8 MB is well under either and well over allocator noise.
const rssGrowthBoundMb = 8;
// Delivery: stream time + latency + a second of slack for a loaded machine.
const arrivalBoundMs = streamMs + 200 + 1000;

function assertHonestStreamKept(name, run, extra = {}) {
  const figures = { ...run.usage, arrivedMs: run.arrivedMs, stdoutBytes: run.output.length, payloadBytes: run.payload.length,
    alive: run.alive, ...receiverFigures(run.stats), ...extra };
  report(name, figures);
  assert.ok(run.alive, `listener exited (${run.child.exitCode}/${run.child.signalCode}): ${run.child.stderrText.slice(-600)}`);
  assert.equal(run.output.length, run.payload.length, "stdout holds exactly the honest payload's length");
  assert.equal(sha256(run.output), sha256(run.payload), "stdout is the honest payload byte for byte");
  assert.ok(run.arrivedMs <= arrivalBoundMs, `payload took ${run.arrivedMs} ms (bound ${arrivalBoundMs})`);
  assert.ok(run.usage.cpuS <= cpuBoundS, `listener used ${run.usage.cpuS} CPU s (bound ${cpuBoundS})`);
  assert.ok(run.usage.rssGrowthMb <= rssGrowthBoundMb, `listener RSS grew ${run.usage.rssGrowthMb} MB (bound ${rssGrowthBoundMb})`);
}

describe("a listener receiving an honest stream with injected packets", () => {
  test("drops data far beyond its receive buffer (ISN + 8192…, + 10^6, + 2^30) and keeps memory bounded", async () => {
    let injected = 0;
    const run = await receiverUnderAttack({ payloadBytes, inject: (peer, i, seq) => {
      if (i < 100 || i >= 400) return;
      const junk = randomBytes(1316);
      // Just past the 8192-packet buffer, a million ahead, and half the sequence space ahead.
      for (const ahead of [8192 + 16 * i, 1_000_000 + 16 * i, 2 ** 30 + 16 * i]) {
        peer.send(encodeData({ seq: seqAdd(peer.isn, ahead), msgno: 1 + i, timestamp: peer.now(), destId: peer.peerId, payload: junk }));
        injected++;
      }
    } });
    assertHonestStreamKept("far-ahead data", run, { injected });
  });

  test("is not derailed by far-ahead timestamps on duplicates and control packets", async () => {
    let injected = 0;
    const run = await receiverUnderAttack({ payloadBytes, inject: (peer, i, seq) => {
      if (i < 50 || i >= 450) return;
      // The wrap window's edge, half the 32-bit clock ahead, 1000 s ahead.
      const far = [0xfffffff0, (peer.now() + 2 ** 31) >>> 0, (peer.now() + 1e9) >>> 0][i % 3];
      const duplicate = Buffer.from(peer.sent.get(seq));
      duplicate.writeUInt32BE((duplicate.readUInt32BE(4) | (1 << 26)) >>> 0, 4);  // R: a retransmission
      duplicate.writeUInt32BE(far, 8);
      peer.send(duplicate);
      peer.send(keepalivePacket({ timestamp: far, destId: peer.peerId }));
      peer.send(ackackPacket({ ackNo: randomInt(1, 2 ** 31), timestamp: far, destId: peer.peerId }));
      injected += 3;
    } });
    assertHonestStreamKept("far-ahead timestamps", run, { injected });
  });

  test("ignores reversed, huge and far-ahead DROPREQ ranges and keeps every packet it holds", async () => {
    let injected = 0;
    const run = await receiverUnderAttack({ payloadBytes, inject: (peer, i, seq) => {
      if (i < 200 || i >= 260) return;
      const destId = peer.peerId;
      const ranges = [
        [seqAdd(seq, 50), seqAdd(seq, -50)],              // reversed across the present: first after last
        [seqAdd(seq, 1), seq],                             // reversed by one: 2^31 - 1 packets if read as a wrap
        [seqAdd(peer.isn, -(2 ** 29)), seqAdd(seq, -1)],   // 2^29 packets, all in the past (received ones kept, libsrt KEEP_EXISTING)
        [seqAdd(seq, 1_000_000), seqAdd(seq, 1_000_000 + 2 ** 29)],  // far beyond the buffer
      ];
      for (const [first, last] of ranges) {
        peer.send(dropReqPacket({ msgno: randomInt(1, 2 ** 26), first, last, timestamp: peer.now(), destId }));
        injected++;
      }
    } });
    assertHonestStreamKept("DROPREQ ranges", run, { injected });
  });

  test("spends bounded CPU on a flood of DROPREQs naming thousands of scattered packets ahead", async () => {
    // Each names one packet not sent yet, every other one up to 16,000 ahead, so that the ranges
    // given up neither merge nor expire: a receiver keeping them in a list it scans per DROPREQ
    // pays for the whole list every time. The honest packets still arrive and are delivered.
    let injected = 0;
    const run = await receiverUnderAttack({ payloadBytes, inject: (peer, i, seq) => {
      if (i < 100 || i >= 500) return;
      for (let j = 0; j < 50; j++) {
        const ahead = seqAdd(seq, 2 + 2 * ((i * 50 + j) % 8000));
        peer.send(dropReqPacket({ msgno: randomInt(1, 2 ** 26), first: ahead, last: ahead, timestamp: peer.now(), destId: peer.peerId }));
        injected++;
      }
    } });
    assertHonestStreamKept("DROPREQ flood", run, { injected });
  });

  test("survives garbage KM messages (UMSG_EXT subtypes 3 and 4) on an unencrypted connection", async () => {
    let injected = 0;
    const run = await receiverUnderAttack({ payloadBytes, inject: (peer, i) => {
      if (i < 100 || i >= 500) return;
      const destId = peer.peerId;
      const timestamp = peer.now();
      peer.send(extPacket({ subtype: EXT.KMREQ, body: randomBytes(randomInt(0, 300)), timestamp, destId }));
      peer.send(extPacket({ subtype: EXT.KMRSP, body: randomBytes(randomInt(0, 300)), timestamp, destId }));
      peer.send(extPacket({ subtype: EXT.KMREQ, body: kmMessage({ kk: 1 + (i % 3) }), timestamp, destId }));  // well-formed, junk key
      injected += 3;
    } });
    assertHonestStreamKept("garbage in-band KM", run, { injected });
  });

  test("with the FEC filter, ignores garbage FEC packets for groups it passed, far ahead, or with no such index", async () => {
    let injected = 0;
    const run = await receiverUnderAttack({ payloadBytes, filter: "fec,cols:4,rows:2,arq:onreq", inject: (peer, i, seq) => {
      if (i < 100 || i >= 500) return;
      // An FEC packet is a data packet with message number 0; its seq names its group's last member.
      // Behind: groups (at most 8 packets long here) complete and passed; ahead: past the
      // receiver's window of groups; random content and lengths, up to longer than any payload.
      for (const at of [-50 - (i % 150), -(2 ** 20), 1_000_000 + 8 * i, 2 ** 30]) {
        const payload = randomBytes([0, 3, 1316, 1456, randomInt(1, 1456)][i % 5]);
        peer.send(encodeData({ seq: seqAdd(seq, at), msgno: 0, timestamp: peer.now(), destId: peer.peerId, payload }));
        injected++;
      }
    } });
    assertHonestStreamKept("garbage FEC packets", run, { injected, pktRcvFilterExtraTotal: run.stats.pktRcvFilterExtraTotal,
      pktRcvFilterSupplyTotal: run.stats.pktRcvFilterSupplyTotal });
    assert.equal(run.stats.pktRcvFilterSupplyTotal, 0, "nothing rebuilt from garbage");
    assert.ok(run.stats.pktRcvFilterExtraTotal > 0, "the filter was negotiated and saw the FEC packets");
  });

  test("drops 64 KB datagrams (data, ACK, handshake) without storing or delivering them", async () => {
    let injected = 0;
    const run = await receiverUnderAttack({ payloadBytes, inject: (peer, i, seq) => {
      if (i < 100 || i >= 130) return;
      const big = randomBytes(65507 - 16);  // the largest IPv4 UDP datagram
      // The next honest sequence number: if this were stored, the honest packet would be a duplicate.
      peer.send(encodeData({ seq: seqAdd(seq, 1), msgno: i + 2, timestamp: peer.now(), destId: peer.peerId, payload: big }));
      peer.send(encodeControl({ type: CTRL.ACK, typeSpecific: i, timestamp: peer.now(), destId: peer.peerId, body: big }));
      peer.send(encodeControl({ type: CTRL.HANDSHAKE, timestamp: peer.now(), destId: 0, body: big }));
      injected += 3;
    } });
    assertHonestStreamKept("64 KB datagrams", run, { injected });
  });
});
