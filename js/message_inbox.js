// The messages a socket received and the application has not read yet, and the reads waiting for
// one: SrtSocket's and SrtWorker's sockets share it.
import { abortable, throwIfAborted } from "./abortable.js";

export class MessageInbox {
  #messages = [];
  #readers = [];  // reads waiting for a message: { resolve, reject }
  #ended = false;
  #error;
  #onTaken;

  /** @param onTaken - told how many stay queued each time a read takes a queued message (the
   *   socket then pulls more from where they wait). */
  constructor(onTaken = () => {}) {
    this.#onTaken = onTaken;
  }

  get size() {
    return this.#messages.length;
  }

  /** Messages that arrived, to the waiting reads first; returns how many went straight to one. */
  deliver(messages) {
    let direct = 0;
    for (const message of messages) {
      const reader = this.#readers.shift();
      if (reader) {
        reader.resolve(message);
        direct += 1;
      } else {
        this.#messages.push(message);
      }
    }
    return direct;
  }

  /** The connection ended: waiting reads get `error`, or the end (undefined); queued messages
   * stay readable first. */
  end(error) {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    for (const reader of this.#readers.splice(0)) {
      if (error) reader.reject(error);
      else reader.resolve(undefined);
    }
  }

  /** The next message, undefined after a clean end; rejects with the end's error, or with
   * `signal`'s reason when it aborts first (the message is then left for the next read). */
  take({ signal } = {}) {
    try {
      throwIfAborted(signal);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#messages.length) {
      const message = this.#messages.shift();
      this.#onTaken(this.#messages.length);
      return Promise.resolve(message);
    }
    if (this.#ended) return this.#error ? Promise.reject(this.#error) : Promise.resolve(undefined);
    let reader;
    const waiting = new Promise((resolve, reject) => {
      reader = { resolve, reject };
      this.#readers.push(reader);
    });
    return abortable(waiting, signal, () => {
      const index = this.#readers.indexOf(reader);
      if (index >= 0) this.#readers.splice(index, 1);
    });
  }
}
