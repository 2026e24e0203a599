// websrt in a bundled app, as a Vite user gets it: the package is packed and installed into a
// temporary project holding tests/browser/vite-app/, `vite build` (Vite's JS API, from this
// repository's devDependencies) bundles it with no configuration, `npx websrt bridge` from that
// project (the package's Node bridge: no C++ build) serves the built dist/, and in headless
// Chromium the app receives a stream from srt-live-transmit through that bridge, compared byte for
// byte by SHA-256. The bundle must hold no node: import, Vite must have
// emitted the wasm as an asset, and the bundle's sizes are printed for the figures. The
// dev server (`vite`, with the app's one-line vite.config.js) must load the core too. A second app
// (tests/browser/vite-worker-app/) receives the stream in an SrtWorker, the core off the main thread.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { build, createLogger, createServer } from "vite";

import {
  feed, killAll, listeningPort, repoRoot, reservedUdpPort, sltChunk, start, stderrMatches, trailer, udpPortBound,
} from "../interop/peers.js";
import { installPackedWebsrt } from "../js/packed_install.js";

const size = sltChunk * 1440;  // 2.1 MB
const payload = randomBytes(size);
const rate = 2_000_000;  // bytes per second

let work;
let project;  // the app's sources, with websrt installed
let built;  // the app's dist/
const buildWarnings = [];
let bridge;
let browser;
let page;
const pageErrors = [];
let sltPort;

before(async () => {
  work = await mkdtemp(join(tmpdir(), "websrt-vite-"));
  project = join(work, "app");
  await mkdir(project);
  await cp(join(repoRoot, "tests", "browser", "vite-app"), project, { recursive: true });
  await writeFile(join(project, "package.json"), JSON.stringify({ name: "websrt-vite-app", private: true, type: "module" }));
  await installPackedWebsrt(work, project);

  // No config file (not even the app's, which is for the dev server): what passes here passes for
  // a user who writes none.
  await build({ root: project, configFile: false, logLevel: "warn", customLogger: recordingLogger(buildWarnings) });
  built = join(project, "dist");

  // srt-live-transmit is told its port, and the bridge allowlists it before it runs.
  sltPort = await reservedUdpPort();
  // Its own process group: npx and the node it starts go together.
  bridge = start("npx", ["--offline", "websrt", "bridge", "--listen", "127.0.0.1:0", "--static", built,
    "--allow", `127.0.0.1:${sltPort}`], { cwd: project, detached: true });
  const httpPort = await listeningPort(bridge, "npx websrt bridge", 20_000);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  page = await browser.newPage();
  page.on("pageerror", (error) => pageErrors.push(error.message));
  await page.goto(`http://127.0.0.1:${httpPort}/`);
  await page.waitForFunction(() => window.app !== undefined, null, { timeout: 10_000 });
}, { timeout: 120_000 });

after(async () => {
  await browser?.close();
  if (bridge?.exitCode === null) process.kill(-bridge.pid, "SIGKILL");
  killAll();
  if (work) await rm(work, { recursive: true, force: true });
  assert.deepEqual(pageErrors, [], "errors on the app's page");
});

/** Vite's logger, with its warnings (e.g. "Module node:… has been externalized for browser
 * compatibility") also kept in `warnings`: the tests count them as failures. */
function recordingLogger(warnings) {
  const logger = createLogger("warn");
  const warn = logger.warn;
  logger.warn = (message, options) => {
    warnings.push(message);
    warn(message, options);
  };
  return logger;
}

/** The built files in dist/assets with their bytes. */
async function assets() {
  const names = await readdir(join(built, "assets"));
  return Promise.all(names.map(async (name) => ({ name, bytes: await readFile(join(built, "assets", name)) })));
}

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;

test("vite build bundles the package with no warning, no node: import, and the wasm as an asset", async () => {
  assert.deepEqual(buildWarnings, []);
  const files = await assets();
  const scripts = files.filter((f) => f.name.endsWith(".js"));
  const wasms = files.filter((f) => f.name.endsWith(".wasm"));
  assert.ok(scripts.length > 0, "no JS in the bundle");
  // Nothing else: a stray copy (e.g. dist/websrt_core.mjs as an asset) is weight in every app.
  assert.deepEqual(files.filter((f) => !scripts.includes(f) && !wasms.includes(f)).map((f) => f.name), []);
  for (const { name, bytes } of scripts) {
    assert.doesNotMatch(bytes.toString(), /["'`]node:[a-z]/, `${name} imports a node: module`);
  }
  assert.equal(wasms.length, 1, `wasm assets: ${wasms.map((f) => f.name)}`);
  const [wasm] = wasms;
  assert.ok(wasm.bytes.equals(await readFile(join(repoRoot, "dist", "websrt_core.wasm"))), "the emitted wasm is the package's");
  assert.ok(scripts.some((f) => f.bytes.toString().includes(wasm.name)), `no script refers to ${wasm.name}`);

  const sum = (list, measure) => list.reduce((total, f) => total + measure(f.bytes), 0);
  const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
  console.log(`vite bundle: JS ${kB(sum(scripts, (b) => b.length))} (${kB(sum(scripts, gzip))} gzip) in ` +
    `${scripts.length} files, wasm ${kB(wasm.bytes.length)} (${kB(gzip(wasm.bytes))} gzip)`);
});

test("without a transport, the bundled SrtSocket.connect rejects with ERR_SRT_TRANSPORT", async () => {
  const result = await page.evaluate((target) => window.app.connectWithoutTransport(target), `127.0.0.1:${sltPort}`);
  assert.equal(result.code, "ERR_SRT_TRANSPORT", result.message);
});

/** srt-live-transmit serves the payload on `port` while `onPage`'s app receives it (its
 * window.app.receive), which must get every byte; resolves with the app's result. */
async function receiveFromSltOnPage(onPage, port) {
  const sender = start("srt-live-transmit", ["file://con", `srt://:${port}?mode=listener`]);
  await udpPortBound(port, 5000, sender);
  const receiving = onPage.evaluate((args) => window.app.receive(args), { target: `127.0.0.1:${port}`, size });
  await stderrMatches(sender, /Accepted/i, 10_000, "srt-live-transmit accepting");
  const feeding = feed(sender.stdin, Buffer.concat([payload, trailer(rate)]), rate);
  const result = await receiving;
  await feeding;
  sender.kill("SIGINT");
  assert.equal(result.bytes, size);
  assert.equal(result.sha256, createHash("sha256").update(payload).digest("hex"));
  return result;
}

test("the bundled app receives 2.1 MB from srt-live-transmit through the bridge, byte for byte", { timeout: 60_000 }, async () => {
  await receiveFromSltOnPage(page, sltPort);
});

test("the dev server, with the app's vite.config.js, serves the package and loads its wasm", { timeout: 60_000 }, async () => {
  const warnings = [];
  // Port 0: Vite takes the one the kernel gives (its HMR client follows the page's port).
  const server = await createServer({ root: project, logLevel: "warn", customLogger: recordingLogger(warnings),
    server: { host: "127.0.0.1", port: 0, strictPort: true } });
  await server.listen();
  const { port } = server.httpServer.address();
  try {
    const devPage = await browser.newPage();
    devPage.on("pageerror", (error) => pageErrors.push(`dev server: ${error.message}`));
    await devPage.goto(`http://127.0.0.1:${port}/`);
    await devPage.waitForFunction(() => window.app !== undefined, null, { timeout: 20_000 });
    assert.equal(await devPage.evaluate(() => window.app.coreLoads()), true);
    assert.deepEqual(warnings, []);
  } finally {
    await server.close();
  }
});

test("an app using websrt/worker (built with its vite.config.js) receives 2.1 MB from srt-live-transmit in a Worker", { timeout: 90_000 }, async () => {
  // Its own project beside the first: an app without SrtWorker needs no configuration at all.
  const workerProject = join(work, "worker-app");
  await mkdir(workerProject);
  await cp(join(repoRoot, "tests", "browser", "vite-worker-app"), workerProject, { recursive: true });
  await writeFile(join(workerProject, "package.json"), JSON.stringify({ name: "websrt-vite-worker-app", private: true, type: "module" }));
  await installPackedWebsrt(work, workerProject);
  const warnings = [];
  await build({ root: workerProject, logLevel: "warn", customLogger: recordingLogger(warnings) });
  assert.deepEqual(warnings, []);
  const workerBuilt = join(workerProject, "dist");
  const port = await reservedUdpPort();
  const workerBridge = start("npx", ["--offline", "websrt", "bridge", "--listen", "127.0.0.1:0", "--static", workerBuilt,
    "--allow", `127.0.0.1:${port}`], { cwd: workerProject, detached: true });
  try {
    const httpPort = await listeningPort(workerBridge, "npx websrt bridge", 20_000);
    const workerPage = await browser.newPage();
    workerPage.on("pageerror", (error) => pageErrors.push(`worker app: ${error.message}`));
    await workerPage.goto(`http://127.0.0.1:${httpPort}/`);
    await workerPage.waitForFunction(() => window.app !== undefined, null, { timeout: 10_000 });
    const result = await receiveFromSltOnPage(workerPage, port);
    assert.ok(result.packetsReceived >= size / sltChunk, `the worker's statistics say ${result.packetsReceived} packets`);
    console.log(`SrtWorker page: the main thread's longest gap between 10 ms ticks was ${result.longestGap.toFixed(0)} ms`);
  } finally {
    if (workerBridge.exitCode === null) process.kill(-workerBridge.pid, "SIGKILL");
  }
});
