#!/usr/bin/env node
// SRT in headless Chromium through `websrt bridge`, against srt-live-transmit (the libsrt peer is
// the listener; the page is the caller): for each offered rate, the page receives a live stream
// from srt-live-transmit and sends one to it. Prints what arrived intact, the delivered rate, and
// the CPU seconds of the bridge and of Chromium (all its processes) during each transfer.
// Chromium runs as a user's does, with no DevTools client attached (--devtools: driven by
// Playwright instead, which makes Chromium copy every WebSocket frame to it).
//
//   node bench/browser_throughput.js [--rates 20,50,100] [--seconds 3] [--passphrase SECRET] [--devtools] [--json]
//
// --json: the rows as one JSON array on the last line (bench/run.py's "browser" section).
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";

import {
  collect, exitWithin, feed, freeUdpPort, killAll, sleep, sltChunk, start, stderrMatches, trailer, udpPortBound,
} from "../tests/interop/peers.js";
import { openTransferPage } from "../tests/browser/transfer_site.js";

const { values } = parseArgs({
  options: { rates: { type: "string", default: "20,50,100" }, seconds: { type: "string", default: "3" },
    passphrase: { type: "string", default: "" }, devtools: { type: "boolean", default: false },
    json: { type: "boolean", default: false } },
});
const rates = values.rates.split(",").map(Number);  // Mbit/s
const seconds = Number(values.seconds);
const options = values.passphrase ? `passphrase=${values.passphrase}` : "";

const ticksPerSecond = 100;  // USER_HZ on Linux
/** CPU seconds (user + system) used so far by `pid` and the processes below it named like `name`. */
function treeCpuSeconds(pid, name = /./) {
  const stats = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.replace(/^.*\) /, "").split(" ");
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      stats.push({ pid: Number(entry), ppid: Number(fields[1]), comm, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch { /* gone meanwhile */ }
  }
  const inTree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const s of stats) if (!inTree.has(s.pid) && inTree.has(s.ppid)) grew = inTree.add(s.pid);
  }
  return stats.filter((s) => inTree.has(s.pid) && name.test(s.comm)).reduce((sum, s) => sum + s.ticks, 0) / ticksPerSecond;
}

async function measure(site, work) {
  // Chromium's processes are children of this Node process (it or Playwright launched them).
  const cpu = () => ({ bridge: treeCpuSeconds(site.bridge.pid), chromium: treeCpuSeconds(process.pid, /^chrom/) });
  const before = cpu();
  const result = await work();
  const after = cpu();
  return { ...result, bridgeCpu: after.bridge - before.bridge, chromiumCpu: after.chromium - before.chromium };
}

async function receiveAt(site, port, bytesPerSecond, payload, hash) {
  const sender = start("srt-live-transmit", ["file://con", `srt://:${port}?mode=listener&maxbw=0&inputbw=${bytesPerSecond}&oheadbw=50&${options}`]);
  await udpPortBound(port, 5000, sender);
  return measure(site, async () => {
    const receiving = site.run("receive", { target: `127.0.0.1:${port}`, options: `${options}&peeridletimeo=3000`, size: payload.length });
    await stderrMatches(sender, /Accepted/i, 10_000, "srt-live-transmit accepting");
    const feeding = feed(sender.stdin, Buffer.concat([payload, trailer(bytesPerSecond)]), bytesPerSecond);
    const timeout = sleep(seconds * 1000 + 10_000).then(() => ({ bytes: 0, sha256: "", timedOut: true }));
    const r = await Promise.race([receiving, timeout]);
    await feeding;
    sender.kill("SIGINT");
    return { mbps: r.timedOut ? undefined : r.mbps, intact: r.sha256 === hash, lost: r.packetsLost ?? "-" };
  });
}

async function sendAt(site, port, bytesPerSecond, payload, hash) {
  const receiver = start("srt-live-transmit", ["-q", `srt://:${port}?mode=listener&${options}`, "file://con"]);
  const received = collect(receiver);
  await udpPortBound(port, 5000, receiver);
  return measure(site, async () => {
    const r = await site.run("send", { target: `127.0.0.1:${port}`, options, payloadPath: site.payloadPath, chunk: sltChunk, bytesPerSecond });
    receiver.kill("SIGINT");
    await exitWithin(receiver, 10_000, "srt-live-transmit listener");
    return { mbps: r.mbps, intact: received.bytes === payload.length && received.hash.digest("hex") === hash, lost: r.packetsLost };
  });
}

const rows = [];
const ports = await Promise.all(rates.flatMap(() => [freeUdpPort(), freeUdpPort()]));
for (const [i, mbit] of rates.entries()) {
  const bytesPerSecond = (mbit * 1e6) / 8;
  const payload = randomBytes(Math.ceil((bytesPerSecond * seconds) / sltChunk) * sltChunk);
  const hash = createHash("sha256").update(payload).digest("hex");
  // The bridge's per-session cap (100 Mbit/s by default) lifted: this measures the path, not the cap.
  const site = await openTransferPage({ allow: ports.map((p) => `127.0.0.1:${p}`), payload, bridgeArgs: ["--max-rate", "2000"],
    devtools: values.devtools });
  try {
    rows.push({ direction: "libsrt → browser", mbit, ...(await receiveAt(site, ports[2 * i], bytesPerSecond, payload, hash)) });
    rows.push({ direction: "browser → libsrt", mbit, ...(await sendAt(site, ports[2 * i + 1], bytesPerSecond, payload, hash)) });
  } finally {
    await site.close();
  }
}
killAll();

if (values.json) {
  console.log(JSON.stringify(rows.map((r) => ({ ...r, aes: Boolean(options), mbps: r.mbps ?? null }))));
  process.exit(0);
}

console.log(`\nSRT in headless Chromium through websrt bridge, ${seconds} s per run${options ? ", AES-128" : ""}` +
  `${values.devtools ? ", driven through DevTools (Playwright)" : ""}`);
console.log("| direction | offered Mbit/s | delivered Mbit/s | intact | lost packets | bridge CPU s | Chromium CPU s |");
console.log("| --- | --- | --- | --- | --- | --- | --- |");
for (const r of rows) {
  console.log(`| ${r.direction} | ${r.mbit} | ${r.mbps === undefined ? "stalled" : r.mbps.toFixed(1)} | ${r.intact ? "yes" : "NO"} | ${r.lost} | ` +
    `${r.bridgeCpu.toFixed(2)} | ${r.chromiumCpu.toFixed(2)} |`);
}
