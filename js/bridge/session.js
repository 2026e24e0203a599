// One WebSocket relayed to one UDP target, as native-shim/bridge_command.cpp's Session: one binary
// message is one datagram, or several with the "websrt-batch" subprotocol; each datagram passes
// its direction's budget (the native RelayBudget, compiled to wasm) or is dropped and counted; a
// browser that reads too slowly loses datagrams, never memory; idle sessions close; the session
// ends with one log line saying what it relayed and dropped, in the native bridge's words.
import { createSocket } from "node:dgram";
import { isIPv6 } from "node:net";

/** The datagrams of a "websrt-batch" message, or why it is malformed (native-shim/datagram_batch.hpp:
 * the whole message is checked before any datagram is relayed). */
export function splitBatch(message, maxDatagram) {
  for (let at = 0; at < message.length;) {
    if (message.length - at < 2) return { malformed: "truncated" };
    const size = (message[at] << 8) | message[at + 1];
    if (size === 0) return { malformed: "empty" };
    if (size > maxDatagram) return { malformed: "oversize" };
    if (message.length - at - 2 < size) return { malformed: "truncated" };
    at += 2 + size;
  }
  const datagrams = [];
  for (let at = 0; at < message.length;) {
    const size = (message[at] << 8) | message[at + 1];
    datagrams.push(message.subarray(at + 2, at + 2 + size));
    at += 2 + size;
  }
  return { datagrams };
}

/** The close code and reason for a malformed batch, as the native bridge sends them. */
const malformedBatch = {
  truncated: [1002, "a batch ends inside a datagram"],
  empty: [1002, "a batch holds an empty datagram"],
  oversize: [1009, "a batched datagram exceeds 1500 bytes"],
};

/** "127.0.0.1:9000" or "[::1]:9000"; IPv4-mapped addresses (a dual-stack socket's IPv4 peers) as IPv4. */
export function endpointText(address, port) {
  const plain = address.startsWith("::ffff:") && address.includes(".") ? address.slice(7) : address;
  return isIPv6(plain) ? `[${plain}]:${port}` : `${plain}:${port}`;
}

/** A connected UDP socket to the target; rejects when it cannot be opened. */
export function openUdp(host, port, receiveBufferBytes) {
  return new Promise((resolve, reject) => {
    const udp = createSocket({ type: isIPv6(host) ? "udp6" : "udp4" });
    udp.once("error", reject);
    udp.connect(port, host, () => {
      udp.off("error", reject);
      try {
        udp.setRecvBufferSize(receiveBufferBytes);  // capped by net.core.rmem_max; the default otherwise
      } catch { /* the default buffer only */ }
      resolve(udp);
    });
  });
}

/** RelayBudget::Verdict (native-shim/relay_budget.hpp), as the binding numbers it. */
const verdicts = { relay: 0, tooShort: 1, overRate: 2, overPacketRate: 3 };

/**
 * How long a flooding session is not read. Node parses a whole TCP read (some 9,000 tiny frames)
 * in one turn of its event loop; pausing the flooder between reads keeps that turn from coming
 * back at once, so other sessions' datagrams are not held behind a flood. A flood is a datagram
 * shorter than an SRT header (no SRT peer sends one), or floodDropsBeforePause datagrams over the
 * packet-rate cap since the last pause (a burst over the cap only loses its excess, as natively).
 * A stream merely over its byte rate is never paused: SRT's retransmission bursts do that.
 */
const floodPauseMs = 100;
const floodDropsBeforePause = 1000;

export class BridgeSession {
  #ws;
  #udp;
  #bridge;
  #ip;
  #peer;
  #target;
  #batched;
  #limits;
  #toUdp;
  #fromUdp;
  #queue = [];
  #writing = false;
  #stopped = false;
  #lastWrite = 0;
  #batchTimer;
  #idleTimer;
  #paused = false;
  #packetRateDrops = 0;
  #pauseTimer;
  #started = performance.now();
  #lastActivity = this.#started;
  #counts = { packetsOut: 0, bytesOut: 0, packetsIn: 0, bytesIn: 0, oversizeFromUdp: 0, queueFull: 0 };

  /**
   * @param bridge - {rules, limits, idleSeconds, rateBytesPerSecond, packetsPerSecond, log(line), ended(session)}
   */
  constructor({ ws, udp, bridge, ip, peer, target, batched }) {
    this.#ws = ws;
    this.#udp = udp;
    this.#bridge = bridge;
    this.#ip = ip;
    this.#peer = peer;
    this.#target = target;
    this.#batched = batched;
    this.#limits = bridge.limits;
    // Each direction has its own budget, so a page's uploads never starve its downloads.
    this.#toUdp = bridge.rules.sessionBudget(bridge.rateBytesPerSecond, bridge.packetsPerSecond);
    this.#fromUdp = bridge.rules.sessionBudget(bridge.rateBytesPerSecond, bridge.packetsPerSecond);
    // The bridge counted the session against its client's cap (sessionOpened) when it admitted it.

    ws.on("message", (data, isBinary) => this.#fromWebSocket(data, isBinary));
    ws.on("error", (error) => this.stop(`WebSocket: ${error.message}`));
    ws.on("close", () => this.stop("closed by the client"));
    udp.on("message", (datagram) => this.#fromUdpSocket(datagram));
    udp.on("error", () => {});  // ICMP errors (peer not there yet) are not fatal for SRT
    this.#idleTimer = setInterval(() => this.#checkIdle(), 1000);
  }

  #fromWebSocket(data, isBinary) {
    this.#lastActivity = performance.now();
    if (!isBinary) return this.close(1003, "text frames are not datagrams");
    if (!this.#batched) return this.#relayToUdp(data);
    const { datagrams, malformed } = splitBatch(data, this.#limits.maxDatagram);
    if (malformed) return this.close(...malformedBatch[malformed]);
    for (const datagram of datagrams) this.#relayToUdp(datagram);
  }

  #relayToUdp(datagram) {
    if (this.#stopped) return;
    // Too short to be SRT, or over the session's rate: dropped (and counted), as a congested link would.
    const verdict = this.#toUdp.admit(datagram.length);
    if (verdict !== verdicts.relay) {
      if (verdict === verdicts.tooShort) this.#readSlowly();
      else if (verdict === verdicts.overPacketRate && ++this.#packetRateDrops >= floodDropsBeforePause) this.#readSlowly();
      return;
    }
    this.#udp.send(datagram);  // UDP: a failed send is a lost datagram
    this.#counts.packetsOut += 1;
    this.#counts.bytesOut += datagram.length;
  }

  #readSlowly() {
    if (this.#paused) return;
    this.#paused = true;
    this.#packetRateDrops = 0;
    this.#ws.pause();
    this.#pauseTimer = setTimeout(() => {
      this.#paused = false;
      if (!this.#stopped) this.#ws.resume();
    }, floodPauseMs);
  }

  #fromUdpSocket(datagram) {
    if (this.#stopped) return;
    if (datagram.length > this.#limits.maxDatagram) {
      this.#counts.oversizeFromUdp += 1;
      return;
    }
    this.#lastActivity = performance.now();
    if (this.#fromUdp.admit(datagram.length) !== verdicts.relay) return;
    this.#counts.packetsIn += 1;
    this.#counts.bytesIn += datagram.length;
    if (this.#queue.length >= this.#limits.maxQueued) {
      this.#counts.queueFull += 1;
      return;
    }
    this.#queue.push(datagram);
    this.#writeSoon();
  }

  #writeSoon() {
    const sinceLast = performance.now() - this.#lastWrite;
    if (!this.#batched || sinceLast >= this.#limits.batchHoldMs) return this.#writeNext();
    // Busy: hold datagrams until batchHoldMs after the last message, so they share one.
    if (this.#batchTimer) return;
    this.#batchTimer = setTimeout(() => {
      this.#batchTimer = undefined;
      this.#writeNext();
    }, this.#limits.batchHoldMs - sinceLast);
  }

  #writeNext() {
    if (this.#writing || this.#queue.length === 0 || this.#stopped) return;
    this.#writing = true;
    this.#lastWrite = performance.now();
    let message;
    if (this.#batched) {
      // Whatever queued while the last message was written goes out as one message.
      const parts = [];
      let size = 0;
      while (this.#queue.length > 0 && size + 2 + this.#queue[0].length <= this.#limits.maxBatchMessage) {
        const datagram = this.#queue.shift();
        parts.push(Buffer.from([datagram.length >> 8, datagram.length & 0xff]), datagram);
        size += 2 + datagram.length;
      }
      message = Buffer.concat(parts, size);
    } else {
      message = this.#queue.shift();
    }
    this.#ws.send(message, { binary: true }, (error) => {
      this.#writing = false;
      if (error) return this.stop(`WebSocket write: ${error.message}`);
      this.#writeNext();
    });
  }

  #checkIdle() {
    const idleSeconds = this.#bridge.idleSeconds;
    if (performance.now() - this.#lastActivity > idleSeconds * 1000) this.close(1001, `idle for ${idleSeconds} s`);
  }

  /** Ends the session with a close frame that tells the client why; the session's line says it too. */
  close(code, why) {
    this.#ws.close(code, why);
    this.stop(why);
  }

  stop(why) {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#idleTimer);
    clearTimeout(this.#batchTimer);
    clearTimeout(this.#pauseTimer);
    this.#bridge.rules.sessionClosed(this.#ip);
    try {
      this.#udp.close();
    } catch { /* already closed */ }
    const c = this.#counts;
    const seconds = ((performance.now() - this.#started) / 1000).toFixed(1);
    this.#bridge.log(`session ${this.#peer} -> ${this.#target}: ${seconds} s, to UDP ${c.packetsOut} packets ${c.bytesOut} bytes ` +
      `(dropped ${this.#toUdp.drops()}), from UDP ${c.packetsIn} packets ${c.bytesIn} bytes (dropped ${this.#fromUdp.drops()}, ` +
      `${c.oversizeFromUdp} oversize, ${c.queueFull} queue full) (${why})`);
    this.#toUdp.delete();
    this.#fromUdp.delete();
    this.#bridge.ended(this);
  }
}
