// What SrtServer and WorkerSrtServer share: accepted connections wait in arrival order until the
// application takes them (accept(), next(), for await), accept() calls wait in turn for the next
// one, and both end when the server closes; and what happens to an application callback that
// throws or whose promise rejects.
import { abortable, throwIfAborted } from "./abortable.js";
import { asyncDispose } from "./socket_streams.js";
import { SrtError } from "./srt_error.js";

/** libsrt's reject code for "forbidden" (SRT_REJX_FORBIDDEN, access control's 403). */
export const rejectForbidden = 1403;

/** An accept callback's answer as a reject code: 0 admits. */
export function admissionCode(answer) {
  if (answer === undefined || answer === true) return 0;
  if (answer === false) return rejectForbidden;
  return Number.isInteger(answer) && answer >= 0 ? answer : rejectForbidden;
}

/**
 * Asks `accept` about a caller: its answer as a reject code, or a promise of one when it
 * answered with a promise. A callback that throws or rejects refuses (1403), after `refused(error)`.
 */
export function askAccept(accept, { streamId, peer }, parseStreamId, refused) {
  const refuse = (error) => {
    refused(error);
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

/** Hands an application callback's failure to `onError` (default: console.error); never throws. */
export function reportCallbackError(onError, error, callback) {
  const wrapped = new SrtError(`the ${callback} callback threw: ${error?.message ?? error}`, { code: "ERR_SRT_CALLBACK", cause: error });
  try {
    if (onError) onError(wrapped);
    else console.error(`websrt: ${wrapped.message}`);
  } catch {
    // an onError that throws too has nowhere left to go
  }
}

export class AcceptQueue {
  #waiting = [];  // accepted connections not taken yet
  #takers = [];   // accept() calls waiting: { resolve }
  #ended = false;

  /** @internal accepted connections not taken yet */
  get _waitingCount() {
    return this.#waiting.length;
  }

  /** @internal accept() calls waiting for a connection */
  get _takersWaiting() {
    return this.#takers.length;
  }

  /** @internal whether the queue ended (the server closed) */
  get _ended() {
    return this.#ended;
  }

  /** @internal a connection for the first accept() waiting, or the next one */
  _offer(socket) {
    const taker = this.#takers.shift();
    if (taker) taker.resolve(socket);
    else this.#waiting.push(socket);
  }

  /** @internal the server closed: waiting accept() calls get undefined, and so will later ones */
  _endQueue() {
    this.#ended = true;
    this.#waiting.length = 0;
    for (const taker of this.#takers.splice(0)) taker.resolve(undefined);
  }

  /** @internal an accept() call started to wait (WorkerSrtServer asks its worker then) */
  _takerWaiting() {}

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
    const socket = this.#waiting.shift();
    if (socket) return Promise.resolve(socket);
    if (this.#ended) return Promise.resolve(undefined);
    let taker;
    const waiting = new Promise((resolve) => {
      taker = { resolve };
      this.#takers.push(taker);
    });
    this._takerWaiting();
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
}
