// The transport for browsers (and Node): SRT datagrams over a WebSocket to `websrt bridge`, which
// relays them over UDP. One WebSocket carries one flow: it opens on the first datagram, to that
// datagram's destination (`?target=IP:PORT`). With the bridge's "websrt-batch" subprotocol (the
// default), one binary message carries the datagrams of one turn of the event loop, each as a
// 16-bit big-endian length and its bytes (native-shim/datagram_batch.hpp): in Chromium every
// WebSocket message is a round of IPC, so one per SRT packet caps the rate. Without it
// (`{ batch: false }`), each message is one datagram.

import { nextTask } from "./next_task.js";

const batchSubprotocol = "websrt-batch";
/** The largest batch message, as the bridge's datagram_batch::max_message. */
const maxBatchBytes = 64 * 1024;
/** Datagrams held while the WebSocket opens; more are dropped, as UDP would. */
const maxQueued = 256;
/** Bytes the WebSocket may hold unsent (its bufferedAmount) before datagrams are dropped: a
 * congested bridge link then loses packets as a congested UDP path does, and SRT recovers them,
 * instead of the page buffering without bound. 1 MiB is 80 ms at 100 Mbit/s. */
const defaultMaxBufferedBytes = 1 << 20;

/** Packs datagrams into as few batch messages as fit under maxBatchBytes. */
function* packBatches(datagrams) {
  let start = 0;
  while (start < datagrams.length) {
    let end = start;
    let size = 0;
    while (end < datagrams.length && (end === start || size + 2 + datagrams[end].length <= maxBatchBytes)) {
      size += 2 + datagrams[end].length;
      end += 1;
    }
    const message = new Uint8Array(size);
    let at = 0;
    for (const datagram of datagrams.slice(start, end)) {
      message[at] = datagram.length >> 8;
      message[at + 1] = datagram.length & 0xff;
      message.set(datagram, at + 2);
      at += 2 + datagram.length;
    }
    yield message;
    start = end;
  }
}

/** The datagrams of one batch message (views into it); a malformed tail is dropped. */
function unpackBatch(buffer) {
  const bytes = new Uint8Array(buffer);
  const datagrams = [];
  for (let at = 0; at + 2 <= bytes.length;) {
    const size = (bytes[at] << 8) | bytes[at + 1];
    if (size === 0 || at + 2 + size > bytes.length) break;
    datagrams.push(bytes.subarray(at + 2, at + 2 + size));
    at += 2 + size;
  }
  return datagrams;
}

export class WebSocketTransport {
  /**
   * @param {string} url - the bridge's WebSocket endpoint, e.g. "ws://127.0.0.1:8080/srt".
   * @param {{ WebSocket?: typeof WebSocket, batch?: boolean }} [options] - a WebSocket class where
   *   there is no global one (Node 20: the `ws` package); `batch: false` sends one datagram per
   *   message (for bridges without the "websrt-batch" subprotocol).
   */
  constructor(url, { WebSocket: WebSocketClass = globalThis.WebSocket, batch = true, maxBufferedBytes = defaultMaxBufferedBytes } = {}) {
    if (!WebSocketClass) throw new Error("WebSocketTransport: no WebSocket class here; pass { WebSocket }");
    this.url = url;
    this.WebSocketClass = WebSocketClass;
    this.batch = batch;
    // Batch mode: this turn's datagrams, packed as they come into `packing` (one allocation per
    // batch message, not one per datagram); full batch messages wait in `outgoing`.
    this.packing = new Uint8Array(maxBatchBytes);
    this.packedBytes = 0;
    this.outgoing = [];
    this.outgoingBytes = 0;
    this.socket = undefined;
    this.target = undefined;
    this.queue = [];
    this.pending = [];
    this.flushScheduled = false;
    this.handler = () => {};
    this.errorHandler = () => {};
    this.closing = false;
    this.maxBufferedBytes = maxBufferedBytes;
    this.droppedDatagrams = 0;
  }

  async bind() {}  // nothing to bind: the flow opens with the first datagram

  onBatch(handler) {
    this.handler = handler;
  }

  /** The bridge refused the session or closed it: `handler(Error)` with the bridge's reason. */
  onError(handler) {
    this.errorHandler = handler;
  }

  send(bytes, address) {
    if (!this.socket) this.open(address);
    if (address !== this.target) {
      this.droppedDatagrams += 1;  // one flow per WebSocket
      return;
    }
    if (this.socket.readyState === 1) {
      if (this.congested()) {
        this.droppedDatagrams += 1;
        return;
      }
      if (!this.batch) return this.socket.send(bytes);
      this.pack(bytes, 0, bytes.length);
    } else if (this.socket.readyState === 0 && this.queue.length < maxQueued) {
      this.queue.push(bytes);
    } else {
      this.droppedDatagrams += 1;
    }
  }

  /** Sends `size` bytes of `memory` from `start`, which may change once this returns: in batch
   * mode on an open WebSocket they are packed at once, with no copy of their own. */
  sendFrom(memory, start, size, address) {
    if (this.batch && this.socket?.readyState === 1 && address === this.target) {
      if (this.congested()) this.droppedDatagrams += 1;
      else this.pack(memory, start, size);
      return;
    }
    this.send(memory.slice(start, start + size), address);
  }

  /** Adds a datagram to this turn's batch messages; the first one of a turn schedules sending. */
  pack(source, start, size) {
    if (this.packedBytes + 2 + size > maxBatchBytes) {
      this.outgoing.push(this.packing.slice(0, this.packedBytes));
      this.packedBytes = 0;
    }
    const at = this.packedBytes;
    this.packing[at] = size >> 8;
    this.packing[at + 1] = size & 0xff;
    this.packing.set(start === 0 && size === source.length ? source : source.subarray(start, start + size), at + 2);
    this.packedBytes += 2 + size;
    this.outgoingBytes += size;
    if (this.outgoing.length === 0 && at === 0) nextTask(() => this.sendOutgoing());
  }

  /** More than maxBufferedBytes wait in the WebSocket's send buffer (and this turn's batch). */
  congested() {
    return (this.socket.bufferedAmount ?? 0) + this.outgoingBytes > this.maxBufferedBytes;
  }

  sendOutgoing() {
    const messages = this.outgoing;
    if (this.packedBytes) messages.push(this.packing.slice(0, this.packedBytes));
    this.outgoing = [];
    this.outgoingBytes = 0;
    this.packedBytes = 0;
    if (this.socket.readyState !== 1) {
      for (const message of messages) this.droppedDatagrams += unpackBatch(message).length;
      return;
    }
    for (const message of messages) this.socket.send(message);
  }

  open(address) {
    this.target = address;
    const url = new URL(this.url);
    url.searchParams.set("target", address);
    const socket = new this.WebSocketClass(url.toString(), this.batch ? [batchSubprotocol] : []);
    socket.binaryType = "arraybuffer";
    let refusal;
    // Node's `ws` reports a refused upgrade with the bridge's HTTP answer; browsers cannot see it.
    socket.on?.("unexpected-response", (request, response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => {
        refusal = `bridge refused the session: HTTP ${response.statusCode} ${body.trim()}`;
        this.fail(refusal);
      });
    });
    socket.onopen = () => {
      const queued = this.queue.splice(0);
      if (this.batch) for (const message of packBatches(queued)) socket.send(message);
      else for (const bytes of queued) socket.send(bytes);
    };
    socket.onmessage = (event) => {
      if (typeof event.data === "string") return;
      if (this.batch) for (const bytes of unpackBatch(event.data)) this.pending.push({ bytes, address });
      else this.pending.push({ bytes: new Uint8Array(event.data), address });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        nextTask(() => this.flush());  // one batch per turn, not one call per datagram
      }
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.closing || refusal) return;
      this.fail(event.code === 1006 ? "cannot reach the bridge, or it refused the session"
                                    : `bridge closed the session: ${event.code} ${event.reason}`);
    };
    this.socket = socket;
  }

  fail(reason) {
    if (this.closing) return;
    this.closing = true;
    this.errorHandler(new Error(reason));
  }

  flush() {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length) this.handler(batch);
  }

  localAddress() {
    return { address: "websocket", port: 0 };
  }

  close() {
    this.closing = true;
    // What this turn packed goes first (a closing connection's SHUTDOWN is among it): the
    // WebSocket sends it before its close frame. Left to the next turn, it would find the socket
    // closing and be dropped, and the peer would wait out its idle timeout.
    if (this.socket?.readyState === 1 && (this.outgoing.length > 0 || this.packedBytes > 0)) this.sendOutgoing();
    this.socket?.close();
  }
}
