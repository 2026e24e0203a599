// The demo `npm start` runs, in headless Chromium (Debian's, driven by playwright-core): the page's
// WebAssembly SRT core connects through `websrt bridge` to the demo's SRT listener, mpegts.js plays
// the live test pattern (the <video>'s currentTime advances), the stats charts fill; a screenshot
// is written to build/test-output/demo.png; "Go live" publishes the (fake) camera and microphone,
// which the demo's ffmpeg listener records as H.264 and AAC. Ctrl-C (SIGINT) stops the demo cleanly.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { chromium } from "playwright-core";

import { listeningPort, repoRoot, reservedUdpPort, sleep } from "../interop/peers.js";

let demo;
after(() => {
  if (demo && demo.exitCode === null) process.kill(-demo.pid, "SIGKILL");
});

test("npm start's demo plays the live SRT stream in Chromium through the bridge", { timeout: 180_000 }, async () => {
  // The demo's SRT source (restarted for each viewer) and its ffmpeg listener are told their ports;
  // its bridge binds port 0 and says which it got.
  const srtPort = await reservedUdpPort();
  const publishPort = await reservedUdpPort();
  const published = join(repoRoot, "build", "demo-published.ts");
  rmSync(published, { force: true });
  demo = spawn("bash", ["scripts/start.sh"], {
    cwd: repoRoot, detached: true, stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WEBSRT_DEMO_SRT_PORT: String(srtPort), WEBSRT_DEMO_PUBLISH_PORT: String(publishPort),
      WEBSRT_DEMO_HTTP_PORT: "0" },
  });
  demo.stderrText = "";
  demo.stdout.on("data", (c) => (demo.stderrText += c));
  demo.stderr.on("data", (c) => (demo.stderrText += c));
  const httpPort = await listeningPort(demo, "the demo's bridge", 120_000);

  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--autoplay-policy=no-user-gesture-required", "--use-fake-device-for-media-stream=fps=25",
      "--use-fake-ui-for-media-stream"],
  });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${httpPort}/`);
    await page.waitForFunction(() => document.getElementById("video").currentTime > 2, null, { timeout: 30_000 });
    const first = await page.evaluate(() => document.getElementById("video").currentTime);
    await page.waitForFunction((from) => document.getElementById("video").currentTime > from + 1, first, { timeout: 10_000 })
      .catch(() => {});  // the assertion below says what it got
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

    // Go live with the (fake) camera: the page publishes, the demo's ffmpeg listener records it.
    await page.click("#publish-form button");
    await page.waitForFunction(() => (window.websrtPublish?.messages ?? 0) > 100, null, { timeout: 30_000 });
    assert.match(await page.textContent("#publish-status"), /^live to .*Mbit\/s, RTT/);
    await page.click("#publish-form button");
    await page.waitForFunction(() => document.getElementById("publish-status").textContent === "stopped", null, { timeout: 20_000 });
    // ffmpeg writes the recording once it has seen the end of the publication, a moment after the
    // page's close completes: probed until it holds both streams (or 10 s passed).
    const codecs = async () => {
      try {
        const { stdout } = await promisify(execFile)("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "json", published]);
        return JSON.parse(stdout).streams.map((st) => st.codec_name).sort();
      } catch {
        return [];  // not written yet
      }
    };
    let recorded = [];
    for (const deadline = Date.now() + 10_000; recorded.length < 2 && Date.now() < deadline;) {
      recorded = await codecs();
      if (recorded.length < 2) await sleep(100);
    }
    assert.deepEqual(recorded, ["aac", "h264"], "the recording holds H.264 and AAC");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }

  process.kill(-demo.pid, "SIGINT");
  const code = await new Promise((resolve) => demo.on("close", resolve));
  assert.match(demo.stderrText, /demo stopped/);
  assert.ok(code === 0 || code === 130, `start.sh exited with ${code}`);
});
