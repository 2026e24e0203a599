// Types of `websrt/publish` (browsers): a MediaStream published over SRT as MPEG-TS.
import type { SrtSocket } from "../index.js";

export interface PublishOptions {
  /** H.264 target bitrate in bits per second (default 2,500,000). */
  videoBitrate?: number;
  /** AAC bitrate in bits per second (default 128,000). */
  audioBitrate?: number;
  /** Seconds between keyframes (default 1); the publication runs about this much behind the camera. */
  keyFrameIntervalSeconds?: number;
  /** Aborting stops the publication as stop() does. */
  signal?: AbortSignal;
}

export interface PublishStats {
  /** TS packets, SRT messages and bytes handed to the socket so far. */
  tsPackets: number;
  messages: number;
  bytes: number;
  /** Frames the encoders produced. */
  videoFrames: number;
  audioFrames: number;
  /** PAT/PMT packets repeated for receivers that join later. */
  tables: number;
  seconds: number;
  /** Average bitrate sent since the start, Mbit/s. */
  mbpsSent: number;
  /** The SRT connection's smoothed RTT and its retransmitted packets. */
  rttMs: number;
  retransmitted: number;
}

export interface Publication {
  /** Stops the encoders, sends what the muxer still holds; resolves once the socket has it all. */
  stop(): Promise<void>;
  stats(): PublishStats;
}

/**
 * Publishes the stream's first video and first audio track over `socket` (connected, live mode,
 * payload size 1316) as MPEG-TS: H.264 from WebCodecs, AAC from WebCodecs or FFmpeg's encoder in
 * WebAssembly. Needs the optional peer dependencies `mediabunny` and `@mediabunny/aac-encoder`.
 * Rejects with an SrtError (code "ERR_SRT_PUBLISH") when the stream has no track or the encoders
 * cannot start.
 */
export declare function publishMediaStream(socket: SrtSocket, stream: MediaStream, options?: PublishOptions): Promise<Publication>;
