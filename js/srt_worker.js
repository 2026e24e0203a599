// SrtWorker: SRT off the main thread. The WebAssembly core, its timers and its transport run in a
// dedicated Worker (worker_threads in Node); the sockets it hands out here are thin proxies with
// SrtSocket's API, whose messages cross in batches, their buffers moved (transferred), not
// copied. A page's rendering and its player then never delay the protocol, nor it them.
// The protocol between the two sides: js/worker/protocol.js.
import { abortable, throwIfAborted } from "./abortable.js";
import { nextTask } from "./next_task.js";
import { MessageInbox } from "./message_inbox.js";
import { SrtError } from "./srt_error.js";
import { MessageSocket, asyncDispose } from "./socket_streams.js";
import { errorFromWire, messageCredit } from "./worker/protocol.js";
import { WorkerSrtServer } from "./worker_srt_server.js";
import { spawnWorker } from "#worker-threads";

export { WorkerSrtServer };

const constructing = Symbol("SrtWorker construction");

export class SrtWorker {
  #channel;
  #calls = new Map();    // call id → { resolve, reject }
  #sockets = new Map();  // socket id → WorkerSrtSocket
  #servers = new Map();  // server id → WorkerSrtServer
  #nextCall = 1;
  #failure;

  /** Starts the worker; resolves once it has loaded the core. */
  static async start() {
    const channel = spawnWorker();
    const worker = new SrtWorker(constructing, channel);
    channel.hold(true);  // until it answers
    try {
      await new Promise((resolve, reject) => {
        worker.#onReady = { resolve, reject };
      });
    } catch (error) {
      await channel.terminate();
      throw error;
    }
    worker.#updateHold();
    return worker;
  }

  #onReady;

  /** @internal use SrtWorker.start() */
  constructor(token, channel) {
    if (token !== constructing) throw new TypeError("use SrtWorker.start()");
    this.#channel = channel;
    channel.listen((message) => this.#receive(message));
    channel.onError((error) => this.#fail(new SrtError(`the SRT worker failed: ${error.message}`, { code: "ERR_SRT_TRANSPORT", cause: error })));
  }

  /** In Node, the worker keeps the process alive only while a call waits or a socket or server
   * is open. */
  #updateHold() {
    this.#channel.hold(this.#calls.size > 0 || this.#sockets.size > 0 || this.#servers.size > 0);
  }

  #receive(message) {
    switch (message?.op) {
      case "ready":
        return this.#onReady?.resolve();
      case "failed":
        return this.#onReady?.reject(errorFromWire(message.error));
      case "results":
        for (const { call, value, error } of message.results) {
          const pending = this.#calls.get(call);
          this.#calls.delete(call);
          if (error) pending?.reject(errorFromWire(error));
          else pending?.resolve(value);
        }
        return this.#updateHold();
      case "messages":
        return this.#sockets.get(message.socket)?._deliver(message.messages);
      case "admit":
        return this.#servers.get(message.server)?._admit(message.ask, message.request);
      case "refused":
        return this.#servers.get(message.server)?._refused(message.event);
      case "end": {
        const socket = this.#sockets.get(message.socket);
        this.#sockets.delete(message.socket);
        this.#updateHold();
        return socket?._end(message.error && errorFromWire(message.error));
      }
      default:
        return undefined;
    }
  }

  #fail(error) {
    this.#failure = error;
    this.#onReady?.reject(error);
    for (const pending of this.#calls.values()) pending.reject(error);
    this.#calls.clear();
    for (const socket of this.#sockets.values()) socket._end(error);
    this.#sockets.clear();
    for (const server of this.#servers.values()) server._end();
    this.#servers.clear();
  }

  /** @internal a request and the promise of its answer */
  _call(request, transfer = []) {
    if (this.#failure) return Promise.reject(this.#failure);
    const call = this.#nextCall++;
    const answer = new Promise((resolve, reject) => this.#calls.set(call, { resolve, reject }));
    this.#updateHold();
    this._post({ ...request, call }, transfer);
    return answer;
  }

  /** @internal a request without an answer, or with answers listed inside it */
  _post(message, transfer = []) {
    this.#channel.post(message, transfer);
  }

  /** @internal a call id for a request that carries several */
  _callId(resolve, reject) {
    const call = this.#nextCall++;
    this.#calls.set(call, { resolve, reject });
    this.#updateHold();
    return call;
  }

  /**
   * SrtSocket.connect() in the worker: resolves with a socket on this side. `bridge` — the
   * `websrt bridge` WebSocket URL to carry the datagrams (browsers need one; in Node the worker
   * opens a UDP socket when it is absent). Rejects as SrtSocket.connect() does.
   */
  async connect(uri, { bridge, signal } = {}) {
    throwIfAborted(signal);
    if (typeof uri !== "string") throw new TypeError("connect() takes an srt:// URI string");
    return this._adoptSocket(await abortable(this._call({ op: "connect", uri, bridge }), signal));
  }

  /** @internal the proxy of a connection the worker opened or accepted */
  _adoptSocket({ socket, peer, streamId }) {
    const proxy = new WorkerSrtSocket(constructing, this, socket, { peer, streamId });
    this.#sockets.set(socket, proxy);
    this.#updateHold();
    return proxy;
  }

  /**
   * SrtServer.listen() in the worker (Node: the worker binds the UDP port). Same URIs and
   * options, with the accept and onRefused callbacks run on this thread; resolves with a
   * WorkerSrtServer, whose counters() is a promise. Rejects as SrtServer.listen() does.
   */
  async listen(uri, { accept, onRefused, onError, maxPending, maxConnections, signal } = {}) {
    throwIfAborted(signal);
    if (typeof uri !== "string") throw new TypeError("listen() takes an srt:// URI string");
    if (accept !== undefined && typeof accept !== "function") throw new TypeError("accept must be a function");
    const request = { op: "listen", uri, askAccept: Boolean(accept), maxPending, maxConnections };
    const { server, address } = await this._call(request);
    const proxy = new WorkerSrtServer(this, server, address, { accept, onRefused, onError });
    this.#servers.set(server, proxy);
    this.#updateHold();
    if (signal?.aborted) {
      await proxy.close();
      throw signal.reason;
    }
    signal?.addEventListener("abort", () => proxy.close(), { once: true });
    return proxy;
  }

  /** @internal a server closed */
  _forgetServer(id) {
    this.#servers.delete(id);
    this.#updateHold();
  }

  /** Stops the worker at once: its connections end without SHUTDOWN (close them first). */
  async terminate() {
    this.#fail(new SrtError("the SRT worker was terminated", { code: "ERR_SRT_CLOSED" }));
    await this.#channel.terminate();
  }
}

/** A socket whose connection runs in an SrtWorker: SrtSocket's API, except that stats() is async. */
export class WorkerSrtSocket extends MessageSocket {
  #worker;
  #id;
  #peer;
  #streamId;
  #inbox = new MessageInbox(() => this.#taken(1));
  #ended = false;
  #error;
  #consumed = 0;     // messages read since the last grant
  #sending = [];     // this turn's messages, sent as one batch
  #closing;
  #resolveClosed;
  #closed = new Promise((resolve) => (this.#resolveClosed = resolve));

  /** @internal use SrtWorker.connect() */
  constructor(token, worker, id, { peer, streamId }) {
    super();
    if (token !== constructing) throw new TypeError("use SrtWorker.connect()");
    this.#worker = worker;
    this.#id = id;
    this.#peer = peer;
    this.#streamId = streamId;
  }

  get peer() {
    return this.#peer;
  }

  get streamId() {
    return this.#streamId;
  }

  get bufferedMessages() {
    return this.#inbox.size;
  }

  /** Resolves once the connection ended: with the SrtError that ended it, or undefined. */
  get closed() {
    return this.#closed;
  }

  /** @internal messages the worker forwarded */
  _deliver(messages) {
    this.#taken(this.#inbox.deliver(messages.map((message) => ({ ...message, data: new Uint8Array(message.data) }))));
  }

  /** @internal the connection ended */
  _end(error) {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#resolveClosed(error);
    this.#inbox.end(error);
  }

  /** `count` messages went to the application: credit for as many more, given back to the
   * worker in halves of what it may forward, not once per message. */
  #taken(count) {
    this.#consumed += count;
    if (this.#consumed >= messageCredit / 2) {
      this.#worker._post({ op: "grant", socket: this.#id, count: this.#consumed });
      this.#consumed = 0;
    }
  }

  /** As SrtSocket.send(): resolves once the worker's core took the message (it waits for room). */
  send(message, { ttl, inOrder = false, srcTime } = {}) {
    if (!(message instanceof Uint8Array)) return Promise.reject(new TypeError("send() takes a Uint8Array"));
    if (this.#ended) return Promise.reject(this.#error ?? new SrtError("socket is closed", { code: "ERR_SRT_CLOSED" }));
    return new Promise((resolve, reject) => {
      // A copy in a buffer of its own, moved to the worker: the caller keeps its bytes (a Node
      // Buffer's slice() would share, and moving its buffer would take Node's whole pool).
      const data = new Uint8Array(message).buffer;
      const call = this.#worker._callId(resolve, reject);
      if (this.#sending.push({ call, data, ttl, inOrder, srcTime }) === 1) nextTask(() => this.#flushSends());
    });
  }

  #flushSends() {
    if (this.#sending.length === 0) return;
    const items = this.#sending;
    this.#sending = [];
    this.#worker._post({ op: "send", socket: this.#id, items }, items.map((item) => item.data));
  }

  /** As SrtSocket.readMessage(): { data, messageNumber, sequence, srcTime } (srcTime on the worker's clock). */
  readMessage({ signal } = {}) {
    return this.#inbox.take({ signal });
  }

  /** libsrt-named statistics, from the worker: a promise (undefined once closed). */
  stats(clear = false) {
    if (this.#ended) return Promise.resolve(undefined);
    return this.#worker._call({ op: "stats", socket: this.#id, clear: Boolean(clear) });
  }

  /** As SrtSocket.close(): resolves with { unacknowledged }. */
  close({ lingerMs } = {}) {
    if (this.#ended) return Promise.resolve({ unacknowledged: 0 });
    this.#flushSends();  // messages sent before close() go first
    this.#closing ??= this.#worker._call({ op: "close", socket: this.#id, lingerMs });
    return this.#closing;
  }
}
