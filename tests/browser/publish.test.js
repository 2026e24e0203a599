// Going live from a browser tab: in headless Chromium, Chromium's fake camera and microphone are
// published with websrt/publish (H.264 from WebCodecs, AAC, MPEG-TS by mediabunny) over SRT through
// the bridge, for 10 s, to an ffmpeg listener and to a srt-live-transmit listener. ffprobe then reads
// what each received: an H.264 and an AAC stream, with about 10 s of video and audio frames whose
// decoding timestamps only go forward; and the TS repeats its PAT, as a live stream must.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { exitWithin, killAll, reservedUdpPort, start, udpPortBound } from "../interop/peers.js";
import { openTransferPage } from "./transfer_site.js";

const seconds = 10;
const frameRate = 25;                // the page asks the camera for 25 frames a second
const aacFramesPerSecond = 48000 / 1024;

let ports;
let site;
let work;

before(async () => {
  // ffmpeg and srt-live-transmit are told their ports, and the bridge allowlists them first.
  ports = [await reservedUdpPort(), await reservedUdpPort()];
  work = mkdtempSync(join(tmpdir(), "websrt-publish-"));
  site = await openTransferPage({
    allow: ports.map((p) => `127.0.0.1:${p}`), page: "publish-page", vendor: true,
    chromiumArgs: ["--use-fake-device-for-media-stream=fps=25", "--use-fake-ui-for-media-stream"],
  });
});

after(async () => {
  await site?.close();
  killAll();
  if (work) rmSync(work, { recursive: true, force: true });
  assert.deepEqual(site?.errors, [], "errors on the publish page");
});

/** What ffprobe finds in `file`: each stream's codec and its packets' decoding timestamps. */
async function probe(file) {
  const { stdout } = await promisify(execFile)("ffprobe", ["-v", "error", "-show_entries",
    "stream=index,codec_type,codec_name:packet=stream_index,dts_time", "-of", "json", file], { maxBuffer: 64 << 20 });
  const { streams, packets } = JSON.parse(stdout);
  return streams.map((stream) => ({
    type: stream.codec_type,
    codec: stream.codec_name,
    dts: packets.filter((p) => p.stream_index === stream.index).map((p) => Number(p.dts_time)),
  }));
}

/** Asserts an H.264 and an AAC stream with about `seconds` of frames, timestamps going forward. */
function assertLiveStream(streams, what) {
  const video = streams.find((s) => s.type === "video");
  const audio = streams.find((s) => s.type === "audio");
  assert.equal(video?.codec, "h264", `${what}: an H.264 video stream`);
  assert.equal(audio?.codec, "aac", `${what}: an AAC audio stream`);
  for (const [stream, perSecond] of [[video, frameRate], [audio, aacFramesPerSecond]]) {
    assert.ok(stream.dts.length >= 0.8 * seconds * perSecond, `${what}: ${stream.dts.length} ${stream.type} frames in ${seconds} s`);
    const backwards = stream.dts.findIndex((t, i) => i > 0 && !(t > stream.dts[i - 1]));
    assert.equal(backwards, -1, `${what}: ${stream.type} timestamps go back at frame ${backwards}`);
    const span = stream.dts.at(-1) - stream.dts[0];
    assert.ok(span > seconds - 2 && span < seconds + 2, `${what}: ${stream.type} spans ${span.toFixed(2)} s`);
  }
  console.log(`${what}: ffprobe found ${video.dts.length} H.264 frames and ${audio.dts.length} AAC frames ` +
    `over ${(video.dts.at(-1) - video.dts[0]).toFixed(2)} s`);
}

const publish = (port) => site.page.evaluate((args) => window.publishing.publish(args), { target: `127.0.0.1:${port}`, seconds });

const report = (what, stats) => console.log(`published to ${what}: ${(stats.bytes / 1e6).toFixed(2)} MB in ` +
  `${stats.seconds.toFixed(1)} s, ${stats.mbpsSent.toFixed(2)} Mbit/s, ${stats.videoFrames} video and ${stats.audioFrames} ` +
  `audio frames encoded, RTT ${stats.rttMs.toFixed(2)} ms, ${stats.retransmitted} retransmitted`);

test("a page publishes 10 s of camera and microphone to an ffmpeg SRT listener", { timeout: 90_000 }, async () => {
  const file = join(work, "ffmpeg.ts");
  const ffmpeg = start("ffmpeg", ["-hide_banner", "-nostdin", "-y", "-i", `srt://127.0.0.1:${ports[0]}?mode=listener`,
    "-c", "copy", "-f", "mpegts", file]);
  await udpPortBound(ports[0], 10_000, ffmpeg);  // ffmpeg prints nothing while it listens
  const stats = await publish(ports[0]);
  report("ffmpeg", stats);
  assert.equal(stats.unacknowledged, 0);
  // ffmpeg ends its input when the SRT peer closes.
  await exitWithin(ffmpeg, 20_000, "the ffmpeg listener");
  assertLiveStream(await probe(file), "ffmpeg's recording");
});

test("a page publishes 10 s of camera and microphone to a srt-live-transmit listener", { timeout: 90_000 }, async () => {
  const file = join(work, "slt.ts");
  const receiver = start("srt-live-transmit", [`srt://:${ports[1]}?mode=listener`, "file://con"]);
  const written = new Promise((resolve) => receiver.stdout.pipe(createWriteStream(file)).on("finish", resolve));
  await udpPortBound(ports[1], 5000, receiver);
  const stats = await publish(ports[1]);
  report("srt-live-transmit", stats);
  assert.equal(stats.unacknowledged, 0);
  receiver.kill("SIGINT");  // it keeps listening; on SIGINT it flushes its output
  await exitWithin(receiver, 10_000, "srt-live-transmit listener");
  await written;
  assertLiveStream(await probe(file), "srt-live-transmit's output");
  // The page's own TS, as srt-live-transmit wrote it: the PAT comes again every 500 ms (a viewer
  // joining late finds the program), its continuity counter counting on.
  const ts = readFileSync(file);
  const pat = [];
  for (let at = 0; at + 188 <= ts.length; at += 188) {
    assert.equal(ts[at], 0x47, `a TS packet starts at ${at}`);
    if ((((ts[at + 1] & 0x1f) << 8) | ts[at + 2]) === 0) pat.push(ts[at + 3] & 0x0f);
  }
  assert.ok(pat.length >= 2 * seconds - 2, `${pat.length} PATs in ${seconds} s`);
  assert.ok(pat.every((cc, i) => i === 0 || cc === ((pat[i - 1] + 1) & 0x0f)), `PAT continuity counters ${pat.join(",")}`);
});
