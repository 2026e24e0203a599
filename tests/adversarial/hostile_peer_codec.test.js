// The hostile peer's own SRT codec against datagrams captured from libsrt (tests/vectors/): if it
// encodes what libsrt sends, byte for byte, the attacks below are made of well-formed SRT.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { repoRoot } from "../interop/peers.js";
import {
  CTRL, EXT, REQ, ackackPacket, ackPacket, decodePacket, encodeControl, encodeData, handshakePacket, hsreqBody,
  kmMessage, lightAckPacket, nakPacket, textBody,
} from "./hostile_peer.js";

const datagrams = (name) => readFileSync(join(repoRoot, "tests", "vectors", name), "utf8").split("\n")
  .filter((l) => /^(c>l|l>c) /.test(l)).map((l) => Buffer.from(l.slice(4), "hex"));

/** Re-encodes a decoded packet with the peer's encoders. */
function reencode(p) {
  if (p.kind === "data") return encodeData(p);
  if (p.handshake) {
    const hs = p.handshake;
    return handshakePacket({ ...hs, extensions: hs.extensions }, { timestamp: p.timestamp, destId: p.destId });
  }
  if (p.type === CTRL.NAK) return nakPacket({ losses: p.losses, timestamp: p.timestamp, destId: p.destId });
  if (p.type === CTRL.ACK && p.body.length === 28) {
    const b = p.body;
    const full = ackPacket({ ackNo: p.typeSpecific, seq: b.readUInt32BE(0), rttUs: b.readUInt32BE(4), rttVarUs: b.readUInt32BE(8),
      availableBuffer: b.readUInt32BE(12), timestamp: p.timestamp, destId: p.destId });
    b.copy(full, 16);  // the rate words are free-form; the header and first four are ours
    return full;
  }
  if (p.type === CTRL.ACK && p.body.length === 4) return lightAckPacket({ seq: p.ackSeq, timestamp: p.timestamp, destId: p.destId });
  if (p.type === CTRL.ACKACK) return ackackPacket({ ackNo: p.typeSpecific, timestamp: p.timestamp, destId: p.destId });
  return encodeControl(p);
}

test("every captured libsrt datagram decodes and re-encodes byte-identically", () => {
  let count = 0;
  for (const name of ["slt-plain.txt", "slt-loss.txt", "slt-crypt16.txt", "slt-badsecret.txt", "rendezvous.txt"]) {
    for (const datagram of datagrams(name)) {
      const packet = decodePacket(datagram);
      assert.deepEqual(reencode(packet).toString("hex"), datagram.toString("hex"), `${name}: ${datagram.toString("hex").slice(0, 64)}`);
      count++;
    }
  }
  assert.ok(count > 500, `only ${count} datagrams`);
});

test("the caller's induction and conclusion are built as srt-live-transmit builds them", () => {
  const [induction, , conclusion] = datagrams("slt-plain.txt").map(decodePacket);
  assert.equal(induction.handshake.requestType, REQ.INDUCTION);
  assert.equal(induction.handshake.version, 4);
  assert.equal(induction.handshake.extensionField, 2);
  const hs = conclusion.handshake;
  assert.equal(hs.requestType, REQ.CONCLUSION);
  assert.deepEqual(hs.extensions.map((e) => e.type), [EXT.HSREQ, EXT.SID]);
  assert.deepEqual(hs.extensions[0].body, hsreqBody({ receiverLatencyMs: 120, senderLatencyMs: 0 }));
  assert.deepEqual(hs.extensions[1].body, textBody("#!::r=live/golden,m=publish"));
  assert.deepEqual(hs.peerIp, [127, 0, 0, 1]);
});

test("a KM message has libsrt's header (version 1, type KM, sign 0x2029, SE 2, salt and key lengths)", () => {
  const crypt = datagrams("slt-crypt16.txt").map(decodePacket).find((p) => p.handshake?.extensions.some((e) => e.type === EXT.KMREQ));
  const captured = crypt.handshake.extensions.find((e) => e.type === EXT.KMREQ).body;
  const ours = kmMessage({ kk: captured[3], salt: captured.subarray(16, 32), wrapped: captured.subarray(32) });
  assert.deepEqual(ours, captured);
});
