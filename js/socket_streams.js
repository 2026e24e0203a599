// What every socket class shares (SrtSocket, and SrtWorker's sockets), built on its readMessage(),
// send() and close(): read(), next(), an async iterator, `await using`, and Web Streams.

/** `Symbol.asyncDispose`, or its registered stand-in on runtimes without it (Node 18). */
export const asyncDispose = Symbol.asyncDispose ?? Symbol.for("Symbol.asyncDispose");

/** The base of SrtSocket and WorkerSrtSocket: their read-side conveniences, written once. */
export class MessageSocket {
  #readable;
  #writable;

  /**
   * The next message, or undefined once the peer closed. Rejects with the SrtError that ended
   * the connection (ERR_SRT_CONNECTION_LOST, …), or with `signal`'s reason when it aborts first
   * (the socket stays open; the message is left for the next read).
   */
  read({ signal } = {}) {
    return this.readMessage({ signal }).then((message) => message?.data);
  }

  /** The next message as an iterator result: done when the peer closed. */
  async next() {
    const value = await this.read();
    return value === undefined ? { value: undefined, done: true } : { value, done: false };
  }

  /** Messages until the peer closes. Leaving the loop early (break, return, throw) closes the
   * socket, as it destroys a Node Readable. */
  [Symbol.asyncIterator]() {
    return messageIterator(this);
  }

  /** `await using socket = …` closes it at the end of the scope. */
  async [asyncDispose]() {
    await this.close();
  }

  /** Messages as a Web Stream; cancelling it closes the socket. */
  get readable() {
    this.#readable ??= readableOf(this);
    return this.#readable;
  }

  /** Each chunk written is one message; closing or aborting the stream closes the socket. */
  get writable() {
    this.#writable ??= writableOf(this);
    return this.#writable;
  }
}

/** Messages until the peer closes. Leaving the loop early (break, return, throw) closes the
 * socket, as it destroys a Node Readable. */
function messageIterator(socket) {
  return {
    next: () => socket.next(),
    return: async () => {
      await socket.close();
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** Messages as a Web Stream; cancelling it closes the socket. */
function readableOf(socket) {
  return new ReadableStream({
    pull: async (controller) => {
      const message = await socket.read();
      if (message === undefined) controller.close();
      else controller.enqueue(message);
    },
    cancel: () => socket.close(),
  });
}

/** Each chunk written is one message; closing or aborting the stream closes the socket. */
function writableOf(socket) {
  return new WritableStream({
    write: (chunk) => socket.send(chunk),
    close: () => socket.close(),
    abort: () => socket.close({ lingerMs: 0 }),
  });
}
