// What the package does differently in Node (package.json "imports" maps "#platform" here under
// the "node" condition): UDP sockets by default, DNS names in srt:// URIs, Node streams, the wasm
// read from disk. Static node: imports are fine here: only Node, and bundles for Node, resolve this file.
import { webcrypto } from "node:crypto";
import { lookup } from "node:dns/promises";
import { readFile } from "node:fs/promises";
import { Duplex } from "node:stream";
import { fileURLToPath } from "node:url";

import { SrtError } from "./srt_error.js";
import { NodeUdpTransport } from "./udp_transport.js";

/** Resolves a host name of an srt:// URI to an IP address. */
export async function resolveHostName(host) {
  try {
    return (await lookup(host)).address;
  } catch (error) {
    throw new SrtError(`cannot resolve ${host}: ${error.message}`, { code: "ERR_SRT_URI", cause: error });
  }
}

/** The transport when the application gives none: a UDP socket of the target's family. */
export function defaultTransport(ip) {
  return new NodeUdpTransport({ type: ip.includes(":") ? "udp6" : "udp4" });
}

/** A Node Duplex over a socket's Web Streams. */
export function toNodeStream(streams) {
  return Duplex.fromWeb(streams);
}

/** The wasm's bytes: Emscripten 3.1.6 would fetch() it, and Node's fetch takes no file URLs. */
export async function readWasm(url) {
  const path = fileURLToPath(url);
  try {
    return await readFile(path);
  } catch (error) {
    throw new Error(`websrt: cannot read ${path} (build it with 'npm run build'): ${error.message}`, { cause: error });
  }
}

/** Web Crypto for a Node without the global (Node 18's scripts have no `crypto`). */
export const fallbackRandomValues = webcrypto.getRandomValues.bind(webcrypto);
