// ffmpeg (built with libsrt) and `websrt transmit` on either end of an MPEG-TS stream: a lavfi test
// pattern with a sine tone, checked frame for frame with ffprobe on the received file. Each
// transfer runs directly and through `websrt impair` (5 % loss, 20 ms delay, 5 ms jitter), in the
// clear and encrypted with each key length (ffmpeg's passphrase and pbkeylen options).
//
// The pattern runs 11 s and the first 10 s are checked: a lost last packet is noticed by a
// receiver only when a later one arrives, and libsrt's sender (ffmpeg) never resends it at the end
// of a stream, so the last second is the live stream's "go on" that a real one always has.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SrtServer, SrtSocket } from "websrt";
import {
  endedAfterPeerClose, exitWithin, impairRelay, killAll, lastStats, listeningPort, requireWebsrt, reservedUdpPort, start,
  udpPortBound,
} from "./peers.js";

const ffmpegQuiet = ["-hide_banner", "-loglevel", "error", "-nostdin"];
// Through the lossy relay the latency must cover several NAK/retransmission rounds.
const impairedLatencyMs = 600;

let work;
let pattern;
let expected;

const checkedSeconds = 10;

/** Frames (MPEG-2 video and MP2 audio: one per packet) per stream type in the first 10 s. */
function probeFrames(file) {
  const out = execFileSync("ffprobe", ["-v", "error", "-show_entries", "stream=index,codec_type,start_time:packet=stream_index,pts_time",
    "-of", "json", file], { maxBuffer: 64 << 20 });
  const { streams, packets } = JSON.parse(out.toString());
  const counts = Object.fromEntries(streams.map((s) => [s.codec_type, 0]));
  for (const packet of packets) {
    const stream = streams.find((s) => s.index === packet.stream_index);
    if (Number(packet.pts_time) - Number(stream.start_time) < checkedSeconds - 1e-6) counts[stream.codec_type] += 1;
  }
  return counts;
}

before(() => {
  requireWebsrt();
  work = mkdtempSync(join(tmpdir(), "websrt-ffmpeg-"));
  pattern = join(work, "pattern.ts");
  execFileSync("ffmpeg", [...ffmpegQuiet, "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-f", "lavfi", "-i",
    "sine=frequency=1000:sample_rate=48000", "-t", String(checkedSeconds + 1), "-c:v", "mpeg2video", "-c:a", "mp2", "-f", "mpegts", pattern]);
  expected = probeFrames(pattern);
  assert.equal(expected.video, 250);
});

after(() => {
  killAll();
  if (work) rmSync(work, { recursive: true, force: true });
});

const variants = [
  { impaired: false }, { impaired: true },
  { impaired: false, keyLength: 16 }, { impaired: true, keyLength: 24 }, { impaired: false, keyLength: 32 },
];
const secret = "websrt-ffmpeg-secret";

for (const { impaired, keyLength } of variants) {
  const how = (impaired ? "through a 5 % loss relay" : "directly") + (keyLength ? `, AES-${keyLength * 8}` : "");
  // The same options mean the same for ffmpeg and websrt.
  const crypto = keyLength ? `&passphrase=${secret}&pbkeylen=${keyLength}` : "";
  const tag = `${impaired}-${keyLength ?? 0}`;

  describe(`ffmpeg publishes to a websrt listener ${how}`, () => {
    test("the received stream has every video and audio frame", { timeout: 60_000 }, async () => {
      const output = join(work, `from-ffmpeg-${tag}.ts`);
      const latency = impaired ? `&latency=${impairedLatencyMs}` : "";
      const receiver = start(requireWebsrt(), ["transmit", "--stats-every", "500", "--stats-format", "json",
        `srt://:0?mode=listener${latency}${crypto}`, "file://con"]);
      const chunks = [];
      receiver.stdout.on("data", (c) => chunks.push(c));
      const port = await listeningPort(receiver, "websrt transmit listener");
      const target = impaired ? await impairRelay(port, 11) : port;
      // ffmpeg's SRT latency is in microseconds.
      const ffLatency = impaired ? `&latency=${impairedLatencyMs * 1000}` : "";
      // linger=2: ffmpeg's libsrt otherwise discards its unsent tail when it closes (libsrt's
      // live-mode linger is 0), whoever the receiver is.
      const ffmpeg = start("ffmpeg", [...ffmpegQuiet, "-re", "-i", pattern, "-c", "copy", "-f", "mpegts",
        `srt://127.0.0.1:${target}?pkt_size=1316&linger=2${ffLatency}${crypto}`]);
      const sent = await exitWithin(ffmpeg, 40_000, "ffmpeg publisher");
      assert.equal(sent.code, 0, ffmpeg.stderrText);
      const received = await exitWithin(receiver, 15_000, "websrt transmit listener");
      assert.ok(endedAfterPeerClose(received, receiver, impaired), receiver.stderrText.slice(-2000));
      writeFileSync(output, Buffer.concat(chunks));
      assert.deepEqual(probeFrames(output), expected, `receiver: ${receiver.stderrText.split("\n").filter((l) => !l.startsWith("{")).join(" / ")} ${JSON.stringify(lastStats(receiver))}`);
      if (impaired) assert.ok(lastStats(receiver).pktRcvLossTotal > 0, "the relay lost nothing?");
    });
  });

  describe(`websrt publishes to an ffmpeg listener ${how}`, () => {
    test("ffmpeg receives every video and audio frame", { timeout: 60_000 }, async () => {
      const port = await reservedUdpPort();
      const output = join(work, `to-ffmpeg-${tag}.ts`);
      const ffLatency = impaired ? `&latency=${impairedLatencyMs * 1000}` : "";
      const ffmpeg = start("ffmpeg", [...ffmpegQuiet, "-y", "-i", `srt://127.0.0.1:${port}?mode=listener${ffLatency}${crypto}`,
        "-c", "copy", "-f", "mpegts", output]);
      await udpPortBound(port, 10_000, ffmpeg);
      const target = impaired ? await impairRelay(port, 11) : port;
      const latency = impaired ? `&latency=${impairedLatencyMs}` : "";
      // A live source, as OBS or an encoder would feed it: the pattern played out in real time
      // (a file read at disk speed would outrun any live sender's too-late drop threshold).
      const source = start("ffmpeg", [...ffmpegQuiet, "-re", "-i", pattern, "-c", "copy", "-f", "mpegts", "pipe:1"]);
      const sender = start(requireWebsrt(), ["transmit", "--stats-every", "500", "--stats-format", "json",
        "file://con", `srt://127.0.0.1:${target}?${(latency + crypto).slice(1)}`]);
      source.stdout.pipe(sender.stdin);
      const sent = await exitWithin(sender, 30_000, "websrt transmit caller");
      assert.equal(sent.code, 0, sender.stderrText);
      const received = await exitWithin(ffmpeg, 15_000, "ffmpeg listener");
      assert.equal(received.code, 0, ffmpeg.stderrText);
      assert.deepEqual(probeFrames(output), expected);
      if (impaired) assert.ok(lastStats(sender).pktRetransTotal > 0, "no retransmissions through the lossy relay?");
    });
  });
}

// The JS package (Node/WASM) in place of `websrt transmit`: in the clear, with a passphrase, and
// through the loss relay.
for (const { impaired, keyLength } of [{ impaired: false }, { impaired: false, keyLength: 16 }, { impaired: true }]) describe(
  `Node/WASM and ffmpeg ${impaired ? "through a 5 % loss relay" : "directly"}${keyLength ? ", AES-128" : ""}`, () => {
  const options = (keyLength ? `&passphrase=${secret}&pbkeylen=${keyLength}` : "") + (impaired ? `&latency=${impairedLatencyMs}` : "");
  const ffOptions = (keyLength ? `&passphrase=${secret}&pbkeylen=${keyLength}` : "") + (impaired ? `&latency=${impairedLatencyMs * 1000}` : "");
  const tag = `${impaired}-${keyLength ?? 0}`;

  test("ffmpeg publishes to a Node listener: every frame arrives", { timeout: 60_000 }, async () => {
    const server = await SrtServer.listen(`srt://:0?mode=listener${options}`);
    const { port } = server.address();
    try {
      const target = impaired ? await impairRelay(port, 31) : port;
      const ffmpeg = start("ffmpeg", [...ffmpegQuiet, "-re", "-i", pattern, "-c", "copy", "-f", "mpegts",
        `srt://127.0.0.1:${target}?pkt_size=1316&linger=2${ffOptions}`]);
      const { value: connection } = await server.next();
      const chunks = [];
      try {
        for await (const message of connection) chunks.push(message);
      } catch (error) {
        // Through the relay, ffmpeg's one SHUTDOWN may be lost: then the idle timeout ends it.
        if (!(impaired && error.code === "ERR_SRT_CONNECTION_LOST")) throw error;
      }
      assert.equal((await exitWithin(ffmpeg, 40_000, "ffmpeg publisher")).code, 0, ffmpeg.stderrText);
      const output = join(work, `from-ffmpeg-node-${tag}.ts`);
      writeFileSync(output, Buffer.concat(chunks));
      assert.deepEqual(probeFrames(output), expected);
    } finally {
      await server.close();
    }
  });

  test("a Node caller publishes to an ffmpeg listener: every frame arrives", { timeout: 60_000 }, async () => {
    const port = await reservedUdpPort();
    const output = join(work, `to-ffmpeg-node-${tag}.ts`);
    const ffmpeg = start("ffmpeg", [...ffmpegQuiet, "-y", "-i", `srt://127.0.0.1:${port}?mode=listener${ffOptions}`,
      "-c", "copy", "-f", "mpegts", output]);
    await udpPortBound(port, 10_000, ffmpeg);
    const target = impaired ? await impairRelay(port, 32) : port;
    const socket = await SrtSocket.connect(`srt://127.0.0.1:${target}?payloadsize=1316${options}`);
    // The pattern played out in real time by ffmpeg, sent as 1316-byte messages (7 TS packets).
    const source = start("ffmpeg", [...ffmpegQuiet, "-re", "-i", pattern, "-c", "copy", "-f", "mpegts", "pipe:1"]);
    let pending = Buffer.alloc(0);
    for await (const chunk of source.stdout) {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 1316) {
        await socket.send(pending.subarray(0, 1316));
        pending = pending.subarray(1316);
      }
    }
    if (pending.length) await socket.send(pending);
    await socket.close({ lingerMs: 10_000 });
    assert.equal((await exitWithin(ffmpeg, 15_000, "ffmpeg listener")).code, 0, ffmpeg.stderrText);
    assert.deepEqual(probeFrames(output), expected);
  });
});
