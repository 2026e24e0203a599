// Stream ids as SRT servers read them: libsrt's access-control syntax (`#!::u=…,r=…,m=…`),
// MediaMTX's `action:path[:user:pass][:query]`, and SRS's reading of the access-control syntax.
// Parsing never throws, since callers are hostile; building throws on anything a server would
// read differently from what was meant.
//
// Each rule below cites the document it follows:
//   [AC]  libsrt, docs/features/access-control.md ("SRT Access Control (Stream ID) Guidelines"),
//         https://github.com/Haivision/srt/blob/master/docs/features/access-control.md
//   [MTX] MediaMTX, docs/2-features/24-srt-specific-features.md ("Standard stream ID syntax"),
//         docs/2-features/06-authentication.md (SRT), and the parser internal/servers/srt/streamid.go,
//         https://github.com/bluenviron/mediamtx
//   [SRS] SRS, doc/srt.md ("SRT URL", "SRT URL with short streamid", "Authentication"),
//         https://ossrs.io/lts/en-us/docs/v7/doc/srt, and the parser srs_srt_streamid_info() in
//         trunk/src/app/srs_app_srt_utility.cpp, https://github.com/ossrs/srs

/** The longest stream id SRT carries, in UTF-8 bytes: libsrt's MAX_SID_LENGTH
 * (srtcore/socketconfig.h, SRTO_STREAMID's range [512]), the core's max_stream_id_size. */
export const maxStreamIdBytes = 512;

/** SRT_REJX_BAD_REQUEST (libsrt srtcore/access_control.h): "General syntax error". */
const rejectBadRequest = 1400;
/** SRT_REJX_BAD_MODE: the `m` value is not one the document defines. */
const rejectBadMode = 1405;

// [AC] "Standard Keys", under the names this module gives them. Maps, so that a hostile key such
// as "constructor" never finds an Object.prototype member.
const keyOfName = new Map([["user", "u"], ["resource", "r"], ["host", "h"], ["session", "s"], ["type", "t"], ["mode", "m"]]);
const nameOfKey = new Map([...keyOfName].map(([name, key]) => [key, name]));
// [AC] "The existing key values must not be extended": `m` has these and no others.
const modes = ["request", "publish", "bidirectional"];
// [AC] the standard `t` values. The document lets users extend them, so parsing takes any value;
// building takes only these, to catch a typo such as t=live.
const types = ["stream", "file", "auth"];
// [MTX] streamid.go drops this suffix, which the StreamToStudio app appends (MediaMTX #5414).
const mediamtxIgnoredSuffix = "#feedbackplay";

const encoder = new TextEncoder();

function isOverLimit(text) {
  // A UTF-16 unit is at least one UTF-8 byte: a long string is over without being encoded.
  return text.length > maxStreamIdBytes || encoder.encode(text).length > maxStreamIdBytes;
}

function invalid(text, error, rejectCode = rejectBadRequest) {
  return { format: "invalid", text, error, rejectCode };
}

/**
 * Reads a stream id the way SRT servers do. Never throws, for any value.
 *
 * Precedence: a value that is not a string, or a string over 512 bytes, is "invalid" (SRT cannot
 * carry it); a string starting with `#!` claims libsrt's syntax [AC] and is "access-control" or "invalid";
 * one that matches MediaMTX's `publish:`/`read:` form whole [MTX] is "mediamtx"; anything else
 * is "plain" (free-form ids are allowed [AC] "Purpose"). An SRS id is an access-control id: read
 * it with srsRequest().
 *
 * Strictness beyond the document, for an access-control id ([AC] defines no escaping and is
 * silent on errors): an entry without `=`, an empty key, an empty list (`#!::`, a trailing
 * comma) and an `m` other than request/publish/bidirectional are invalid, as MediaMTX's parser
 * also refuses them; a key given twice is invalid, since MediaMTX and SRS keep the last copy and an
 * accept callback that read another copy would be fooled. A value may contain `=` (split at the
 * first one, as MediaMTX does). Keys and values are kept verbatim: no trimming, case kept.
 *
 * @param {string} text the stream id the caller sent
 */
export function parseStreamId(text) {
  if (typeof text !== "string") return invalid("", `a stream id is a string, not ${text === null ? "null" : typeof text}`);
  if (isOverLimit(text)) return invalid(text, `longer than ${maxStreamIdBytes} bytes, SRT's stream id limit`);
  if (text.startsWith("#!")) return parseAccessControl(text);
  return parseMediamtx(text) ?? { format: "plain", text };
}

function parseAccessControl(text) {
  // [AC] "General Syntax": `#!`, a syntax identifier (only `:` is defined), then content that is
  // `:` and a flat key=value list, or `{` and nested blocks whose grammar is not published.
  if (!text.startsWith("#!::")) {
    return invalid(text, text.startsWith("#!:{") ? "the nested #!:{…} form has no published grammar"
      : "after #! only the :: syntax is defined");
  }
  const content = text.slice(4);
  if (content === "") return invalid(text, "#!:: with no key=value entries");
  const parsed = { format: "access-control", text };
  const entries = [];
  const seen = new Set();
  for (const entry of content.split(",")) {
    const equals = entry.indexOf("=");
    if (equals < 0) return invalid(text, `entry ${JSON.stringify(entry)} has no '='`);
    if (equals === 0) return invalid(text, "an entry has an empty key");
    const key = entry.slice(0, equals);
    const value = entry.slice(equals + 1);
    if (seen.has(key)) return invalid(text, `key ${JSON.stringify(key)} is given twice`);
    if (key === "m" && !modes.includes(value)) {
      return invalid(text, `mode ${JSON.stringify(value)} is not request, publish or bidirectional`, rejectBadMode);
    }
    seen.add(key);
    entries.push([key, value]);
    const name = nameOfKey.get(key);
    if (name) parsed[name] = value;
  }
  // fromEntries defines own properties, so a key "__proto__" stays a field, not a prototype.
  parsed.fields = Object.fromEntries(entries);
  parsed.entries = entries;
  return parsed;
}

// [MTX] streamid.go: the id split at every ':' has 2 to 5 parts, action:path, action:path:query,
// action:path:user:pass or action:path:user:pass:query, where action is publish or read.
function parseMediamtx(text) {
  const parts = text.split(":", 6);
  if (parts.length < 2 || parts.length > 5) return undefined;
  const action = parts[0];
  if (action !== "publish" && action !== "read") return undefined;
  const last = parts.length - 1;
  if (parts[last].endsWith(mediamtxIgnoredSuffix)) parts[last] = parts[last].slice(0, -mediamtxIgnoredSuffix.length);
  // MediaMTX would take the syntax and then refuse the empty path name; here it is no path at all.
  if (parts[1] === "") return undefined;
  const parsed = { format: "mediamtx", text, action, path: parts[1] };
  if (parts.length >= 4) {
    parsed.user = parts[2];
    parsed.password = parts[3];
  }
  if (parts.length === 3) parsed.query = parts[2];
  if (parts.length === 5) parsed.query = parts[4];
  return parsed;
}

/**
 * What MediaMTX reads from a stream id [MTX]: its own form, or the standard one where `m` is the
 * action (request or absent: read), `r` the path, `u` the user and `s` the password; `h`, `t` and
 * other keys are ignored. Undefined where MediaMTX would refuse the id (no path, m=bidirectional,
 * plain or invalid ids).
 *
 * @param {ReturnType<typeof parseStreamId> | string} id a parsed id, or the text to parse
 */
export function mediamtxRequest(id) {
  const parsed = typeof id === "string" ? parseStreamId(id) : id;
  if (parsed?.format === "mediamtx") {
    const { format, text, ...request } = parsed;
    return request;
  }
  if (parsed?.format !== "access-control" || !parsed.resource || parsed.mode === "bidirectional") return undefined;
  const request = { action: parsed.mode === "publish" ? "publish" : "read", path: parsed.resource };
  if (parsed.user !== undefined) request.user = parsed.user;
  if (parsed.session !== undefined) request.password = parsed.session;
  return request;
}

/**
 * What SRS reads from a stream id [SRS]: vhost, app, stream, mode and the parameters it passes on
 * (as in an RTMP URL's query). From an access-control id: `r=app/stream`, `h=vhost`, `m`
 * (absent: request); the older `h=app/stream` and `h=vhost/app/stream` forms; a `?query` after
 * the path; every other key is a parameter (`secret=xxx`). From any other id, SRS's short form:
 * `app/stream` or `stream` with `defaultMode`. A path without an app gets `defaultApp`.
 * Undefined where SRS would refuse (no path, m=bidirectional, invalid ids). This follows the
 * documented forms, not every quirk of SRS's tokenizer (it also splits on `&` and `;`, and takes
 * `m` in any case, where parseStreamId finds m=PUBLISH invalid).
 *
 * @param {ReturnType<typeof parseStreamId> | string} id a parsed id, or the text to parse
 * @param {{ defaultApp?: string, defaultMode?: "publish" | "request" }} [options] SRS's
 *   srt_server default_app (default "live") and default_mode (default "request")
 */
export function srsRequest(id, { defaultApp = "live", defaultMode = "request" } = {}) {
  const parsed = typeof id === "string" ? parseStreamId(id) : id;
  if (!parsed || parsed.format === "invalid" || typeof parsed.text !== "string") return undefined;
  if (parsed.format !== "access-control") return srsPath(parsed.text, defaultApp, defaultMode, undefined, []);
  if (parsed.mode === "bidirectional") return undefined;
  let vhost;
  let legacyPath;
  const params = [];
  for (const [key, value] of parsed.entries) {
    if (key === "h") {
      // srs_srt_streamid_info: an h with two slashes or more is vhost/app/stream, with one
      // app/stream (SRS issue 2893 "compatible"); without a slash it is the vhost.
      const first = value.indexOf("/");
      if (first < 0) vhost = value;
      else if (first === value.lastIndexOf("/")) legacyPath = value;
      else [vhost, legacyPath] = [value.slice(0, first), value.slice(first + 1)];
    } else if (key !== "r" && key !== "m") {
      params.push([key, value]);
    }
  }
  // SRS reads its keys in sorted order, so r, read after h, wins over a path in h.
  return srsPath(parsed.resource ?? legacyPath ?? "", defaultApp, parsed.mode ?? "request", vhost, params);
}

function srsPath(path, defaultApp, mode, vhost, params) {
  const question = path.indexOf("?");
  if (question >= 0) {
    for (const pair of path.slice(question + 1).split("&")) {
      if (pair === "") continue;
      const equals = pair.indexOf("=");
      params.push(equals < 0 ? [pair, ""] : [pair.slice(0, equals), pair.slice(equals + 1)]);
    }
    path = path.slice(0, question);
  }
  const slash = path.indexOf("/");
  const app = slash < 0 ? defaultApp : path.slice(0, slash);
  const stream = slash < 0 ? path : path.slice(slash + 1);
  if (app === "" || stream === "") return undefined;
  const request = { app, stream, mode, params: Object.fromEntries(params) };
  if (vhost !== undefined) request.vhost = vhost;
  return request;
}

function checkLength(text) {
  if (isOverLimit(text)) {
    throw new RangeError(`the stream id is ${encoder.encode(text).length} bytes, over SRT's limit of ${maxStreamIdBytes}`);
  }
  return text;
}

function checkString(name, value, forbidden, why) {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string, not ${value === null ? "null" : typeof value}`);
  for (const character of forbidden) {
    // The value stays out of the message: it may be a password.
    if (value.includes(character)) throw new RangeError(`${name} contains '${character}', ${why}`);
  }
}

/**
 * Builds an access-control stream id [AC], fields in the order given:
 * `accessControlStreamId({ user: "johnny", type: "file", mode: "publish", resource: "results.csv" })`
 * is `#!::u=johnny,t=file,m=publish,r=results.csv`. Undefined fields are left out; any key other
 * than the standard names is a custom key, written as given ([AC] asks for `user_*` or
 * `companyname_*` prefixes; servers use others, such as SRS's `secret`).
 *
 * @param {Record<string, string | undefined>} fields
 * @returns {string}
 * @throws {TypeError} a field is not a string
 * @throws {RangeError} a key or value contains ',' or '=' (the syntax has no escaping), a custom key
 *   is empty or one letter (single letters are reserved [AC]), mode or type is not a standard value,
 *   no field is given, or the id is over 512 bytes
 */
export function accessControlStreamId(fields) {
  if (fields === null || typeof fields !== "object") throw new TypeError("accessControlStreamId takes an object of fields");
  const entries = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    let key = keyOfName.get(name);
    if (!key) {
      if (name.length <= 1) {
        throw new RangeError(`custom key ${JSON.stringify(name)}: empty and single-letter keys are reserved by libsrt's access-control document (standard keys go by name: user, resource, host, session, type, mode)`);
      }
      checkString(`key ${JSON.stringify(name)}`, name, ",=", "which the access-control syntax cannot escape");
      key = name;
    }
    // '=' too: libsrt's example callback and SRS split a value at every '='.
    checkString(name, value, ",=", "which the access-control syntax cannot escape");
    if (key === "m" && !modes.includes(value)) throw new RangeError(`mode ${JSON.stringify(value)} is not ${modes.join(", ")}`);
    if (key === "t" && !types.includes(value)) throw new RangeError(`type ${JSON.stringify(value)} is not ${types.join(", ")}`);
    entries.push(`${key}=${value}`);
  }
  if (entries.length === 0) throw new RangeError("an access-control stream id needs at least one field");
  return checkLength(`#!::${entries.join(",")}`);
}

/**
 * Builds MediaMTX's stream id [MTX]: `action:path`, with `:user:password` when both are given and
 * `:query` when a query is, e.g. `publish:mystream:myuser:mypass`. A token goes as the password
 * with any user (MediaMTX docs, "Provide tokens / JWTs").
 *
 * @param {{ action: "publish" | "read", path: string, user?: string, password?: string, query?: string }} request
 * @returns {string}
 * @throws {TypeError} a part is not a string, the path is missing, or only one of user and password is given
 * @throws {RangeError} the action is not publish or read, a part contains ':', the path is empty,
 *   the id ends in "#feedbackplay" (which MediaMTX drops), or the id is over 512 bytes
 */
export function mediamtxStreamId({ action, path, user, password, query } = {}) {
  if (action !== "publish" && action !== "read") throw new RangeError(`action ${JSON.stringify(action)} is not publish or read`);
  if (path === undefined) throw new TypeError("a MediaMTX stream id needs a path");
  if ((user === undefined) !== (password === undefined)) throw new TypeError("MediaMTX takes user and password together");
  for (const [name, part] of Object.entries({ path, user, password, query })) {
    if (part !== undefined) checkString(name, part, ":", "which separates MediaMTX's fields");
  }
  if (path === "") throw new RangeError("a MediaMTX path is not empty");
  const parts = [action, path];
  if (user !== undefined) parts.push(user, password);
  if (query !== undefined) parts.push(query);
  const text = parts.join(":");
  if (text.endsWith(mediamtxIgnoredSuffix)) throw new RangeError(`MediaMTX drops a trailing ${mediamtxIgnoredSuffix}`);
  return checkLength(text);
}

/**
 * Builds the stream id SRS documents [SRS]: `#!::h=vhost,r=app/stream,<params>,m=mode`, e.g.
 * `srsStreamId({ app: "live", stream: "livestream", mode: "publish" })` is
 * `#!::r=live/livestream,m=publish` and `params: { secret: "xxx" }` adds `secret=xxx`.
 *
 * @param {{ app: string, stream: string, vhost?: string, mode?: "publish" | "request", params?: Record<string, string> }} request
 * @returns {string}
 * @throws {TypeError} app or stream is missing or a part is not a string
 * @throws {RangeError} a part contains a character SRS splits on ('?', '&', ';'), app or vhost
 *   contains '/', app or stream is empty, mode is not publish or request, a parameter is named
 *   host, resource or mode, or anything accessControlStreamId refuses
 */
export function srsStreamId({ app, stream, vhost, mode, params = {} } = {}) {
  const splitOn = "?&;";
  const why = "which SRS splits a stream id on";
  checkString("app", app, `/${splitOn}`, why);
  checkString("stream", stream, splitOn, why);
  if (vhost !== undefined) checkString("vhost", vhost, `/${splitOn}`, why);
  if (app === "" || stream === "") throw new RangeError("SRS needs a non-empty app and stream");
  if (mode !== undefined && mode !== "publish" && mode !== "request") throw new RangeError(`SRS mode ${JSON.stringify(mode)} is not publish or request`);
  for (const [key, value] of Object.entries(params)) {
    if (key === "host" || key === "resource" || key === "mode") throw new RangeError(`parameter ${key} would replace the SRS field of that name`);
    checkString(`parameter ${JSON.stringify(key)}`, key, splitOn, why);
    if (value !== undefined) checkString(key, value, splitOn, why);
  }
  return accessControlStreamId({ host: vhost, resource: `${app}/${stream}`, ...params, mode });
}
