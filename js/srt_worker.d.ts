// Types of websrt/worker (js/srt_worker.js): SRT off the main thread.
import type { ListenOptions, ReceivedMessage, SendOptions, ServerCounters, SrtError, SrtStats } from "./index.js";

/**
 * SRT off the main thread: the WebAssembly core, its timers and its transport run in a dedicated
 * Worker (a worker_threads thread in Node), so that a page's rendering and its player do not
 * compete with the protocol. Its sockets are proxies with SrtSocket's API; messages cross in
 * batches, their buffers transferred. In browsers the worker is a module Worker that a bundler
 * (Vite, webpack) builds from the package (Vite: with `worker: { format: "es" }` in its config, as
 * the core loads its glue with a dynamic import); it reaches the network through `websrt bridge`.
 */
export class SrtWorker {
  /** Not for applications: use SrtWorker.start(). */
  private constructor();
  /** Starts the worker; resolves once it has loaded the core. In Node it keeps the process
   * alive only while a socket is open or a call is waiting. */
  static start(): Promise<SrtWorker>;
  /**
   * SrtSocket.connect() in the worker (same URIs, same rejections).
   * @param options.bridge - the `websrt bridge` WebSocket URL that carries the datagrams
   *   (browsers need one; in Node, without it, the worker opens a UDP socket).
   */
  connect(uri: string, options?: { bridge?: string; signal?: AbortSignal }): Promise<WorkerSrtSocket>;
  /**
   * SrtServer.listen() in the worker (Node only: the worker binds the UDP port). Same URIs,
   * options and rejections; accept and onRefused run on this thread, and a caller is answered
   * when it repeats its handshake after accept answered (within 250 ms).
   */
  listen(uri: string, options?: ListenOptions): Promise<WorkerSrtServer>;
  /** Stops the worker at once; its connections end without SHUTDOWN (close them first). */
  terminate(): Promise<void>;
}

/** A connection running in an SrtWorker: SrtSocket's API, except that stats() is a promise and
 * there is no toNodeStream(). srcTime in readMessage() is on the worker's clock. */
export class WorkerSrtSocket implements AsyncIterable<Uint8Array>, AsyncDisposable {
  /** Not for applications: use SrtWorker.connect(). */
  private constructor();
  readonly peer: string;
  readonly streamId: string;
  readonly bufferedMessages: number;
  readonly closed: Promise<SrtError | undefined>;
  send(message: Uint8Array, options?: SendOptions): Promise<void>;
  read(options?: { signal?: AbortSignal }): Promise<Uint8Array | undefined>;
  readMessage(options?: { signal?: AbortSignal }): Promise<ReceivedMessage | undefined>;
  next(): Promise<IteratorResult<Uint8Array, undefined>>;
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
  [Symbol.asyncDispose](): Promise<void>;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  stats(clear?: boolean): Promise<SrtStats | undefined>;
  close(options?: { lingerMs?: number }): Promise<{ unacknowledged: number }>;
}

/** A listener running in an SrtWorker: SrtServer's API, except that counters() is a promise. */
export class WorkerSrtServer implements AsyncIterable<WorkerSrtSocket>, AsyncDisposable {
  /** Not for applications: use SrtWorker.listen(). */
  private constructor();
  /** The local address and port (the one picked for port 0). */
  address(): { address: string; port: number };
  /** Resolves once the server is closed. Never rejects. */
  readonly closed: Promise<void>;
  /** SrtServer's counters, from the worker (undefined once closed). */
  counters(): Promise<ServerCounters | undefined>;
  accept(options?: { signal?: AbortSignal }): Promise<WorkerSrtSocket | undefined>;
  next(): Promise<IteratorResult<WorkerSrtSocket, undefined>>;
  [Symbol.asyncIterator](): AsyncIterator<WorkerSrtSocket>;
  [Symbol.asyncDispose](): Promise<void>;
  /** Closes every accepted connection and the port. */
  close(): Promise<void>;
}
