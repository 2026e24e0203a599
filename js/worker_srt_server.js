// WorkerSrtServer: an SRT listener whose port, handshakes and connections run in an SrtWorker
// (Node's worker_threads). SrtServer's API on this side: the application's accept and onRefused
// callbacks run here, on the main thread; the worker asks for each caller's answer and leaves
// the caller's handshake unanswered until it has it (the caller repeats it within 250 ms).
import { abortable, throwIfAborted } from "./abortable.js";
import { admissionCode, rejectForbidden } from "./srt_server.js";
import { asyncDispose } from "./socket_streams.js";
import { SrtError } from "./srt_error.js";
import { parseStreamId } from "./stream_id.js";

export class WorkerSrtServer {
  #worker;
  #id;
  #address;
  #accept;
  #onRefused;
  #onError;
  #callbackErrors = 0;
  #arrived = [];       // connections the worker handed over that no accept() took yet
  #takers = [];        // accept() calls waiting: { resolve }
  #fetching = false;   // an "accept" request to the worker is open
  #ended = false;
  #closing;
  #resolveClosed;
  #closed = new Promise((resolve) => (this.#resolveClosed = resolve));

  /** @internal use SrtWorker.listen() */
  constructor(worker, id, address, { accept, onRefused, onError }) {
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
    const counters = this.#ended ? undefined : await this.#worker._call({ op: "serverCounters", server: this.#id });
    return counters && { ...counters, callbackErrors: counters.callbackErrors + this.#callbackErrors };
  }

  /** A callback of the application threw: counted and handed to onError, never rethrown. */
  #report(error, callback) {
    this.#callbackErrors += 1;
    const wrapped = new SrtError(`the ${callback} callback threw: ${error?.message ?? error}`, { code: "ERR_SRT_CALLBACK", cause: error });
    try {
      if (this.#onError) this.#onError(wrapped);
      else console.error(`websrt: ${wrapped.message}`);
    } catch {
      // an onError that throws too has nowhere left to go
    }
  }

  /** @internal the worker asks about a caller: the accept callback's answer goes back as a code */
  _admit(ask, { streamId, peer }) {
    const reply = (code) => this.#worker._post({ op: "admitted", ask, code });
    const refuse = (error) => {
      this.#report(error, "accept");
      return rejectForbidden;
    };
    let answer;
    try {
      answer = this.#accept({ streamId, peer, parsedStreamId: parseStreamId(streamId) });
    } catch (error) {
      return reply(refuse(error));
    }
    if (typeof answer?.then !== "function") return reply(admissionCode(answer));
    return Promise.resolve(answer).then(admissionCode, refuse).then(reply);
  }

  /** @internal the worker turned a caller away */
  _refused(event) {
    try {
      this.#onRefused?.(event);
    } catch (error) {
      this.#report(error, "onRefused");
    }
  }

  /** @internal the worker stopped (terminated or failed): no more connections */
  _end() {
    if (this.#ended) return;
    this.#ended = true;
    for (const taker of this.#takers.splice(0)) taker.resolve(undefined);
    this.#resolveClosed();
  }

  /**
   * The next accepted connection (a WorkerSrtSocket), or undefined once the server is closed;
   * rejects with `signal`'s reason when it aborts first (the server stays open).
   */
  accept({ signal } = {}) {
    try {
      throwIfAborted(signal);
    } catch (error) {
      return Promise.reject(error);
    }
    const socket = this.#arrived.shift();
    if (socket) return Promise.resolve(socket);
    if (this.#ended) return Promise.resolve(undefined);
    let taker;
    const waiting = new Promise((resolve) => {
      taker = { resolve };
      this.#takers.push(taker);
    });
    this.#fetch();
    return abortable(waiting, signal, () => {
      const index = this.#takers.indexOf(taker);
      if (index >= 0) this.#takers.splice(index, 1);
    });
  }

  /** One "accept" request to the worker at a time, while someone waits; a connection that
   * arrives after its taker gave up waits here for the next accept(). */
  #fetch() {
    if (this.#fetching || this.#ended || this.#takers.length === 0) return;
    this.#fetching = true;
    this.#worker._call({ op: "accept", server: this.#id }).then(
      (connection) => {
        this.#fetching = false;
        if (connection === undefined) return this._end();
        const socket = this.#worker._adoptSocket(connection);
        const taker = this.#takers.shift();
        if (taker) taker.resolve(socket);
        else this.#arrived.push(socket);
        return this.#fetch();
      },
      () => this._end(),  // the worker failed
    );
  }

  /** The next accepted connection as an iterator result: done once the server is closed. */
  async next() {
    const socket = await this.accept();
    return socket === undefined ? { value: undefined, done: true } : { value: socket, done: false };
  }

  /** Accepted connections until the server closes. Leaving the loop keeps the server open. */
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
  close() {
    this.#closing ??= (this.#ended ? Promise.resolve() : this.#worker._call({ op: "closeServer", server: this.#id }))
      .catch(() => undefined)  // a failed worker closed everything already
      .then(() => {
        this.#worker._forgetServer(this.#id);
        this._end();
      });
    return this.#closing;
  }
}
