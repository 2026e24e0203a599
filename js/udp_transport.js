// The transport shim's Node implementation: one UDP socket (node:dgram) that hands the driver
// what arrived in batches (one call per turn of the event loop, not one per datagram).
//
// A transport is { bind(), send(bytes, address), onBatch(handler), close(), localAddress() }
// where an address is "1.2.3.4:5" or "[::1]:5" and a batch is [{ bytes, address }].
import { createSocket } from "node:dgram";

export class NodeUdpTransport {
  /** @param {{ type?: "udp4" | "udp6" }} [options] */
  constructor({ type = "udp4" } = {}) {
    this.type = type;
    this.socket = undefined;
    this.pending = [];
    this.flushScheduled = false;
    this.handler = () => {};
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

  send(bytes, address) {
    const colon = address.lastIndexOf(":");
    const host = address.slice(0, colon).replace(/^\[|\]$/g, "");
    this.socket?.send(bytes, Number(address.slice(colon + 1)), host);
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
