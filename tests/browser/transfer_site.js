// The bridge and the browser page behind tests/browser/transfer.test.js, publish.test.js and
// bench/browser_throughput.js: a site with the package (js/, dist/), the transfer page and a
// payload file, served by `websrt bridge` with the given SRT targets allowlisted, open in headless
// Chromium. `page.evaluate(... window.transfer.receive/send ...)` runs transfers.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

import { listeningPort, repoRoot, requireWebsrt, start } from "../interop/peers.js";

/**
 * `page`: the directory under tests/browser/ served at /page/; `vendor`: also websrt/publish's peer
 * dependencies under /vendor/; `chromiumArgs`: more switches (the fake camera and microphone).
 */
export async function openTransferPage({ allow, payload, bridgeArgs = [], page: pageDir = "transfer-page", vendor = false, chromiumArgs = [] }) {
  const site = mkdtempSync(join(tmpdir(), "websrt-browser-"));
  // Copies, not symlinks: the bridge serves only files inside its static directory.
  const copy = (from, to) => cpSync(join(repoRoot, ...from), join(site, to), { recursive: true, dereference: true });
  copy(["js"], "js");
  copy(["dist"], "dist");
  copy(["tests", "browser", pageDir], "page");
  if (vendor) {
    copy(["node_modules", "mediabunny", "dist", "bundles", "mediabunny.min.mjs"], "vendor/mediabunny.min.mjs");
    copy(["node_modules", "@mediabunny", "aac-encoder", "dist", "bundles", "mediabunny-aac-encoder.min.mjs"],
      "vendor/mediabunny-aac-encoder.min.mjs");
  }
  if (payload) writeFileSync(join(site, "payload.bin"), payload);
  const bridge = start(requireWebsrt(), ["bridge", "--listen", "127.0.0.1:0", "--static", site,
    "--allow", allow.join(","), ...bridgeArgs]);
  const port = await listeningPort(bridge, "websrt bridge");
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", ...chromiumArgs] });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${port}/page/`);
  await page.waitForFunction(() => document.title.endsWith("(ready)"), null, { timeout: 10_000 });
  return {
    page, bridge, browser, errors, payloadPath: "/payload.bin",
    async close() {
      await browser.close();
      bridge.kill("SIGINT");
      rmSync(site, { recursive: true, force: true });
    },
  };
}
