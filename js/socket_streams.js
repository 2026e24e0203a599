// The stream faces every socket class shares (SrtSocket, and SrtWorker's sockets), built on its
// read(), send() and close(): an async iterator, a Web ReadableStream and a WritableStream.

/** Messages until the peer closes. Leaving the loop early (break, return, throw) closes the
 * socket, as it destroys a Node Readable. */
export function messageIterator(socket) {
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
export function readableOf(socket) {
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
export function writableOf(socket) {
  return new WritableStream({
    write: (chunk) => socket.send(chunk),
    close: () => socket.close(),
    abort: () => socket.close({ lingerMs: 0 }),
  });
}
