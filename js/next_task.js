// Running a callback as a task of its own, after the current one and its microtasks, as soon as
// the event loop has looked at I/O: setImmediate in Node, a MessageChannel message in browsers
// and workers (setTimeout(0) there is clamped to 4 ms once nested).

export const soon = (() => {
  if (typeof globalThis.setImmediate === "function") {
    return { set: (callback) => globalThis.setImmediate(callback), clear: (id) => globalThis.clearImmediate(id) };
  }
  if (typeof globalThis.MessageChannel === "function") {
    const channel = new MessageChannel();
    const pending = new Map();
    let next = 0;
    channel.port1.onmessage = ({ data }) => {
      const callback = pending.get(data);
      pending.delete(data);
      callback?.();
    };
    return {
      set: (callback) => {
        const id = next++;
        pending.set(id, callback);
        channel.port2.postMessage(id);
        return id;
      },
      clear: (id) => pending.delete(id),
    };
  }
  return { set: (callback) => setTimeout(callback, 0), clear: (id) => clearTimeout(id) };
})();

/** Runs `callback` soon (see above); what an application sends across several awaits of one
 * turn then goes out together. */
export const nextTask = (callback) => {
  soon.set(callback);
};
