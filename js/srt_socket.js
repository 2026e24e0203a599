// SrtSocket: one SRT connection, as a caller (SrtSocket.connect) or accepted by an SrtServer.
// Messages are Uint8Arrays; errors are SrtErrors with a `code` (and libsrt's reject code where one
// applies). Backpressure both ways: send() waits while the send buffer is full, and a reader that
// falls behind leaves messages in the core, whose buffer is bounded (live mode then drops what
// comes too late, as libsrt does). Internals are private (#): the driver reaches a socket only
// through the sink it registers.
import { loadModule } from "./core.js";
import { EndpointDriver } from "./endpoint_driver.js";
import { checkClock, systemClock } from "./clock.js";
import { SrtError } from "./srt_error.js";
import { parseSrtUri, withHostAddress } from "./srt_uri.js";
import { abortable, throwIfAborted } from "./abortable.js";
import { MessageInbox } from "./message_inbox.js";
import { MessageSocket, asyncDispose } from "./socket_streams.js";
import { defaultTransport, resolveHostName, toNodeStream } from "#platform";

export { SrtError };

/** Messages queued in JS per connection before the driver stops pulling from the core. */
const readerHighWater = 1024;

/** Only the package constructs sockets (SrtSocket.connect, SrtServer). */
const constructing = Symbol("SrtSocket construction");

/** An IP address as it is, a name through the platform's resolver (none in browsers). */
async function resolveHost(host) {
  if (/^[\d.]+$/.test(host) || host.includes(":")) return host;
  return resolveHostName(host);
}

/** The Error a closed event stands for, or undefined for a clean close. */
function errorOf(event) {
  switch (event.reason) {
    case "rejected":
      return new SrtError(event.detail || `connection rejected (${event.rejectCode})`, { code: "ERR_SRT_REJECTED", rejectCode: event.rejectCode });
    case "connect_timeout":
      return new SrtError(event.detail, { code: "ERR_SRT_TIMEOUT" });
    case "peer_idle_timeout":
    case "failed":
      return new SrtError(event.detail, { code: "ERR_SRT_CONNECTION_LOST" });
    default:
      return undefined;  // local close or the peer's SHUTDOWN
  }
}

const closedError = () => new SrtError("socket is closed", { code: "ERR_SRT_CLOSED" });

/** A send() option in the core's microseconds (`scale` per unit given), or -1 when absent. */
function optionalTime(value, name, scale) {
  if (value === undefined) return -1;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0)
    throw new RangeError(`${name} must be a finite number ≥ 0, not ${value}`);
  return value * scale;
}

export class SrtSocket extends MessageSocket {
  #driver;
  #id;
  #ownsDriver;
  #peer;
  #streamId;
  #inbox = new MessageInbox((queued) => {
    if (queued < readerHighWater / 2) this.#driver.schedule();  // pull more from the core
  });
  #roomWaiters = new Set();   // senders waiting for room: woken by the core's writable event, or by the end
  #ended = false;
  #error;
  #finalStats;
  #unacknowledged = 0;        // what the closed event said was never acknowledged
  #resolveReady;
  #rejectReady;
  #ready;
  #resolveClosed;
  #closed = new Promise((resolve) => (this.#resolveClosed = resolve));

  /**
   * Connects as a caller, or meets a peer with `mode=rendezvous` (from the local port `port=`,
   * else the remote port, as srt-live-transmit; `adapter=` the local address): resolves once the
   * handshake completes, rejects with an SrtError
   * (ERR_SRT_URI, ERR_SRT_REJECTED with rejectCode, ERR_SRT_TIMEOUT) or, when `signal` aborts
   * first, with its reason (the attempt is abandoned and its port closed). `clock` replaces the
   * runtime's time and timer (tests on virtual time; see js/clock.js).
   */
  static async connect(uri, { transport, signal, clock = systemClock } = {}) {
    throwIfAborted(signal);
    checkClock(clock);
    const target = await parseSrtUri(uri);
    if (target.mode === "listener") throw new SrtError("SrtSocket.connect needs a caller or rendezvous URI (mode=listener: use SrtServer.listen)", { code: "ERR_SRT_URI" });
    const ip = await abortable(resolveHost(target.host), signal);
    const module = await loadModule();
    throwIfAborted(signal);
    const carrier = transport ?? defaultTransport(ip);
    await abortable(carrier.bind(target.bindPort, target.adapter), signal, () => carrier.close());
    const driver = new EndpointDriver(module, carrier, clock);
    const started = driver.endpoint.connect(driver.clock.now(), withHostAddress(uri, ip));
    if (!started.ok) {
      driver.close();
      throw new SrtError(started.error, { code: "ERR_SRT_URI" });
    }
    const socket = new SrtSocket(constructing, driver, started.id, { ownsDriver: true, connected: false, streamId: target.streamId });
    driver.service();
    await abortable(socket.#ready, signal, () => socket.#abandon());
    return socket;
  }

  /** @internal use SrtSocket.connect() or SrtServer */
  constructor(token, driver, id, { ownsDriver, connected, peer = "", streamId = "" }) {
    super();
    if (token !== constructing) throw new TypeError("use SrtSocket.connect() or SrtServer.listen() to get an SrtSocket");
    this.#driver = driver;
    this.#id = id;
    this.#ownsDriver = ownsDriver;
    this.#peer = peer;
    this.#streamId = streamId;
    this.#ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.#ready.catch(() => {});  // a caller that never connected reports it from connect()
    if (connected) this.#resolveReady();
    driver.connections.set(id, {
      room: () => readerHighWater - this.#inbox.size,
      onMessages: (messages) => this.#onMessages(messages),
      onEvent: (event) => this.#onEvent(event),
      finish: (error) => this.#finish(error),
      close: () => this.close({ lingerMs: 0 }),
    });
  }

  /** The peer's address, "1.2.3.4:5". */
  get peer() {
    return this.#peer;
  }

  /** The Stream ID: the one this caller sent, or the one an accepted caller sent. */
  get streamId() {
    return this.#streamId;
  }

  /** Messages received and held here until read (at most 1024: beyond, they wait in the core's
   * bounded receive buffer; only a connection the peer closed hands over all it holds). */
  get bufferedMessages() {
    return this.#inbox.size;
  }

  /** Resolves once the connection has ended: with the SrtError that ended it, or undefined for a
   * clean close (ours or the peer's). Never rejects. */
  get closed() {
    return this.#closed;
  }

  // ---- called by the driver, through the sink ----

  #onMessages(messages) {
    this.#inbox.deliver(messages);
  }

  #onEvent(event) {
    if (event.kind === "connected") {
      this.#peer = event.peer;
      this.#resolveReady();
    } else if (event.kind === "writable") {
      this.#wakeSenders();
    } else if (event.kind === "closed") {
      this.#finalStats = event.stats ?? undefined;
      this.#unacknowledged = event.unacknowledged ?? 0;
      this.#finish(errorOf(event));
    }
  }

  #finish(error) {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#rejectReady(error ?? new SrtError("closed before connecting", { code: "ERR_SRT_CLOSED" }));
    this.#inbox.end(error);
    // A send() waiting for room settles now (with the error): no writable event comes again.
    this.#wakeSenders();
    // The SHUTDOWN just queued leaves on this turn; the port closes on the next.
    if (this.#ownsDriver) setTimeout(() => this.#driver.close(), 0);
    this.#resolveClosed(error);
  }

  /** A connect() given up: the core forgets the connection and the port closes. */
  #abandon() {
    if (this.#ended) return;
    this.#driver.closeConnection(this.#id, { graceful: false });
    this.#finish(undefined);
  }

  // ---- application API ----

  /**
   * Sends one message (at most payloadsize bytes); waits while the send buffer is full. With the
   * message API's options (libsrt srt_sendmsg2): `ttl` — give it up unless sent within this many
   * milliseconds (the receiver is told to skip it); `inOrder` — the receiver may not deliver it
   * before earlier ones; `srcTime` — when it was made, in microseconds on this socket's clock
   * (its play-out time at the receiver counts from then; not before the connection started).
   */
  async send(message, { ttl, inOrder = false, srcTime } = {}) {
    if (!(message instanceof Uint8Array)) throw new TypeError("send() takes a Uint8Array");
    const control = { ttlUs: optionalTime(ttl, "ttl", 1000), inOrder: Boolean(inOrder), srcTime: optionalTime(srcTime, "srcTime", 1) };
    for (;;) {
      if (this.#ended) throw this.#error ?? closedError();
      const outcome = this.#driver.send(this.#id, message, control);
      if (outcome === "ok") return;
      if (outcome === "too_large") throw new SrtError(`message of ${message.length} bytes is larger than payloadsize`, { code: "ERR_SRT_MESSAGE_TOO_LARGE" });
      if (outcome === "bad_source_time") throw new RangeError(`srcTime ${srcTime} is before the connection started or in the future`);
      if (outcome === "not_connected") throw this.#error ?? new SrtError("socket is not connected", { code: "ERR_SRT_CLOSED" });
      await this.#room();
    }
  }

  /** Resolves at the core's writable event (ACKs made room) or at the end. */
  #room() {
    return new Promise((resolve) => this.#roomWaiters.add(resolve));
  }

  #wakeSenders() {
    const waiting = [...this.#roomWaiters];
    this.#roomWaiters.clear();
    for (const wake of waiting) wake();
  }

  /**
   * read() with what the sender said of the message (libsrt srt_recvmsg2's SRT_MSGCTRL):
   * `{ data, messageNumber, sequence, srcTime }`. srcTime: when the sender made it, in
   * microseconds on this socket's clock (performance.now() × 1000 unless a clock was given).
   */
  readMessage({ signal } = {}) {
    return this.#inbox.take({ signal });
  }

  /** A Node Duplex over the Web Streams (Node only). */
  async toNodeStream() {
    return toNodeStream({ readable: this.readable, writable: this.writable });
  }

  /** libsrt-named statistics; `clear` starts a new interval (srt_bistats clear). After the
   * connection closed: its last statistics, when the core reported them. */
  stats(clear = false) {
    if (this.#ended) return this.#finalStats;
    return this.#driver.endpoint.stats(this.#id, this.#driver.clock.now(), clear) ?? undefined;
  }

  /**
   * Closes gracefully: the core waits until the peer acknowledged everything sent and had the
   * time to play it, at most `lingerMs` (default: the URI's `linger`, else max(3 s, 4 × latency);
   * 0 closes at once), then sends SHUTDOWN. Resolves with how many packets were left
   * unacknowledged (0: everything arrived).
   */
  async close({ lingerMs } = {}) {
    if (!this.#ended) this.#driver.closeConnection(this.#id, { graceful: lingerMs !== 0, lingerMs });
    await this.#closed;
    return { unacknowledged: this.#unacknowledged };
  }
}

/** For SrtServer: a socket for a connection its endpoint accepted. */
export function acceptedSocket(driver, event) {
  return new SrtSocket(constructing, driver, event.id, { ownsDriver: false, connected: true, peer: event.peer, streamId: event.streamId });
}
