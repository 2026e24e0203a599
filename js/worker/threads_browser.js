// SrtWorker's two ends in browsers ("#worker-threads" unless the "node" condition applies): a
// dedicated module Worker. Apart from platform_browser.js so that only websrt/worker loads it: a
// bundler builds the worker for every app that reaches this `new Worker(new URL(…))`.
/** The channel as the worker sees it. */
export function workerPort() {
  return {
    post: (message, transfer) => globalThis.postMessage(message, transfer),
    listen: (handler) => globalThis.addEventListener("message", (event) => handler(event.data)),
  };
}

/** Starts the worker. Bundlers (Vite, webpack) see this `new Worker(new URL(…, import.meta.url))`
 * and build the worker with its imports (Vite: with `worker: { format: "es" }`). */
export function spawnWorker() {
  const worker = new Worker(new URL("./worker_main.js", import.meta.url), { type: "module" });
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    listen: (handler) => worker.addEventListener("message", (event) => handler(event.data)),
    onError: (handler) => worker.addEventListener("error", (event) => handler(new Error(event.message || "worker failed"))),
    hold: () => {},
    terminate: () => worker.terminate(),
  };
}
