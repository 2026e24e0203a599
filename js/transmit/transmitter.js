// The Node `websrt transmit`'s transfer: one SRT side (an SrtSocket, or the one caller an
// SrtServer accepts) and one plain side (UDP, the console or a file). Every protocol rule is the core's:
// this moves messages and prints what the core's events say, as native-shim/transmit_command.cpp.
import { createSocket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { createReadStream, createWriteStream, openSync } from "node:fs";
import { isIP } from "node:net";
import { getSystemErrorMap } from "node:util";

import { loadModule } from "../core.js";
import { SrtServer, SrtSocket } from "../index.js";
import { prefix } from "./arguments.js";

const core = await loadModule();

/** libsrt's reject codes the listener answers with (srtcore/srt.h). */
const rejectBacklog = 5;       // SRT_REJ_BACKLOG: the one connection is taken
const rejectForbidden = 1403;  // SRT_REJX_FORBIDDEN

/** UDP input waiting for room in the send buffer; beyond this, datagrams are dropped (live input). */
const udpQueueLimit = 1024;

async function resolve(host, fallback) {
  const name = host || fallback;
  if (isIP(name)) return name;
  try {
    return (await lookup(name)).address;
  } catch (error) {
    throw new Error(`cannot resolve '${name}': ${error.message}`, { cause: error });
  }
}

/** A system error's text as strerror words it, as the native command's lines do ("No such file or
 * directory"); libuv's text, capitalized, where it knows the code. */
function systemErrorText(error) {
  const text = getSystemErrorMap().get(error?.errno)?.[1];
  return text ? text[0].toUpperCase() + text.slice(1) : (error?.message ?? String(error));
}

// ---- the transfer ----

export class Transmitter {
  /** `io`: where lines go (stderr), the console (stdin, stdout) and an AbortSignal that stops
   * the transfer as SIGINT would; process's own by default. */
  constructor(options, srt, srtIsInput, other, io = {}) {
    this.io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, ...io };
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
    this.input = undefined;  // what the sending side reads: standard input or a file's read stream
    this.inputName = "standard input";  // as error lines name it
    this.fileOutput = undefined;  // a file's write stream, when SRT input goes to a file
    this.fileOutputError = undefined;  // the line of the first write error there
    this.outputCorked = false;  // writes gathered until the next tick (writeOutput)
    this.timers = [];
    this.finished = false;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    // The core's formatter (core/stats_line), as `websrt transmit` prints its lines.
    this.statsLine = (stats) => core.formatStats(stats, options.statsFormat);
  }

  info(line) {
    if (!this.options.quiet) this.io.stderr.write(`${prefix}${line}\n`);
  }

  /** Runs the transfer; resolves with the exit status. */
  async run() {
    const stop = () => this.finish(0, "interrupted");
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    this.io.signal?.addEventListener("abort", stop, { once: true });
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
    this.io.signal?.removeEventListener("abort", stop);
    return status;
  }

  /** Ends the transfer once with a status and its line (the core's transmit_report words most of
   * them, as for the native command): closes the connection (SHUTDOWN), the ports and the input. */
  finish(status, message) {
    if (this.finished) return;
    this.finished = true;
    for (const timer of this.timers) clearTimeout(timer);
    const connection = this.connection;
    const stats = this.hadConnection ? connection?.stats(false) : undefined;
    if (this.options.statsEvery > 0 && stats) this.io.stderr.write(`${this.statsLine(stats)}\n`);
    if (this.srtIsInput && stats) message += core.receiverDropsNote(stats.pktRcvDropTotal ?? 0);
    if (message && (status !== 0 || !this.options.quiet)) this.io.stderr.write(`${prefix}${message}\n`);
    const closing = [];
    if (connection) closing.push(connection.close({ lingerMs: 0 }));
    if (this.server) closing.push(this.server.close());
    this.udpSocket?.close();
    this.udpSocket = undefined;
    if (!this.srtIsInput && this.other.kind !== "udp") this.input?.destroy();
    const output = this.fileOutput;
    if (output) closing.push(new Promise((resolve) => {
      // What was written reaches the file before the status is known: a late write error fails it.
      output.once("close", resolve);
      if (output.destroyed) resolve();
      else output.end();
    }));
    Promise.allSettled(closing).then(() => {
      if (status === 0 && this.fileOutputError) {
        this.io.stderr.write(`${prefix}${this.fileOutputError}\n`);
        status = 1;
      }
      this.resolveDone(status);
    });
  }

  // ---- the plain side: console, file or UDP ----

  async startPlainSide() {
    if (this.other.kind === "file") return this.openFile(this.other.path);
    if (!this.srtIsInput && this.other.kind === "console") this.input = this.io.stdin;
    if (this.other.kind === "console") {
      if (this.srtIsInput) this.io.stdout.on("error", () => this.finish(1, "cannot write to standard output"));
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

  /** Opens the file before the SRT side starts, so that a path that cannot be used ends the command at
   * once: read as input, or created (0644) or truncated as output. */
  openFile(path) {
    const name = `file '${path}'`;
    if (this.srtIsInput) {
      let fd;
      try {
        fd = openSync(path, "w", 0o644);
      } catch (error) {
        throw new Error(`cannot create output ${name}: ${systemErrorText(error)}`, { cause: error });
      }
      this.fileOutput = createWriteStream(path, { fd });
      this.fileOutput.on("error", (error) => {
        this.fileOutputError ??= `cannot write to output ${name}: ${systemErrorText(error)}`;
        this.finish(1, this.fileOutputError);
      });
      return;
    }
    let fd;
    try {
      fd = openSync(path, "r");
    } catch (error) {
      throw new Error(`cannot open input ${name}: ${systemErrorText(error)}`, { cause: error });
    }
    // The native reader's read size; the read stream stops reading while a send waits for room.
    this.input = createReadStream(path, { fd, highWaterMark: 64 * 1024 });
    this.inputName = name;
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
    // The messages that arrive together go out in one writev: corked until the reader has taken
    // every message already here (nextTick runs once the promise jobs of the loop are drained).
    const output = this.fileOutput ?? this.io.stdout;
    if (!this.outputCorked) {
      this.outputCorked = true;
      output.cork();
      process.nextTick(() => {
        this.outputCorked = false;
        output.uncork();
      });
    }
    output.write(message);
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
    this.connected(connection, core.connectionLine(true, connection.peer, connection.streamId ?? ""));
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
    this.connected(connection, core.connectionLine(false, connection.peer, this.srt.streamId ?? ""));
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
        if (!this.lingering) this.finishWith(core.connectionEnded(true, ""));  // else linger() says how it ended
      } catch (error) {
        this.finishWith(core.connectionEnded(false, error.message));
      }
    })();
    if (!this.srtIsInput && this.input) this.pumpInput();
  }

  /** Moves the input (standard input or a file) into the connection in payloadsize messages;
   * lingers at the end of input. */
  async pumpInput() {
    const payload = this.srt.payloadSize;
    const connection = this.connection;
    let carry = Buffer.alloc(0);
    try {
      for await (const chunk of this.input) {
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
      this.finish(1, `reading ${this.inputName}: ${systemErrorText(error)}`);
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
    if (peerClosedFirst || error) return this.finishWith(core.connectionEnded(!error, error?.message ?? ""));
    this.finishWith(core.endOfInput(unacknowledged, connection.stats()?.pktSndDropTotal ?? 0));
  }

  /** finish() with a {status, line} from the core's transmit_report. */
  finishWith({ status, line }) {
    this.finish(status, line);
  }

  // ---- statistics ----

  armStats() {
    const print = setInterval(() => {
      const stats = this.connection?.stats(true);
      if (!stats || this.finished) return;
      this.io.stderr.write(`${this.statsLine(stats)}\n`);
    }, this.options.statsEvery);
    this.timers.push(print);
  }
}
