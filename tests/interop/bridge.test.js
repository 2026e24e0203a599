// `websrt bridge`: the JS package's SRT over a WebSocket through the bridge to srt-live-transmit
// (10 MB byte for byte each way, with a passphrase one way), and the bridge's refusals: a target
// not on the allowlist, a foreign Origin, an oversize datagram, too many sessions, a flood of
// connections, malformed WebSocket frames, malformed requests, a path outside the static
// directory, each with a clear reason while a session to a UDP echo keeps relaying.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";

import { SrtSocket, WebSocketTransport } from "websrt";
import {
  collect, exitWithin, freeTcpPort, freeUdpPort, killAll, receiveFromSlt, requireWebsrt, sendPaced, sleep, sltChunk, start,
  stderrMatches,
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
  bridgePort = await freeTcpPort();
  sltPorts = [await freeUdpPort(), await freeUdpPort()];
  echo = createSocket("udp4");
  echo.on("message", (message, from) => echo.send(message, from.port, from.address));
  await new Promise((resolve) => echo.bind(0, "127.0.0.1", resolve));
  sltPorts.push(echo.address().port);  // allowlisted with them
  staticDir = mkdtempSync(join(tmpdir(), "websrt-bridge-static-"));
  writeFileSync(join(staticDir, "index.html"), "<!doctype html><title>websrt</title>");
  bridge = start(requireWebsrt(), ["bridge", "--listen", `127.0.0.1:${bridgePort}`, "--allow",
    sltPorts.map((p) => `127.0.0.1:${p}`).join(","), "--static", staticDir, "--max-sessions", "3"]);
  await stderrMatches(bridge, /listening on ws:/, 5000, "websrt bridge");
});

after(() => {
  killAll();
  echo.close();
  rmSync(staticDir, { recursive: true, force: true });
});

const bridgeUrl = () => `ws://127.0.0.1:${bridgePort}/srt`;
const transport = (options = {}) => new WebSocketTransport(bridgeUrl(), { WebSocket, ...options });

/** The raw HTTP answer to `request` sent to the bridge. */
function rawRequest(request) {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(bridgePort, "127.0.0.1", () => socket.write(request));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

/** Opens a raw WebSocket to the bridge; resolves with it open, or with the HTTP refusal. */
function rawWebSocket(target, headers = {}, protocols = []) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${bridgeUrl()}?target=${target}`, protocols, { headers });
    ws.on("open", () => resolve({ ws }));
    ws.on("unexpected-response", (req, res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    ws.on("error", () => {});
  });
}

describe("SRT through the bridge", () => {
  test("a Node/WASM caller receives 10 MB from srt-live-transmit through the bridge, one datagram per message", { timeout: 60_000 }, async () => {
    const sender = start("srt-live-transmit", ["file://con", `srt://:${sltPorts[0]}?mode=listener&maxbw=40000000`]);
    await sleep(300);
    const socket = await SrtSocket.connect(`srt://127.0.0.1:${sltPorts[0]}`, { transport: transport({ batch: false }) });
    const sink = await receiveFromSlt(sender, socket, payload, rate);
    assert.equal(sink.hash.digest("hex"), payloadHash);
    await stderrMatches(bridge, /session .* from UDP \d+ packets/, 5000, "the bridge's session line");
  });

  test("a Node/WASM caller sends 10 MB with a passphrase to srt-live-transmit through the bridge, batched", { timeout: 60_000 }, async () => {
    const receiver = start("srt-live-transmit", ["-q", `srt://:${sltPorts[1]}?mode=listener&passphrase=${secret}`, "file://con"]);
    const received = collect(receiver);
    await sleep(300);
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

describe("the websrt-batch subprotocol", () => {
  test("a batch of datagrams is relayed as separate datagrams and comes back batched", async () => {
    const { ws } = await rawWebSocket(echoTarget(), {}, ["websrt-batch"]);
    assert.equal(ws.protocol, "websrt-batch");
    const datagrams = [randomBytes(1500), randomBytes(1), randomBytes(700)];
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

describe("the bridge refuses, with a reason, and keeps serving", () => {
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
    await sleep(300);
    // 50 upgrades at once against --max-sessions 3, one of them taken by the witness.
    const flood = await Promise.all(Array.from({ length: 50 }, () => rawWebSocket(echoTarget())));
    const admitted = flood.filter((f) => f.ws);
    assert.equal(admitted.length, 2);
    for (const refused of flood.filter((f) => !f.ws)) {
      assert.equal(refused.status, 503);
      assert.match(refused.body, /too many sessions/);
    }
    await roundTrip(witness);
    for (const { ws } of admitted) ws.close();
    witness.close();
    await sleep(200);
    const again = await rawWebSocket(echoTarget());
    assert.ok(again.ws, "a session is admitted after the flood");
    await roundTrip(again.ws);
    again.ws.close();
    assert.equal(bridge.exitCode, null, "the bridge is still running");
  });

  test("a target not on the allowlist is refused (403) and reported by the transport", async () => {
    const unlisted = await freeUdpPort();
    await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${unlisted}?conntimeo=3000`, { transport: transport() }), (error) => {
      assert.equal(error.code, "ERR_SRT_TRANSPORT");
      assert.match(error.message, /403 .*not on the allowlist/);
      return true;
    });
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
    for (const o of open) o.ws.close();
    await sleep(200);
    const again = await rawWebSocket(`127.0.0.1:${sltPorts[0]}`);
    assert.ok(again.ws, "a session is admitted once others closed");
    again.ws.close();
  });

  test("malformed requests and paths get HTTP errors; static files are served", async () => {
    assert.match(await rawRequest("GARBAGE\r\n\r\n"), /^HTTP\/1\.1 400[^]*malformed HTTP request/);
    assert.match(await rawRequest("GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n"), /^HTTP\/1\.1 400/);
    assert.match(await rawRequest("GET /missing.js HTTP/1.1\r\nHost: x\r\n\r\n"), /^HTTP\/1\.1 404[^]*not found/);
    assert.match(await rawRequest("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), /^HTTP\/1\.1 200[^]*text\/html[^]*<title>websrt<\/title>/);
    assert.match(await rawRequest("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"), /^HTTP\/1\.1 405/);
    const wrongPath = await new Promise((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${bridgePort}/other?target=127.0.0.1:1`);
      ws.on("unexpected-response", (req, res) => resolve(res.statusCode));
      ws.on("error", () => {});
    });
    assert.equal(wrongPath, 404);
    assert.equal(bridge.exitCode, null, "the bridge is still running");
  });
});
