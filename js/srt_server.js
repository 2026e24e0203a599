// SrtServer: an SRT listener. Callers the application's `accept` admits wait in a bounded queue
// until the application takes them (`for await`, `accept()`); beyond it, or beyond the core's
// connection cap, callers are refused with SRT_REJ_BACKLOG as libsrt refuses them.
import { loadModule } from "./core.js";
import { EndpointDriver } from "./endpoint_driver.js";
import { checkClock, systemClock } from "./clock.js";
import { SrtError } from "./srt_error.js";
import { parseSrtUri } from "./srt_uri.js";
import { acceptedSocket } from "./srt_socket.js";
import { defaultTransport } from "#platform";
import { abortable, throwIfAborted } from "./abortable.js";
import { parseStreamId } from "./stream_id.js";
import { DeferredAdmissions } from "./deferred_admissions.js";
import { AcceptQueue, askAccept, reportCallbackError } from "./accept_queue.js";

/** Accepted connections waiting for the application to take them; beyond, callers are refused. */
const defaultMaxPendingAccepts = 128;
/** libsrt SRT_REJ_BACKLOG: what a caller gets when the accept queue is full. */
const rejectBacklog = 5;

const constructing = Symbol("SrtServer construction");

export class SrtServer extends AcceptQueue {
  #driver;
  #onRefused;
  #onError;
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
      if (server._waitingCount >= maxPending) {
        server.#ownCounters.refusedQueueFull += 1;
        return rejectBacklog;
      }
      if (!accept) return 0;
      const code = server.#admissions.decide(`${peer} ${streamId}`,
        () => askAccept(accept, { streamId, peer }, parseStreamId, (error) => server.#report(error, "accept")));
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
    super();
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
    reportCallbackError(this.#onError, error, callback);
  }

  #onEvent(event) {
    if (event.kind === "accepted") {
      this._offer(acceptedSocket(this.#driver, event));
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

  /** Closes every accepted connection and the port. */
  async close() {
    if (this._ended) return this.#closed;
    this._endQueue();
    // Every connection, taken or still waiting to be, has its sink in the driver.
    await Promise.all([...this.#driver.connections.values()].map((sink) => sink.close()));
    this.#finalCounters = this.counters;  // the endpoint goes with the driver
    this.#driver.close();
    this.#resolveClosed();
    return this.#closed;
  }
}
