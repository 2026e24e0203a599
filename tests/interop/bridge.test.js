// `websrt bridge`: the JS package's SRT over a WebSocket through the bridge to srt-live-transmit
// (10 MB byte for byte each way, with a passphrase one way), and the bridge's refusals: a target
// not on the allowlist, a foreign Origin, an oversize datagram, too many sessions, a flood of
// connections, malformed WebSocket frames, malformed requests, a path outside the static
// directory, each with a clear reason while a session to a UDP echo keeps relaying; and issue 12's
// hardening: every path-traversal form, foreign Host headers (DNS rebinding) and --host, bodies
// (413, unread) and oversize headers (431), per-client caps, and a datagram flood that neither
// reaches UDP nor slows another session.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";

import { SrtSocket, WebSocketTransport } from "websrt";
import {
  boundUdpSocket, collect, exitWithin, killAll, listeningPort, receiveFromSlt, reservedUdpPort, sendPaced, sltChunk, start,
  startBridgeProcess, stderrMatches, tcpConnectionsAt, udpPortBound, until,
} from "./peers.js";

const size = sltChunk * 7000;  // 10.2 MB
const payload = randomBytes(size);
const payloadHash = createHash("sha256").update(payload).digest("hex");
const rate = 6_000_000;
const secret = "websrt-bridge-secret";

let bridge;
let bridgePort;
let sltPorts;
let staticDir;
let echo;

before(async () => {
  // srt-live-transmit is told its ports, and the bridge allowlists them before it runs.
  sltPorts = [await reservedUdpPort(), await reservedUdpPort()];
  echo = createSocket("udp4");
  echo.on("message", (message, from) => echo.send(message, from.port, from.address));
  await new Promise((resolve) => echo.bind(0, "127.0.0.1", resolve));
  sltPorts.push(echo.address().port);  // allowlisted with them
  staticDir = mkdtempSync(join(tmpdir(), "websrt-bridge-static-"));
  writeFileSync(join(staticDir, "index.html"), "<!doctype html><title>websrt</title>");
  // Symlinks out of the directory (refused) and one inside it (served).
  symlinkSync("/etc", join(staticDir, "etc"));
  symlinkSync("/etc/passwd", join(staticDir, "passwd.txt"));
  symlinkSync(join(staticDir, "index.html"), join(staticDir, "inside.html"));
  mkdirSync(join(staticDir, "sub"));
  writeFileSync(join(staticDir, "sub", "page.html"), "<!doctype html><title>sub</title>");
  // All test clients are 127.0.0.1: per-client caps lifted here so that the global ones are what
  // these tests meet; the per-client tests start their own bridge.
  bridge = startBridgeProcess(["--listen", "127.0.0.1:0", "--allow",
    sltPorts.map((p) => `127.0.0.1:${p}`).join(","), "--static", staticDir, "--max-sessions", "3",
    "--max-sessions-per-ip", "64", "--max-pending-per-ip", "1000", "--upgrades-per-ip", "1000"]);
  bridgePort = await listeningPort(bridge, "websrt bridge");
});

after(() => {
  killAll();
  echo.close();
  rmSync(staticDir, { recursive: true, force: true });
});

/** Which bridge the suite runs against, in the test names: the native binary, or the npm one. */
const bridgeKind = process.env.WEBSRT_BRIDGE === "node" ? " (Node bridge)" : "";

const bridgeUrl = () => `ws://127.0.0.1:${bridgePort}/srt`;
const transport = (options = {}) => new WebSocketTransport(bridgeUrl(), { WebSocket, ...options });

/**
 * The raw HTTP answer to `request` sent to the bridge (on `port`, from `localAddress`); what
 * arrived before the bridge closed, "" when it closed without an answer.
 */
function rawRequest(request, { port = bridgePort, localAddress = "127.0.0.1" } = {}) {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ port, host: "127.0.0.1", localAddress }, () => socket.write(request));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk));
    socket.on("end", () => resolve(answer));
    // A reset after the answer (the bridge closed with unread input) still delivered the answer.
    socket.on("error", (error) => (["ECONNRESET", "EPIPE"].includes(error.code) ? resolve(answer) : reject(error)));
  });
}

/** A GET of `path`, sent as is (no normalisation), with a Host header naming the bridge. */
const get = (path, { host = `127.0.0.1:${bridgePort}`, port = bridgePort } = {}) =>
  rawRequest(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`, { port });

/** Opens a raw WebSocket to the bridge; resolves with it open, or with the HTTP refusal. */
function rawWebSocket(target, headers = {}, protocols = [], { port = bridgePort, localAddress } = {}) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/srt?target=${target}`, protocols, { headers, localAddress });
    ws.on("open", () => resolve({ ws }));
    ws.on("unexpected-response", (req, res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    ws.on("error", (error) => resolve({ error }));  // closed unanswered: resolve, never hang
  });
}

describe(`SRT through the bridge${bridgeKind}`, () => {
  test("a Node/WASM caller receives 10 MB from srt-live-transmit through the bridge, one datagram per message", { timeout: 60_000 }, async () => {
    const sender = start("srt-live-transmit", ["file://con", `srt://:${sltPorts[0]}?mode=listener&maxbw=40000000`]);
    await udpPortBound(sltPorts[0], 5000, sender);
    const socket = await SrtSocket.connect(`srt://127.0.0.1:${sltPorts[0]}`, { transport: transport({ batch: false }) });
    const sink = await receiveFromSlt(sender, socket, payload, rate);
    assert.equal(sink.hash.digest("hex"), payloadHash);
    await stderrMatches(bridge, /session .* from UDP \d+ packets/, 5000, "the bridge's session line");
  });

  test("a Node/WASM caller sends 10 MB with a passphrase to srt-live-transmit through the bridge, batched", { timeout: 60_000 }, async () => {
    const receiver = start("srt-live-transmit", ["-q", `srt://:${sltPorts[1]}?mode=listener&passphrase=${secret}`, "file://con"]);
    const received = collect(receiver);
    await udpPortBound(sltPorts[1], 5000, receiver);
    const socket = await SrtSocket.connect(`srt://127.0.0.1:${sltPorts[1]}?passphrase=${secret}&payloadsize=${sltChunk}`,
      { transport: transport() });
    await sendPaced(socket, payload, rate);
    assert.deepEqual(await socket.close({ lingerMs: 20_000 }), { unacknowledged: 0 });
    receiver.kill("SIGINT");
    await exitWithin(receiver, 10_000, "srt-live-transmit listener");
    assert.equal(received.bytes, size);
    assert.equal(received.hash.digest("hex"), payloadHash);
  });
});

const echoTarget = () => `127.0.0.1:${echo.address().port}`;

/** How many sessions a bridge has ended: it logs a session's line as it lets the session go. */
const sessionsEnded = (child) => (child.stderrText.match(/session \S+ -> .*\(dropped /g) ?? []).length;

/** Waits until a bridge has ended `count` more sessions than `ended` (a count taken before). */
const sessionsEndedSince = (child, ended, count) => until(() => sessionsEnded(child) >= ended + count, 5000,
  () => `${count} sessions ended (${sessionsEnded(child) - ended} so far)`);

/** Sends one datagram through an open session to the UDP echo and waits for it to come back. */
async function roundTrip(ws) {
  const probe = randomBytes(64);
  const back = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no echo through the bridge within 2 s")), 2000);
    ws.once("message", (data) => {
      clearTimeout(timer);
      resolve(Buffer.from(data));
    });
  });
  ws.send(probe);
  assert.deepEqual(await back, probe);
}

/**
 * Upgrades a raw TCP connection to a WebSocket session to the echo, writes `frame` (bytes a
 * WebSocket library would never send) and resolves with the close frame the bridge answers.
 */
function malformedFrame(frame) {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(bridgePort, "127.0.0.1", () => socket.write(
      `GET /srt?target=${echoTarget()} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
    let received = Buffer.alloc(0);
    let upgraded = false;
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (!upgraded) {
        const end = received.indexOf("\r\n\r\n");
        if (end < 0) return;
        assert.match(received.subarray(0, end).toString(), /^HTTP\/1\.1 101/);
        received = received.subarray(end + 4);
        upgraded = true;
        socket.write(frame);
      }
      // The bridge's close frame: FIN + opcode 8, a short length, then the code and the reason.
      if (received.length >= 4 && received[0] === 0x88 && received.length >= 2 + received[1]) {
        resolve({ code: received.readUInt16BE(2), reason: received.subarray(4, 2 + received[1]).toString() });
        socket.destroy();
      }
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`closed without a close frame; got ${received.toString("hex")}`)));
  });
}

const mask = Buffer.from([1, 2, 3, 4]);
const masked = (first, payload) => Buffer.concat([Buffer.from([first, 0x80 | payload.length]), mask,
  Buffer.from(payload.map((b, i) => b ^ mask[i % 4]))]);

/** A "websrt-batch" message: each datagram as a 16-bit big-endian length and its bytes. */
const batchOf = (...datagrams) => Buffer.concat(datagrams.flatMap((d) => [Buffer.from([d.length >> 8, d.length & 0xff]), d]));

describe(`the websrt-batch subprotocol${bridgeKind}`, () => {
  test("a batch of datagrams is relayed as separate datagrams and comes back batched", async () => {
    const { ws } = await rawWebSocket(echoTarget(), {}, ["websrt-batch"]);
    assert.equal(ws.protocol, "websrt-batch");
    const datagrams = [randomBytes(1500), randomBytes(16), randomBytes(700)];  // 16: an SRT header, the shortest relayed
    const back = [];
    const all = new Promise((resolve) => ws.on("message", (data) => {
      const bytes = Buffer.from(data);
      for (let at = 0; at < bytes.length; at += 2 + bytes.readUInt16BE(at)) back.push(bytes.subarray(at + 2, at + 2 + bytes.readUInt16BE(at)));
      if (back.length >= datagrams.length) resolve();
    }));
    ws.send(batchOf(...datagrams));
    await all;
    assert.deepEqual(back, datagrams);  // the echo answered each datagram: the bridge split the batch
    ws.close();
  });

  test("a session that does not ask for batches gets one datagram per message", async () => {
    const { ws } = await rawWebSocket(echoTarget());
    assert.equal(ws.protocol, "");
    await roundTrip(ws);
    ws.close();
  });

  test("a malformed batch closes its session with the reason and relays nothing", async () => {
    for (const [bad, code, reason] of [
      [Buffer.concat([batchOf(randomBytes(10)), Buffer.from([0, 50, 1])]), 1002, /ends inside a datagram/],
      [batchOf(randomBytes(10), randomBytes(1501)), 1009, /exceeds 1500 bytes/],
      [Buffer.from([0, 0]), 1002, /empty datagram/],
    ]) {
      const { ws } = await rawWebSocket(echoTarget(), {}, ["websrt-batch"]);
      let echoed = false;
      ws.on("message", () => (echoed = true));
      const closed = new Promise((resolve) => ws.on("close", (c, r) => resolve({ code: c, reason: r.toString() })));
      ws.send(bad);
      const { code: got, reason: why } = await closed;
      assert.equal(got, code);
      assert.match(why, reason);
      assert.equal(echoed, false, "nothing of a malformed batch is relayed");
    }
  });
});

describe(`the bridge refuses, with a reason, and keeps serving${bridgeKind}`, () => {
  test("malformed WebSocket frames close their own session with the protocol's code", async () => {
    const { ws: witness } = await rawWebSocket(echoTarget());
    const cases = [
      { what: "an unmasked client frame", frame: Buffer.from([0x82, 3, 1, 2, 3]), code: 1002 },
      { what: "a reserved opcode", frame: masked(0x83, [1, 2, 3]), code: 1002 },
      { what: "a reserved bit without an extension", frame: masked(0xc2, [1, 2, 3]), code: 1002 },
      { what: "a continuation without a first fragment", frame: masked(0x80, [1, 2, 3]), code: 1002 },
      { what: "a ping longer than 125 bytes", frame: Buffer.concat([Buffer.from([0x89, 0x80 | 126, 0, 126]), mask, Buffer.alloc(126)]), code: 1002 },
      { what: "a frame claiming 1 TB", frame: Buffer.concat([Buffer.from([0x82, 0x80 | 127, 0, 0, 1, 0, 0, 0, 0, 0]), mask]), code: 1009 },
      { what: "a text frame", frame: masked(0x81, [0x61, 0x62, 0x63]), code: 1003, reason: /text frames are not datagrams/ },
    ];
    for (const { what, frame, code, reason } of cases) {
      const closed = await malformedFrame(frame);
      assert.equal(closed.code, code, `${what}: closed with ${closed.code} ${closed.reason}`);
      if (reason) assert.match(closed.reason, reason, what);
      await roundTrip(witness);  // the other session keeps relaying
    }
    witness.close();
    assert.equal(bridge.exitCode, null, "the bridge is still running");
  });

  test("a flood of connections and upgrades is refused (503) while a session keeps relaying", { timeout: 30_000 }, async () => {
    const { ws: witness } = await rawWebSocket(echoTarget());
    const connectionsBefore = tcpConnectionsAt(bridgePort);
    // 300 connections that never send a request: past 128 pending, the bridge answers busy.
    const idle = await Promise.all(Array.from({ length: 300 }, () => new Promise((resolve) => {
      const socket = tcpConnect(bridgePort, "127.0.0.1", () => resolve(socket));
      socket.on("error", () => resolve(socket));
    })));
    await roundTrip(witness);
    const busy = await rawWebSocket(echoTarget());
    assert.equal(busy.status, 503);
    assert.match(busy.body, /too many connections still pending/);
    for (const socket of idle) socket.destroy();
    await until(() => tcpConnectionsAt(bridgePort) <= connectionsBefore, 5000,
      () => `the bridge closing the idle connections (${tcpConnectionsAt(bridgePort)} open, ${connectionsBefore} before)`);
    // 50 upgrades at once against --max-sessions 3, one of them taken by the witness.
    const flood = await Promise.all(Array.from({ length: 50 }, () => rawWebSocket(echoTarget())));
    const admitted = flood.filter((f) => f.ws);
    assert.equal(admitted.length, 2);
    for (const refused of flood.filter((f) => !f.ws)) {
      assert.equal(refused.status, 503);
      assert.match(refused.body, /too many sessions/);
    }
    await roundTrip(witness);
    const ended = sessionsEnded(bridge);
    for (const { ws } of admitted) ws.close();
    witness.close();
    await sessionsEndedSince(bridge, ended, admitted.length + 1);
    const again = await rawWebSocket(echoTarget());
    assert.ok(again.ws, "a session is admitted after the flood");
    await roundTrip(again.ws);
    again.ws.close();
    assert.equal(bridge.exitCode, null, "the bridge is still running");
  });

  test("a target not on the allowlist is refused (403) and reported by the transport", async () => {
    // A port of ours: in the ephemeral range, so none of the allowlisted ones.
    const unlisted = await boundUdpSocket();
    try {
      await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${unlisted.address().port}?conntimeo=3000`, { transport: transport() }),
        (error) => {
          assert.equal(error.code, "ERR_SRT_TRANSPORT");
          assert.match(error.message, /403 .*not on the allowlist/);
          return true;
        });
    } finally {
      unlisted.close();
    }
  });

  test("a foreign Origin is refused (403)", async () => {
    const answer = await rawWebSocket(`127.0.0.1:${sltPorts[0]}`, { Origin: "http://evil.example" });
    assert.equal(answer.status, 403);
    assert.match(answer.body, /origin 'http:\/\/evil.example' is not allowed/);
  });

  test("an oversize datagram closes only its own session (1009)", async () => {
    const good = await rawWebSocket(`127.0.0.1:${sltPorts[0]}`);
    const bad = await rawWebSocket(`127.0.0.1:${sltPorts[0]}`);
    const closed = new Promise((resolve) => bad.ws.on("close", (code) => resolve(code)));
    bad.ws.send(new Uint8Array(2000));
    assert.equal(await closed, 1009);
    assert.equal(good.ws.readyState, WebSocket.OPEN);
    good.ws.send(new Uint8Array(100));  // still relayed
    good.ws.close();
  });

  test("sessions beyond --max-sessions are refused (503)", async () => {
    const open = [];
    for (let i = 0; i < 3; i += 1) open.push(await rawWebSocket(`127.0.0.1:${sltPorts[0]}`));
    assert.ok(open.every((o) => o.ws));
    const refused = await rawWebSocket(`127.0.0.1:${sltPorts[0]}`);
    assert.equal(refused.status, 503);
    assert.match(refused.body, /too many sessions/);
    const ended = sessionsEnded(bridge);
    for (const o of open) o.ws.close();
    await sessionsEndedSince(bridge, ended, open.length);
    const again = await rawWebSocket(`127.0.0.1:${sltPorts[0]}`);
    assert.ok(again.ws, "a session is admitted once others closed");
    again.ws.close();
  });

  test("malformed requests and paths get HTTP errors; static files are served", async () => {
    assert.match(await rawRequest("GARBAGE\r\n\r\n"), /^HTTP\/1\.1 400[^]*malformed HTTP request/);
    assert.match(await get("/../../etc/passwd"), /^HTTP\/1\.1 404/);
    assert.match(await get("/missing.js"), /^HTTP\/1\.1 404[^]*not found/);
    assert.match(await get("/"), /^HTTP\/1\.1 200[^]*text\/html[^]*<title>websrt<\/title>/);
    assert.match(await rawRequest(`POST / HTTP/1.1\r\nHost: 127.0.0.1:${bridgePort}\r\nContent-Length: 0\r\n\r\n`), /^HTTP\/1\.1 405/);
    const wrongPath = await new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${bridgePort}/other?target=127.0.0.1:1`);
      ws.on("unexpected-response", (req, res) => resolve(res.statusCode));
      ws.on("error", () => {});
    });
    assert.equal(wrongPath, 404);
    assert.equal(bridge.exitCode, null, "the bridge is still running");
  });
});

const statusOf = (answer) => Number(/^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1]);
const bodyOf = (answer) => answer.slice(answer.indexOf("\r\n\r\n") + 4);

/** Another bridge to the UDP echo with `args`, for the tests that need other options. */
async function startBridge(args) {
  const child = startBridgeProcess(["--listen", "127.0.0.1:0", "--allow", echoTarget(), ...args]);
  return { child, port: await listeningPort(child, "a second websrt bridge") };
}

async function stopBridge({ child }) {
  child.kill("SIGINT");
  await exitWithin(child, 5000, "a second websrt bridge");
}

/** The first session line a bridge logged, once it has. */
async function sessionLine(child) {
  await stderrMatches(child, /session [^\n]*\n/, 5000, "the bridge's session line");
  return /session [^\n]*/.exec(child.stderrText)[0];
}

/** What a session line says was relayed towards UDP and dropped on the way. */
function toUdpCounts(line) {
  const m = /to UDP (\d+) packets \d+ bytes \(dropped (\d+) short, (\d+) over rate, (\d+) over packet rate\)/.exec(line);
  assert.ok(m, `no to-UDP counts in: ${line}`);
  const [relayed, short, overRate, overPacketRate] = m.slice(1).map(Number);
  return { relayed, short, overRate, overPacketRate };
}

/** A raw TCP connection upgraded to a session to the echo; resolves with the socket after the 101. */
function rawSessionSocket(target) {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(bridgePort, "127.0.0.1", () => socket.write(
      `GET /srt?target=${target} HTTP/1.1\r\nHost: 127.0.0.1:${bridgePort}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
    let received = Buffer.alloc(0);
    const onData = (chunk) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      socket.resume();  // whatever the session sends later is not looked at
      if (/^HTTP\/1\.1 101/.test(received.subarray(0, end).toString())) resolve(socket);
      else reject(new Error(`upgrade refused: ${received.toString()}`));
    };
    socket.on("data", onData);
    socket.on("error", reject);
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe(`the bridge treats every request as hostile (issue 12)${bridgeKind}`, () => {
  test("every path-traversal form is refused with one fixed 404 and nothing outside the static directory is served", async () => {
    const forms = [
      "//etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E/%2E%2E/etc/passwd", "/..%2f..%2fetc/passwd",
      "/..%2F..%2Fetc%2Fpasswd", "/../../etc/passwd", "/sub/../index.html", "/./index.html", "/sub//page.html",
      "/%5c..%5cetc%5cpasswd", "/index.html%00", "/index.html%00.js", "/%zz", "/%2",
      "/etc/passwd", "/etc/", "/passwd.txt",  // symlinks in the directory that point out of it
      "http://127.0.0.1/etc/passwd",          // absolute-form
    ];
    for (const path of forms) {
      const answer = await get(path);
      assert.equal(statusOf(answer), 404, `${path}: ${answer.slice(0, 200)}`);
      assert.equal(bodyOf(answer), "not found\n", `${path}: the body is a fixed text`);
    }
    // Raw bytes no URL has: refused by the parser (400) or by the path check (404); never served.
    for (const path of ["/..\\..\\etc\\passwd", "/index.html\\", "/\\etc\\passwd"]) {
      const answer = await get(path);
      assert.ok([400, 404].includes(statusOf(answer)), `${path}: ${answer.slice(0, 200)}`);
      assert.doesNotMatch(answer, /root:|etc|passwd/, `${path}: nothing of the request or the file is echoed`);
    }
    // Still served: the index, a subdirectory's file, a symlink that stays inside, and any
    // query string (ignored, even one that looks like a traversal).
    for (const [path, title] of [["/", "websrt"], ["/index.html?f=../../etc/passwd", "websrt"], ["/sub/page.html", "sub"],
      ["/inside.html", "websrt"], ["/%69ndex.html", "websrt"]]) {
      const answer = await get(path);
      assert.equal(statusOf(answer), 200, path);
      assert.match(bodyOf(answer), new RegExp(`<title>${title}</title>`), path);
    }
  });

  test("a foreign Host (DNS rebinding) is refused (421) for a GET and for an upgrade; loopback names with the bridge's port are served", async () => {
    for (const host of ["evil.example", `evil.example:${bridgePort}`, `127.0.0.1:${bridgePort + 1}`, "127.0.0.1.evil.example",
      "localhost.evil.example", "", "127.0.0.1:0", "[::2]"]) {
      const answer = await get("/", { host });
      assert.equal(statusOf(answer), 421, `Host: ${host}`);
      assert.equal(bodyOf(answer), "unknown Host (the bridge serves only its --host names)\n");
    }
    assert.equal(statusOf(await rawRequest("GET / HTTP/1.0\r\n\r\n")), 421, "no Host header at all");
    for (const host of [`127.0.0.1:${bridgePort}`, `localhost:${bridgePort}`, `LocalHost:${bridgePort}`, "localhost", "127.0.0.1",
      `[::1]:${bridgePort}`, `127.1.2.3:${bridgePort}`]) {
      assert.equal(statusOf(await get("/", { host })), 200, `Host: ${host}`);
    }
    const refused = await rawWebSocket(echoTarget(), { Host: "evil.example" });
    assert.equal(refused.status, 421);
    assert.match(refused.body, /unknown Host/);
    const admitted = await rawWebSocket(echoTarget(), { Host: `localhost:${bridgePort}` });
    assert.ok(admitted.ws, "an upgrade naming localhost and the port is served");
    await roundTrip(admitted.ws);
    admitted.ws.close();
  });

  test("--host admits a further name (on a second bridge), for GETs and upgrades, and no other", async () => {
    const second = await startBridge(["--static", staticDir, "--host", "bridge.example"]);
    const at = { port: second.port };
    for (const host of [`bridge.example:${second.port}`, "bridge.example", "Bridge.Example", `127.0.0.1:${second.port}`])
      assert.equal(statusOf(await get("/", { ...at, host })), 200, `Host: ${host}`);
    for (const host of ["evil.example", `bridge.example:${second.port + 1}`, "sub.bridge.example"])
      assert.equal(statusOf(await get("/", { ...at, host })), 421, `Host: ${host}`);
    const admitted = await rawWebSocket(echoTarget(), { Host: "bridge.example" }, [], at);
    assert.ok(admitted.ws, "an upgrade naming the --host name is served");
    await roundTrip(admitted.ws);
    admitted.ws.close();
    assert.equal((await rawWebSocket(echoTarget(), { Host: "evil.example" }, [], at)).status, 421);
    await stopBridge(second);
  });

  test("a request with a body is refused (413) from its header alone: the answer comes without a byte of the body sent", async () => {
    for (const [method, header] of [["POST", "Content-Length: 1000000000"], ["POST", "Content-Length: 99999999999999"],
      ["PUT", "Content-Length: 5"], ["GET", "Content-Length: 1"], ["POST", "Transfer-Encoding: chunked"]]) {
      // rawRequest resolves when the bridge closes the connection; no body is ever written.
      const answer = await rawRequest(`${method} / HTTP/1.1\r\nHost: 127.0.0.1:${bridgePort}\r\n${header}\r\n\r\n`);
      assert.equal(statusOf(answer), 413, `${method} with ${header}: ${answer.slice(0, 200)}`);
      assert.equal(bodyOf(answer), "request bodies are not accepted\n");
    }
  });

  test("a request header over 8 KiB is answered 431; one under it is served", async () => {
    const request = (filler) => `GET / HTTP/1.1\r\nHost: 127.0.0.1:${bridgePort}\r\nX-Filler: ${"a".repeat(filler)}\r\n\r\n`;
    assert.equal(statusOf(await rawRequest(request(9000))), 431);
    assert.equal(statusOf(await rawRequest(request(64 * 1024))), 431);
    assert.equal(statusOf(await rawRequest(request(7000))), 200);
  });

  test("one client address is capped in pending connections (503, then closed), sessions (429) and upgrade rate (429), while other addresses are served",
    { timeout: 20_000 }, async () => {
      // Loopback takes any 127/8 source address: each part of the test is a different client.
      const limited = await startBridge(["--static", staticDir, "--max-pending-per-ip", "4", "--max-sessions-per-ip", "2",
        "--upgrades-per-ip", "5"]);
      const { port } = limited;
      const request = `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`;
      const idle = [];
      const connectIdle = () => new Promise((resolve) => {
        const socket = tcpConnect({ port, host: "127.0.0.1", localAddress: "127.0.0.1" }, () => resolve(socket));
        socket.on("error", () => resolve(socket));
        idle.push(socket);
      });
      for (let i = 0; i < 4; i += 1) await connectIdle();
      const busy = await rawRequest(request, { port });
      assert.equal(statusOf(busy), 503);
      assert.equal(bodyOf(busy), "too many connections still pending from your address (--max-pending-per-ip 4)\n");
      assert.equal(statusOf(await rawRequest(request, { port, localAddress: "127.0.0.2" })), 200, "another client is served");
      // Up to twice the cap wait a second for their 503; past that, closed without an answer.
      for (let i = 0; i < 4; i += 1) await connectIdle();
      assert.equal(await rawRequest(request, { port }), "", "closed at once, unanswered");
      assert.equal(statusOf(await rawRequest(request, { port, localAddress: "127.0.0.2" })), 200, "another client is still served");
      for (const socket of idle) socket.destroy();

      const sessions = [];
      for (let i = 0; i < 2; i += 1) sessions.push(await rawWebSocket(echoTarget(), {}, [], { port, localAddress: "127.0.0.3" }));
      assert.ok(sessions.every((s) => s.ws));
      const third = await rawWebSocket(echoTarget(), {}, [], { port, localAddress: "127.0.0.3" });
      assert.equal(third.status, 429);
      assert.equal(third.body, "too many sessions from your address (--max-sessions-per-ip 2)\n");
      const other = await rawWebSocket(echoTarget(), {}, [], { port, localAddress: "127.0.0.4" });
      assert.ok(other.ws, "another client's session is admitted");
      await roundTrip(other.ws);
      for (const s of [...sessions, other]) s.ws.close();

      // Ten upgrades in a row (a few ms) against 5 a second: each costs a token, even one refused
      // for its target. (One after another: ten at once would meet the pending cap first.)
      const burst = [];
      for (let i = 0; i < 10; i += 1) burst.push(await rawWebSocket("127.0.0.1:1", {}, [], { port, localAddress: "127.0.0.5" }));
      const throttled = burst.filter((b) => b.status === 429);
      assert.ok(burst.every((b) => b.status === 403 || b.status === 429), burst.map((b) => b.status).join(","));
      assert.ok(burst.filter((b) => b.status === 403).length >= 5, "the bucket's burst passes to the target check");
      assert.ok(throttled.length >= 4, `throttled ${throttled.length} of 10`);
      for (const t of throttled) assert.equal(t.body, "too many WebSocket upgrades from your address (--upgrades-per-ip 5/s)\n");
      await stopBridge(limited);
      assert.equal(limited.child.stderrText.includes("AddressSanitizer"), false);
    });

  test("a flood of 1-byte datagrams from one session is dropped and counted, and another session's round trip stays small",
    { timeout: 30_000 }, async (t) => {
      const { ws: witness } = await rawWebSocket(echoTarget());
      const timedRoundTrip = async () => {
        const started = process.hrtime.bigint();
        await roundTrip(witness);
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      const before = [];
      for (let i = 0; i < 20; i += 1) before.push(await timedRoundTrip());

      const flooder = await rawSessionSocket(echoTarget());
      const framesPerWrite = 10_000;
      const chunk = Buffer.concat(Array.from({ length: framesPerWrite }, () => masked(0x82, [0x2a])));
      let flooding = true;
      let sent = 0;
      const pump = () => {
        while (flooding) {
          sent += framesPerWrite;
          if (!flooder.write(chunk)) return flooder.once("drain", pump);
        }
      };
      pump();
      // Round trips for one second of flood, the flood kept going by its socket's drain events.
      const during = [];
      const floodStarted = Date.now();
      while (Date.now() - floodStarted < 1000 || during.length < 20) during.push(await timedRoundTrip());
      flooding = false;
      const flooderPort = flooder.localPort;
      flooder.end();
      t.diagnostic(`round trip median ${median(before).toFixed(2)} ms before, ${median(during).toFixed(2)} ms during a flood ` +
        `of ${sent} datagrams (max ${Math.max(...during).toFixed(2)} ms over ${during.length})`);
      assert.ok(sent >= 50_000, `the flood was real: ${sent} datagrams`);
      assert.ok(median(during) < Math.max(50, 10 * median(before)), `median ${median(during)} ms during the flood`);

      const pattern = new RegExp(`session 127\\.0\\.0\\.1:${flooderPort} [^\\n]*\\n`);
      await stderrMatches(bridge, pattern, 10_000, "the flooder's session line");
      const counts = toUdpCounts(pattern.exec(bridge.stderrText)[0]);
      assert.equal(counts.relayed, 0, "no 1-byte datagram reaches UDP");
      assert.ok(counts.short > 0 && counts.short <= sent, `counted ${counts.short} short of ${sent} sent`);
      await roundTrip(witness);
      witness.close();
    });

  test("each datagram is charged its IP, UDP and SRT headers against the rate, and a packet-rate cap holds; drops are in the session's line",
    async () => {
      // --max-rate 0.08 Mbit/s: the 0.1 s bucket holds 1000 bytes, 22 datagrams of 16 bytes each
      // charged 20 + 8 + 16 = 44 (62 if only their 16 bytes counted).
      const slow = await startBridge(["--max-rate", "0.08"]);
      const a = await rawWebSocket(echoTarget(), {}, [], { port: slow.port });
      for (let i = 0; i < 60; i += 1) a.ws.send(randomBytes(16));
      a.ws.close();
      const byRate = toUdpCounts(await sessionLine(slow.child));
      assert.ok(byRate.relayed >= 22 && byRate.relayed <= 26, `relayed ${byRate.relayed} of 60`);
      assert.equal(byRate.overRate, 60 - byRate.relayed);
      await stopBridge(slow);

      // --max-pps 100: a 0.1 s bucket of 10 datagrams, whatever their size.
      const capped = await startBridge(["--max-pps", "100"]);
      const b = await rawWebSocket(echoTarget(), {}, [], { port: capped.port });
      for (let i = 0; i < 60; i += 1) b.ws.send(randomBytes(100));
      b.ws.send(randomBytes(15));  // under an SRT header: dropped before any budget
      b.ws.close();
      const byPackets = toUdpCounts(await sessionLine(capped.child));
      assert.ok(byPackets.relayed >= 10 && byPackets.relayed <= 14, `relayed ${byPackets.relayed} of 60`);
      assert.equal(byPackets.overPacketRate, 60 - byPackets.relayed);
      assert.equal(byPackets.short, 1);
      await stopBridge(capped);
    });
});
