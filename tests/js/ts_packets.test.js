// What websrt/publish reads of MPEG-TS packets (js/publish/ts_packets.js): PIDs, the PAT's program
// map PID, a PES start's presentation time, and the continuity counter of a repeated table; a
// packet that is not what it seems gives undefined, never a throw.
import { test } from "node:test";
import assert from "node:assert/strict";

import { nextContinuity, patPid, pesStartSeconds, pidOf, programMapPid, tsPacketBytes } from "../../js/publish/ts_packets.js";

/** A 188-byte TS packet: header (PID, payload start, continuity counter), optional adaptation field, payload. */
function packet({ pid, start = true, cc = 0, adaptation = 0, payload = [] }) {
  const bytes = new Uint8Array(tsPacketBytes).fill(0xff);
  bytes[0] = 0x47;
  bytes[1] = (start ? 0x40 : 0) | (pid >> 8);
  bytes[2] = pid & 0xff;
  bytes[3] = (adaptation ? 0x30 : 0x10) | cc;
  let at = 4;
  if (adaptation) {
    bytes[4] = adaptation - 1;
    bytes.fill(0, 5, 4 + adaptation);
    at += adaptation;
  }
  bytes.set(payload, at);
  return bytes;
}

/** PTS_DTS_flags '10': the five PTS bytes of §2.4.3.7 for `pts` (90 kHz). */
function ptsBytes(pts) {
  return [0x21 | (Math.floor(pts / 2 ** 30) & 0x07) << 1, Math.floor(pts / 2 ** 22) & 0xff,
    ((Math.floor(pts / 2 ** 15) & 0x7f) << 1) | 1, Math.floor(pts / 2 ** 7) & 0xff, ((pts & 0x7f) << 1) | 1];
}
const pes = (pts) => [0, 0, 1, 0xe0, 0, 0, 0x80, 0x80, 5, ...ptsBytes(pts)];

test("a PES start's PTS is read in seconds, past an adaptation field, up to the 33-bit range", () => {
  assert.equal(pesStartSeconds(packet({ pid: 0x100, payload: pes(90_000 * 12.5) })), 12.5);
  assert.equal(pesStartSeconds(packet({ pid: 0x100, adaptation: 8, payload: pes(1) })), 1 / 90_000);
  assert.equal(pesStartSeconds(packet({ pid: 0x100, payload: pes(2 ** 33 - 1) })), (2 ** 33 - 1) / 90_000);
});

test("packets that do not start a PES with a PTS have none", () => {
  assert.equal(pesStartSeconds(packet({ pid: 0x100, start: false, payload: pes(900) })), undefined);
  assert.equal(pesStartSeconds(packet({ pid: 0x100, payload: [0, 0, 2, 0xe0] })), undefined, "no start code");
  assert.equal(pesStartSeconds(packet({ pid: 0x100, payload: [0, 0, 1, 0xe0, 0, 0, 0x80, 0x00, 0] })), undefined, "no PTS");
  assert.equal(pesStartSeconds(packet({ pid: 0x100, adaptation: 183, payload: [] })), undefined, "the adaptation field fills it");
});

test("the PAT names its program map PID and a repeated table counts its continuity on, wrapping at 16", () => {
  const pat = packet({ pid: patPid, cc: 15, payload: [0, 0x00, 0xb0, 0x0d, 0, 1, 0xc1, 0, 0, 0, 1, 0xf0, 0x00] });
  assert.equal(pidOf(pat), patPid);
  assert.equal(programMapPid(pat), 0x1000);
  const again = nextContinuity(pat);
  assert.equal(again[3] & 0x0f, 0);
  assert.equal(again[3] & 0xf0, pat[3] & 0xf0);
  assert.deepEqual(again.subarray(4), pat.subarray(4));
  assert.equal(pat[3] & 0x0f, 15, "the original is left as it was");
});
