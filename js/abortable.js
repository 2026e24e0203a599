// AbortSignal support for the socket API's waits (connect, listen, read, accept), as Node's and the
// web platform's APIs do it: an aborted wait rejects with `signal.reason` (an AbortError
// DOMException unless the caller gave another reason) and undoes what it started.

/** Throws the signal's reason when it is already aborted; checks the argument's type. */
export function throwIfAborted(signal) {
  if (signal === undefined) return;
  if (typeof signal?.aborted !== "boolean" || typeof signal.addEventListener !== "function") {
    throw new TypeError("signal must be an AbortSignal");
  }
  if (signal.aborted) throw signal.reason;
}

/**
 * Settles as `promise` does, or rejects with the signal's reason when it aborts first, after
 * calling `onAbort()` (which cancels the work). The listener is removed either way, so that a
 * long-lived signal does not collect one per call.
 */
export function abortable(promise, signal, onAbort = () => {}) {
  if (signal === undefined) return promise;
  throwIfAborted(signal);
  return new Promise((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason);
    };
    signal.addEventListener("abort", abort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", abort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", abort);
        reject(error);
      },
    );
  });
}
