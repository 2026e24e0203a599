// `websrt bridge`: the JS package's SRT over a WebSocket through the bridge to srt-live-transmit
// (10 MB byte for byte each way, with a passphrase one way), and the bridge's refusals: a target
// not on the allowlist, a foreign Origin, an oversize datagram, too many sessions, a malformed
// request, a path outside the static directory, each with a clear reason while other sessions
// keep going.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import WebSocket from "ws";

import { SrtSocket, WebSocketTransport } from "websrt";
import {
  collect, exitWithin, feed, freeUdpPort, killAll, requireWebsrt, sleep, sltChunk, start, stderrMatches, trailer, until,
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

before(async () => {
  bridgePort = await freeUdpPort();  // a TCP port free too, in practice, on loopback
  sltPorts = [await freeUdpPort(), await freeUdpPort()];
  staticDir = mkdtempSync(join(tmpdir(), "websrt-bridge-static-"));
  writeFileSync(join(staticDir, "index.html"), "<!doctype html><title>websrt</title>");
  bridge = start(requireWebsrt(), ["bridge", "--listen", `127.0.0.1:${bridgePort}`, "--allow",
    sltPorts.map((p) => `127.0.0.1:${p}`).join(","), "--static", staticDir, "--max-sessions", "3"]);
  await stderrMatches(bridge, /listening on ws:/, 5000, "websrt bridge");
});

after(() => {
  killAll();
  rmSync(staticDir, { recursive: true, force: true });
});

const bridgeUrl = () => `ws://127.0.0.1:${bridgePort}/srt`;
const transport = () => new WebSocketTransport(bridgeUrl(), { WebSocket });

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
function rawWebSocket(target, headers = {}) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${bridgeUrl()}?target=${target}`, { headers });
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
  test("a Node/WASM caller receives 10 MB from srt-live-transmit through the bridge", { timeout: 60_000 }, async () => {
    const sender = start("srt-live-transmit", ["file://con", `srt://:${sltPorts[0]}?mode=listener&maxbw=40000000`]);
    await sleep(300);
    const socket = await SrtSocket.connect(`srt://127.0.0.1:${sltPorts[0]}`, { transport: transport() });
    const sink = { bytes: 0, hash: createHash("sha256") };
    const reading = (async () => {
      for await (const m of socket) {
        if (sink.bytes < size) sink.hash.update(m.subarray(0, Math.min(m.length, size - sink.bytes)));
        sink.bytes += m.length;
      }
    })();
    await stderrMatches(sender, /Accepted/i, 10_000, "srt-live-transmit accepting");
    await feed(sender.stdin, Buffer.concat([payload, trailer(rate)]), rate);
    await until(() => sink.bytes >= size, 30_000, () => `${sink.bytes} of ${size} bytes`);
    sender.stdin.end();
    await sleep(200);
    sender.kill("SIGINT");
    await reading;
    assert.equal(sink.hash.digest("hex"), payloadHash);
    await stderrMatches(bridge, /session .* from UDP \d+ packets/, 5000, "the bridge's session line");
  });

  test("a Node/WASM caller sends 10 MB with a passphrase to srt-live-transmit through the bridge", { timeout: 60_000 }, async () => {
    const receiver = start("srt-live-transmit", ["-q", `srt://:${sltPorts[1]}?mode=listener&passphrase=${secret}`, "file://con"]);
    const received = collect(receiver);
    await sleep(300);
    const socket = await SrtSocket.connect(`srt://127.0.0.1:${sltPorts[1]}?passphrase=${secret}&payloadsize=${sltChunk}`,
      { transport: transport() });
    const started = Date.now();
    for (let offset = 0; offset < size; offset += sltChunk) {
      await socket.send(payload.subarray(offset, offset + sltChunk));
      const due = started + ((offset + sltChunk) / rate) * 1000;
      if (offset % (64 * sltChunk) === 0 && due > Date.now()) await sleep(due - Date.now());
    }
    assert.deepEqual(await socket.close({ lingerMs: 20_000 }), { unacknowledged: 0 });
    receiver.kill("SIGINT");
    await exitWithin(receiver, 10_000, "srt-live-transmit listener");
    assert.equal(received.bytes, size);
    assert.equal(received.hash.digest("hex"), payloadHash);
  });
});

describe("the bridge refuses, with a reason, and keeps serving", () => {
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
