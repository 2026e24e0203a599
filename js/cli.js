#!/usr/bin/env node
// The `websrt` command for Node: `websrt bridge` (js/bridge/command.js), and `websrt transmit`,
// the twin of the native command (native-shim/transmit_command.cpp) over the package's SrtSocket
// and SrtServer. Same options, messages, statistics lines and exit statuses: 0 when the input ended
// and everything sent was acknowledged, the SRT peer closed cleanly, or SIGINT/SIGTERM stopped the
// transfer; 1 with a one-line reason on a rejection, a timeout, a lost peer or an I/O error; 2 for
// a bad command line or URI.
import { createSocket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";

import { SrtServer, SrtSocket } from "./index.js";
import { parseMediaUri } from "./srt_uri.js";

/** A peer's string made safe for a log line, as the native command prints it
 * (native-shim/printable_text.hpp): bytes outside printable ASCII, quotes and the backslash as
 * \xNN, at most 512 bytes. */
function printable(text) {
  const bytes = new TextEncoder().encode(text);
  let out = "";
  for (const byte of bytes.subarray(0, 512)) {
    const plain = byte >= 0x20 && byte < 0x7f && byte !== 0x5c && byte !== 0x27 && byte !== 0x22;
    out += plain ? String.fromCharCode(byte) : `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return bytes.length > 512 ? `${out}...` : out;
}

const prefix = "websrt transmit: ";

const transmitHelp = `Move a live stream between SRT and UDP or stdin/stdout, like srt-live-transmit
Usage: websrt transmit [OPTIONS] input output

Positionals:
  input TEXT REQUIRED         srt://, udp:// or file://con (stdin)
  output TEXT REQUIRED        srt://, udp:// or file://con (stdout)

Options:
  -h,--help                   Print this help message and exit
  --stats-every INT:POSITIVE  print statistics every N milliseconds to stderr
  --stats-format TEXT         json (one object per line) or text
  --timeout FLOAT             give up after this many seconds (exit 1)
  --reject-streamid TEXT      listener: refuse a caller with this stream id (reject code 1403, forbidden)
  -q,--quiet                  print errors only
`;

const topHelp = `websrt: SRT (Secure Reliable Transport) tools
Usage: websrt SUBCOMMAND

Subcommands:
  transmit                    Move a live stream between SRT and UDP or stdin/stdout, like srt-live-transmit
  bridge                      Relay SRT datagrams between WebSockets (browsers) and UDP
`;

/** libsrt's reject codes the listener answers with (srtcore/srt.h). */
const rejectBacklog = 5;       // SRT_REJ_BACKLOG: the one connection is taken
const rejectForbidden = 1403;  // SRT_REJX_FORBIDDEN

/** UDP input waiting for room in the send buffer; beyond this, datagrams are dropped (live input). */
const udpQueueLimit = 1024;

class UsageError extends Error {}

// ---- the command line ----

const valueOptions = new Map([
  ["--stats-every", "statsEvery"],
  ["--stats-format", "statsFormat"],
  ["--timeout", "timeout"],
  ["--reject-streamid", "rejectStreamId"],
]);

/** Parses `transmit`'s arguments as the native CLI11 definition does; throws UsageError. */
function parseTransmitArguments(args) {
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
 * srt://, udp:// or file://con, read by the core's parser (the one `websrt transmit` uses, so
 * both CLIs take and refuse the same URIs with the same messages); throws UsageError.
 */
async function parseTransmitUri(text, side) {
  let uri;
  try {
    uri = await parseMediaUri(text);
  } catch (error) {
    if (error?.code === "ERR_SRT_URI") throw new UsageError(`bad ${side} URI: ${error.message}`);
    throw error;
  }
  if (uri.scheme === "srt") return { kind: "srt", uri: text, host: uri.host, port: uri.port, mode: uri.mode, payloadSize: uri.payloadSize, streamId: uri.streamId };
  if (uri.scheme === "udp") return { kind: "udp", host: uri.host, port: uri.port, adapter: uri.adapter };
  return { kind: "console" };
}

async function resolve(host, fallback) {
  const name = host || fallback;
  if (isIP(name)) return name;
  try {
    return (await lookup(name)).address;
  } catch (error) {
    throw new Error(`cannot resolve '${name}': ${error.message}`, { cause: error });
  }
}

// ---- statistics lines ----

/** The fields core::ConnectionStats holds as double (src/core/stats.hpp); the rest are integers. */
const doubleStats = new Set(["mbpsSendRate", "mbpsRecvRate", "usPktSndPeriod", "msRTT", "mbpsBandwidth", "mbpsMaxBW"]);

/**
 * A double as nlohmann::json dumps it (the native lines): shortest digits, "x.0" for integral
 * values, exponent form below 1e-4 or from 1e15 on (to_chars' format_buffer, kMinExp −4, kMaxExp 15).
 */
function doubleText(value) {
  if (!Number.isFinite(value)) return "null";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const sign = value < 0 ? "-" : "";
  const [mantissa, exponent] = Math.abs(value).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const k = digits.length;
  const n = Number(exponent) + 1;  // the decimal point's position after the first digit
  if (k <= n && n <= 15) return `${sign}${digits}${"0".repeat(n - k)}.0`;
  if (n > 0 && n <= 15) return `${sign}${digits.slice(0, n)}.${digits.slice(n)}`;
  if (n > -4 && n <= 0) return `${sign}0.${"0".repeat(-n)}${digits}`;
  const e = n - 1;
  const eText = `${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  return `${sign}${k === 1 ? digits : `${digits[0]}.${digits.slice(1)}`}e${eText}`;
}

function formatStats(stats, format) {
  const fields = Object.entries(stats).map(([key, value]) => [key, doubleStats.has(key) ? doubleText(value) : String(value)]);
  if (format === "text") return fields.map(([key, value]) => `${key}=${value}`).join(" ");
  return `{${fields.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(",")}}`;
}

// ---- the transfer ----

class Transmitter {
  constructor(options, srt, srtIsInput, other) {
    this.options = options;
    this.srt = srt;
    this.srtIsInput = srtIsInput;
    this.other = other;
    this.server = undefined;
    this.connection = undefined;  // the SrtSocket once connected or accepted
    this.connectionEnded = undefined;  // { error } once the connection's closed promise settled
    this.hadConnection = false;
    this.lingering = false;  // closing after the end of input: the reader leaves the last word to linger()
    this.udpSocket = undefined;
    this.udpTarget = undefined;
    this.udpQueue = [];
    this.udpPumping = false;
    this.timers = [];
    this.finished = false;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  info(line) {
    if (!this.options.quiet) process.stderr.write(`${prefix}${line}\n`);
  }

  /** Runs the transfer; resolves with the exit status. */
  async run() {
    const stop = () => this.finish(0, "interrupted");
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    try {
      if (this.options.timeout > 0) {
        this.timers.push(setTimeout(() => this.finish(1, `timed out after ${this.options.timeout.toFixed(6)} s (--timeout)`),
          this.options.timeout * 1000));
      }
      await this.startPlainSide();
      if (this.options.statsEvery > 0) this.armStats();
      await this.startSrtSide();
    } catch (error) {
      if (error?.code === "ERR_SRT_URI") this.finish(2, `bad ${this.srtIsInput ? "input" : "output"} URI: ${error.message}`);
      else this.finish(1, error?.message ?? String(error));
    }
    const status = await this.done;
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    return status;
  }

  /** Ends the transfer once: closes the connection (SHUTDOWN), the ports and the input. */
  finish(status, message) {
    if (this.finished) return;
    this.finished = true;
    for (const timer of this.timers) clearTimeout(timer);
    const connection = this.connection;
    if (this.options.statsEvery > 0 && this.hadConnection) {
      const stats = connection?.stats(false);
      if (stats) process.stderr.write(`${formatStats(stats, this.options.statsFormat)}\n`);
    }
    if (message && (status !== 0 || !this.options.quiet)) process.stderr.write(`${prefix}${message}\n`);
    const closing = [];
    if (connection) closing.push(connection.close({ lingerMs: 0 }));
    if (this.server) closing.push(this.server.close());
    this.udpSocket?.close();
    this.udpSocket = undefined;
    if (!this.srtIsInput && this.other.kind === "console") process.stdin.destroy();
    Promise.allSettled(closing).then(() => this.resolveDone(status));
  }

  // ---- the plain side: console or UDP ----

  async startPlainSide() {
    if (this.other.kind === "console") {
      if (this.srtIsInput) process.stdout.on("error", () => this.finish(1, "cannot write to standard output"));
      return;
    }
    const uri = this.other;
    if (this.srtIsInput) {
      const address = await resolve(uri.host, "127.0.0.1");
      this.udpTarget = { address, port: uri.port };
      this.udpSocket = createSocket(isIP(address) === 6 ? "udp6" : "udp4");
      this.udpSocket.on("error", () => {});  // a datagram to a closed port: the stream goes on
      if (uri.adapter) await this.bindUdp(0, uri.adapter);
    } else {
      const address = await resolve(uri.adapter ?? uri.host, "0.0.0.0");
      this.udpSocket = createSocket({ type: isIP(address) === 6 ? "udp6" : "udp4", reuseAddr: true, recvBufferSize: 8 << 20 });
      await this.bindUdp(uri.port, address);
      this.udpSocket.on("message", (datagram) => this.onUdpInput(datagram));
    }
  }

  bindUdp(port, address) {
    return new Promise((resolve, reject) => {
      this.udpSocket.once("error", reject);
      this.udpSocket.bind(port, address, () => {
        this.udpSocket.off("error", reject);
        this.udpSocket.on("error", () => {});
        resolve();
      });
    });
  }

  /** UDP input is live and lossy by nature: a datagram that finds no room is dropped. */
  onUdpInput(datagram) {
    if (!this.connection || this.finished) return;
    const payload = this.srt.payloadSize;
    for (let offset = 0; offset < datagram.length; offset += payload) {
      if (this.udpQueue.length >= udpQueueLimit) return;
      this.udpQueue.push(datagram.subarray(offset, Math.min(offset + payload, datagram.length)));
    }
    this.pumpUdp();
  }

  async pumpUdp() {
    if (this.udpPumping) return;
    this.udpPumping = true;
    try {
      while (this.udpQueue.length && !this.finished) await this.connection.send(this.udpQueue.shift());
    } catch {
      // The connection ended: its reader reports how.
    } finally {
      this.udpPumping = false;
    }
  }

  writeOutput(message) {
    if (this.other.kind === "udp") {
      this.udpSocket?.send(message, this.udpTarget.port, this.udpTarget.address);
      return;
    }
    process.stdout.write(message);
  }

  // ---- the SRT side ----

  async startSrtSide() {
    if (this.srt.mode === "listener") await this.listen();
    else await this.call();
    if (this.finished || !this.connection) return;
    this.transfer();
  }

  async listen() {
    // One caller, as the native command: the core refuses a second with 5 (backlog) even when
    // both arrive in one batch, before the first one's acceptance is seen here.
    const server = await SrtServer.listen(this.srt.uri, {
      maxConnections: 1,
      accept: ({ streamId }) => {
        if (this.connection || this.finished) return rejectBacklog;
        if (this.options.rejectStreamId && streamId === this.options.rejectStreamId) return rejectForbidden;
        return true;
      },
      // Like srt-live-transmit, the listener stays up for the next caller.
      onRefused: (event) => this.info(`${event.detail} (${event.peer}, reject code ${event.rejectCode})`),
    });
    if (this.finished) {
      await server.close();
      return;
    }
    this.server = server;
    const { address, port } = server.address();
    this.info(`listening on srt://${address}:${port}`);
    const { value: connection, done } = await server.next();
    if (done || this.finished) return;
    this.connected(connection, `accepted ${connection.peer}${connection.streamId ? ` stream id '${printable(connection.streamId)}'` : ""}`);
  }

  async call() {
    const { host, port } = this.srt;
    const address = await resolve(host, "");
    this.info(`connecting to srt://${address}:${port}`);
    const connection = await SrtSocket.connect(this.srt.uri);
    if (this.finished) {
      await connection.close({ lingerMs: 0 });
      return;
    }
    this.connected(connection, `connected to ${connection.peer}${this.srt.streamId ? ` stream id '${printable(this.srt.streamId)}'` : ""}`);
  }

  connected(connection, line) {
    this.connection = connection;
    this.hadConnection = true;
    connection.closed.then((error) => (this.connectionEnded = { error }));
    this.info(line);
  }

  transfer() {
    const connection = this.connection;
    // The reader hears how the connection ends; on the sending side it discards what the peer sends.
    (async () => {
      try {
        for await (const message of connection) if (this.srtIsInput && !this.finished) this.writeOutput(message);
        if (!this.lingering) this.finish(0, "peer closed the connection");  // else linger() says how it ended
      } catch (error) {
        this.finish(1, error.message);
      }
    })();
    if (!this.srtIsInput && this.other.kind === "console") this.pumpStdin();
  }

  /** Moves standard input into the connection in payloadsize messages; lingers at the end of input. */
  async pumpStdin() {
    const payload = this.srt.payloadSize;
    const connection = this.connection;
    let carry = Buffer.alloc(0);
    try {
      for await (const chunk of process.stdin) {
        // Whole messages where the input allows, as the native reader and srt-live-transmit cut them.
        const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        let offset = 0;
        for (; offset + payload <= data.length; offset += payload) {
          await connection.send(data.subarray(offset, offset + payload));
        }
        carry = data.subarray(offset);
        if (this.finished) return;
      }
      if (carry.length && !this.finished) await connection.send(carry);
    } catch (error) {
      if (this.finished || this.connectionEnded) return;  // the reader reports how the connection ended
      this.finish(1, `reading standard input: ${error.message}`);
      return;
    }
    this.linger(connection);
  }

  /** After the end of input: the core closes once every packet is acknowledged and played (or
   * its linger is over). */
  async linger(connection) {
    const peerClosedFirst = this.connectionEnded !== undefined;
    this.lingering = true;
    const { unacknowledged } = await connection.close();
    const error = await connection.closed;
    if (this.finished) return;
    // The peer closed (or failed) first: say so, as the reader would have.
    if (peerClosedFirst || error) return this.finish(error ? 1 : 0, error?.message ?? "peer closed the connection");
    // The send buffer also empties when packets are dropped as too late: say so (as the native command).
    const dropped = connection.stats()?.pktSndDropTotal ?? 0;
    if (unacknowledged === 0 && dropped === 0) this.finish(0, "end of input, everything sent was acknowledged");
    else if (unacknowledged === 0) this.finish(0, `end of input, ${dropped} packets dropped as too late (never acknowledged), the rest acknowledged`);
    else this.finish(1, `end of input, but ${unacknowledged} packets were never acknowledged`);
  }

  // ---- statistics ----

  armStats() {
    const print = setInterval(() => {
      const stats = this.connection?.stats(true);
      if (!stats || this.finished) return;
      process.stderr.write(`${formatStats(stats, this.options.statsFormat)}\n`);
    }, this.options.statsEvery);
    this.timers.push(print);
  }
}

/** Validates the command line and URIs (status 2 on a problem) and runs the transfer. */
async function transmit(args) {
  let options;
  let input;
  let output;
  try {
    options = parseTransmitArguments(args);
    if (options.help) {
      process.stdout.write(transmitHelp);
      return 0;
    }
    input = await parseTransmitUri(options.input, "input");
    output = await parseTransmitUri(options.output, "output");
    if ((input.kind === "srt") === (output.kind === "srt"))
      throw new UsageError("exactly one side must be srt:// (the other udp:// or file://con)");
    if (options.statsFormat !== "json" && options.statsFormat !== "text")
      throw new UsageError("--stats-format must be json or text");
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${prefix}${error.message}\n`);
    return 2;
  }
  const srtIsInput = input.kind === "srt";
  return new Transmitter(options, srtIsInput ? input : output, srtIsInput, srtIsInput ? output : input).run();
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === "transmit") return transmit(rest);
  if (command === "bridge") return (await import("./bridge/command.js")).runBridgeCommand(rest);
  if (command === "-h" || command === "--help") {
    process.stdout.write(topHelp);
    return 0;
  }
  process.stderr.write(command === undefined ? `websrt: a subcommand is required\n${topHelp}` : `websrt: unknown subcommand '${command}'\n${topHelp}`);
  return 2;
}

/** Waits until what was written to a stream has left the process. */
function flushed(stream) {
  if (!stream.writableLength) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once("drain", resolve);
    stream.once("close", resolve);
    stream.once("error", resolve);
  });
}

process.stdout.on("error", () => {});  // a reader that went away: nothing more to say there
let status;
try {
  status = await main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${prefix}${error?.message ?? String(error)}\n`);
  status = 1;
}
process.exitCode = status;
await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
// Everything is closed; a connection attempt still under way (interrupted while connecting) must
// not hold the process.
setTimeout(() => process.exit(status), 200).unref();
