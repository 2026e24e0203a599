// SRT in Chromium: the test page's WebAssembly core connects through `websrt bridge` (which serves
// the page) to srt-live-transmit, receives 10 MB and sends 10 MB, compared byte for byte by SHA-256,
// in the clear and with a passphrase (AES-128). srt-live-transmit is the listener: the bridge opens
// UDP flows from the browser to allowlisted targets only, so a libsrt caller cannot reach a page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";

import {
  collect, exitWithin, feed, killAll, reservedUdpPort, sltChunk, start, stderrMatches, trailer, udpPortBound,
} from "../interop/peers.js";
import { openTransferPage } from "./transfer_site.js";

const size = sltChunk * 7000;  // 10.2 MB
const payload = randomBytes(size);
const payloadHash = createHash("sha256").update(payload).digest("hex");
const rate = 2_000_000;  // bytes per second: 16 Mbit/s, a high-definition live stream
const secret = "websrt-browser-secret";

const variants = [
  { name: "in the clear", options: "" },
  { name: "with a passphrase (AES-128)", options: `passphrase=${secret}&pbkeylen=16` },
];

let sltPorts;
let site;

before(async () => {
  // srt-live-transmit is told its ports, and the bridge allowlists them before it runs.
  sltPorts = await Promise.all(variants.flatMap(() => [reservedUdpPort(), reservedUdpPort()]));
  site = await openTransferPage({ allow: sltPorts.map((p) => `127.0.0.1:${p}`), payload });
});

after(async () => {
  await site?.close();
  killAll();
  assert.deepEqual(site?.errors, [], "errors on the test page");
});

/** One line per transfer for the test output (the browser-through-bridge figures). */
const report = (what, r) =>
  console.log(`browser ${what}: ${(r.bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(2)} s, ` +
    `${r.mbps.toFixed(1)} Mbit/s, ${r.packetsLost} lost, ${r.retransmitted} retransmitted`);

variants.forEach(({ name, options }, index) => {
  describe(`Chromium and srt-live-transmit through the bridge, ${name}`, () => {
    test("the page receives 10 MB from a srt-live-transmit listener", { timeout: 60_000 }, async () => {
      const port = sltPorts[2 * index];
      const sender = start("srt-live-transmit", ["file://con", `srt://:${port}?mode=listener&maxbw=40000000&${options}`]);
      await udpPortBound(port, 5000, sender);
      const receiving = site.run("receive", { target: `127.0.0.1:${port}`, options, size });
      await stderrMatches(sender, /Accepted/i, 10_000, "srt-live-transmit accepting");
      const feeding = feed(sender.stdin, Buffer.concat([payload, trailer(rate)]), rate);
      const result = await receiving;
      await feeding;
      sender.kill("SIGINT");
      report(`received (${name})`, result);
      assert.equal(result.bytes, size);
      assert.equal(result.sha256, payloadHash);
    });

    test("the page sends 10 MB to a srt-live-transmit listener", { timeout: 60_000 }, async () => {
      const port = sltPorts[2 * index + 1];
      const receiver = start("srt-live-transmit", ["-q", `srt://:${port}?mode=listener&${options}`, "file://con"]);
      const received = collect(receiver);
      await udpPortBound(port, 5000, receiver);
      const result = await site.run("send",
        { target: `127.0.0.1:${port}`, options, payloadPath: site.payloadPath, chunk: sltChunk, bytesPerSecond: rate });
      report(`sent (${name})`, result);
      assert.equal(result.unacknowledged, 0);
      receiver.kill("SIGINT");  // srt-live-transmit keeps listening; on SIGINT it flushes its output
      await exitWithin(receiver, 10_000, "srt-live-transmit listener");
      assert.equal(received.bytes, size);
      assert.equal(received.hash.digest("hex"), payloadHash);
    });
  });
});
