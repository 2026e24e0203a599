// The bridge and the browser page behind tests/browser/transfer.test.js and
// bench/browser_throughput.js: a site with the package (js/, dist/), the transfer page and a
// payload file, served by `websrt bridge` with the given SRT targets allowlisted, open in headless
// Chromium. `page.evaluate(... window.transfer.receive/send ...)` runs transfers.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

import { freeTcpPort, repoRoot, requireWebsrt, start, stderrMatches } from "../interop/peers.js";

export async function openTransferPage({ allow, payload, bridgeArgs = [] }) {
  const site = mkdtempSync(join(tmpdir(), "websrt-browser-"));
  // Copies, not symlinks: the bridge serves only files inside its static directory.
  const copy = (from, to) => cpSync(join(repoRoot, ...from), join(site, to), { recursive: true, dereference: true });
  copy(["js"], "js");
  copy(["dist"], "dist");
  copy(["tests", "browser", "transfer-page"], "page");
  writeFileSync(join(site, "payload.bin"), payload);
  const port = await freeTcpPort();
  const bridge = start(requireWebsrt(), ["bridge", "--listen", `127.0.0.1:${port}`, "--static", site,
    "--allow", allow.join(","), ...bridgeArgs]);
  await stderrMatches(bridge, /listening on ws:/, 5000, "websrt bridge");
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${port}/page/`);
  await page.waitForFunction(() => window.transfer !== undefined, null, { timeout: 10_000 });
  return {
    page, bridge, browser, errors, payloadPath: "/payload.bin",
    async close() {
      await browser.close();
      bridge.kill("SIGINT");
      rmSync(site, { recursive: true, force: true });
    },
  };
}
