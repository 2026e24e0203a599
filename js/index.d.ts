// Types of websrt's public ES module entry (js/index.js).

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
