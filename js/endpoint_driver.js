// Runs one wasm SrtEndpoint with a transport and a timer: the JS twin of native-shim/udp_driver.
// Datagrams go in and out in batches through the endpoint's buffers in wasm memory; after every
// batch, timer or application call, service() sends what the core wants sent, dispatches its
// events, delivers due messages and re-arms the one timer at the core's next deadline. Every
// protocol rule (when a closing socket may go, when there is room to send) is the core's: it
// says so with events.

import { SrtError } from "./srt_error.js";
import { systemClock } from "./clock.js";

const recordHeader = 8;
/** Addresses kept tagged beyond those of live connections: past this many, the tags of addresses
 * no connection uses are freed (a flood from many source ports keeps the tables bounded). */
const maxIdleAddresses = 4096;
const padded = (size) => (size + 3) & ~3;

export class EndpointDriver {
  /**
   * @param module - the Emscripten module (loadModule()).
   * @param transport - a bound transport (NodeUdpTransport, WebSocketTransport, …).
   * @param clock - the time and the timer the core runs on (js/clock.js; checked by the public
   *   entry points, before they bind a port).
   */
  constructor(module, transport, clock = systemClock) {
    this.module = module;
    this.clock = clock;
    this.endpoint = new module.SrtEndpoint();
    this.transport = transport;
    this.sendFrom = typeof transport.sendFrom === "function";
    // The inbox's size: it starts small and grows when a batch does not fit (growInbox()).
    this.capacity = this.endpoint.bufferCapacity();
    if (this.capacity === 0) {
      this.endpoint.delete();
      throw new SrtError("out of memory for the endpoint's buffers", { code: "ERR_SRT_OUT_OF_MEMORY" });
    }
    this.tags = new Map();  // address text → tag
    this.addresses = [];    // tag → address text
    this.connections = new Map();  // id → a socket's sink: { room(), onMessages(array), onEvent(event), finish(error), close() }
    this.listener = undefined;     // { onEvent(event) } for accepted/refused
    this.timer = undefined;
    this.timerAt = -1;
    this.closed = false;
    this.serviceQueued = false;
    transport.onBatch((batch) => this.ingest(batch));
    // A transport that can fail on its own (a bridge refusing or dropping the session) ends
    // every connection with its reason.
    transport.onError?.((error) => this.fail(error));
  }

  fail(error) {
    const failure = new SrtError(error.message, { code: "ERR_SRT_TRANSPORT", cause: error });
    for (const connection of [...this.connections.values()]) connection.finish(failure);
    this.connections.clear();
  }

  heap() {
    return this.module.HEAPU8;  // taken afresh: memory growth replaces the view
  }

  /** Record headers are two little-endian u32 at 4-byte aligned addresses (wasm is little-endian). */
  words() {
    return this.module.HEAPU32;
  }

  tagOf(address) {
    let tag = this.tags.get(address);
    if (tag === undefined) {
      tag = this.endpoint.registerAddress(address);
      if (tag < 0) return -1;
      this.tags.set(address, tag);
      this.addresses[tag] = address;
    }
    return tag;
  }

  addressOf(tag) {
    if (this.addresses[tag] === undefined) this.addresses[tag] = this.endpoint.addressOf(tag);
    return this.addresses[tag];
  }

  /** A batch of datagrams from the transport. */
  ingest(batch) {
    if (this.closed) return;
    let offset = 0;
    let count = 0;
    let base = this.endpoint.inboxAddress();
    const flush = () => {
      if (count) this.endpoint.handleInbox(this.clock.now(), count);
      offset = 0;
      count = 0;
    };
    for (const { bytes, address } of batch) {
      if (bytes.length > 1500) continue;  // larger than any SRT packet: not ours
      if (offset + recordHeader + padded(bytes.length) > this.capacity) {
        // A batch larger than the inbox: hand over what it holds, and let the inbox grow (it may
        // move) so that the next batches cross in fewer calls.
        flush();
        this.capacity = this.endpoint.growInbox();
        base = this.endpoint.inboxAddress();
      }
      const tag = this.tagOf(address);
      if (tag < 0) continue;
      const words = this.words();
      words[(base + offset) >> 2] = bytes.length;
      words[((base + offset) >> 2) + 1] = tag;
      this.heap().set(bytes, base + offset + recordHeader);
      offset += recordHeader + padded(bytes.length);
      count += 1;
    }
    flush();
    this.service();
  }

  /** Sends, dispatches and delivers what is due now, then re-arms the timer. */
  service() {
    if (this.closed) return;
    const now = this.clock.now();
    this.sendTransmits(now);
    for (const event of this.endpoint.pollEvents()) this.dispatch(event, now);
    for (const [id, connection] of this.connections) this.deliver(id, connection, now);
    // Delivering may have made the application send: flush once more.
    this.sendTransmits(this.clock.now());
    this.arm();
    if (this.tags.size > maxIdleAddresses + this.connections.size) this.releaseAddresses();
  }

  /** Forgets the tags the endpoint freed (between batches: no record holds them now). */
  releaseAddresses() {
    for (const tag of this.endpoint.releaseUnusedAddresses()) {
      const address = this.addresses[tag];
      if (address !== undefined) this.tags.delete(address);
      this.addresses[tag] = undefined;
    }
  }

  /** One service() at the end of this turn, however many calls asked for it. */
  schedule() {
    if (this.serviceQueued || this.closed) return;
    this.serviceQueued = true;
    queueMicrotask(() => {
      this.serviceQueued = false;
      this.service();
    });
  }

  sendTransmits(now) {
    for (;;) {
      const count = this.endpoint.pollTransmits(now);
      if (count === 0) return;
      const heap = this.heap();
      const base = this.endpoint.outboxAddress();
      let offset = 0;
      const words = this.words();
      for (let i = 0; i < count; i += 1) {
        const size = words[(base + offset) >> 2];
        const tag = words[((base + offset) >> 2) + 1];
        const start = base + offset + recordHeader;
        // Straight from wasm memory where the transport can (one copy, into its own send slots);
        // else a copy, since a transport may keep the bytes past the next call into the core.
        if (this.sendFrom) this.transport.sendFrom(heap, start, size, this.addressOf(tag));
        else this.transport.send(heap.slice(start, start + size), this.addressOf(tag));
        offset += recordHeader + padded(size);
      }
    }
  }

  /** Hands `connection` the messages due now, as many as it has room for (all of them when `all`). */
  deliver(id, connection, now, all = false) {
    for (;;) {
      const room = all ? 0xffffffff : connection.room();
      if (room <= 0) return;  // a slow reader: leave the rest in the core
      const count = this.endpoint.receiveBatch(id, now, room);
      if (count === 0) return;
      if (count < 0) {
        // A file-mode message longer than the wasm memory can hold: it can never be read.
        this.endpoint.close(id, now, false, 0);
        connection.finish(new SrtError("a received message is longer than memory can hold", { code: "ERR_SRT_CONNECTION_LOST" }));
        return;  // its closed event comes next and finds the socket already ended
      }
      const heap = this.heap();
      const base = this.endpoint.outboxAddress();
      const info = this.endpoint.infoAddress() >> 3;  // three doubles a message
      const doubles = this.module.HEAPF64;
      const messages = [];
      let offset = 0;
      for (let i = 0; i < count; i += 1) {
        const size = this.words()[(base + offset) >> 2];
        const start = base + offset + recordHeader;
        messages.push({
          data: heap.slice(start, start + size),
          messageNumber: doubles[info + 3 * i],
          sequence: doubles[info + 3 * i + 1],
          srcTime: doubles[info + 3 * i + 2],
        });
        offset += recordHeader + padded(size);
      }
      connection.onMessages(messages);
    }
  }

  dispatch(event, now) {
    const connection = this.connections.get(event.id);
    // A connection the peer closed still holds what arrived, all of it due now: the socket
    // takes it before the end, since the connection is forgotten here.
    if (connection && event.kind === "closed") this.deliver(event.id, connection, now, true);
    if (connection) connection.onEvent(event);
    else if (this.listener) this.listener.onEvent(event);
    if (event.kind === "closed") this.connections.delete(event.id);
  }

  arm() {
    const at = this.endpoint.nextTimeout();
    if (at < 0) {
      this.clock.clearTimer(this.timer);
      this.timer = undefined;
      this.timerAt = -1;
      return;
    }
    if (this.timer !== undefined && this.timerAt === at) return;
    this.clock.clearTimer(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.timerAt = -1;
      if (this.closed) return;
      this.endpoint.handleTimeout(this.clock.now());
      this.service();
    }, Math.max(0, (at - this.clock.now()) / 1000));
  }

  /** Sends one message: "ok", "too_large", "buffer_full", "not_connected" or "bad_source_time".
   * `control`: { ttlUs, inOrder, srcTime } (times in µs, -1 for none). */
  send(id, bytes, { ttlUs = -1, inOrder = false, srcTime = -1 } = {}) {
    // A file-mode message may be longer than the inbox, which then grows for it.
    const address = bytes.length > this.capacity ? this.endpoint.inboxFor(bytes.length) : this.endpoint.inboxAddress();
    if (address === 0) return "too_large";
    this.heap().set(bytes, address);
    const outcome = this.endpoint.send(id, this.clock.now(), bytes.length, ttlUs, inOrder, srcTime);
    // Only a queued message gives the core something to send; a refused one must not spin a
    // service → room → send loop of microtasks that would starve I/O and timers.
    if (outcome === "ok") this.schedule();
    return outcome;
  }

  /** Ends connection `id`: gracefully (the core waits for acknowledgement and play-out, at most
   * `lingerMs`, or its own linger when undefined) or at once; its closed event follows. */
  closeConnection(id, { graceful, lingerMs }) {
    this.endpoint.close(id, this.clock.now(), graceful, lingerMs ?? -1);
    this.service();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.clock.clearTimer(this.timer);
    this.transport.close();
    this.endpoint.delete();
  }
}
