// SrtWorker's two ends in Node (package.json "imports" maps "#worker-threads" here under the
// "node" condition): a worker_threads thread. Apart from platform_node.js so that only
// websrt/worker loads it.
import { parentPort, Worker } from "node:worker_threads";

/** The channel as the worker sees it. */
export function workerPort() {
  return { post: (message, transfer) => parentPort.postMessage(message, transfer), listen: (handler) => parentPort.on("message", handler) };
}

/** Starts the worker; `hold(false)` lets the process exit while it idles. */
export function spawnWorker() {
  const worker = new Worker(new URL("./worker_main.js", import.meta.url));
  return {
    post: (message, transfer) => worker.postMessage(message, transfer),
    listen: (handler) => worker.on("message", handler),
    onError: (handler) => worker.on("error", handler),
    hold: (busy) => (busy ? worker.ref() : worker.unref()),
    terminate: () => worker.terminate(),
  };
}
