// srt://, udp:// and file:// URIs, read by the core's parser (src/core/media_uri, through the
// bindings' parseMediaUri): the socket API, the CLI and `websrt transmit` accept and refuse
// exactly the same URIs, with the same messages (which never contain a passphrase).
import { loadModule } from "./core.js";
import { SrtError } from "./srt_error.js";

/**
 * Any media URI `websrt transmit` takes, as the core reads it:
 * `{ scheme: "srt", host, port, mode, … }`, `{ scheme: "udp", host, port, adapter? }`,
 * `{ scheme: "console" }` (file://con) or `{ scheme: "file", path }` (file:///path, percent-decoded;
 * file:///./path is relative, as libsrt reads it). Throws SrtError ERR_SRT_URI naming the bad part.
 */
export async function parseMediaUri(uri) {
  const module = await loadModule();
  const { ok, error, ...fields } = module.parseMediaUri(String(uri));
  if (!ok) throw new SrtError(error, { code: "ERR_SRT_URI" });
  return Object.freeze(fields);
}

/**
 * An srt:// URI as the core reads it: host ("" for any address), port (0: any free port, for
 * listeners), mode ("caller" | "listener" | "rendezvous"; srt-live-transmit's client/server
 * aliases resolved), adapter, localPort, streamId, payloadSize, latencyMs and whether a
 * passphrase was given (`encrypted`; the passphrase itself is never returned).
 */
export async function parseSrtUri(uri) {
  const { scheme, ...fields } = await parseMediaUri(uri);
  if (scheme !== "srt") throw new SrtError(`expected an srt:// URI, not ${scheme}://`, { code: "ERR_SRT_URI" });
  return Object.freeze(fields);
}

/** Checks an srt:// URI's options as connect()/listen() will, without opening anything: the parsed
 * options (as parseSrtUri), or throws SrtError ERR_SRT_URI. */
export async function checkSrtUri(uri) {
  return parseSrtUri(uri);
}

/** The same URI with its host replaced by an IP address (the core connects to addresses only). */
export function withHostAddress(uri, ip) {
  const text = String(uri);
  const question = text.indexOf("?");
  const query = question < 0 ? "" : text.slice(question);
  const authority = text.slice("srt://".length, question < 0 ? undefined : question);
  const port = authority.slice(authority.lastIndexOf(":") + 1);
  return `srt://${ip.includes(":") ? `[${ip}]` : ip}:${port}${query}`;
}
