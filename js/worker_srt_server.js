// WorkerSrtServer: an SRT listener whose port, handshakes and connections run in an SrtWorker
// (Node's worker_threads). SrtServer's API on this side: the application's accept and onRefused
// callbacks run here, on the main thread; the worker asks for each caller's answer and leaves
// the caller's handshake unanswered until it has it (the caller repeats it within 250 ms).
import { AcceptQueue, askAccept, reportCallbackError } from "./accept_queue.js";
import { parseStreamId } from "./stream_id.js";

export class WorkerSrtServer extends AcceptQueue {
  #worker;
  #id;
  #address;
  #accept;
  #onRefused;
  #onError;
  #callbackErrors = 0;
  #fetching = false;   // an "accept" request to the worker is open
  #closing;
  #resolveClosed;
  #closed = new Promise((resolve) => (this.#resolveClosed = resolve));

  /** @internal use SrtWorker.listen() */
  constructor(worker, id, address, { accept, onRefused, onError }) {
    super();
    this.#worker = worker;
    this.#id = id;
    this.#address = address;
    this.#accept = accept;
    this.#onRefused = onRefused;
    this.#onError = onError;
  }

  /** The local UDP address the worker listens on (with the port picked for port 0). */
  address() {
    return { ...this.#address };
  }

  /** Resolves once the server is closed. Never rejects. */
  get closed() {
    return this.#closed;
  }

  /** SrtServer's counters, from the worker (with the callbacks that threw here): a promise. */
  async counters() {
    const counters = this._ended ? undefined : await this.#worker._call({ op: "serverCounters", server: this.#id });
    return counters && { ...counters, callbackErrors: counters.callbackErrors + this.#callbackErrors };
  }

  /** A callback of the application threw: counted and handed to onError, never rethrown. */
  #report(error, callback) {
    this.#callbackErrors += 1;
    reportCallbackError(this.#onError, error, callback);
  }

  /** @internal the worker asks about a caller: the accept callback's answer goes back as a code */
  _admit(ask, request) {
    const reply = (code) => this.#worker._post({ op: "admitted", ask, code });
    const code = askAccept(this.#accept, request, parseStreamId, (error) => this.#report(error, "accept"));
    if (typeof code === "number") reply(code);
    else code.then(reply);
  }

  /** @internal the worker turned a caller away */
  _refused(event) {
    try {
      this.#onRefused?.(event);
    } catch (error) {
      this.#report(error, "onRefused");
    }
  }

  /** @internal the worker stopped (terminated or failed), or the server closed */
  _end() {
    if (this._ended) return;
    this._endQueue();
    this.#resolveClosed();
  }

  /** @internal accept() waits: one "accept" request to the worker at a time, while someone waits;
   * a connection that arrives after its taker gave up waits for the next accept(). */
  _takerWaiting() {
    if (this.#fetching || this._ended || this._takersWaiting === 0) return;
    this.#fetching = true;
    this.#worker._call({ op: "accept", server: this.#id }).then(
      (connection) => {
        this.#fetching = false;
        if (connection === undefined) return this._end();
        this._offer(this.#worker._adoptSocket(connection));
        return this._takerWaiting();
      },
      () => this._end(),  // the worker failed
    );
  }

  /** Closes every accepted connection and the port. */
  close() {
    this.#closing ??= (this._ended ? Promise.resolve() : this.#worker._call({ op: "closeServer", server: this.#id }))
      .catch(() => undefined)  // a failed worker closed everything already
      .then(() => {
        this.#worker._forgetServer(this.#id);
        this._end();
      });
    return this.#closing;
  }
}
