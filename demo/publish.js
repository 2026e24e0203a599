// The demo's "Go live" part: the camera and microphone published from this page over SRT through
// the bridge (websrt/publish: H.264 and AAC in MPEG-TS), to the listener npm start runs for it (an
// ffmpeg SRT listener recording to build/demo-published.ts, as an ingest server would).
import { SrtSocket, WebSocketTransport } from "../js/index.browser.js";
import { publishMediaStream } from "../js/publish/publish.js";

const form = document.getElementById("publish-form");
const status = document.getElementById("publish-status");
const preview = document.getElementById("preview");
const button = form.querySelector("button");

let live;

async function goLive(fields) {
  status.textContent = "asking for the camera and microphone …";
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720, frameRate: 30 }, audio: true });
  preview.srcObject = stream;
  const query = new URLSearchParams({ latency: fields.latency || "200" });
  if (fields.streamid) query.set("streamid", fields.streamid);
  if (fields.passphrase) query.set("passphrase", fields.passphrase);
  status.textContent = `connecting to ${fields.target} …`;
  const transport = new WebSocketTransport(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/srt`);
  let socket;
  try {
    socket = await SrtSocket.connect(`srt://${fields.target}?${query}`, { transport });
    const publication = await publishMediaStream(socket, stream, { videoBitrate: Number(fields.kbps || 2500) * 1000 });
    const timer = setInterval(() => {
      const sent = publication.stats();
      const srt = socket.stats() ?? {};
      status.textContent = `live to ${socket.peer}: ${(srt.mbpsSendRate ?? sent.mbpsSent).toFixed(2)} Mbit/s, ` +
        `RTT ${sent.rttMs.toFixed(1)} ms, ${sent.retransmitted} retransmitted, ` +
        `${sent.videoFrames} video and ${sent.audioFrames} audio frames`;
      window.websrtPublish = sent;
    }, 500);
    live = { stream, socket, publication, timer };
    button.textContent = "Stop";
  } catch (error) {
    for (const track of stream.getTracks()) track.stop();
    await socket?.close({ lingerMs: 0 });
    throw error;
  }
}

async function stop() {
  const { stream, socket, publication, timer } = live;
  live = undefined;
  clearInterval(timer);
  await publication.stop().catch(() => {});
  await socket.close({ lingerMs: 3000 });
  for (const track of stream.getTracks()) track.stop();
  preview.srcObject = null;
  status.textContent = "stopped";
  button.textContent = "Go live";
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  (live ? stop() : goLive(Object.fromEntries(new FormData(form)))).catch((error) => {
    status.textContent = `error: ${error.message}${error.rejectCode ? ` (reject code ${error.rejectCode})` : ""}`;
  });
});

try {
  const config = await (await fetch("/demo-config.json")).json();
  if (config.publishTarget) form.elements.target.value = config.publishTarget;
} catch {
  // served without npm start: keep the form's default
}
