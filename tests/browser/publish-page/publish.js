// The browser side of tests/browser/publish.test.js: the camera and microphone (Chromium's fake
// devices) published with websrt/publish over SRT through the bridge that served this page.
import { SrtSocket, WebSocketTransport } from "/js/index.browser.js";
import { publishMediaStream } from "/js/publish/publish.js";

/** Publishes `seconds` of camera and microphone to srt://target; resolves with what was sent. */
async function publish({ target, seconds }) {
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 360, frameRate: 25 }, audio: true });
  const socket = await SrtSocket.connect(`srt://${target}`, { transport: new WebSocketTransport(`ws://${location.host}/srt`) });
  const publication = await publishMediaStream(socket, stream);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  await publication.stop();
  const stats = publication.stats();
  const { unacknowledged } = await socket.close({ lingerMs: 10_000 });
  for (const track of stream.getTracks()) track.stop();
  return { ...stats, unacknowledged };
}

window.publishing = { publish };
document.title += " (ready)";
