// The transport for browsers (and Node): SRT datagrams over a WebSocket to `websrt bridge`, which
// relays them over UDP. One WebSocket carries one flow: it opens on the first datagram, to that
// datagram's destination (`?target=IP:PORT`), and each binary message is one datagram.

/** Datagrams held while the WebSocket opens; more are dropped, as UDP would. */
const maxQueued = 256;

export class WebSocketTransport {
  /**
   * @param {string} url - the bridge's WebSocket endpoint, e.g. "ws://127.0.0.1:8080/srt".
   * @param {{ WebSocket?: typeof WebSocket }} [options] - a WebSocket class where there is no global
   *   one (Node 20: the `ws` package).
   */
  constructor(url, { WebSocket: WebSocketClass = globalThis.WebSocket } = {}) {
    if (!WebSocketClass) throw new Error("WebSocketTransport: no WebSocket class here; pass { WebSocket }");
    this.url = url;
    this.WebSocketClass = WebSocketClass;
    this.socket = undefined;
    this.target = undefined;
    this.queue = [];
    this.pending = [];
    this.flushScheduled = false;
    this.handler = () => {};
    this.errorHandler = () => {};
    this.closing = false;
  }

  async bind() {}  // nothing to bind: the flow opens with the first datagram

  onBatch(handler) {
    this.handler = handler;
  }

  /** The bridge refused the session or closed it: `handler(Error)` with the bridge's reason. */
  onError(handler) {
    this.errorHandler = handler;
  }

  send(bytes, address) {
    if (!this.socket) this.open(address);
    if (address !== this.target) return;  // one flow per WebSocket
    if (this.socket.readyState === 1) this.socket.send(bytes);
    else if (this.socket.readyState === 0 && this.queue.length < maxQueued) this.queue.push(bytes);
  }

  open(address) {
    this.target = address;
    const url = new URL(this.url);
    url.searchParams.set("target", address);
    const socket = new this.WebSocketClass(url.toString());
    socket.binaryType = "arraybuffer";
    let refusal;
    // Node's `ws` reports a refused upgrade with the bridge's HTTP answer; browsers cannot see it.
    socket.on?.("unexpected-response", (request, response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => {
        refusal = `bridge refused the session: HTTP ${response.statusCode} ${body.trim()}`;
        this.fail(refusal);
      });
    });
    socket.onopen = () => {
      for (const bytes of this.queue.splice(0)) socket.send(bytes);
    };
    socket.onmessage = (event) => {
      if (typeof event.data === "string") return;
      this.pending.push({ bytes: new Uint8Array(event.data), address });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setTimeout(() => this.flush(), 0);  // one batch per turn, not one call per datagram
      }
    };
    socket.onerror = () => {};
    socket.onclose = (event) => {
      if (this.closing || refusal) return;
      this.fail(event.code === 1006 ? "cannot reach the bridge, or it refused the session"
                                    : `bridge closed the session: ${event.code} ${event.reason}`);
    };
    this.socket = socket;
  }

  fail(reason) {
    if (this.closing) return;
    this.closing = true;
    this.errorHandler(new Error(reason));
  }

  flush() {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length) this.handler(batch);
  }

  localAddress() {
    return { address: "websocket", port: 0 };
  }

  close() {
    this.closing = true;
    this.socket?.close();
  }
}
