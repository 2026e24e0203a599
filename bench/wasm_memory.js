#!/usr/bin/env node
// Memory in the WebAssembly context: the wasm linear memory (what a page or Node process holds for
// websrt's core) and the heap bytes the core has allocated, when loaded and after N connections (one SrtServer, N SrtSocket callers, all in
// this process over loopback UDP) each carried `--seconds` of a live stream at `--mbit`; with
// the package's size (what a page downloads: wasm + JS, each gzipped). Prints one JSON object.
//
//   node bench/wasm_memory.js [--connections 10] [--seconds 2] [--mbit 5]
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

import { SrtServer, SrtSocket } from "../js/index.js";
import { loadModule } from "../js/core.js";
import { repoRoot, sleep } from "../tests/interop/peers.js";

const { values } = parseArgs({
  options: { connections: { type: "string", default: "10" }, seconds: { type: "string", default: "2" },
    mbit: { type: "string", default: "5" } },
});
const connections = Number(values.connections);
const module = await loadModule();
const wasmBytes = () => module.HEAPU8.buffer.byteLength;
const heapBytes = () => module.heapBytesInUse();
const loaded = wasmBytes();
const heapLoaded = heapBytes();

const server = await SrtServer.listen("srt://127.0.0.1:0?mode=listener");
const { port } = server.address();
// Each SrtServer and SrtSocket.connect() has its own endpoint (a port, and its batch buffers to
// and from JS); a connection costs on top of that.
const perEndpoint = heapBytes() - heapLoaded;
const accepted = [];
const accepting = (async () => {
  for await (const connection of server) {
    accepted.push(connection);
    (async () => { for await (const _ of connection); })();  // read and drop
  }
})();
const callers = [];
for (let i = 0; i < connections; i += 1) callers.push(await SrtSocket.connect(`srt://127.0.0.1:${port}`));
const connected = wasmBytes();
const heapConnected = heapBytes();
const message = new Uint8Array(1316);
const interval = (message.length * 8) / (Number(values.mbit) * 1e6) * 1000;
const end = Date.now() + Number(values.seconds) * 1000;
while (Date.now() < end) {
  await Promise.all(callers.map((c) => c.send(message)));
  await sleep(interval);
}
const active = wasmBytes();
const heapActive = heapBytes();
await Promise.all(callers.map((c) => c.close({ lingerMs: 1000 })));
await server.close();
await accepting.catch(() => {});

const gzipped = (path) => gzipSync(readFileSync(path), { level: 9 }).length;
const jsFiles = readdirSync(join(repoRoot, "js")).filter((f) => f.endsWith(".js") && f !== "cli.js");
const packageBytes = {
  wasm: statSync(join(repoRoot, "dist", "websrt_core.wasm")).size,
  wasmGzip: gzipped(join(repoRoot, "dist", "websrt_core.wasm")),
  jsGzip: gzipped(join(repoRoot, "dist", "websrt_core.mjs")) + jsFiles.reduce((sum, f) => sum + gzipped(join(repoRoot, "js", f)), 0),
};
// Both ends of each connection live in this module, with connections + 1 endpoints.
const perConnection = (heap) => (heap - heapLoaded - (connections + 1) * perEndpoint) / (2 * connections);
console.log(JSON.stringify({
  connections, wasmMemoryLoaded: loaded, wasmMemoryActive: active, heapPerEndpoint: perEndpoint,
  heapPerIdleConnection: perConnection(heapConnected), heapPerActiveConnection: perConnection(heapActive),
  ...packageBytes,
}));
process.exit(0);
