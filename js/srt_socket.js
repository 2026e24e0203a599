// The public socket API: SrtSocket (one SRT connection, as caller or accepted by a server) and
// SrtServer (a listener). Messages are Uint8Arrays; errors are SrtErrors with a `code` (and
// libsrt's reject code where one applies). Backpressure both ways: send() waits while the send
// buffer is full, and a reader that falls behind leaves messages in the core, whose buffer is
// bounded (live mode then drops what comes too late, as libsrt does).
import { loadModule } from "./core.js";
import { EndpointDriver, nowMicros } from "./endpoint_driver.js";
import { NodeUdpTransport } from "./udp_transport.js";
import { SrtError } from "./srt_error.js";

export { SrtError };

const isNode = typeof process === "object" && typeof process.versions?.node === "string";

/** Messages queued in JS per connection before the driver stops pulling from the core. */
const readerHighWater = 1024;
/** Time allowed beyond the peer's latency for the last packet to reach it and be played. */
const playedOutMarginMs = 100;

/** Checks an srt:// URI's options as connect()/listen() will, without opening anything; throws
 * an SrtError (ERR_SRT_URI) naming what is wrong. */
export async function checkSrtUri(uri) {
  parseSrtUri(uri);
  const module = await loadModule();
  const result = module.SrtEndpoint.checkUri(String(uri));
  if (!result.ok) throw new SrtError(result.error, { code: "ERR_SRT_URI" });
}

/** Splits "srt://host:port?query" (host may be empty or [v6]); the core checks the options. */
export function parseSrtUri(uri) {
  const match = /^srt:\/\/(\[[^\]]*\]|[^:/?[\]]*)(?::(\d+))?\/?(?:\?(.*))?$/.exec(String(uri));
  if (!match) throw new SrtError(`not an srt:// URI: ${uri}`, { code: "ERR_SRT_URI" });
  const port = Number(match[2]);
  if (!match[2] || !(port >= 1 && port <= 65535)) throw new SrtError(`srt:// URI needs a port in 1..65535: ${uri}`, { code: "ERR_SRT_URI" });
  const query = match[3] ?? "";
  const params = new URLSearchParams(query);
  const host = match[1].replace(/^\[|\]$/g, "");
  // srt-live-transmit's aliases: client = caller, server = listener.
  const aliases = { client: "caller", server: "listener" };
  const given = params.get("mode");
  const mode = aliases[given] ?? given ?? (host ? "caller" : "listener");
  return { host, port, query, mode, adapter: params.get("adapter") ?? undefined };
}

const withHost = (target, ip) =>
  `srt://${ip.includes(":") ? `[${ip}]` : ip}:${target.port}${target.query ? `?${target.query}` : ""}`;

async function resolveHost(host) {
  if (/^[\d.]+$/.test(host) || host.includes(":")) return host;
  if (!isNode) throw new SrtError(`cannot resolve ${host} here: give an IP address`, { code: "ERR_SRT_URI" });
  const { lookup } = await import("node:dns/promises");
  try {
    return (await lookup(host)).address;
  } catch (error) {
    throw new SrtError(`cannot resolve ${host}: ${error.message}`, { code: "ERR_SRT_URI", cause: error });
  }
}

function defaultTransport(ip) {
  if (!isNode) throw new SrtError("no transport: pass { transport } (browsers cannot open UDP sockets)", { code: "ERR_SRT_TRANSPORT" });
  return new NodeUdpTransport({ type: ip.includes(":") ? "udp6" : "udp4" });
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

export class SrtSocket {
  /**
   * Connects as a caller: resolves once the handshake completes, rejects with an SrtError
   * (ERR_SRT_URI, ERR_SRT_REJECTED with rejectCode, ERR_SRT_TIMEOUT).
   */
  static async connect(uri, { transport } = {}) {
    const target = parseSrtUri(uri);
    if (target.mode !== "caller") throw new SrtError(`SrtSocket.connect needs a caller URI (mode=${target.mode})`, { code: "ERR_SRT_URI" });
    const ip = await resolveHost(target.host);
    const module = await loadModule();
    const carrier = transport ?? defaultTransport(ip);
    await carrier.bind(0);
    const driver = new EndpointDriver(module, carrier);
    const started = driver.endpoint.connect(nowMicros(), withHost(target, ip));
    if (!started.ok) {
      driver.close();
      throw new SrtError(started.error, { code: "ERR_SRT_URI" });
    }
    const socket = new SrtSocket(driver, started.id, { ownsDriver: true, connected: false });
    driver.service();
    await socket.ready;
    return socket;
  }

  /** @internal use SrtSocket.connect() or SrtServer */
  constructor(driver, id, { ownsDriver, connected, peer = "", streamId = "" }) {
    this.driver = driver;
    this.id = id;
    this.ownsDriver = ownsDriver;
    this.peer = peer;
    this.streamId = streamId;
    this.messages = [];
    this.waiting = [];  // readers waiting for a message: { resolve, reject }
    this.roomWaiters = new Set();  // senders waiting for room: woken by the driver's service, or by the end
    this.closed = false;
    this.error = undefined;
    this.closedPromise = new Promise((resolve) => (this.resolveClosed = resolve));
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    if (connected) this.resolveReady();
    driver.connections.set(id, this);
  }

  // ---- called by the driver ----

  wantsMessages() {
    return this.messages.length < readerHighWater;
  }

  onMessages(messages) {
    for (const message of messages) {
      const reader = this.waiting.shift();
      if (reader) reader.resolve({ value: message, done: false });
      else this.messages.push(message);
    }
  }

  onEvent(event) {
    if (event.kind === "connected") {
      this.peer = event.peer;
      this.resolveReady();
    } else if (event.kind === "closed") {
      this.finalStats = event.stats ?? undefined;
      this.finish(errorOf(event));
    }
  }

  finish(error) {
    if (this.closed) return;
    this.closed = true;
    this.error = error;
    this.rejectReady(error ?? new SrtError("closed before connecting", { code: "ERR_SRT_CLOSED" }));
    for (const reader of this.waiting.splice(0)) {
      if (error) reader.reject(error);
      else reader.resolve({ value: undefined, done: true });
    }
    // A send() waiting for room settles now (with the error): no service may ever come again.
    for (const wake of [...this.roomWaiters]) wake();
    // The SHUTDOWN just queued leaves on this turn; the port closes on the next.
    if (this.ownsDriver) setTimeout(() => this.driver.close(), 0);
    this.resolveClosed();
  }

  // ---- application API ----

  /** Sends one message (live mode: at most payloadsize bytes); waits while the send buffer is full. */
  async send(message) {
    if (!(message instanceof Uint8Array)) throw new TypeError("send() takes a Uint8Array");
    for (;;) {
      if (this.closed) throw this.error ?? new SrtError("socket is closed", { code: "ERR_SRT_CLOSED" });
      const outcome = this.driver.send(this.id, message);
      if (outcome === "ok") {
        this.lastSendTime = performance.now();
        return;
      }
      if (outcome === "too_large") throw new SrtError(`message of ${message.length} bytes is larger than payloadsize`, { code: "ERR_SRT_MESSAGE_TOO_LARGE" });
      if (outcome === "not_connected") throw this.error ?? new SrtError("socket is not connected", { code: "ERR_SRT_CLOSED" });
      await this.room();
    }
  }

  /** Resolves after the next service of the driver (ACKs may have made room). */
  room() {
    return new Promise((resolve) => {
      const done = () => {
        this.driver.afterService.delete(done);
        this.roomWaiters.delete(done);
        resolve();
      };
      this.driver.afterService.add(done);
      this.roomWaiters.add(done);
    });
  }

  /** The next message, or done when the peer closed. */
  next() {
    const message = this.messages.shift();
    if (message) {
      if (this.messages.length < readerHighWater / 2) this.driver.schedule();  // pull more from the core
      return Promise.resolve({ value: message, done: false });
    }
    if (this.closed) return this.error ? Promise.reject(this.error) : Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  [Symbol.asyncIterator]() {
    return { next: () => this.next(), return: async () => ({ value: undefined, done: true }) };
  }

  /** Web Streams: messages out, messages in. */
  get readable() {
    this.readableStream ??= new ReadableStream({
      pull: async (controller) => {
        const { value, done } = await this.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
    });
    return this.readableStream;
  }

  get writable() {
    this.writableStream ??= new WritableStream({
      write: (chunk) => this.send(chunk),
      close: () => this.close(),
    });
    return this.writableStream;
  }

  /** A Node Duplex over the Web Streams (Node only). */
  async toNodeStream() {
    const { Duplex } = await import("node:stream");
    return Duplex.fromWeb({ readable: this.readable, writable: this.writable });
  }

  /** libsrt-named statistics; `clear` starts a new interval (srt_bistats clear). After the
   * connection closed: its last statistics, when the core reported them. */
  stats(clear = false) {
    if (this.closed) return this.finalStats;
    return this.driver.endpoint.stats(this.id, nowMicros(), clear) ?? undefined;
  }

  /**
   * Closes gracefully: waits (up to `lingerMs`) until the peer acknowledged everything sent and
   * had the time to play it (its latency after the last message), then sends SHUTDOWN. Resolves
   * with how many packets were left unacknowledged (0: everything arrived).
   */
  async close({ lingerMs = 5000 } = {}) {
    if (this.closed) {
      await this.closedPromise;
      return { unacknowledged: 0 };
    }
    const deadline = performance.now() + lingerMs;
    const playedOut = () =>
      this.lastSendTime === undefined ||
      performance.now() >= this.lastSendTime + Math.max(0, this.driver.endpoint.peerLatency(this.id)) + playedOutMarginMs;
    // Counted on each pass: when the peer closes meanwhile, what it had not acknowledged by then.
    let unacknowledged = 0;
    while (!this.closed && performance.now() < deadline) {
      unacknowledged = Math.max(0, this.driver.endpoint.unacknowledged(this.id));
      if (unacknowledged === 0 && playedOut()) break;
      await Promise.race([this.room(), new Promise((resolve) => setTimeout(resolve, 5))]);
    }
    if (!this.closed) {
      unacknowledged = Math.max(0, this.driver.endpoint.unacknowledged(this.id));
      this.finalStats = this.stats();
      this.driver.endpoint.close(this.id, nowMicros());
      this.driver.service();
    }
    this.finish(undefined);
    await this.closedPromise;
    return { unacknowledged };
  }
}

/** Accepted connections waiting for the application to take them; beyond, callers are refused. */
const defaultMaxPendingAccepts = 128;
/** libsrt SRT_REJ_BACKLOG: what a caller gets when the accept queue is full. */
const rejectBacklog = 5;

export class SrtServer {
  /**
   * Listens on the URI's port. `accept({ streamId, peer })` (synchronous) returns true/undefined
   * to admit a caller, false to refuse it (1403 forbidden) or a reject code. `onRefused(event)`
   * hears of callers the server turned away (wrong passphrase, …). At most `maxPending`
   * accepted connections wait for the application to take them (`for await`), and at most
   * `maxConnections` (default 1024, the core's) are open at once; further callers are refused
   * with SRT_REJ_BACKLOG (5). A callback that throws refuses that caller (accept)
   * or is ignored (onRefused); either way the error goes to `onError(error)` (default: printed
   * with console.error) and the server keeps running.
   */
  static async listen(uri, { accept, onRefused, onError, transport, maxPending = defaultMaxPendingAccepts, maxConnections = 0 } = {}) {
    if (!Number.isInteger(maxPending) || maxPending < 1) throw new SrtError("maxPending must be a positive integer", { code: "ERR_SRT_URI" });
    if (!Number.isInteger(maxConnections) || maxConnections < 0) throw new SrtError("maxConnections must be a non-negative integer", { code: "ERR_SRT_URI" });
    const target = parseSrtUri(uri);
    if (target.mode !== "listener") throw new SrtError(`SrtServer.listen needs a listener URI (mode=${target.mode})`, { code: "ERR_SRT_URI" });
    const module = await loadModule();
    const bindAddress = target.adapter ?? (target.host || undefined);
    const carrier = transport ?? defaultTransport(bindAddress ?? "");
    await carrier.bind(target.port, bindAddress);
    const driver = new EndpointDriver(module, carrier);
    const server = new SrtServer(driver, { onRefused, onError, maxPending });
    const decide = (streamId, peer) => {
      // Taken or not, an accepted connection stays in the queue until the application takes it.
      if (server.pending.length >= maxPending) {
        server.ownCounters.refusedQueueFull += 1;
        return rejectBacklog;
      }
      if (!accept) return 0;
      try {
        const answer = accept({ streamId, peer });
        if (answer === undefined || answer === true) return 0;
        if (answer === false) return 1403;
        return Number.isInteger(answer) ? answer : 1403;
      } catch (error) {
        server.report(error, "accept");
        return 1403;  // an accept callback that throws refuses, never breaks the endpoint
      }
    };
    const listening = driver.endpoint.listen(uri, decide, maxConnections);
    if (!listening.ok) {
      driver.close();
      throw new SrtError(listening.error, { code: "ERR_SRT_URI" });
    }
    return server;
  }

  /** @internal */
  constructor(driver, { onRefused, onError, maxPending }) {
    this.driver = driver;
    this.onRefused = onRefused;
    this.onError = onError;
    this.maxPending = maxPending;
    this.pending = [];
    this.waiting = [];
    this.closed = false;
    this.ownCounters = { refusedQueueFull: 0, callbackErrors: 0 };
    driver.listener = { onEvent: (event) => this.onEvent(event) };
  }

  /** What the server turned away or dropped: callers refused for a full accept queue, callbacks
   * that threw, and the port's own counters (datagrams oversize, undecodable, unroutable or with
   * a bad cookie; callers refused; …). */
  get counters() {
    if (this.finalCounters) return this.finalCounters;
    return { ...this.driver.endpoint.counters(), ...this.ownCounters };
  }

  /** A callback of the application threw: counted and handed to onError, never rethrown. */
  report(error, callback) {
    this.ownCounters.callbackErrors += 1;
    const wrapped = new SrtError(`the ${callback} callback threw: ${error?.message ?? error}`, { code: "ERR_SRT_CALLBACK", cause: error });
    try {
      if (this.onError) this.onError(wrapped);
      else console.error(`websrt: ${wrapped.message}`);
    } catch {
      // an onError that throws too has nowhere left to go
    }
  }

  onEvent(event) {
    if (event.kind === "accepted") {
      const socket = new SrtSocket(this.driver, event.id, { ownsDriver: false, connected: true, peer: event.peer, streamId: event.streamId });
      const reader = this.waiting.shift();
      if (reader) reader({ value: socket, done: false });
      else this.pending.push(socket);
    } else if (event.kind === "refused") {
      try {
        this.onRefused?.(event);
      } catch (error) {
        this.report(error, "onRefused");
      }
    }
  }

  /** The local UDP address the server listens on. */
  address() {
    return this.driver.transport.localAddress();
  }

  next() {
    const socket = this.pending.shift();
    if (socket) return Promise.resolve({ value: socket, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  [Symbol.asyncIterator]() {
    return { next: () => this.next(), return: async () => ({ value: undefined, done: true }) };
  }

  /** Closes every accepted connection and the port. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    const sockets = [...this.driver.connections.values()];
    await Promise.all(sockets.map((socket) => socket.close({ lingerMs: 0 })));
    for (const reader of this.waiting.splice(0)) reader({ value: undefined, done: true });
    this.finalCounters = this.counters;  // the endpoint goes with the driver
    this.driver.close();
  }
}
