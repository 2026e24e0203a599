// The demo `npm start` runs, in headless Chromium (Debian's, driven by playwright-core): the page's
// WebAssembly SRT core connects through `websrt bridge` to the demo's SRT listener, mpegts.js plays
// the live test pattern (the <video>'s currentTime advances), the stats charts fill; a screenshot
// is written to build/test-output/demo.png. Ctrl-C (SIGINT) stops the demo cleanly.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

import { freeTcpPort, freeUdpPort, repoRoot, stderrMatches } from "../interop/peers.js";

let demo;
after(() => {
  if (demo && demo.exitCode === null) process.kill(-demo.pid, "SIGKILL");
});

test("npm start's demo plays the live SRT stream in Chromium through the bridge", { timeout: 180_000 }, async () => {
  const srtPort = await freeUdpPort();
  const httpPort = await freeTcpPort();
  demo = spawn("bash", ["scripts/start.sh"], {
    cwd: repoRoot, detached: true, stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WEBSRT_DEMO_SRT_PORT: String(srtPort), WEBSRT_DEMO_HTTP_PORT: String(httpPort) },
  });
  demo.stderrText = "";
  demo.stdout.on("data", (c) => (demo.stderrText += c));
  demo.stderr.on("data", (c) => (demo.stderrText += c));
  await stderrMatches(demo, /listening on ws:/, 120_000, "the demo's bridge");

  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--autoplay-policy=no-user-gesture-required"],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${httpPort}/`);
    await page.waitForFunction(() => document.getElementById("video").currentTime > 2, null, { timeout: 30_000 });
    const first = await page.evaluate(() => document.getElementById("video").currentTime);
    await page.waitForTimeout(2000);
    const second = await page.evaluate(() => document.getElementById("video").currentTime);
    assert.ok(second > first + 1, `the video does not advance: ${first} → ${second}`);
    assert.match(await page.textContent("#status"), /connected to .* over SRT through the bridge/);
    const received = await page.evaluate(() => window.websrtDemo?.stats?.pktRecvTotal ?? 0);
    assert.ok(received > 100, `only ${received} packets received`);
    const screenshots = join(repoRoot, "build", "test-output");
    mkdirSync(screenshots, { recursive: true });
    const path = join(screenshots, "demo.png");
    await page.screenshot({ path });
    console.log(`demo screenshot: ${path}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }

  process.kill(-demo.pid, "SIGINT");
  const code = await new Promise((resolve) => demo.on("close", resolve));
  assert.match(demo.stderrText, /demo stopped/);
  assert.ok(code === 0 || code === 130, `start.sh exited with ${code}`);
});
