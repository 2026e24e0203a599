// The package as a user gets it: `npm pack`, `npm install <tarball>` into an empty project, then
// `import "websrt"` there (an SrtServer and an SrtSocket exchange 100 messages over loopback) and
// the `websrt` command from node_modules/.bin and npx; `npx websrt bridge` (the Node bridge, no C++
// build) relays an SRT connection from a caller over a WebSocket to a listener.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { installPackedWebsrt } from "./packed_install.js";

const run = promisify(execFile);

// What the consumer runs: everything through the package name, as a user would write it.
const consumerScript = `
import { createSocket } from "node:dgram";
import { SrtServer, SrtSocket } from "websrt";

const probe = createSocket("udp4");
await new Promise((resolve) => probe.bind(0, "127.0.0.1", resolve));
const { port } = probe.address();
await new Promise((resolve) => probe.close(resolve));

const count = 100;
const server = await SrtServer.listen(\`srt://:\${port}?latency=120\`);
const received = (async () => {
  for await (const connection of server) {
    const messages = [];
    for await (const message of connection) messages.push(message);
    return messages;
  }
})();
const socket = await SrtSocket.connect(\`srt://127.0.0.1:\${port}?streamid=package-test\`);
for (let i = 0; i < count; i += 1) await socket.send(new Uint8Array(1000).fill(i));
await socket.close();
const messages = await received;
await server.close();
const intact = messages.length === count && messages.every((m, i) => m.length === 1000 && m.every((b) => b === i));
console.log(intact ? \`websrt package ok: \${messages.length} messages\` : \`websrt package FAILED: \${messages.length} messages\`);
process.exitCode = intact ? 0 : 1;
`;

// Through the bridge: the caller's datagrams go over a WebSocket (the ws package websrt brings) to
// \`npx websrt bridge\`, which relays them over UDP to the listener, as a page's would.
const bridgedScript = `
import { spawn } from "node:child_process";
import { createSocket } from "node:dgram";
import WebSocket from "ws";
import { SrtServer, SrtSocket, WebSocketTransport } from "websrt";

const probe = createSocket("udp4");
await new Promise((resolve) => probe.bind(0, "127.0.0.1", resolve));
const { port } = probe.address();
await new Promise((resolve) => probe.close(resolve));

const bridge = spawn("npx", ["--offline", "websrt", "bridge", "--listen", "127.0.0.1:0", "--allow", \`127.0.0.1:\${port}\`],
  { stdio: ["ignore", "ignore", "pipe"], detached: true });  // its own process group: npx and the node it starts
const bridgeUrl = await new Promise((resolve, reject) => {
  let text = "";
  bridge.stderr.on("data", (chunk) => {
    text += chunk;
    const match = /listening on (ws:\\/\\/\\S+)/.exec(text);
    if (match) resolve(match[1]);
  });
  bridge.on("exit", (code) => reject(new Error(\`the bridge exited (\${code}): \${text}\`)));
});

const count = 100;
const server = await SrtServer.listen(\`srt://:\${port}\`);
const received = (async () => {
  for await (const connection of server) {
    const messages = [];
    for await (const message of connection) messages.push(message);
    return messages;
  }
})();
const socket = await SrtSocket.connect(\`srt://127.0.0.1:\${port}\`, { transport: new WebSocketTransport(bridgeUrl, { WebSocket }) });
for (let i = 0; i < count; i += 1) await socket.send(new Uint8Array(1000).fill(i));
await socket.close();
const messages = await received;
await server.close();
process.kill(-bridge.pid, "SIGINT");
await new Promise((resolve) => bridge.on("close", resolve));
const intact = messages.length === count && messages.every((m, i) => m.length === 1000 && m.every((b) => b === i));
console.log(intact ? \`websrt bridge ok: \${messages.length} messages\` : \`websrt bridge FAILED: \${messages.length} messages\`);
process.exitCode = intact ? 0 : 1;
`;

let work;
let project;

before(async () => {
  work = await mkdtemp(join(tmpdir(), "websrt-package-"));
  project = join(work, "project");
  await mkdir(project);
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "websrt-consumer", private: true, type: "module" }));
  await installPackedWebsrt(work, project);
  await writeFile(join(project, "consumer.js"), consumerScript);
  await writeFile(join(project, "bridged.js"), bridgedScript);
}, { timeout: 60_000 });

after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

test("an installed package imports as 'websrt' and carries 100 messages over SRT", { timeout: 60_000 }, async () => {
  const { stdout } = await run(process.execPath, ["consumer.js"], { cwd: project, timeout: 30_000 });
  assert.match(stdout, /^websrt package ok: 100 messages$/m);
});

test("the installed websrt command runs transmit: help, and status 2 for a bad URI", { timeout: 60_000 }, async () => {
  const bin = join(project, "node_modules", ".bin", "websrt");
  const help = await run(bin, ["transmit", "--help"], { cwd: project, timeout: 20_000 });
  assert.match(help.stdout, /Usage: websrt transmit/);
  const bad = await run("npx", ["--offline", "websrt", "transmit", "srt://:9000?latncy=20", "file://con"], {
    cwd: project, timeout: 20_000,
  }).then(() => ({ code: 0 }), (error) => error);
  assert.equal(bad.code, 2, bad.stderr);
  assert.match(bad.stderr, /^websrt transmit: bad input URI: unknown SRT option 'latncy'/m);
});

test("npx websrt bridge from the installed package relays 100 messages from a WebSocket caller to an SRT listener", { timeout: 60_000 }, async () => {
  const { stdout } = await run(process.execPath, ["bridged.js"], { cwd: project, timeout: 40_000 });
  assert.match(stdout, /^websrt bridge ok: 100 messages$/m);
});
