// The app of tests/browser/vite_app.test.js: what a Vite user writes, `import … from "websrt"`
// and a WebSocketTransport to the bridge. Vite resolves the package's browser entry and copies the
// wasm; this file knows nothing about either.
import { SrtSocket, WebSocketTransport, loadCore } from "websrt";

const bridgeUrl = `ws://${location.host}/srt`;

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Connects to srt://target and reads `size` bytes; resolves with their count and SHA-256. */
async function receive({ target, size }) {
  const socket = await SrtSocket.connect(`srt://${target}`, { transport: new WebSocketTransport(bridgeUrl) });
  const data = new Uint8Array(size);
  let bytes = 0;
  for await (const message of socket) {
    data.set(message.subarray(0, Math.max(0, Math.min(message.length, size - bytes))), bytes);
    bytes += message.length;
    if (bytes >= size) break;
  }
  await socket.close();
  bytes = Math.min(bytes, size);
  return { bytes, sha256: hex(await crypto.subtle.digest("SHA-256", data.subarray(0, bytes))) };
}

/** What connecting without a transport gives in a browser: the SrtError's code and message. */
async function connectWithoutTransport(target) {
  try {
    await SrtSocket.connect(`srt://${target}`);
    return { code: "connected" };
  } catch (error) {
    return { code: error.code, message: error.message };
  }
}

/** Loads the WebAssembly core: resolves once the wasm was fetched and instantiated. */
async function coreLoads() {
  const core = await loadCore();
  return typeof core.wireDescribe === "function";
}

window.app = { receive, connectWithoutTransport, coreLoads };
