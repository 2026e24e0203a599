// The demo page: SRT over the bridge into mpegts.js, with live charts from sock.stats().
import { SrtSocket, WebSocketTransport } from "../js/index.browser.js";

const form = document.getElementById("form");
const status = document.getElementById("status");
const video = document.getElementById("video");

/** Feeds mpegts.js from an SRT socket's messages (mpegts.js's custom loader interface). */
function srtLoaderFor(socket) {
  return class SrtLoader extends mpegts.BaseLoader {
    constructor() {
      super("srt-loader");
      this._needStash = true;
      this.received = 0;
      this.aborted = false;
    }
    open() {
      this._status = mpegts.LoaderStatus.kBuffering;
      (async () => {
        try {
          for await (const message of socket) {
            if (this.aborted) return;
            const start = this.received;
            this.received += message.byteLength;
            this._onDataArrival?.(message.slice().buffer, start, this.received);
          }
          this._status = mpegts.LoaderStatus.kComplete;
          this._onComplete?.(0, this.received - 1);
        } catch (error) {
          this._status = mpegts.LoaderStatus.kError;
          this._onError?.(mpegts.LoaderErrors.EXCEPTION, { code: -1, msg: error.message });
        }
      })();
    }
    abort() {
      this.aborted = true;
      this._status = mpegts.LoaderStatus.kComplete;
    }
  };
}

/** A small line chart of one statistic over the last minute. */
class Chart {
  constructor(title, unit) {
    this.title = title;
    this.unit = unit;
    this.values = [];
    this.canvas = Object.assign(document.createElement("canvas"), { width: 320, height: 120 });
    document.getElementById("charts").append(this.canvas);
  }
  push(value) {
    this.values.push(value);
    if (this.values.length > 120) this.values.shift();
    const g = this.canvas.getContext("2d");
    const { width, height } = this.canvas;
    g.clearRect(0, 0, width, height);
    const max = Math.max(1e-9, ...this.values);
    g.beginPath();
    this.values.forEach((v, i) => g.lineTo((i / 119) * width, height - 4 - (v / max) * (height - 24)));
    g.strokeStyle = "#1565c0";
    g.stroke();
    g.fillText(`${this.title}: ${value.toFixed(1)} ${this.unit} (max ${max.toFixed(1)})`, 4, 12);
  }
}

const charts = {
  rtt: new Chart("RTT", "ms"),
  rate: new Chart("receive rate", "Mbit/s"),
  loss: new Chart("lost packets", "per 0.5 s"),
  retrans: new Chart("retransmitted", "per 0.5 s"),
};

let current;

async function connect(fields) {
  current?.player?.destroy();
  await current?.socket?.close({ lingerMs: 0 });
  clearInterval(current?.timer);
  const query = new URLSearchParams({ latency: fields.latency || "200" });
  if (fields.streamid) query.set("streamid", fields.streamid);
  if (fields.passphrase) query.set("passphrase", fields.passphrase);
  status.textContent = `connecting to ${fields.target} …`;
  const transport = new WebSocketTransport(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/srt`);
  const socket = await SrtSocket.connect(`srt://${fields.target}?${query}`, { transport });
  status.textContent = `connected to ${socket.peer} over SRT through the bridge`;
  const player = mpegts.createPlayer({ type: "mpegts", isLive: true, url: `srt://${fields.target}` },
    { customLoader: srtLoaderFor(socket), enableStashBuffer: false, liveBufferLatencyChasing: true });
  player.attachMediaElement(video);
  player.load();
  player.play()?.catch(() => {});
  const timer = setInterval(() => {
    const s = socket.stats(true);
    if (!s) return;
    charts.rtt.push(s.msRTT);
    charts.rate.push(s.mbpsRecvRate);
    charts.loss.push(s.pktRcvLoss);
    charts.retrans.push(s.pktRcvRetrans);
    window.websrtDemo = { stats: s, currentTime: video.currentTime };
  }, 500);
  current = { socket, player, timer };
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  connect(Object.fromEntries(new FormData(form))).catch((error) => {
    status.textContent = `error: ${error.message}${error.rejectCode ? ` (reject code ${error.rejectCode})` : ""}`;
  });
});

// Start playing the demo's own source at once (npm start writes where it is).
try {
  const config = await (await fetch("/demo-config.json")).json();
  if (config.target) form.elements.target.value = config.target;
} catch {
  // served without npm start: keep the form's default
}
connect(Object.fromEntries(new FormData(form))).catch((error) => {
  status.textContent = `error: ${error.message}`;
});
