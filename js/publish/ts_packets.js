// What websrt/publish reads of the MPEG-TS packets mediabunny writes (ISO/IEC 13818-1): the PID,
// the PAT's program map PID, and the presentation time of a PES packet's start, by which the
// stream is paced. Reads only; a packet it cannot read gives undefined.

/** §2.4.3: a transport stream packet is 188 bytes. */
export const tsPacketBytes = 188;
/** §2.4.4.4: the program association table's PID. */
export const patPid = 0x0000;
/** §2.4.3.3: the PTS counts a 90 kHz clock. */
const ptsHz = 90_000;

export const pidOf = (packet) => ((packet[1] & 0x1f) << 8) | packet[2];

/** Where the payload starts: after the 4-byte header and any adaptation field. */
function payloadStart(packet) {
  return packet[3] & 0x20 ? 5 + packet[4] : 4;
}

/** The program_map_PID of a PAT packet's first program (§2.4.4.3), past the pointer field. */
export function programMapPid(packet) {
  let at = payloadStart(packet);
  at += 1 + packet[at];  // pointer_field
  return ((packet[at + 10] & 0x1f) << 8) | packet[at + 11];
}

/** The PTS in seconds of a packet that starts a PES packet with one (§2.4.3.7), else undefined. */
export function pesStartSeconds(packet) {
  if (!(packet[1] & 0x40)) return undefined;  // payload_unit_start_indicator
  const at = payloadStart(packet);
  if (at + 14 > packet.length || packet[at] !== 0 || packet[at + 1] !== 0 || packet[at + 2] !== 1) return undefined;
  if (!(packet[at + 7] & 0x80)) return undefined;  // PTS_DTS_flags: no PTS
  const p = at + 9;
  const pts = (packet[p] & 0x0e) * 2 ** 29 + packet[p + 1] * 2 ** 22 + (packet[p + 2] & 0xfe) * 2 ** 14 +
    packet[p + 3] * 2 ** 7 + (packet[p + 4] >> 1);
  return pts / ptsHz;
}

/** A copy of `packet` with its continuity_counter (§2.4.3.3) one on: a repeated table's next packet. */
export function nextContinuity(packet) {
  const copy = packet.slice();
  copy[3] = (copy[3] & 0xf0) | ((copy[3] + 1) & 0x0f);
  return copy;
}
