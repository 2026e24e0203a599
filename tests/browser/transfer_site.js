// The bridge and the browser page behind tests/browser/transfer.test.js, publish.test.js and
// bench/browser_throughput.js: a site with the package (js/, dist/), the transfer page and a
// payload file, served by `websrt bridge` with the given SRT targets allowlisted, open in headless
// Chromium. `site.run("receive" | "send", args)` runs a transfer (window.transfer's).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

import { listeningPort, repoRoot, requireWebsrt, start } from "../interop/peers.js";

/**
 * `page`: the directory under tests/browser/ served at /page/; `vendor`: also websrt/publish's peer
 * dependencies under /vendor/; `chromiumArgs`: more switches (the fake camera and microphone).
 * `devtools: false` (the transfer page only) runs Chromium as an application's user would, with
 * nothing attached: transfers reach the page through a job queue over HTTP, and `page` is absent.
 */
export async function openTransferPage({ allow, payload, bridgeArgs = [], page: pageDir = "transfer-page", vendor = false, chromiumArgs = [],
  devtools = true }) {
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
  if (!devtools) return openWithoutDevtools({ site, bridge, port, chromiumArgs });
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", ...chromiumArgs] });
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`http://127.0.0.1:${port}/page/`);
  await page.waitForFunction(() => document.title.endsWith("(ready)"), null, { timeout: 10_000 });
  return {
    page, bridge, browser, errors, payloadPath: "/payload.bin",
    run: (kind, args) => page.evaluate((job) => window.transfer[job.kind](job.args), { kind, args }),
    async close() {
      await browser.close();
      bridge.kill("SIGINT");
      rmSync(site, { recursive: true, force: true });
    },
  };
}

/**
 * Chromium alone, on the transfer page with a `jobs` URL: a server here hands it one job at a time
 * (GET /next waits for one) and takes the outcome (POST /done).
 */
async function openWithoutDevtools({ site, bridge, port, chromiumArgs }) {
  let waitingPage;         // the page's GET /next, answered when a job comes
  let finishing;           // { resolve, reject } of the running job
  let pageReady;
  const ready = new Promise((resolve) => (pageReady = resolve));
  const jobs = createServer((request, response) => {
    response.setHeader("Access-Control-Allow-Origin", "*");
    if (request.url === "/next") {
      waitingPage = response;
      pageReady();
      return;
    }
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      response.end();
      const { result, error } = JSON.parse(body);
      if (error) finishing?.reject(new Error(`the page's transfer failed: ${error}`));
      else finishing?.resolve(result);
    });
  });
  await new Promise((resolve) => jobs.listen(0, "127.0.0.1", resolve));
  const profile = join(site, "profile");
  const url = `http://127.0.0.1:${port}/page/?jobs=${encodeURIComponent(`http://127.0.0.1:${jobs.address().port}`)}`;
  const browser = start("/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", `--user-data-dir=${profile}`,
    "--no-first-run", ...chromiumArgs, url]);
  await Promise.race([ready, new Promise((_, reject) => setTimeout(() => reject(new Error(
    `Chromium did not open the transfer page within 20 s: ${browser.stderrText.slice(-600)}`)), 20_000))]);
  return {
    bridge, browser, errors: [], payloadPath: "/payload.bin",
    run(kind, args) {
      const outcome = new Promise((resolve, reject) => (finishing = { resolve, reject }));
      waitingPage.end(JSON.stringify({ kind, args }));
      return outcome;
    },
    async close() {
      browser.kill("SIGTERM");
      jobs.closeAllConnections?.();
      jobs.close();
      bridge.kill("SIGINT");
      await new Promise((resolve) => (browser.exitCode !== null ? resolve() : browser.once("exit", resolve)));
      rmSync(site, { recursive: true, force: true });
    },
  };
}
