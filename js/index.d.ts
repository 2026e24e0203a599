// Types of websrt's public ES module entries: js/index.js (Node) and js/index.browser.js (browsers
// and bundlers), which is the same API without NodeUdpTransport.
/// <reference lib="esnext.disposable" />
import type { ParsedStreamId } from "./stream_id.js";

/** A failed call: nothing was computed; `error` says why, in a short human-readable sentence. */
export interface Failure {
  ok: false;
  /** What went wrong, e.g. "datagram truncated" or "key length must be 16, 24 or 32 bytes". */
  error: string;
}

/** Either `{ ok: true, ...value }` or a {@link Failure}. Test `ok` before reading the value. */
export type Result<T extends object> = ({ ok: true } & T) | Failure;

/** A result carrying fresh bytes: a new Uint8Array the caller owns (never a view into wasm memory). */
export type BytesResult = Result<{ bytes: Uint8Array }>;

/**
 * The kind of an SRT packet as the codec names it. Control packets of a type SRT does not
 * define are `"unknown_control"`; user-defined packets with an unknown subtype are
 * `"user_defined"`.
 */
export type PacketKind =
  | "data"
  | "handshake"
  | "keepalive"
  | "ack"
  | "nak"
  | "congestion_warning"
  | "shutdown"
  | "ackack"
  | "drop_request"
  | "peer_error"
  | "user_defined"
  | "user_defined/hsreq"
  | "user_defined/hsrsp"
  | "user_defined/kmreq"
  | "user_defined/kmrsp"
  | "unknown_control";

/**
 * The WebAssembly core's functions. None of them throws: invalid arguments and undecodable
 * input come back as a {@link Failure}.
 */
export interface WebsrtCore {
  /**
   * Decodes one UDP datagram as an SRT packet and encodes the packet again. For every datagram
   * libsrt sends, `bytes` equals the input; a difference means the codec loses information.
   * @param datagram - one whole UDP payload.
   * @returns the re-encoded bytes, or a failure if the datagram is not a valid SRT packet.
   */
  wireReencode(datagram: Uint8Array): BytesResult;

  /**
   * Decodes one UDP datagram as an SRT packet and names its kind.
   * @param datagram - one whole UDP payload.
   * @returns the packet's kind, or a failure if the datagram is not a valid SRT packet.
   */
  wireDescribe(datagram: Uint8Array): Result<{ kind: PacketKind }>;

  /**
   * PBKDF2 (RFC 8018) over HMAC-SHA1, as SRT derives the KEK from the passphrase (with the low
   * 8 bytes of the KM salt, 2048 iterations and the key length).
   * @param passphrase - encoded as UTF-8.
   * @param salt - any length.
   * @param iterations - an integer, at least 1.
   * @param keyLength - bytes to derive: an integer from 1 to 1024.
   * @returns `keyLength` derived bytes, or a failure for arguments out of range.
   */
  pbkdf2HmacSha1(passphrase: string, salt: Uint8Array, iterations: number, keyLength: number): BytesResult;

  /**
   * AES in counter mode, SRT's classic payload cipher: `bytes = data XOR keystream`, so the same
   * call encrypts and decrypts. The 16-byte counter block is big-endian and carries across all
   * 128 bits.
   * @param key - 16, 24 or 32 bytes (AES-128/192/256).
   * @param iv - the 16-byte initial counter block.
   * @param data - any length, including zero.
   * @returns the transformed bytes (same length as `data`), or a failure for a bad key or iv size.
   */
  aesCtr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): BytesResult;

  /**
   * AES-GCM (NIST SP 800-38D), SRT's authenticated payload cipher (libsrt 1.5.2 and later).
   * @param key - 16, 24 or 32 bytes (AES-128/192/256).
   * @param iv - the 12-byte nonce; never use one twice with the same key.
   * @param aad - data authenticated but not encrypted (SRT: the packet header), any length.
   * @param plaintext - any length, including zero.
   * @returns the ciphertext followed by the 16-byte tag, or a failure for a bad key or iv size.
   */
  aesGcmSeal(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): BytesResult;

  /**
   * Checks and decrypts what {@link WebsrtCore.aesGcmSeal} made.
   * @param sealed - the ciphertext followed by the 16-byte tag.
   * @returns the plaintext, or a failure ("authentication tag mismatch") when any byte of `aad`
   *   or `sealed` was changed, or for a bad key or iv size.
   */
  aesGcmOpen(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, sealed: Uint8Array): BytesResult;

  /**
   * Decrypts one SRT data packet with the core's key material and payload cipher: the keys come
   * from the KM that `kmDatagram` carries (a conclusion handshake's KMREQ/KMRSP, or an in-band
   * KMREQ/KMRSP), unwrapped with `passphrase`; the packet's KK flags pick the key.
   * @param passphrase - the SRT passphrase, encoded as UTF-8.
   * @param kmDatagram - a whole SRT control datagram carrying key material.
   * @param dataDatagram - a whole SRT data datagram, encrypted with AES-CTR or AES-GCM.
   * @returns the payload in the clear, or a failure naming why (wrong passphrase: "bad secret").
   */
  srtDecrypt(passphrase: string, kmDatagram: Uint8Array, dataDatagram: Uint8Array): BytesResult;
}

/**
 * Loads the WebAssembly core (`dist/websrt_core.wasm`, next to this package's `js/` folder)
 * once; later calls return the same promise. In Node it reads the file; in browsers it streams
 * it from the module's URL.
 * @returns the core's functions.
 * @throws (rejects) an Error naming the missing file if the core was not built or cannot be
 * fetched; a later call tries again.
 */
export function loadCore(): Promise<WebsrtCore>;

/** libsrt's statistics by its names (srt_bistats): `*Total` since the start, the same names without
 * it for the interval since the last `stats(true)`, and instantaneous values. */
export interface SrtStats {
  msTimeStamp: number;
  pktSent: number; pktSentTotal: number; pktRecv: number; pktRecvTotal: number;
  pktSentUnique: number; pktSentUniqueTotal: number; pktRecvUnique: number; pktRecvUniqueTotal: number;
  pktSndLoss: number; pktSndLossTotal: number; pktRcvLoss: number; pktRcvLossTotal: number;
  pktRetrans: number; pktRetransTotal: number; pktRcvRetrans: number; pktRcvRetransTotal: number;
  pktSentACK: number; pktSentACKTotal: number; pktRecvACK: number; pktRecvACKTotal: number;
  pktSentNAK: number; pktSentNAKTotal: number; pktRecvNAK: number; pktRecvNAKTotal: number;
  pktSndDrop: number; pktSndDropTotal: number; pktRcvDrop: number; pktRcvDropTotal: number;
  pktRcvUndecrypt: number; pktRcvUndecryptTotal: number; pktRcvBelated: number; pktRcvBelatedTotal: number;
  byteSent: number; byteSentTotal: number; byteRecv: number; byteRecvTotal: number;
  byteSentUnique: number; byteSentUniqueTotal: number; byteRecvUnique: number; byteRecvUniqueTotal: number;
  byteRcvLoss: number; byteRcvLossTotal: number; byteRetrans: number; byteRetransTotal: number;
  byteSndDrop: number; byteSndDropTotal: number; byteRcvDrop: number; byteRcvDropTotal: number;
  byteRcvUndecrypt: number; byteRcvUndecryptTotal: number;
  /** The packet filter (FEC): its packets sent and received besides data, the lost packets it
   * rebuilt, and the losses it gave up on. */
  pktSndFilterExtra: number; pktSndFilterExtraTotal: number; pktRcvFilterExtra: number; pktRcvFilterExtraTotal: number;
  pktRcvFilterSupply: number; pktRcvFilterSupplyTotal: number; pktRcvFilterLoss: number; pktRcvFilterLossTotal: number;
  mbpsSendRate: number; mbpsRecvRate: number; usPktSndPeriod: number; pktFlowWindow: number;
  pktFlightSize: number; msRTT: number; mbpsBandwidth: number; mbpsMaxBW: number;
  byteAvailSndBuf: number; byteAvailRcvBuf: number; byteMSS: number; pktSndBuf: number;
  byteSndBuf: number; msSndBuf: number; msSndTsbPdDelay: number; pktRcvBuf: number;
  byteRcvBuf: number; msRcvBuf: number; msRcvTsbPdDelay: number; pktReorderDistance: number;
}

/** Why an SRT operation failed. */
export type SrtErrorCode =
  | "ERR_SRT_URI"                 // not an srt:// URI, an unknown option or a bad value (named in the message)
  | "ERR_SRT_REJECTED"            // the peer refused the connection: see rejectCode
  | "ERR_SRT_TIMEOUT"             // no answer within conntimeo
  | "ERR_SRT_CONNECTION_LOST"     // nothing heard from the peer for peeridletimeo
  | "ERR_SRT_CLOSED"              // the socket is closed
  | "ERR_SRT_MESSAGE_TOO_LARGE"   // a message longer than payloadsize
  | "ERR_SRT_TRANSPORT"           // no transport to carry the datagrams (e.g. in a browser without one)
  | "ERR_SRT_OUT_OF_MEMORY"       // the WebAssembly memory cannot hold another endpoint's buffers
  | "ERR_SRT_CALLBACK";           // an application callback (accept, onRefused) threw; passed to onError

export class SrtError extends Error {
  readonly name: "SrtError";
  readonly code: SrtErrorCode;
  /** libsrt's reject code (10 BADSECRET, 11 UNSECURE, 1403 forbidden, …) for ERR_SRT_REJECTED. */
  readonly rejectCode?: number;
}

/** How datagrams reach the network: `node:dgram` (NodeUdpTransport), later a WebSocket bridge. */
export interface Transport {
  /** Binds (or connects) the transport; port 0 picks a free one. */
  bind(port?: number, address?: string): Promise<void>;
  /** Sends one datagram to "1.2.3.4:5" or "[::1]:5"; `bytes` is the transport's to keep. */
  send(bytes: Uint8Array, address: string): void;
  /** Optional, preferred when present: sends `size` bytes of `memory` (the wasm memory) from
   * `start`. They change once this returns, so a transport that sends later copies them first;
   * this saves the copy send() would be given. */
  sendFrom?(memory: Uint8Array, start: number, size: number, address: string): void;
  /** Receives what arrived, in batches. */
  onBatch(handler: (batch: Array<{ bytes: Uint8Array; address: string }>) => void): void;
  localAddress(): { address: string; port: number };
  close(): void;
  /** For transports that can fail on their own (a bridge): every connection ends with the error. */
  onError?(handler: (error: Error) => void): void;
}

/** The time and the timer a socket's protocol runs on: the runtime's by default (`systemClock`);
 * another one runs it on virtual time (tests) or on an application's scheduler. */
export interface Clock {
  /** Monotonic microseconds. */
  now(): number;
  setTimer(callback: () => void, delayMs: number): unknown;
  /** Cancels a timer from setTimer (or does nothing for undefined). */
  clearTimer(handle: unknown): void;
}

/** performance.now(), and timers from setTimeout, or for a deadline less than a millisecond away
 * the next turn of the event loop (setImmediate in Node, a MessageChannel message in browsers). */
export const systemClock: Clock;

/** UDP through node:dgram. Node only: the browser entry does not export it, so a browser bundle
 * that imports it fails to build rather than at run time. */
export class NodeUdpTransport implements Transport {
  constructor(options?: { type?: "udp4" | "udp6" });
  bind(port?: number, address?: string): Promise<void>;
  send(bytes: Uint8Array, address: string): void;
  onBatch(handler: (batch: Array<{ bytes: Uint8Array; address: string }>) => void): void;
  localAddress(): { address: string; port: number };
  close(): void;
}

/** Checks an srt:// URI's options as connect()/listen() will, without opening a port: the
 * options as the core read them (as parseSrtUri).
 * @throws (rejects) SrtError ERR_SRT_URI naming the bad part. */
export function checkSrtUri(uri: string): Promise<SrtUri>;

/** How an SRT socket connects: srt-live-transmit's `mode` (its client/server aliases resolved). */
export type SrtMode = "caller" | "listener" | "rendezvous";

/** An srt:// URI as the core reads it (the same parser as `websrt transmit`'s). */
export interface SrtUri {
  /** An IP address or name; "" for a listener on any address. */
  readonly host: string;
  /** 0 only for a listener: any free port. */
  readonly port: number;
  readonly mode: SrtMode;
  /** The local address to bind (`adapter=`). */
  readonly adapter?: string;
  /** The local port to bind (`port=`, caller or rendezvous). */
  readonly localPort?: number;
  /** The local port this side binds: a listener's `port`; a caller's `port=` or 0 (any); a
   * rendezvous side's `port=`, else the remote port (as srt-live-transmit). */
  readonly bindPort: number;
  /** `streamid=`, percent-decoded; "" when none. */
  readonly streamId: string;
  /** `payloadsize=` (default 1316). */
  readonly payloadSize: number;
  /** `packetfilter=`, libsrt's fec filter as given (e.g. "fec,cols:10,rows:5"); "" when none. */
  readonly packetFilter: string;
  /** `latency=`/`rcvlatency=` in milliseconds (default 120). */
  readonly latencyMs: number;
  /** Whether a passphrase was given (the passphrase itself is never returned). */
  readonly encrypted: boolean;
}

/** SRT over a WebSocket to `websrt bridge`, which relays the datagrams over UDP (browsers; Node
 * with the `ws` package). The flow opens on the first datagram, to its destination; a refusal by
 * the bridge ends the connection with SrtError ERR_SRT_TRANSPORT and the bridge's reason. */
export class WebSocketTransport implements Transport {
  /**
   * @param url - the bridge's endpoint, e.g. "ws://127.0.0.1:8080/srt".
   * @param options.WebSocket - a WebSocket class where there is no global one (Node 20: `ws`).
   * @param options.batch - several datagrams per message ("websrt-batch" subprotocol; default
   *   true); false sends one datagram per message.
   */
  constructor(url: string, options?: { WebSocket?: unknown; batch?: boolean; maxBufferedBytes?: number });
  /** Datagrams dropped, as UDP would drop them: sent while more than maxBufferedBytes (1 MiB by
   * default) waited in the WebSocket's buffer, queued beyond 256 while it opened, or addressed
   * to another destination than the flow's. */
  readonly droppedDatagrams: number;
  bind(port?: number, address?: string): Promise<void>;
  send(bytes: Uint8Array, address: string): void;
  onBatch(handler: (batch: Array<{ bytes: Uint8Array; address: string }>) => void): void;
  onError(handler: (error: Error) => void): void;
  localAddress(): { address: string; port: number };
  close(): void;
}

/** Reads an srt:// URI with the core's parser: every option checked as connect()/listen() will.
 * @throws (rejects) SrtError ERR_SRT_URI naming the bad part (never the passphrase). */
export function parseSrtUri(uri: string): Promise<SrtUri>;

/** The part of a node:stream Duplex these declarations rely on. */
export interface NodeDuplexLike {
  pipe<T>(destination: T, options?: { end?: boolean }): T;
  on(event: string, listener: (...args: unknown[]) => void): this;
  destroy(error?: Error): this;
}

/** One SRT connection: a caller's (SrtSocket.connect) or one a server accepted. */
/** The message API's per-message options (libsrt srt_sendmsg2's SRT_MSGCTRL). */
export interface SendOptions {
  /** Give the message up unless it is sent within this many milliseconds (libsrt msgttl): the
   * receiver is told to skip it (DROPREQ), and it counts in pktSndDrop. Default: never. */
  ttl?: number;
  /** The receiver may not deliver it before earlier messages (libsrt inorder). Without it, in file
   * mode's message API, a complete message may overtake one still missing a packet. Live mode
   * delivers in order anyway. Default false, as libsrt's. */
  inOrder?: boolean;
  /** When the message was made, in microseconds on the socket's clock (performance.now() × 1000
   * unless a clock was given): its play-out time at a live receiver counts from then. Used with
   * TSBPD and the message API, as libsrt; not before the connection started, nor in the future. */
  srcTime?: number;
}

/** A message with what the sender said of it (libsrt srt_recvmsg2's SRT_MSGCTRL). */
export interface ReceivedMessage {
  readonly data: Uint8Array;
  /** The sender's message number (libsrt msgno), 1 … 2^26 − 1, then 1 again. */
  readonly messageNumber: number;
  /** The sequence number of its packet (libsrt pktseq). */
  readonly sequence: number;
  /** When the sender made it, in microseconds on this socket's clock (live mode: the TSBPD base
   * plus its timestamp; libsrt's srctime adds the latency). File mode: when it arrived. */
  readonly srcTime: number;
}

export class SrtSocket implements AsyncIterable<Uint8Array>, AsyncDisposable {
  /** Not for applications: use SrtSocket.connect() or SrtServer.listen(). */
  private constructor();
  /**
   * Connects to an SRT listener, or with `mode=rendezvous` meets a peer doing the same towards
   * us (each side binds `port=`, else the remote port; the peer must be reachable there). The URI
   * takes `websrt transmit`'s (srt-live-transmit's) option names, e.g.
   * `srt://10.0.0.5:9000?streamid=cam1&latency=200&passphrase=…`.
   * @param options.signal - aborting it abandons the attempt: connect() rejects with its reason.
   * @throws SrtError ERR_SRT_URI, ERR_SRT_REJECTED (with rejectCode), ERR_SRT_TIMEOUT.
   */
  static connect(uri: string, options?: { transport?: Transport; signal?: AbortSignal; clock?: Clock }): Promise<SrtSocket>;
  /** The peer's address, "1.2.3.4:5". */
  readonly peer: string;
  /** The Stream ID: the one this caller sent, or the one an accepted caller sent. */
  readonly streamId: string;
  /** Messages received and held in JS until read (beyond about 1024 they wait in the core). */
  readonly bufferedMessages: number;
  /** Resolves once the connection ended: with the SrtError that ended it, or undefined for a
   * clean close (ours or the peer's). Never rejects. */
  readonly closed: Promise<SrtError | undefined>;
  /** Sends one message (at most payloadsize bytes); waits while the send buffer is full.
   * Rejects with a RangeError for a bad option (srcTime before the connection or in the future). */
  send(message: Uint8Array, options?: SendOptions): Promise<void>;
  /** The next message, or undefined once the peer closed. Rejects with the SrtError that ended
   * the connection, or with `signal`'s reason (the socket stays open). */
  read(options?: { signal?: AbortSignal }): Promise<Uint8Array | undefined>;
  /** read() with what the sender said of the message (libsrt srt_recvmsg2). */
  readMessage(options?: { signal?: AbortSignal }): Promise<ReceivedMessage | undefined>;
  /** The next message as an iterator result; done when the peer closed. */
  next(): Promise<IteratorResult<Uint8Array, undefined>>;
  /** Messages until the peer closes; leaving the loop early closes the socket. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
  /** `await using socket = await SrtSocket.connect(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
  /** Messages as a Web Stream; cancelling it closes the socket. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Each chunk written is one message; closing (or aborting) it closes the socket. */
  readonly writable: WritableStream<Uint8Array>;
  /** A node:stream Duplex over readable/writable (Node only; typed loosely so that the
   * declarations need no @types/node). */
  toNodeStream(): Promise<NodeDuplexLike>;
  /** Statistics; `clear` starts a new interval. Once closed: the last statistics, if known. */
  stats(clear?: boolean): SrtStats | undefined;
  /** Waits until the peer acknowledged and played everything sent, at most lingerMs (default:
   * the URI's `linger`, else max(3 s, 4 × latency); 0 closes at once), then closes; resolves
   * with the packets left unacknowledged (0: everything arrived). */
  close(options?: { lingerMs?: number }): Promise<{ unacknowledged: number }>;
}

/** An SRT listener. */
/** What an accept callback returns: true or nothing admits, false refuses (1403), a number
 * refuses with that reject code. */
export type AcceptAnswer = boolean | number | void;

/** SrtServer.listen's options (SrtWorker.listen takes the same); see SrtServer.listen. */
export interface ListenOptions {
  accept?: (request: { streamId: string; peer: string; parsedStreamId: ParsedStreamId }) => AcceptAnswer | Promise<AcceptAnswer>;
  onRefused?: (event: { peer: string; streamId: string; rejectCode: number; detail: string }) => void;
  onError?: (error: SrtError) => void;
  maxPending?: number;
  /** Connections open at once (default 1024); beyond, callers are refused with 5 (backlog). */
  maxConnections?: number;
  signal?: AbortSignal;
}

/** SrtServer's counters: its own, then the port's (the core's EndpointCounters). */
export interface ServerCounters {
  refusedQueueFull: number; refusedUndecided: number; callbackErrors: number; oversize: number; undecodable: number;
  unroutable: number; badCookie: number; refusalsLimited: number; statelessDropped: number; deferred: number;
  refused: number; keyDerivations: number; addressesTracked: number;
}

export class SrtServer implements AsyncIterable<SrtSocket>, AsyncDisposable {
  /** Not for applications: use SrtServer.listen(). */
  private constructor();
  /**
   * Listens on the URI's port (`srt://:9000?…`, `mode=listener`; port 0: any free one, see
   * address()).
   * @param options.signal - aborting it closes the server (before it listens: listen() rejects
   *   with its reason).
   * @param options.accept - called for each caller: true (or nothing) admits it, false refuses
   *   it (1403), a number refuses it with that reject code; or a promise of one of these, and the
   *   caller is answered when it repeats its handshake after the promise settled (within 250 ms;
   *   at most maxPending callers wait for an answer, further ones are refused with 5).
   *   `parsedStreamId` is the caller's stream id read by parseStreamId (access control, MediaMTX,
   *   plain or invalid).
   * @param options.onRefused - hears of callers refused (wrong passphrase, accept's refusals, …).
   * @param options.onError - hears of callbacks that threw (SrtError ERR_SRT_CALLBACK, the
   *   thrown value as `cause`); default: console.error. A throwing accept refuses that caller.
   * @param options.maxPending - accepted connections waiting to be taken with `for await`
   *   (default 128); beyond, callers are refused with SRT_REJ_BACKLOG (5).
   */
  static listen(
    uri: string,
    options?: ListenOptions & { transport?: Transport; clock?: Clock },
  ): Promise<SrtServer>;
  /** What the server turned away or dropped: callers refused because the accept queue was full
   * or too many awaited an asynchronous accept, callbacks that threw, and the port's counters
   * (the core's EndpointCounters; `deferred`: handshakes left unanswered while accept decided). */
  readonly counters: ServerCounters;
  /** The local address and port (the one picked for port 0). */
  address(): { address: string; port: number };
  /** Resolves once the server is closed. Never rejects. */
  readonly closed: Promise<void>;
  /** The next accepted connection, or undefined once the server is closed; rejects with
   * `signal`'s reason (the server stays open). */
  accept(options?: { signal?: AbortSignal }): Promise<SrtSocket | undefined>;
  next(): Promise<IteratorResult<SrtSocket, undefined>>;
  /** Accepted connections until the server closes; leaving the loop keeps the server open. */
  [Symbol.asyncIterator](): AsyncIterator<SrtSocket>;
  /** `await using server = await SrtServer.listen(…)` closes it at the end of the scope. */
  [Symbol.asyncDispose](): Promise<void>;
  /** Closes every accepted connection and the port. */
  close(): Promise<void>;
}
export * from "./stream_id.js";
