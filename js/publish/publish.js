// `websrt/publish`: going live from a web page. A MediaStream (getUserMedia's camera and
// microphone) is encoded with WebCodecs (H.264 video; AAC audio, by the browser where it has an
// AAC encoder and otherwise by FFmpeg's AAC encoder in WebAssembly from @mediabunny/aac-encoder),
// muxed into MPEG-TS by mediabunny, and sent over an open SrtSocket as srt-live-transmit and
// ffmpeg send it: seven 188-byte TS packets per SRT message.
//
// mediabunny's muxer is written for files, and two things make its output a live stream here:
// - it writes the PAT and PMT once; a live stream repeats them (a receiver that joins later needs
//   them), so they are re-sent every tableIntervalSeconds of media time, continuity counted on;
// - it holds each group of pictures until the next keyframe (it derives decoding times by sorting
//   presentation times), then writes it at once; the messages are therefore paced by their
//   presentation times, so SRT carries a live source at the media's rate, not a burst per GOP.
//   The publication runs about one keyframe interval behind the camera.
// mediabunny and the AAC encoder are optional peer dependencies: install them to use this module.
import { MediaStreamAudioTrackSource, MediaStreamVideoTrackSource, MpegTsOutputFormat, NullTarget, Output, canEncodeAudio } from "mediabunny";
import { registerAacEncoder } from "@mediabunny/aac-encoder";

import { SrtError } from "../srt_error.js";
import { nextContinuity, patPid, pesStartSeconds, pidOf, programMapPid, tsPacketBytes } from "./ts_packets.js";

/** Seven TS packets per SRT message (1316 bytes): what srt-live-transmit, ffmpeg and OBS send. */
const tsPacketsPerMessage = 7;
/** How often the PAT and PMT are repeated, in media time: as ffmpeg's mpegts muxer does for live
 * output (its pat_period, 0.1 s, is for broadcast; 0.5 s is plenty for SRT receivers). */
const tableIntervalSeconds = 0.5;

let aacRegistered;
/** Registers the WebAssembly AAC encoder once, unless the browser encodes AAC itself. */
function ensureAacEncoder() {
  aacRegistered ??= (async () => {
    if (!(await canEncodeAudio("aac"))) registerAacEncoder();
  })();
  return aacRegistered;
}

/**
 * Sends 1316-byte messages over `socket` when their media time comes: the first at once, each
 * later one at its presentation time after the first's. One send() at a time, in order.
 */
class LivePacer {
  #socket;
  #queue = [];  // {bytes, mediaSeconds}
  #anchor;      // {wall (ms), media (s)} of the first message
  #timer;
  #sending = false;
  #drained = [];
  failure;

  constructor(socket) {
    this.#socket = socket;
  }

  push(bytes, mediaSeconds) {
    this.#queue.push({ bytes, mediaSeconds });
    this.#pump();
  }

  /** Resolves once everything pushed has been handed to the socket (or sending failed). */
  drained() {
    if (this.#queue.length === 0 && !this.#sending) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  /** Sends what is due now, without waiting for its time (the publication ends). */
  hurry() {
    this.#anchor = { wall: -Infinity, media: 0 };
    clearTimeout(this.#timer);
    this.#pump();
  }

  async #pump() {
    if (this.#sending) return;
    this.#sending = true;
    try {
      while (this.#queue.length > 0 && !this.failure) {
        const next = this.#queue[0];
        this.#anchor ??= { wall: performance.now(), media: next.mediaSeconds };
        const due = this.#anchor.wall + (next.mediaSeconds - this.#anchor.media) * 1000;
        const wait = due - performance.now();
        if (wait > 1) {
          clearTimeout(this.#timer);
          this.#timer = setTimeout(() => this.#pump(), wait);
          return;
        }
        this.#queue.shift();
        await this.#socket.send(next.bytes);  // waits while the send buffer is full
      }
    } catch (error) {
      this.failure ??= error;
    } finally {
      this.#sending = false;
      if (this.#queue.length === 0 || this.failure) for (const resolve of this.#drained.splice(0)) resolve();
    }
  }
}

/**
 * Publishes `stream` over `socket` until stop() (or `signal`) ends it; resolves once the encoders
 * run. Rejects with an SrtError (code ERR_SRT_PUBLISH) when the stream has no track or the
 * encoders cannot start (no H.264 encoder in this browser).
 *
 * @param {import("../index.d.ts").SrtSocket} socket - connected, live mode, payload size 1316 (the default)
 * @param {MediaStream} stream
 * @param {{ videoBitrate?: number, audioBitrate?: number, keyFrameIntervalSeconds?: number, signal?: AbortSignal }} [options]
 */
export async function publishMediaStream(socket, stream, {
  videoBitrate = 2_500_000, audioBitrate = 128_000, keyFrameIntervalSeconds = 1, signal,
} = {}) {
  const [video] = stream.getVideoTracks();
  const [audio] = stream.getAudioTracks();
  if (!video && !audio) throw new SrtError("the MediaStream has no video or audio track", { code: "ERR_SRT_PUBLISH" });
  if (audio) await ensureAacEncoder();

  const counts = { tsPackets: 0, messages: 0, bytes: 0, videoFrames: 0, audioFrames: 0, tables: 0 };
  const pacer = new LivePacer(socket);
  const message = new Uint8Array(tsPacketBytes * tsPacketsPerMessage);
  let filled = 0;
  let messageSeconds = 0;  // media time of the message being filled
  let mediaSeconds = 0;    // of the latest PES start
  const tables = new Map();  // PID → the last PAT/PMT packet sent
  let pmtPid;
  let tablesSeconds = 0;

  const queueMessage = () => {
    counts.messages += 1;
    counts.bytes += filled;
    pacer.push(message.slice(0, filled), messageSeconds);
    filled = 0;
  };
  const pushPacket = (packet) => {
    if (filled === 0) messageSeconds = mediaSeconds;
    message.set(packet, filled);
    filled += tsPacketBytes;
    counts.tsPackets += 1;
    if (filled === message.length) queueMessage();
  };
  const onPacket = (packet) => {
    const pid = pidOf(packet);
    if (pid === patPid || pid === pmtPid) {
      if (pid === patPid) pmtPid = programMapPid(packet);
      tables.set(pid, packet.slice());
      tablesSeconds = mediaSeconds;
    } else {
      mediaSeconds = pesStartSeconds(packet) ?? mediaSeconds;
      if (tables.size > 0 && mediaSeconds - tablesSeconds >= tableIntervalSeconds) {
        for (const [tablePid, table] of tables) {
          const again = nextContinuity(table);
          tables.set(tablePid, again);
          pushPacket(again);
          counts.tables += 1;
        }
        tablesSeconds = mediaSeconds;
      }
    }
    pushPacket(packet);
  };

  const output = new Output({ format: new MpegTsOutputFormat({ onPacket }), target: new NullTarget() });
  let videoSource;
  let audioSource;
  if (video) {
    videoSource = new MediaStreamVideoTrackSource(video, {
      codec: "avc", bitrate: videoBitrate, keyFrameInterval: keyFrameIntervalSeconds, latencyMode: "realtime",
      onEncodedPacket: () => (counts.videoFrames += 1),
    });
    output.addVideoTrack(videoSource);
  }
  if (audio) {
    audioSource = new MediaStreamAudioTrackSource(audio, {
      codec: "aac", bitrate: audioBitrate, onEncodedPacket: () => (counts.audioFrames += 1),
    });
    output.addAudioTrack(audioSource);
  }
  try {
    await output.start();
  } catch (error) {
    throw new SrtError(`cannot start the encoders: ${error?.message ?? error}`, { code: "ERR_SRT_PUBLISH", cause: error });
  }

  const started = performance.now();
  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      signal?.removeEventListener("abort", stop);
      try {
        await output.finalize();  // writes what the muxer holds (the last GOP)
      } catch {
        await output.cancel().catch(() => {});
      }
      if (filled > 0) queueMessage();
      pacer.hurry();
      await pacer.drained();
      if (pacer.failure) throw pacer.failure;
    })();
    return stopping;
  };
  signal?.addEventListener("abort", stop, { once: true });
  // A source's error (the camera unplugged, an encoder failure) ends the publication.
  Promise.race([videoSource?.errorPromise, audioSource?.errorPromise].filter(Boolean)).catch((error) => {
    pacer.failure ??= error;
    stop().catch(() => {});
  });

  return {
    /** Stops the encoders, sends what the muxer still holds, and resolves once the socket has it all. */
    stop,
    /** What has been sent: counts, the average bitrate, and the socket's RTT and retransmissions. */
    stats() {
      const seconds = (performance.now() - started) / 1000;
      const srt = socket.stats();
      return {
        ...counts,
        seconds,
        mbpsSent: seconds > 0 ? (counts.bytes * 8) / seconds / 1e6 : 0,
        rttMs: srt?.msRTT ?? 0,
        retransmitted: srt?.pktRetransTotal ?? 0,
      };
    },
  };
}
