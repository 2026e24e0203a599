// A scriptable hostile SRT peer for the adversarial tests: its own SRT codec (data and control
// headers, HSv5 handshake with HSREQ/SID/KMREQ blocks, ACK, ACKACK, NAK loss lists, DROPREQ,
// SHUTDOWN, KEEPALIVE, UMSG_EXT), the caller's HSv5 handshake (induction, then conclusion with the
// cookie), an honest-enough sender and receiver, and helpers to send crafted packets fast and from
// many source ports. Raw node:dgram, no dependencies. Layouts follow draft-sharabayko-srt §3 and
// libsrt 1.5 (srtcore/packet.h, core.cpp) as summarised in /work/shared/SRT-WIRE-NOTES.md, and are
// checked against the captured libsrt datagrams in tests/vectors/ (hostile_peer_codec.test.js).
import { createSocket } from "node:dgram";
import { randomBytes, randomInt } from "node:crypto";

// ---- constants (draft §3; libsrt srtcore/packet.h UDTMessageType, handshake.h) ----

export const CTRL = Object.freeze({
  HANDSHAKE: 0, KEEPALIVE: 1, ACK: 2, NAK: 3, CGWARNING: 4, SHUTDOWN: 5, ACKACK: 6, DROPREQ: 7,
  PEERERROR: 8, EXT: 0x7fff,
});
/** UMSG_EXT subtypes, also handshake extension block types (libsrt SRT_CMD_*). */
export const EXT = Object.freeze({ HSREQ: 1, HSRSP: 2, KMREQ: 3, KMRSP: 4, SID: 5, CONGESTION: 6, FILTER: 7, GROUP: 8 });
/** Handshake request types (libsrt UDTRequestType); rejections are 1000 + reason. */
export const REQ = Object.freeze({ INDUCTION: 1, WAVEAHAND: 0, CONCLUSION: -1, AGREEMENT: -2, DONE: -3, REJECTION_BASE: 1000 });
/** HSREQ flags TSBPDSND|TSBPDRCV|CRYPT|TLPKTDROP|NAKREPORT|REXMITFLG|FILTERCAP: libsrt's live default. */
export const HSREQ_LIVE_FLAGS = 0xbf;
/** libsrt 1.5.1, as srt-live-transmit announces itself. */
export const SRT_VERSION = 0x010501;
const SEQ_MASK = 0x7fffffff;
const MSGNO_MASK = 0x03ffffff;

// ---- 31-bit sequence arithmetic ----

export const seqAdd = (seq, n) => (((seq + n) % 0x80000000) + 0x80000000) % 0x80000000;
/** Signed distance b - a on the 31-bit circle (libsrt CSeqNo::seqoff). */
export function seqOff(a, b) {
  const d = ((b - a) % 0x80000000 + 0x80000000) % 0x80000000;
  return d >= 0x40000000 ? d - 0x80000000 : d;
}
export const randomSocketId = () => randomInt(1, 0x3fffffff);
export const randomIsn = () => randomInt(0, 0x3fffffff);

// ---- encoders ----

/** A data packet (draft §3.1). position: 3 solo, 2 first, 0 middle, 1 last; kk 0 clear, 1 even, 2 odd. */
export function encodeData({ seq, msgno = 1, timestamp = 0, destId, payload, position = 3, inOrder = false, kk = 0, retransmit = false }) {
  const packet = Buffer.alloc(16 + payload.length);
  packet.writeUInt32BE(seq & SEQ_MASK, 0);
  const w1 = ((position & 3) << 30) | (inOrder ? 1 << 29 : 0) | ((kk & 3) << 27) | (retransmit ? 1 << 26 : 0) | (msgno & MSGNO_MASK);
  packet.writeUInt32BE(w1 >>> 0, 4);
  packet.writeUInt32BE(timestamp >>> 0, 8);
  packet.writeUInt32BE(destId >>> 0, 12);
  payload.copy(packet, 16);
  return packet;
}

/** A control packet (draft §3.2): header, then `body` (a Buffer of 32-bit words). */
export function encodeControl({ type, subtype = 0, typeSpecific = 0, timestamp = 0, destId = 0, body = Buffer.alloc(0) }) {
  const packet = Buffer.alloc(16 + body.length);
  packet.writeUInt32BE((0x80000000 | ((type & 0x7fff) << 16) | (subtype & 0xffff)) >>> 0, 0);
  packet.writeUInt32BE(typeSpecific >>> 0, 4);
  packet.writeUInt32BE(timestamp >>> 0, 8);
  packet.writeUInt32BE(destId >>> 0, 12);
  body.copy(packet, 16);
  return packet;
}

const words = (...values) => {
  const buffer = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => buffer.writeUInt32BE(v >>> 0, 4 * i));
  return buffer;
};

/** HSREQ/HSRSP body: version, flags, rcv<<16 | snd latency in ms (draft §3.2.1.1.1). */
export const hsreqBody = ({ version = SRT_VERSION, flags = HSREQ_LIVE_FLAGS, receiverLatencyMs = 120, senderLatencyMs = 120 } = {}) =>
  words(version, flags, ((receiverLatencyMs & 0xffff) << 16) | (senderLatencyMs & 0xffff));

/** SID/CONGESTION/FILTER text: NUL-padded to a word, each word byte-reversed (libsrt HtoNLA). */
export function textBody(text) {
  const raw = Buffer.from(text, "utf8");
  const padded = Buffer.alloc(Math.ceil(raw.length / 4) * 4 || 4);
  raw.copy(padded);
  for (let i = 0; i < padded.length; i += 4) padded.subarray(i, i + 4).reverse();
  return padded;
}

/**
 * A KM message (draft §3.2.2; haicrypt hcrypt_msg.h), in plain byte order as it travels. `wrapped`
 * is the RFC 3394 output (8-byte ICV + keys); by default random bytes of the right length, which a
 * listener can only tell from a real key after deriving the KEK (PBKDF2, 2048 iterations).
 */
export function kmMessage({ kk = 1, cipher = 2, auth = 0, keyLength = 16, salt = randomBytes(16), wrapped } = {}) {
  const keys = kk === 3 ? 2 : 1;
  const wrap = wrapped ?? randomBytes(8 + keys * keyLength);
  const header = Buffer.from([0x12, 0x20, 0x29, kk & 3, 0, 0, 0, 0, cipher, auth, 2, 0, 0, 0, 4, keyLength / 4]);
  return Buffer.concat([header, salt, wrap]);
}

/** An extension block: 16-bit type, 16-bit length in words, body padded to a word. */
export function extensionBlock(type, body) {
  const padded = Buffer.alloc(Math.ceil(body.length / 4) * 4);
  body.copy(padded);
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(padded.length / 4, 2);
  return Buffer.concat([head, padded]);
}

/** Handshake body (draft §3.2.1, 48 bytes) followed by `extensions` ([{type, body}]). */
export function encodeHandshake({ version = 5, encryption = 0, extensionField = 0, isn, mss = 1500, flightWindow = 8192,
  requestType, socketId, cookie = 0, peerIp = [127, 0, 0, 1], extensions = [] }) {
  const body = Buffer.alloc(48);
  body.writeUInt32BE(version, 0);
  body.writeUInt16BE(encryption, 4);
  body.writeUInt16BE(extensionField, 6);
  body.writeUInt32BE(isn >>> 0, 8);
  body.writeUInt32BE(mss, 12);
  body.writeUInt32BE(flightWindow, 16);
  body.writeInt32BE(requestType, 20);
  body.writeUInt32BE(socketId >>> 0, 24);
  body.writeUInt32BE(cookie >>> 0, 28);
  // libsrt keeps the IPv4 s_addr as a host-order word: 127.0.0.1 travels as 01 00 00 7f.
  Buffer.from(peerIp).reverse().copy(body, 32);
  return Buffer.concat([body, ...extensions.map((e) => extensionBlock(e.type, e.body))]);
}

export const handshakePacket = (fields, { timestamp = 0, destId = 0 } = {}) =>
  encodeControl({ type: CTRL.HANDSHAKE, timestamp, destId, body: encodeHandshake(fields) });

/** Full ACK (28 bytes: last ack seq, RTT, RTTVar, buffer, recv speed, bandwidth, recv rate). */
export const ackPacket = ({ ackNo = 1, seq, rttUs = 10_000, rttVarUs = 5_000, availableBuffer = 8000, timestamp = 0, destId }) =>
  encodeControl({ type: CTRL.ACK, typeSpecific: ackNo, timestamp, destId,
    body: words(seq, rttUs, rttVarUs, availableBuffer, 1000, 10_000, 1_000_000) });
export const lightAckPacket = ({ seq, timestamp = 0, destId }) =>
  encodeControl({ type: CTRL.ACK, typeSpecific: 0, timestamp, destId, body: words(seq) });

/** NAK with a loss list: a number is one sequence, [first, last] a range (first | 0x80000000). */
export function nakPacket({ losses, timestamp = 0, destId }) {
  const list = [];
  for (const loss of losses) {
    if (Array.isArray(loss)) list.push((loss[0] | 0x80000000) >>> 0, loss[1] & SEQ_MASK);
    else list.push(loss & SEQ_MASK);
  }
  return encodeControl({ type: CTRL.NAK, timestamp, destId, body: words(...list) });
}

export const dropReqPacket = ({ msgno = 0, first, last, timestamp = 0, destId }) =>
  encodeControl({ type: CTRL.DROPREQ, typeSpecific: msgno, timestamp, destId, body: words(first, last) });
export const ackackPacket = ({ ackNo, timestamp = 0, destId }) =>
  encodeControl({ type: CTRL.ACKACK, typeSpecific: ackNo, timestamp, destId, body: words(0) });
export const keepalivePacket = ({ timestamp = 0, destId }) => encodeControl({ type: CTRL.KEEPALIVE, timestamp, destId, body: words(0) });
export const shutdownPacket = ({ timestamp = 0, destId }) => encodeControl({ type: CTRL.SHUTDOWN, timestamp, destId, body: words(0) });
/** UMSG_EXT (type 0x7FFF) with a subtype, e.g. 3 KMREQ / 4 KMRSP, and any body. */
export const extPacket = ({ subtype, body, timestamp = 0, destId }) => encodeControl({ type: CTRL.EXT, subtype, timestamp, destId, body });

// ---- decoder ----

/** Decodes a datagram into {kind: "data"|"control", ...}; handshakes get `handshake` parsed. */
export function decodePacket(buffer) {
  if (buffer.length < 16) return { kind: "short", length: buffer.length };
  const w0 = buffer.readUInt32BE(0);
  const w1 = buffer.readUInt32BE(4);
  const timestamp = buffer.readUInt32BE(8);
  const destId = buffer.readUInt32BE(12);
  const body = buffer.subarray(16);
  if ((w0 & 0x80000000) === 0) {
    return { kind: "data", seq: w0, position: w1 >>> 30, inOrder: !!(w1 & (1 << 29)), kk: (w1 >>> 27) & 3,
      retransmit: !!(w1 & (1 << 26)), msgno: w1 & MSGNO_MASK, timestamp, destId, payload: body };
  }
  const packet = { kind: "control", type: (w0 >>> 16) & 0x7fff, subtype: w0 & 0xffff, typeSpecific: w1, timestamp, destId, body };
  if (packet.type === CTRL.HANDSHAKE && body.length >= 48) packet.handshake = decodeHandshake(body);
  if (packet.type === CTRL.NAK) packet.losses = decodeLossList(body);
  if (packet.type === CTRL.ACK && body.length >= 4) packet.ackSeq = body.readUInt32BE(0);
  return packet;
}

export function decodeHandshake(body) {
  const hs = {
    version: body.readUInt32BE(0), encryption: body.readUInt16BE(4), extensionField: body.readUInt16BE(6),
    isn: body.readUInt32BE(8), mss: body.readUInt32BE(12), flightWindow: body.readUInt32BE(16),
    requestType: body.readInt32BE(20), socketId: body.readUInt32BE(24), cookie: body.readUInt32BE(28),
    peerIp: [...body.subarray(32, 36)].reverse(), extensions: [],
  };
  for (let at = 48; at + 4 <= body.length;) {
    const type = body.readUInt16BE(at);
    const length = body.readUInt16BE(at + 2) * 4;
    hs.extensions.push({ type, body: body.subarray(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return hs;
}

export function decodeLossList(body) {
  const losses = [];
  for (let at = 0; at + 4 <= body.length; at += 4) {
    const word = body.readUInt32BE(at);
    if (word & 0x80000000 && at + 8 <= body.length) {
      losses.push([word & SEQ_MASK, body.readUInt32BE(at + 4)]);
      at += 4;
    } else losses.push(word & SEQ_MASK);
  }
  return losses;
}

export const isRejection = (hs) => hs.requestType >= REQ.REJECTION_BASE;

// ---- the peer ----

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));  // for pacing only

/**
 * One UDP socket speaking SRT to `host:port`. `connect()` runs the caller's HSv5 handshake; after
 * it, `peerId` is the listener's socket id, `isn` both directions' first sequence number. Every
 * datagram received is decoded, counted and offered to `onPacket` hooks; data payloads are kept
 * by sequence number when `keepData` is on (the peer as a receiver).
 */
export class HostilePeer {
  constructor({ host = "127.0.0.1", port, localAddress = "127.0.0.1", localPort = 0 } = {}) {
    Object.assign(this, { host, port, localAddress, localPort });
    this.startedAt = process.hrtime.bigint();
    this.socketId = randomSocketId();
    this.isn = randomIsn();
    this.peerId = 0;
    this.hooks = new Set();
    this.received = { packets: 0, bytes: 0, data: 0, control: {} };
    this.dataBySeq = new Map();
    this.keepData = false;
    this.acks = [];  // ACK numbers received (for ACKACK)
    this.answerAcks = true;
  }

  /** Microseconds since this peer started: its SRT timestamp clock. */
  now() { return Number((process.hrtime.bigint() - this.startedAt) / 1000n) >>> 0; }

  async open() {
    this.socket = createSocket({ type: "udp4", recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    this.socket.on("error", () => {});
    this.socket.on("message", (message) => this.#onMessage(message));
    await new Promise((resolve, reject) => {
      this.socket.once("error", reject);
      this.socket.bind(this.localPort, this.localAddress, () => { this.socket.off("error", reject); resolve(); });
    });
    this.localPort = this.socket.address().port;
    this.socket.unref();  // an open peer never keeps a test file's process alive
    return this;
  }

  close() {
    if (!this.socket) return;
    try { this.socket.close(); } catch { /* already closed */ }
    this.socket = null;
  }

  #onMessage(message) {
    const packet = decodePacket(message);
    this.received.packets++;
    this.received.bytes += message.length;
    if (packet.kind === "data") {
      this.received.data++;
      if (this.keepData && !this.dataBySeq.has(packet.seq)) this.dataBySeq.set(packet.seq, Buffer.from(packet.payload));
    } else if (packet.kind === "control") {
      this.received.control[packet.type] = (this.received.control[packet.type] ?? 0) + 1;
      if (packet.type === CTRL.ACK && packet.typeSpecific !== 0 && this.answerAcks && this.peerId)
        this.send(ackackPacket({ ackNo: packet.typeSpecific, timestamp: this.now(), destId: this.peerId }));
      if (packet.type === CTRL.NAK && this.sent) this.#retransmit(packet.losses);
    }
    for (const hook of this.hooks) hook(packet, message);
  }

  send(datagram) {
    if (this.socket) this.socket.send(datagram, this.port, this.host);
  }

  /** Sends `datagrams` (an array, or a function i => datagram for i < count) as fast as the socket takes them. */
  async blast(datagrams, count = datagrams.length) {
    const make = typeof datagrams === "function" ? datagrams : (i) => datagrams[i];
    for (let i = 0; i < count; i++) {
      this.send(make(i));
      if (i % 256 === 255) await new Promise(setImmediate);  // let the socket drain and replies in
    }
  }

  /** Resolves with the first packet (decoded) for which `predicate` holds, or rejects after `ms`. */
  waitFor(predicate, ms, what = "a packet") {
    return new Promise((resolve, reject) => {
      const hook = (packet) => {
        if (!predicate(packet)) return;
        this.hooks.delete(hook);
        clearTimeout(timer);
        resolve(packet);
      };
      const timer = setTimeout(() => { this.hooks.delete(hook); reject(new Error(`no ${what} within ${ms} ms`)); }, ms);
      this.hooks.add(hook);
    });
  }

  inductionPacket() {
    return handshakePacket({ version: 4, encryption: 0, extensionField: 2, isn: this.isn, requestType: REQ.INDUCTION,
      socketId: this.socketId, cookie: 0 }, { timestamp: this.now() });
  }

  conclusionPacket({ cookie, socketId = this.socketId, latencyMs = 120, streamId, kmreq, pbkeylen = 0, hsreq, filter } = {}) {
    const extensions = [{ type: EXT.HSREQ, body: hsreq ?? hsreqBody({ receiverLatencyMs: latencyMs, senderLatencyMs: latencyMs }) }];
    if (streamId !== undefined) extensions.push({ type: EXT.SID, body: textBody(streamId) });
    if (filter !== undefined) extensions.push({ type: EXT.FILTER, body: textBody(filter) });
    if (kmreq) extensions.push({ type: EXT.KMREQ, body: kmreq });
    return handshakePacket({ version: 5, encryption: pbkeylen / 8, extensionField: 0x1 | 0x4 | (kmreq ? 0x2 : 0), isn: this.isn,
      requestType: REQ.CONCLUSION, socketId, cookie, extensions }, { timestamp: this.now() });
  }

  /** The listener's cookie for this socket's address (one induction round trip, resent every 250 ms). */
  async induce(ms = 3000) {
    const reply = this.waitFor((p) => p.handshake && p.handshake.requestType === REQ.INDUCTION && p.destId === this.socketId, ms,
      "induction response");
    const resend = setInterval(() => this.send(this.inductionPacket()), 250);
    this.send(this.inductionPacket());
    try { return (await reply).handshake.cookie; } finally { clearInterval(resend); }
  }

  /**
   * The caller's HSv5 handshake. Resolves with {accepted, handshake, ms}; `accepted` false with the
   * rejection handshake (request type ≥ 1000) when the listener refused. Rejects on silence.
   */
  async connect({ latencyMs = 120, streamId, kmreq, pbkeylen = 0, filter, ms = 3000 } = {}) {
    const started = Date.now();
    this.cookie = await this.induce(ms);
    const reply = this.waitFor((p) => p.handshake && p.destId === this.socketId &&
      (p.handshake.requestType === REQ.CONCLUSION || isRejection(p.handshake)), Math.max(1, ms - (Date.now() - started)), "conclusion response");
    const conclusion = () => this.conclusionPacket({ cookie: this.cookie, latencyMs, streamId, kmreq, pbkeylen, filter });
    const resend = setInterval(() => this.send(conclusion()), 250);
    this.send(conclusion());
    try {
      const { handshake } = await reply;
      if (isRejection(handshake)) return { accepted: false, handshake, ms: Date.now() - started };
      this.peerId = handshake.socketId;
      return { accepted: true, handshake, ms: Date.now() - started };
    } finally { clearInterval(resend); }
  }

  // ---- an honest-enough sender: paced data with retransmission on NAK ----

  /** Sends `payload` in `chunk`-byte messages at `bytesPerSecond`; `between(i, seq)` may inject packets. */
  async stream(payload, { bytesPerSecond = 1_000_000, chunk = 1316, between } = {}) {
    this.sent ??= new Map();
    this.nextSeq ??= this.isn;
    this.nextMsgno ??= 1;
    const started = Date.now();
    for (let offset = 0, i = 0; offset < payload.length; offset += chunk, i++) {
      const seq = this.nextSeq;
      const packet = encodeData({ seq, msgno: this.nextMsgno, timestamp: this.now(), destId: this.peerId,
        payload: payload.subarray(offset, offset + chunk) });
      this.sent.set(seq, packet);
      if (this.sent.size > 20000) this.sent.delete(this.sent.keys().next().value);
      this.send(packet);
      this.nextSeq = seqAdd(seq, 1);
      this.nextMsgno = (this.nextMsgno % MSGNO_MASK) + 1;
      if (between) await between(i, seq);
      const due = started + ((offset + chunk) / bytesPerSecond) * 1000;
      if (due > Date.now() + 1) await sleep(due - Date.now());  // pacing: the stream's rate
    }
  }

  #retransmit(losses) {
    const resend = (seq) => {
      const original = this.sent.get(seq);
      if (!original) return;
      const copy = Buffer.from(original);
      copy.writeUInt32BE((copy.readUInt32BE(4) | (1 << 26)) >>> 0, 4);
      this.send(copy);
    };
    for (const loss of losses ?? []) {
      if (!Array.isArray(loss)) resend(loss);
      else for (let s = loss[0], n = 0; n <= seqOff(loss[0], loss[1]) && n < 1000; s = seqAdd(s, 1), n++) resend(s);
    }
  }

  /** Keeps the connection alive (KEEPALIVE every `ms`) until the returned function is called. */
  keepAlive(ms = 200) {
    const timer = setInterval(() => this.peerId && this.send(keepalivePacket({ timestamp: this.now(), destId: this.peerId })), ms);
    return () => clearInterval(timer);
  }

  shutdown() {
    if (this.peerId) this.send(shutdownPacket({ timestamp: this.now(), destId: this.peerId }));
  }

  /** The payloads received so far in sequence order from `first` (stops at the first gap). */
  contiguousData(first = this.isn) {
    const parts = [];
    for (let seq = first; this.dataBySeq.has(seq); seq = seqAdd(seq, 1)) parts.push(this.dataBySeq.get(seq));
    return Buffer.concat(parts);
  }
}

/**
 * Opens `count` UDP sockets on `localAddress` (distinct source ports) that ignore what comes back;
 * the caller sends through them with `sockets[i].send(datagram, port, host)` and closes them.
 */
export async function openSockets(count, localAddress = "127.0.0.1") {
  const sockets = [];
  for (let i = 0; i < count; i++) {
    const socket = createSocket({ type: "udp4", recvBufferSize: 65536 });
    socket.on("error", () => {});
    socket.on("message", () => {});
    sockets.push(new Promise((resolve) => socket.bind(0, localAddress, () => { socket.unref(); resolve(socket); })));
  }
  return Promise.all(sockets);
}

export const closeSockets = (sockets) => sockets.forEach((s) => { try { s.close(); } catch { /* closed */ } });
