// The transport shim's Node implementation: one UDP socket (node:dgram) that hands the driver
// what arrived in batches (one call per turn of the event loop, not one per datagram).
//
// A transport is { bind(), send(bytes, address), onBatch(handler), close(), localAddress() }
// where an address is "1.2.3.4:5" or "[::1]:5" and a batch is [{ bytes, address }]. This one
// also has sendFrom(memory, start, size, address), which the driver prefers: it copies the
// datagram straight from wasm memory into a ring of send slots, where send() would need a copy
// of its own per datagram (node:dgram keeps the bytes until the kernel has them).
import { createSocket } from "node:dgram";

/** Send slots: a datagram's bytes stay in its slot until node:dgram's callback says they left.
 * Node calls back a turn later, so the slots in flight are about one turn's datagrams; beyond
 * them a datagram gets a copy of its own. 384 KB per transport (each caller socket has one),
 * touched only as far as the traffic reaches. */
const slotBytes = 1500;
const slotCount = 256;
/** Destinations kept parsed; past this many the cache starts afresh (a listener's callers). */
const maxParsedAddresses = 8192;

/** "1.2.3.4:5" or "[::1]:5" → { host, port }. */
function parseAddress(address) {
  const colon = address.lastIndexOf(":");
  return { host: address.slice(0, colon).replace(/^\[|\]$/g, ""), port: Number(address.slice(colon + 1)) };
}

export class NodeUdpTransport {
  /** @param {{ type?: "udp4" | "udp6" }} [options] */
  constructor({ type = "udp4" } = {}) {
    this.type = type;
    this.socket = undefined;
    this.pending = [];
    this.flushScheduled = false;
    this.handler = () => {};
    this.destinations = new Map();  // address → { host, port }
    this.slots = Buffer.allocUnsafeSlow(slotBytes * slotCount);
    this.nextSlot = 0;
    this.slotsInFlight = 0;
    // One callback for every send: node:dgram completes a socket's sends in order, so each call
    // frees the oldest slot (a closure per datagram would be an allocation per datagram).
    this.releaseSlot = () => {
      this.slotsInFlight -= 1;
    };
  }

  /** Binds the socket (port 0: any free port); resolves once it listens. */
  async bind(port = 0, address = this.type === "udp6" ? "::" : "0.0.0.0") {
    const socket = createSocket({ type: this.type, recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
    await new Promise((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(port, address, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    socket.on("message", (bytes, rinfo) => {
      const host = rinfo.family === "IPv6" ? `[${rinfo.address}]` : rinfo.address;
      this.pending.push({ bytes, address: `${host}:${rinfo.port}` });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
    // A send to a closed port comes back as ICMP "unreachable" on some systems: not fatal for
    // SRT, whose timers notice a silent peer.
    socket.on("error", () => {});
    this.socket = socket;
  }

  onBatch(handler) {
    this.handler = handler;
  }

  flush() {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length) this.handler(batch);
  }

  destination(address) {
    let parsed = this.destinations.get(address);
    if (parsed === undefined) {
      if (this.destinations.size >= maxParsedAddresses) this.destinations.clear();
      parsed = parseAddress(address);
      this.destinations.set(address, parsed);
    }
    return parsed;
  }

  send(bytes, address) {
    const { host, port } = this.destination(address);
    this.socket?.send(bytes, port, host);
  }

  /** Sends `size` bytes of `memory` from `start`, which may change once this returns. */
  sendFrom(memory, start, size, address) {
    if (!this.socket) return;
    if (size > slotBytes || this.slotsInFlight === slotCount) {
      this.send(memory.slice(start, start + size), address);  // a copy of its own
      return;
    }
    const { host, port } = this.destination(address);
    const offset = this.nextSlot * slotBytes;
    this.nextSlot = (this.nextSlot + 1) % slotCount;
    this.slotsInFlight += 1;
    Buffer.prototype.copy.call(memory, this.slots, offset, start, start + size);
    this.socket.send(this.slots, offset, size, port, host, this.releaseSlot);
  }

  localAddress() {
    const { address, port } = this.socket.address();
    return { address, port };
  }

  /** Closes the socket once datagrams already sent have left: node:dgram resolves each
   * destination asynchronously, and a socket closed at once drops them (a SHUTDOWN sent just
   * before close would never reach the peer). */
  close() {
    const socket = this.socket;
    this.socket = undefined;
    if (socket) setImmediate(() => socket.close());
  }
}
