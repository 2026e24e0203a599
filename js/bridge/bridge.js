// `websrt/bridge`: the WebSocket-to-UDP relay of `websrt bridge` in Node, for a page's SRT core
// where no C++ build is at hand. It runs on its own HTTP server (listen()) with the native
// bridge's whole front door: per-client pending-connection caps, request timeouts, 431 for
// oversize headers, 413 for bodies, the Host check, static files; or it attaches to an
// application's http.Server (attach()) and takes only its WebSocket upgrades on /srt. Every
// decision is the native bridge's own code, compiled into the WebAssembly core (rules.js), so
// the two bridges admit and refuse the same requests; the interop suite runs the native bridge's
// security tests against both (tests/interop/bridge_node.test.js).
import { STATUS_CODES, createServer } from "node:http";
import { realpath, readFile, stat } from "node:fs/promises";
import { join } from "node:path";

import { WebSocketServer } from "ws";

import { asyncDispose } from "../socket_streams.js";
import { BridgeRules, bridgeLimits } from "./rules.js";
import { BridgeSession, endpointText, openUdp } from "./session.js";

/** A request with a body: Content-Length above zero, or any Transfer-Encoding. Never read. */
function hasBody(request) {
  const length = request.headers["content-length"];
  return (length !== undefined && !/^0+$/.test(length)) || request.headers["transfer-encoding"] !== undefined;
}

/** Whether the request asks for a WebSocket (RFC 6455 §4.2.1: GET, Upgrade: websocket). */
function isWebSocketUpgrade(request) {
  return request.method === "GET" && /(^|,)\s*websocket\s*(,|$)/i.test(request.headers.upgrade ?? "");
}

/** Whether the client's Sec-WebSocket-Protocol list names the batch subprotocol. */
function asksForBatches(request, subprotocol) {
  return (request.headers["sec-websocket-protocol"] ?? "").split(",").some((token) => token.trim() === subprotocol);
}

/** An HTTP answer as the native bridge writes it: plain text (never sniffed), then the connection closes. */
function responseHead(status, contentType, length) {
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nServer: websrt-bridge\r\nContent-Type: ${contentType}\r\n` +
    `X-Content-Type-Options: nosniff\r\nConnection: close\r\nContent-Length: ${length}\r\n\r\n`;
}

/** Writes an answer on a raw socket (an upgrade's, or one Node's parser refused) and closes it. */
function answerSocket(socket, status, body, contentType = "text/plain; charset=utf-8") {
  if (!socket.writable) return socket.destroy();
  const bytes = Buffer.from(body);
  socket.end(Buffer.concat([Buffer.from(responseHead(status, contentType, bytes.length)), bytes]));
  socket.once("finish", () => socket.destroy());
}

const text = "text/plain; charset=utf-8";

export class SrtBridge {
  #rules;
  #limits;
  #options;
  #sessions = new Set();
  #pending = 0;
  #servers = [];
  #connections = new WeakMap();  // socket → {ip, busy, done, timer}
  #plain;
  #batching;
  #staticRoot;
  #closed = false;

  constructor(rules, limits, options, staticRoot) {
    this.#rules = rules;
    this.#limits = limits;
    this.#options = options;
    this.#staticRoot = staticRoot;
    // Larger messages close the session (1009); no compression (SRT payloads are media or ciphertext).
    const common = { noServer: true, perMessageDeflate: false, clientTracking: false };
    this.#plain = new WebSocketServer({ ...common, maxPayload: limits.maxDatagram, handleProtocols: () => false });
    this.#batching = new WebSocketServer({ ...common, maxPayload: limits.maxBatchMessage, handleProtocols: () => limits.batchSubprotocol });
  }

  /**
   * A bridge with `options` (the native command's settings; see index.d.ts). Rejects with an
   * Error naming the bad setting (an --allow entry that does not resolve, a missing --static).
   */
  static async create(options = {}) {
    const limits = await bridgeLimits();
    const settings = {
      allow: options.allow ?? [],
      origins: options.origins ?? [],
      hosts: options.hosts ?? [],
      maxSessions: options.maxSessions ?? limits.maxSessions,
      maxPendingPerClient: options.maxPendingPerIp ?? limits.maxPendingPerClient,
      maxSessionsPerClient: options.maxSessionsPerIp ?? limits.maxSessionsPerClient,
      upgradesPerSecond: options.upgradesPerIp ?? limits.upgradesPerSecond,
    };
    const maxRateMbit = options.maxRateMbit ?? limits.maxRateMbit;
    const maxPps = options.maxPps ?? limits.maxPacketsPerSecond;
    if (!(maxRateMbit > 0) || !(maxPps > 0)) throw new Error("--max-rate and --max-pps must be above 0");
    const idleSeconds = options.idleTimeoutSeconds ?? limits.idleSeconds;
    if (!(idleSeconds > 0)) throw new Error("--idle-timeout must be above 0");
    let staticRoot;
    if (options.staticDir) {
      // Canonical once, so every served path is compared with the real directory.
      try {
        staticRoot = await realpath(options.staticDir);
        if (!(await stat(staticRoot)).isDirectory()) throw new Error("not a directory");
      } catch {
        throw new Error(`--static ${options.staticDir} is not a directory`);
      }
    }
    const rules = await BridgeRules.create(settings);
    return new SrtBridge(rules, limits, {
      log: options.log ?? ((line) => process.stderr.write(`websrt bridge: ${line}\n`)),
      quiet: options.quiet ?? false,
      idleSeconds,
      rateBytesPerSecond: (maxRateMbit * 1e6) / 8,
      packetsPerSecond: maxPps,
    }, staticRoot);
  }

  /** Sessions open now. */
  get sessions() { return this.#sessions.size; }

  /**
   * Runs the bridge on its own HTTP server; resolves with the address it listens on ({address,
   * port}; port 0 picks a free one). Also serves the static directory, if any.
   */
  async listen({ host = "127.0.0.1", port = 8080 } = {}) {
    const server = createServer({
      maxHeaderSize: this.#limits.maxHeaderBytes,
      requireHostHeader: false,  // a missing Host is the Host rule's to refuse (421), as natively
      requestTimeout: 0,         // the bridge times the request header itself (#onConnection)
      headersTimeout: 0,
      keepAliveTimeout: 0,
    });
    server.on("connection", (socket) => this.#guard(socket, () => this.#onConnection(socket)));
    server.on("request", (request, response) => this.#guard(request.socket, () => this.#onRequest(request, response)));
    server.on("upgrade", (request, socket, head) => this.#guard(socket, () => this.#onUpgrade(request, socket, head, { own: true })));
    server.on("clientError", (error, socket) => this.#guard(socket, () => this.#onClientError(error, socket)));
    await new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.#servers.push(server);
    const address = server.address();
    this.#rules.listeningOn(address);
    if (!this.#rules.hostsEnforced) this.#warnAnyHost();
    return { address: address.address, port: address.port };
  }

  /**
   * Takes the WebSocket upgrades of an application's http.Server: those on /srt become sessions
   * (Origin, Host, allowlist and limits checked); any other upgrade is refused (404) unless
   * `otherUpgrades: "leave"`, for an application that handles its own. Its plain HTTP requests
   * stay the application's. Call after the server listens, or the Host rule is fixed when it does.
   */
  attach(server, { otherUpgrades = "refuse" } = {}) {
    const fix = () => {
      this.#rules.listeningOn(server.address());
      if (!this.#rules.hostsEnforced) this.#warnAnyHost();
    };
    if (server.listening) fix();
    else server.once("listening", fix);
    server.on("upgrade", (request, socket, head) => {
      if (otherUpgrades === "leave" && (request.url ?? "").split("?")[0] !== "/srt") return;
      this.#guard(socket, () => this.#onUpgrade(request, socket, head, { own: false }));
    });
    return this;
  }

  /** Ends every session ("bridge stopping") and closes the servers listen() started. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    for (const session of [...this.#sessions]) session.close(1001, "bridge stopping");
    await Promise.all(this.#servers.filter(Boolean).map((server) => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    })));
    this.#rules.delete();
  }

  async [asyncDispose]() {
    await this.close();
  }

  /**
   * Runs a handler so that nothing it meets can end the process: after close() the connection is
   * dropped; an error (a bug, or a runtime limit) drops that connection and is logged.
   */
  #guard(socket, handler) {
    if (this.#closed) return socket.destroy();
    const fail = (error) => {
      this.#options.log(`error: ${error?.message ?? error}`);
      socket.destroy();
    };
    try {
      const result = handler();
      if (result instanceof Promise) result.catch(fail);
    } catch (error) {
      fail(error);
    }
  }

  #log(line) {
    if (!this.#options.quiet) this.#options.log(line);
  }

  #warnAnyHost() {
    this.#options.log("warning: listening on a non-loopback address without --host: any Host header is served, so a " +
      "DNS-rebinding page can reach this bridge; pass --host NAME for each name it is reached by");
  }

  // ---- the front door (own server only) ----

  /** A new TCP connection: counted against its client's and the bridge's pending caps until its request arrives. */
  #onConnection(socket) {
    const ip = socket.remoteAddress ?? "";
    const admission = this.#rules.connectionOpened(ip);
    if (admission === "close") {
      // One client holding twice its pending cap already: not even a 503.
      this.#rules.connectionDone(ip);
      return socket.destroy();
    }
    const busy = admission === "busy" ? "client" : this.#pending >= this.#limits.maxPendingRequests ? "bridge" : "";
    if (!busy) this.#pending += 1;
    const state = { ip, busy, arrived: false, finished: false };
    // Busy: a second to send the request, then 503; otherwise request_seconds, then closed unanswered.
    state.timer = setTimeout(() => socket.destroy(), (busy ? 1 : this.#limits.requestSeconds) * 1000);
    this.#connections.set(socket, state);
    socket.on("error", () => {});
    socket.once("close", () => this.#connectionFinished(socket));
  }

  /** The connection's request header arrived: no more request timeout. */
  #requestArrived(socket) {
    const state = this.#connections.get(socket);
    if (state && !state.arrived) {
      state.arrived = true;
      clearTimeout(state.timer);
    }
    return state;
  }

  /** Answered, upgraded or gone: the connection stops counting against the pending caps. */
  #connectionFinished(socket) {
    const state = this.#connections.get(socket);
    if (!state || state.finished) return;
    state.finished = true;
    clearTimeout(state.timer);
    if (!state.busy) this.#pending -= 1;
    this.#rules.connectionDone(state.ip);
  }

  /** The answer for a busy connection's request, or "" when it may be served. */
  #busyAnswer(state) {
    if (state?.busy === "bridge") return "too many connections still pending\n";
    if (state?.busy === "client") {
      return `too many connections still pending from your address (--max-pending-per-ip ${this.#rules.setting("maxPendingPerClient")})\n`;
    }
    return "";
  }

  #onClientError(error, socket) {
    this.#requestArrived(socket);  // answered below; finished when the socket closes
    if (error.code === "HPE_HEADER_OVERFLOW") return answerSocket(socket, 431, "request header too large\n");
    if (error.code === "ECONNRESET" || error.code === "ERR_HTTP_REQUEST_TIMEOUT" || !socket.writable) return socket.destroy();
    answerSocket(socket, 400, `malformed HTTP request: ${error.code ?? "bad request"}\n`);
  }

  /** The checks every request meets first, in the native order; an answer when refused. */
  #frontDoor(request, state) {
    const busy = this.#busyAnswer(state);
    if (busy) return { status: 503, body: busy };
    if (hasBody(request)) return { status: 413, body: "request bodies are not accepted\n" };
    if (!this.#rules.admitsHost(request.headers.host ?? "")) {
      return { status: 421, body: "unknown Host (the bridge serves only its --host names)\n" };
    }
    return undefined;
  }

  async #onRequest(request, response) {
    const state = this.#requestArrived(request.socket);
    const answer = this.#frontDoor(request, state) ?? (request.method !== "GET" && request.method !== "HEAD"
      ? { status: 405, body: "only GET, and WebSocket upgrades on /srt\n" }
      : await this.#staticFile(request.url ?? ""));
    response.shouldKeepAlive = false;
    response.writeHead(answer.status, {
      Server: "websrt-bridge",
      "Content-Type": answer.type ?? text,
      "X-Content-Type-Options": "nosniff",
      Connection: "close",
      "Content-Length": Buffer.byteLength(answer.body),
    });
    response.end(request.method === "HEAD" ? undefined : answer.body);
  }

  /** A file of the static directory, or the fixed 404: nothing of the request, nothing of the tree. */
  async #staticFile(target) {
    const notFound = { status: 404, body: "not found\n" };
    if (!this.#staticRoot) return notFound;
    const relative = this.#rules.staticPath(target);
    if (!relative.ok) return notFound;
    try {
      // Symlinks resolved, then the result must be the root or below it (by path component).
      const file = await realpath(join(this.#staticRoot, relative.path));
      if (!this.#rules.isWithin(this.#staticRoot, file)) return notFound;
      if (!(await stat(file)).isFile()) return notFound;
      return { status: 200, body: await readFile(file), type: this.#rules.contentType(file) };
    } catch {
      return notFound;
    }
  }

  // ---- sessions ----

  async #onUpgrade(request, socket, head, { own }) {
    socket.on("error", () => {});
    if (own) return this.#upgrade(request, socket, head, { own, state: this.#requestArrived(socket) });
    // On an application's server the bridge sees a connection only when it asks for an upgrade:
    // it counts against its client's caps for as long as the bridge decides, as natively.
    const ip = socket.remoteAddress ?? "";
    const admission = this.#rules.connectionOpened(ip);
    try {
      if (admission === "close") return socket.destroy();
      return await this.#upgrade(request, socket, head, { own, state: { busy: admission === "busy" ? "client" : "" } });
    } finally {
      this.#rules.connectionDone(ip);
    }
  }

  async #upgrade(request, socket, head, { own, state }) {
    const ip = socket.remoteAddress ?? "";
    const peer = endpointText(ip, socket.remotePort);
    const refuse = (status, body) => answerSocket(socket, status, body);
    const front = this.#frontDoor(request, state);
    if (front) return refuse(front.status, front.body);
    if (!isWebSocketUpgrade(request)) {
      // Not a WebSocket: served as the plain request it also is.
      if (!own) return refuse(404, "WebSocket upgrades are served on /srt only\n");
      const answer = await this.#staticFile(request.url ?? "");
      return answerSocket(socket, answer.status, answer.body, answer.type ?? text);
    }
    if (!this.#rules.takeUpgrade(ip)) {
      return refuse(429, `too many WebSocket upgrades from your address (--upgrades-per-ip ${Math.trunc(this.#rules.setting("upgradesPerSecond"))}/s)\n`);
    }
    const decision = this.#rules.admitUpgrade(request.url ?? "", request.headers.origin ?? "", this.#sessions.size);
    if (!decision.ok) {
      this.#log(`refused ${peer}: ${decision.reason}`);
      return refuse(decision.status, `${decision.reason}\n`);
    }
    if (!this.#rules.sessionFits(ip)) {
      return refuse(429, `too many sessions from your address (--max-sessions-per-ip ${this.#rules.setting("maxSessionsPerClient")})\n`);
    }
    // The session's places (against --max-sessions and the client's cap) are held while its UDP
    // socket opens, so that concurrent upgrades cannot overshoot either.
    const placeholder = { close() {} };
    this.#sessions.add(placeholder);
    this.#rules.sessionOpened(ip);
    let opened = false;
    const release = () => {
      this.#sessions.delete(placeholder);
      if (!opened) this.#rules.sessionClosed(ip);
    };
    const target = endpointText(decision.targetHost, decision.targetPort);
    let udp;
    try {
      // The UDP side first, so that no datagram from the page arrives before it can leave.
      udp = await openUdp(decision.targetHost, decision.targetPort, this.#limits.udpReceiveBuffer);
    } catch (error) {
      release();
      this.#log(`session ${peer} -> ${target}: cannot open a UDP socket: ${error.message}`);
      return refuse(502, "cannot open a UDP socket to the target\n");
    }
    if (this.#closed) {  // closed while the UDP socket opened
      udp.close();
      return socket.destroy();
    }
    const batched = asksForBatches(request, this.#limits.batchSubprotocol);
    // ws answers a bad handshake (400) itself and never calls back: the socket's close frees the places.
    socket.once("close", () => {
      if (opened) return;
      release();
      udp.close();
    });
    (batched ? this.#batching : this.#plain).handleUpgrade(request, socket, head, (ws) => {
      opened = true;
      if (own) this.#connectionFinished(socket);
      this.#sessions.delete(placeholder);
      const bridge = {
        rules: this.#rules,
        limits: this.#limits,
        idleSeconds: this.#options.idleSeconds,
        rateBytesPerSecond: this.#options.rateBytesPerSecond,
        packetsPerSecond: this.#options.packetsPerSecond,
        log: (line) => this.#log(line),
        ended: (session) => this.#sessions.delete(session),
      };
      this.#sessions.add(new BridgeSession({ ws, udp, bridge, ip, peer, target, batched }));
    });
  }
}

/** A bridge with `options`; see SrtBridge.create. */
export function createBridge(options) {
  return SrtBridge.create(options);
}
