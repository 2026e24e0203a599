// The browser side of tests/browser/transfer.test.js and bench/browser_throughput.js: SRT from
// this page's WebAssembly core through the `websrt bridge` that served it to an SRT peer,
// receiving or sending a payload. The test compares SHA-256 digests, so the page never hands
// megabytes back to the test.
import { SrtSocket, WebSocketTransport } from "/js/index.browser.js";

const bridgeUrl = `ws://${location.host}/srt`;

const hex = (buffer) => [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, "0")).join("");

/** What the test learns from a run besides the digest. */
function summary(socket, started, bytes) {
  const seconds = (performance.now() - started) / 1000;
  const stats = socket.stats();
  return {
    bytes,
    seconds,
    mbps: (bytes * 8) / seconds / 1e6,
    packetsLost: stats.pktRcvLossTotal + stats.pktSndLossTotal,
    retransmitted: stats.pktRetransTotal,
  };
}

/** Connects to srt://target?options and reads `size` bytes; resolves with their SHA-256. */
async function receive({ target, options = "", size }) {
  const socket = await SrtSocket.connect(`srt://${target}?${options}`, { transport: new WebSocketTransport(bridgeUrl) });
  const data = new Uint8Array(size);
  let bytes = 0;
  let started;
  for await (const message of socket) {
    started ??= performance.now();
    data.set(message.subarray(0, Math.max(0, Math.min(message.length, size - bytes))), bytes);
    bytes += message.length;
    if (bytes >= size) break;
  }
  const result = summary(socket, started ?? performance.now(), Math.min(bytes, size));
  await socket.close();
  return { ...result, sha256: hex(await crypto.subtle.digest("SHA-256", data.subarray(0, result.bytes))) };
}

/**
 * Fetches `payloadPath` from the bridge's static files and sends it in `chunk`-byte messages at
 * `bytesPerSecond` (a live source), then closes once the peer acknowledged everything.
 */
async function send({ target, options = "", payloadPath, chunk, bytesPerSecond }) {
  const payload = new Uint8Array(await (await fetch(payloadPath)).arrayBuffer());
  const socket = await SrtSocket.connect(`srt://${target}?payloadsize=${chunk}&${options}`,
    { transport: new WebSocketTransport(bridgeUrl) });
  const started = performance.now();
  for (let offset = 0; offset < payload.length; offset += chunk) {
    await socket.send(payload.subarray(offset, offset + chunk));
    const due = started + ((offset + chunk) / bytesPerSecond) * 1000;
    if (due > performance.now() + 4) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
  }
  const result = summary(socket, started, payload.length);
  const { unacknowledged } = await socket.close({ lingerMs: 20_000 });
  return { ...result, unacknowledged };
}

window.transfer = { receive, send };
document.title += " (ready)";

// Driven without DevTools (bench/browser_throughput.js): with a `jobs` URL in the address, the
// page takes transfers from it and posts their outcomes back. A page that DevTools watches
// (Playwright) also copies every WebSocket frame to its client, which costs more CPU than the
// transfer; an application's page does not pay that.
const jobs = new URLSearchParams(location.search).get("jobs");
if (jobs) {
  for (;;) {
    const job = await (await fetch(`${jobs}/next`)).json();
    let outcome;
    try {
      outcome = { result: await window.transfer[job.kind](job.args) };
    } catch (error) {
      outcome = { error: String(error?.message ?? error) };
    }
    await fetch(`${jobs}/done`, { method: "POST", body: JSON.stringify(outcome) });
  }
}
