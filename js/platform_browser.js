// What the package does in browsers, workers and bundles (package.json "imports" maps "#platform"
// here unless the "node" condition applies): no UDP, no DNS, no node: import at all, so that
// bundlers neither warn nor stub Node's modules. Same exports as platform_node.js.
import { SrtError } from "./srt_error.js";

export async function resolveHostName(host) {
  throw new SrtError(`cannot resolve ${host} here: give an IP address`, { code: "ERR_SRT_URI" });
}

export function defaultTransport() {
  throw new SrtError("no transport: pass { transport } (browsers cannot open UDP sockets)", { code: "ERR_SRT_TRANSPORT" });
}

export function toNodeStream() {
  throw new Error("websrt: toNodeStream() needs Node; use the socket's readable and writable");
}

/** Nothing to read: Emscripten streams the wasm from locateFile's URL. */
export async function readWasm() {
  return undefined;
}

/** Browsers and workers have Web Crypto as a global; nothing else is acceptable. */
export const fallbackRandomValues = undefined;
