// Types of js/stream_id.js: SRT stream ids as libsrt's access-control document, MediaMTX and SRS
// define them. Sources: [AC] Haivision/srt docs/features/access-control.md; [MTX] MediaMTX
// docs/2-features/24-srt-specific-features.md and 06-authentication.md; [SRS] SRS doc/srt.md.

/** The longest stream id SRT carries, in UTF-8 bytes (libsrt MAX_SID_LENGTH). */
export declare const maxStreamIdBytes: 512;

/** [AC] `m`: request (the default) receives the stream, publish sends it, bidirectional both. */
export type StreamIdMode = "request" | "publish" | "bidirectional";
/** [AC] `t`'s standard values; stream is the default. The document lets users add others. */
export type StreamIdType = "stream" | "file" | "auth";

/** A `#!::key=value,…` id [AC]. The standard keys appear under their names as well as in `fields`. */
export interface ParsedAccessControl {
  format: "access-control";
  /** The stream id as sent. */
  text: string;
  /** `u`: whose password the listener should expect. */
  user?: string;
  /** `r`: the resource asked for (MediaMTX: the path; SRS: app/stream). */
  resource?: string;
  /** `h`: the host name of the resource (SRS: the vhost). */
  host?: string;
  /** `s`: a one-shot session id (MediaMTX reads its password here). */
  session?: string;
  /** `t`: any value; the standard ones are typed. */
  type?: StreamIdType | (string & {});
  /** `m`: always one of the three; another value makes the id invalid. */
  mode?: StreamIdMode;
  /** Every key, standard and custom, with its value, for lookup. */
  fields: Record<string, string>;
  /** Every key and value in the order sent (object keys that look like integers would reorder). */
  entries: Array<[key: string, value: string]>;
}

/** MediaMTX's `action:path[:user:password][:query]` [MTX]. */
export interface ParsedMediamtx {
  format: "mediamtx";
  text: string;
  action: "publish" | "read";
  /** Never empty. */
  path: string;
  /** Present, with password, in the four- and five-part forms. */
  user?: string;
  password?: string;
  /** Present in the three- and five-part forms, e.g. "param=value". */
  query?: string;
}

/** A free-form id ([AC] allows them), such as "cam1" or SRS's short form "live/livestream". */
export interface ParsedPlain {
  format: "plain";
  text: string;
}

/** An id no server reads: over 512 bytes, not a string, or a `#!` id that breaks the syntax. */
export interface ParsedInvalid {
  format: "invalid";
  /** The id as sent ("" when it was not a string). */
  text: string;
  /** What is wrong, for logs. */
  error: string;
  /** A reject code for the accept callback to return: 1405 (SRT_REJX_BAD_MODE) for an unknown
   * `m`, otherwise 1400 (SRT_REJX_BAD_REQUEST). */
  rejectCode: 1400 | 1405;
}

/** A parsed stream id; narrow it on `format`. */
export type ParsedStreamId = ParsedAccessControl | ParsedMediamtx | ParsedPlain | ParsedInvalid;

/**
 * Reads a stream id; never throws. `#!…` ids are access-control or invalid, `publish:…`/`read:…`
 * ids of two to five parts are MediaMTX's, anything else is plain. A key given twice, an entry
 * without `=`, an empty key or list, or an unknown `m` make an access-control id invalid.
 */
export declare function parseStreamId(text: string): ParsedStreamId;

/** What MediaMTX reads from an id. */
export interface MediamtxRequest {
  action: "publish" | "read";
  path: string;
  user?: string;
  password?: string;
  query?: string;
}

/**
 * What MediaMTX reads [MTX]: its own form, or `m` (request or absent: read), `r` (path), `u` (user)
 * and `s` (password) of an access-control id. Undefined where MediaMTX refuses the id.
 */
export declare function mediamtxRequest(id: ParsedStreamId | string): MediamtxRequest | undefined;

/** What SRS reads from an id. */
export interface SrsRequest {
  vhost?: string;
  app: string;
  stream: string;
  mode: "publish" | "request";
  /** Passed on as the RTMP URL's query: custom keys (`secret`), `u`, `s`, `t`, and `?a=b` after the path. */
  params: Record<string, string>;
}

/**
 * What SRS reads [SRS]: `h=vhost,r=app/stream,m=…` and the older `h=app/stream`,
 * `h=vhost/app/stream`; any other id as SRS's short form `app/stream` or `stream` with
 * `defaultMode`. Undefined where SRS refuses the id.
 * @param options.defaultApp - SRS's srt_server default_app (default "live").
 * @param options.defaultMode - SRS's srt_server default_mode for short ids (default "request").
 */
export declare function srsRequest(
  id: ParsedStreamId | string,
  options?: { defaultApp?: string; defaultMode?: "publish" | "request" },
): SrsRequest | undefined;

/** The fields of an access-control id by name; any other key is custom (two letters or more). */
export interface AccessControlFields {
  user?: string;
  resource?: string;
  host?: string;
  session?: string;
  type?: StreamIdType;
  mode?: StreamIdMode;
  [custom: string]: string | undefined;
}

/**
 * Builds `#!::k=v,…` [AC], fields in the order given, undefined ones left out.
 * @throws TypeError - a value is not a string.
 * @throws RangeError - ',' or '=' in a key or value (no escaping exists), an empty or one-letter
 *   custom key (reserved), a non-standard mode or type, no field, or over 512 bytes.
 */
export declare function accessControlStreamId(fields: AccessControlFields): string;

/**
 * Builds MediaMTX's `action:path[:user:password][:query]` [MTX].
 * @throws TypeError - no path, a part not a string, or user without password (or the reverse).
 * @throws RangeError - an action other than publish/read, ':' in a part, an empty path, a trailing
 *   "#feedbackplay" (MediaMTX drops it), or over 512 bytes.
 */
export declare function mediamtxStreamId(request: MediamtxRequest): string;

/**
 * Builds SRS's `#!::h=vhost,r=app/stream,<params>,m=mode` [SRS].
 * @throws TypeError - no app or stream, or a part not a string.
 * @throws RangeError - '?', '&' or ';' anywhere, '/' in app or vhost, an empty app or stream, a
 *   parameter named host, resource or mode, or what accessControlStreamId refuses.
 */
export declare function srsStreamId(request: {
  app: string;
  stream: string;
  vhost?: string;
  mode?: "publish" | "request";
  params?: Record<string, string>;
}): string;
