// SrtServer: an SRT listener. Callers the application's `accept` admits wait in a bounded queue
// until the application takes them (`for await`, `accept()`); beyond it, or beyond the core's
// connection cap, callers are refused with SRT_REJ_BACKLOG as libsrt refuses them.
import { loadModule } from "./core.js";
import { EndpointDriver } from "./endpoint_driver.js";
import { checkClock, systemClock } from "./clock.js";
import { SrtError } from "./srt_error.js";
import { parseSrtUri } from "./srt_uri.js";
import { asyncDispose } from "./socket_streams.js";
import { acceptedSocket } from "./srt_socket.js";
import { defaultTransport } from "#platform";
import { abortable, throwIfAborted } from "./abortable.js";
import { parseStreamId } from "./stream_id.js";
import { DeferredAdmissions } from "./deferred_admissions.js";

/** Accepted connections waiting for the application to take them; beyond, callers are refused. */
const defaultMaxPendingAccepts = 128;
/** libsrt SRT_REJ_BACKLOG: what a caller gets when the accept queue is full. */
const rejectBacklog = 5;
/** libsrt's reject code for "forbidden" (SRT_REJX_FORBIDDEN, access control's 403). */
export const rejectForbidden = 1403;

const constructing = Symbol("SrtServer construction");

/** An accept callback's answer as a reject code: 0 admits. */
export function admissionCode(answer) {
  if (answer === undefined || answer === true) return 0;
  if (answer === false) return rejectForbidden;
  return Number.isInteger(answer) && answer >= 0 ? answer : rejectForbidden;
}

export class SrtServer {
  #driver;
  #onRefused;
  #onError;
  #pending = [];
  #takers = [];  // accept() calls waiting for a caller: { resolve }
  #ended = false;
  #ownCounters = { refusedQueueFull: 0, refusedUndecided: 0, callbackErrors: 0 };
  #admissions;
  #finalCounters;
  #resolveClosed;
  #closed = new Promise((resolve) => (this.#resolveClosed = resolve));

  /**
   * Listens on the URI's port (0: any free one; `address()` tells which). `accept({ streamId,
   * peer, parsedStreamId })` (parsedStreamId is parseStreamId(streamId)) returns true/undefined
   * to admit a caller, false to refuse it (1403 forbidden) or a reject code, or a promise of one
   * of these: the caller is then answered when it repeats its handshake after the promise
   * settled (within 250 ms; at most `maxPending` callers wait for an answer, further ones are
   * refused with SRT_REJ_BACKLOG). `onRefused(event)` hears of callers the server turned away
   * (wrong passphrase, …). At most `maxPending` accepted connections wait for the application to
   * take them, and at most `maxConnections` (default 1024, the core's) are open at once; further
   * callers are refused with SRT_REJ_BACKLOG (5). A callback that throws refuses that caller
   * (accept) or is ignored (onRefused); either way the error goes to `onError(error)` (default:
   * printed with console.error) and the server keeps running. `signal` aborting closes the
   * server (before it listens: listen() rejects with the signal's reason). `clock` replaces the
   * runtime's time and timer (tests on virtual time; see js/clock.js).
   */
  static async listen(uri, { accept, onRefused, onError, transport, signal, clock = systemClock, maxPending = defaultMaxPendingAccepts, maxConnections = 0 } = {}) {
    throwIfAborted(signal);
    checkClock(clock);
    if (!Number.isInteger(maxPending) || maxPending < 1) throw new SrtError("maxPending must be a positive integer", { code: "ERR_SRT_URI" });
    if (!Number.isInteger(maxConnections) || maxConnections < 0) throw new SrtError("maxConnections must be a non-negative integer", { code: "ERR_SRT_URI" });
    const target = await parseSrtUri(uri);
    if (target.mode !== "listener") throw new SrtError(`SrtServer.listen needs a listener URI (mode=${target.mode})`, { code: "ERR_SRT_URI" });
    const module = await loadModule();
    throwIfAborted(signal);
    const bindAddress = target.adapter ?? (target.host || undefined);
    const carrier = transport ?? defaultTransport(bindAddress ?? "");
    await abortable(carrier.bind(target.port, bindAddress), signal, () => carrier.close());
    const driver = new EndpointDriver(module, carrier, clock);
    const server = new SrtServer(constructing, driver, { onRefused, onError });
    server.#admissions = new DeferredAdmissions({ maxAsking: maxPending, clock });
    const decide = (streamId, peer) => {
      // Taken or not, an accepted connection stays in the queue until the application takes it.
      if (server.#pending.length >= maxPending) {
        server.#ownCounters.refusedQueueFull += 1;
        return rejectBacklog;
      }
      if (!accept) return 0;
      const code = server.#admissions.decide(`${peer} ${streamId}`, () => server.#ask(accept, { streamId, peer }));
      if (code !== undefined) return code;
      server.#ownCounters.refusedUndecided += 1;
      return rejectBacklog;
    };
    const listening = driver.endpoint.listen(uri, decide, maxConnections);
    if (!listening.ok) {
      driver.close();
      throw new SrtError(listening.error, { code: "ERR_SRT_URI" });
    }
    if (signal) {
      if (signal.aborted) await server.close();
      else signal.addEventListener("abort", () => server.close(), { once: true });
    }
    return server;
  }

  /** @internal use SrtServer.listen() */
  constructor(token, driver, { onRefused, onError }) {
    if (token !== constructing) throw new TypeError("use SrtServer.listen() to get an SrtServer");
    this.#driver = driver;
    this.#onRefused = onRefused;
    this.#onError = onError;
    driver.listener = { onEvent: (event) => this.#onEvent(event) };
  }

  /** What the server turned away or dropped: callers refused for a full accept queue, callbacks
   * that threw, and the port's own counters (datagrams oversize, undecodable, unroutable or with
   * a bad cookie; callers refused; …). */
  get counters() {
    if (this.#finalCounters) return this.#finalCounters;
    return { ...this.#driver.endpoint.counters(), ...this.#ownCounters };
  }

  /** Resolves once the server is closed. Never rejects. */
  get closed() {
    return this.#closed;
  }

  /** A callback of the application threw: counted and handed to onError, never rethrown. */
  #report(error, callback) {
    this.#ownCounters.callbackErrors += 1;
    const wrapped = new SrtError(`the ${callback} callback threw: ${error?.message ?? error}`, { code: "ERR_SRT_CALLBACK", cause: error });
    try {
      if (this.#onError) this.#onError(wrapped);
      else console.error(`websrt: ${wrapped.message}`);
    } catch {
      // an onError that throws too has nowhere left to go
    }
  }

  /** The application's answer for a caller as a reject code (0 admits), or a promise of one. An
   * accept callback that throws or rejects refuses, and never breaks the endpoint. */
  #ask(accept, { streamId, peer }) {
    const refuse = (error) => {
      this.#report(error, "accept");
      return rejectForbidden;
    };
    let answer;
    try {
      answer = accept({ streamId, peer, parsedStreamId: parseStreamId(streamId) });
    } catch (error) {
      return refuse(error);
    }
    if (typeof answer?.then !== "function") return admissionCode(answer);
    return Promise.resolve(answer).then(admissionCode, refuse);
  }

  #onEvent(event) {
    if (event.kind === "accepted") {
      const socket = acceptedSocket(this.#driver, event);
      const taker = this.#takers.shift();
      if (taker) taker.resolve(socket);
      else this.#pending.push(socket);
    } else if (event.kind === "refused") {
      try {
        this.#onRefused?.(event);
      } catch (error) {
        this.#report(error, "onRefused");
      }
    }
  }

  /** The local UDP address the server listens on (with the port picked for port 0). */
  address() {
    return this.#driver.transport.localAddress();
  }

  /**
   * The next accepted connection, or undefined once the server is closed; rejects with
   * `signal`'s reason when it aborts first (the server stays open).
   */
  accept({ signal } = {}) {
    try {
      throwIfAborted(signal);
    } catch (error) {
      return Promise.reject(error);
    }
    const socket = this.#pending.shift();
    if (socket) return Promise.resolve(socket);
    if (this.#ended) return Promise.resolve(undefined);
    let taker;
    const waiting = new Promise((resolve) => {
      taker = { resolve };
      this.#takers.push(taker);
    });
    return abortable(waiting, signal, () => {
      const index = this.#takers.indexOf(taker);
      if (index >= 0) this.#takers.splice(index, 1);
    });
  }

  /** The next accepted connection as an iterator result: done once the server is closed. */
  async next() {
    const socket = await this.accept();
    return socket === undefined ? { value: undefined, done: true } : { value: socket, done: false };
  }

  /** Accepted connections until the server closes. Leaving the loop stops taking callers here
   * but keeps the server and its connections open (close() ends them). */
  [Symbol.asyncIterator]() {
    return {
      next: () => this.next(),
      return: async () => ({ value: undefined, done: true }),
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** `await using server = …` closes it at the end of the scope. */
  async [asyncDispose]() {
    await this.close();
  }

  /** Closes every accepted connection and the port. */
  async close() {
    if (this.#ended) return this.#closed;
    this.#ended = true;
    // Every connection, taken or still pending, has its sink in the driver.
    await Promise.all([...this.#driver.connections.values()].map((sink) => sink.close()));
    this.#pending.length = 0;
    for (const taker of this.#takers.splice(0)) taker.resolve(undefined);
    this.#finalCounters = this.counters;  // the endpoint goes with the driver
    this.#driver.close();
    this.#resolveClosed();
    return this.#closed;
  }
}
