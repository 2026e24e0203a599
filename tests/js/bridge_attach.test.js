// websrt/bridge attached to an application's own http.Server: the application keeps its plain
// requests, the bridge takes the WebSocket upgrades on /srt with the native bridge's checks (Host,
// allowlist), and relays datagrams to a UDP echo; other upgrades are refused unless left to the
// application. (The whole refusal suite runs against the standalone Node bridge in
// tests/interop/bridge_node.test.js.)
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { createServer } from "node:http";
import WebSocket from "ws";

import { createBridge } from "websrt/bridge";

let echo;
let app;
let bridge;
let base;
const logged = [];

before(async () => {
  echo = createSocket("udp4");
  echo.on("message", (message, from) => echo.send(message, from.port, from.address));
  await new Promise((resolve) => echo.bind(0, "127.0.0.1", resolve));
  app = createServer((request, response) => response.end(`the application's ${request.url}`));
  await new Promise((resolve) => app.listen(0, "127.0.0.1", resolve));
  base = `127.0.0.1:${app.address().port}`;
  bridge = (await createBridge({ allow: [`127.0.0.1:${echo.address().port}`], log: (line) => logged.push(line) })).attach(app);
});

after(async () => {
  await bridge.close();
  await new Promise((resolve) => app.close(resolve));
  echo.close();
});

/** A WebSocket to the application's server; resolves with it open, or with the HTTP refusal. */
function open(path, headers = {}) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://${base}${path}`, { headers });
    ws.on("open", () => resolve({ ws }));
    ws.on("unexpected-response", (request, response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode, body }));
    });
    ws.on("error", (error) => resolve({ error }));
  });
}

test("the application still answers its own requests", async () => {
  const answer = await fetch(`http://${base}/page`);
  assert.equal(await answer.text(), "the application's /page");
});

test("an upgrade on /srt to an allowlisted target relays datagrams both ways", async () => {
  const { ws } = await open(`/srt?target=127.0.0.1:${echo.address().port}`);
  assert.ok(ws, "the session opened");
  const probe = randomBytes(200);
  const back = new Promise((resolve) => ws.once("message", (data) => resolve(Buffer.from(data))));
  ws.send(probe);
  assert.deepEqual(await back, probe);
  assert.equal(bridge.sessions, 1);
  const closed = new Promise((resolve) => ws.on("close", resolve));
  ws.close();
  await closed;
});

test("the native bridge's refusals hold on the attached server", async () => {
  const unlisted = await open("/srt?target=127.0.0.1:1");
  assert.equal(unlisted.status, 403);
  assert.match(unlisted.body, /not on the allowlist/);
  const rebinding = await open(`/srt?target=127.0.0.1:${echo.address().port}`, { Host: "evil.example" });
  assert.equal(rebinding.status, 421);
  const elsewhere = await open("/chat");
  assert.equal(elsewhere.status, 404);
  assert.match(elsewhere.body, /served on \/srt only/);
  assert.ok(logged.some((line) => /refused .*not on the allowlist/.test(line)), logged.join("\n"));
});

test("createBridge refuses a bad setting with the native bridge's message", async () => {
  await assert.rejects(createBridge({ allow: ["no-port"] }), /--allow expects HOST:PORT, got 'no-port'/);
  await assert.rejects(createBridge({ allow: [], maxSessions: 0 }), /--max-sessions must be at least 1/);
  await assert.rejects(createBridge({ allow: [], staticDir: "/nonexistent/dir" }), /--static \/nonexistent\/dir is not a directory/);
});

test("closing the bridge ends its sessions (1001) and later upgrades are dropped, while the application serves on", async () => {
  const server = createServer((request, response) => response.end("still here"));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const own = (await createBridge({ allow: [`127.0.0.1:${echo.address().port}`], log: () => {} })).attach(server);
  const at = `127.0.0.1:${server.address().port}`;
  const ws = new WebSocket(`ws://${at}/srt?target=127.0.0.1:${echo.address().port}`);
  await new Promise((resolve) => ws.on("open", resolve));
  const closed = new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  await own.close();
  assert.deepEqual(await closed, { code: 1001, reason: "bridge stopping" });
  const late = await new Promise((resolve) => {
    const again = new WebSocket(`ws://${at}/srt?target=127.0.0.1:${echo.address().port}`);
    again.on("open", () => resolve("open"));
    again.on("unexpected-response", () => resolve("answered"));
    again.on("error", () => resolve("dropped"));
  });
  assert.equal(late, "dropped");
  assert.equal(await (await fetch(`http://${at}/`)).text(), "still here");
  await new Promise((resolve) => server.close(resolve));
});
