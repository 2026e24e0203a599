// `websrt transmit`'s command line, read as the native CLI11 definition reads it, and its URIs,
// read by the core's parser (the one `websrt transmit` uses).
import { UsageError } from "../usage_error.js";
import { parseMediaUri } from "../srt_uri.js";

export const prefix = "websrt transmit: ";

export const transmitHelp = `Move a live stream between SRT and UDP, stdin/stdout or a file, like srt-live-transmit
Usage: websrt transmit [OPTIONS] input output

Positionals:
  input TEXT REQUIRED         srt://, udp://, file://con (stdin) or file:///path
  output TEXT REQUIRED        srt://, udp://, file://con (stdout) or file:///path

Options:
  -h,--help                   Print this help message and exit
  --stats-every INT:POSITIVE  print statistics every N milliseconds to stderr
  --stats-format TEXT         json (one object per line) or text
  --timeout FLOAT             give up after this many seconds (exit 1)
  --reject-streamid TEXT      listener: refuse a caller with this stream id (reject code 1403, forbidden)
  -q,--quiet                  print errors only
`;

// ---- the command line ----

const valueOptions = new Map([
  ["--stats-every", "statsEvery"],
  ["--stats-format", "statsFormat"],
  ["--timeout", "timeout"],
  ["--reject-streamid", "rejectStreamId"],
]);

/** Parses `transmit`'s arguments as the native CLI11 definition does; throws UsageError. */
export function parseTransmitArguments(args) {
  const options = { statsEvery: "0", statsFormat: "json", timeout: "0", rejectStreamId: "", quiet: false, help: false };
  const positionals = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === "-q" || arg === "--quiet") options.quiet = true;
    else if (arg === "-h" || arg === "--help") options.help = true;
    else if (arg.startsWith("--")) {
      const equals = arg.indexOf("=");
      const name = equals < 0 ? arg : arg.slice(0, equals);
      const key = valueOptions.get(name);
      if (!key) throw new UsageError(`unknown option '${name}'`);
      if (equals >= 0) options[key] = arg.slice(equals + 1);
      else if (i + 1 < args.length) options[key] = args[(i += 1)];
      else throw new UsageError(`${name} needs a value`);
    } else if (arg.startsWith("-") && arg.length > 1) {
      throw new UsageError(`unknown option '${arg}'`);
    } else {
      positionals.push(arg);
    }
  }
  if (options.help) return { ...options, positionals };
  if (positionals.length < 1) throw new UsageError("input is required");
  if (positionals.length < 2) throw new UsageError("output is required");
  if (positionals.length > 2) throw new UsageError(`unexpected argument '${positionals[2]}'`);
  const statsEvery = Number(options.statsEvery);
  if (!/^\d+$/.test(options.statsEvery) || (options.statsEvery !== "0" && !(statsEvery > 0)))
    throw new UsageError(`--stats-every: value ${options.statsEvery} is not a positive integer`);
  const timeout = Number(options.timeout);
  if (options.timeout.trim() === "" || !Number.isFinite(timeout)) throw new UsageError(`--timeout: value ${options.timeout} is not a number`);
  return { ...options, statsEvery, timeout, input: positionals[0], output: positionals[1] };
}

// ---- URIs ----

/**
 * srt://, udp://, file://con or file:///path, read by the core's parser (the one `websrt transmit` uses, so
 * both CLIs take and refuse the same URIs with the same messages); throws UsageError.
 */
export async function parseTransmitUri(text, side) {
  let uri;
  try {
    uri = await parseMediaUri(text);
  } catch (error) {
    if (error?.code === "ERR_SRT_URI") throw new UsageError(`bad ${side} URI: ${error.message}`);
    throw error;
  }
  if (uri.scheme === "srt") return { kind: "srt", uri: text, host: uri.host, port: uri.port, mode: uri.mode, payloadSize: uri.payloadSize, streamId: uri.streamId };
  if (uri.scheme === "udp") return { kind: "udp", host: uri.host, port: uri.port, adapter: uri.adapter };
  if (uri.scheme === "file") return { kind: "file", path: uri.path };
  return { kind: "console" };
}
