// The app of tests/browser/vite_app.test.js's SrtWorker case: SRT in a Worker that Vite builds
// from the package. Its vite.config.js holds the one setting a worker needs.
import { SrtWorker } from "websrt/worker";

const bridgeUrl = `ws://${location.host}/srt`;

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** Connects to srt://target in a worker and reads `size` bytes; resolves with their count and
 * SHA-256, and whether the main thread stayed free (its longest gap between timer ticks, ms). */
async function receive({ target, size }) {
  let longestGap = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last);
    last = now;
  }, 10);
  const worker = await SrtWorker.start();
  const socket = await worker.connect(`srt://${target}`, { bridge: bridgeUrl });
  const data = new Uint8Array(size);
  let bytes = 0;
  let stats;
  for await (const message of socket) {
    data.set(message.subarray(0, Math.max(0, Math.min(message.length, size - bytes))), bytes);
    bytes += message.length;
    if (bytes >= size) {
      stats = await socket.stats();  // before leaving the loop, which closes the socket
      break;
    }
  }
  await worker.terminate();
  clearInterval(ticker);
  bytes = Math.min(bytes, size);
  return { bytes, sha256: hex(await crypto.subtle.digest("SHA-256", data.subarray(0, bytes))), longestGap,
    packetsReceived: stats?.pktRecvTotal ?? 0 };
}

window.app = { receive };
