// AES-GCM against libsrt 1.5.5 (Debian's 1.5.1 predates it): both directions and both roles with
// 128- and 256-bit keys and a key refresh; the pre-1.5.4 nonce and associated data when each side
// believes the other announced 1.5.3; and cryptomode negotiation with its rejections, as libsrt's
// docs/API/API-socket-options.md (SRTO_CRYPTOMODE) tabulates them.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import {
  collect, exitWithin, feed, feedSlt, killAll, lastStats, libsrt155, listeningPort, requireWebsrt, reservedUdpPort, sltChunk,
  start, startLibsrt, startSltSender, stderrMatches, stopSltSender, trailer, udpPortBound, until,
} from "./peers.js";

after(killAll);

// libsrt refuses a message longer than the payload less GCM's 16-byte tag.
const gcmChunk = sltChunk - 16;
const payload = randomBytes(gcmChunk * 3600);  // 5.2 MB
const payloadHash = createHash("sha256").update(payload).digest("hex");
const rate = 8_000_000;
const maxbw = 40_000_000;
const secret = "websrt-gcm-interop";
// About two key switches in 3600 packets, each sender refreshing what it sends.
const gcm = (keyLength) => `passphrase=${secret}&pbkeylen=${keyLength}&cryptomode=2&kmrefreshrate=1200&kmpreannounce=300`;

/** libsrt 1.5.5 sends `options`-encrypted to a websrt listener; resolves with the receiver. */
async function libsrtCallerSends(listenerOptions, callerOptions, { via } = {}) {
  const receiver = start(requireWebsrt(), ["transmit", "--stats-every", "1000", `srt://:0?mode=listener&${listenerOptions}`,
    "file://con"]);
  const received = collect(receiver, payload.length);
  const port = await listeningPort(receiver, "websrt listener");
  const target = via ? await via(port) : port;
  const sender = await startSltSender(libsrt155, `srt://127.0.0.1:${target}?maxbw=${maxbw}&${callerOptions}`, ["-a:no"]);
  await stderrMatches(sender, /SRT target connected/, 10_000, "srt-live-transmit 1.5.5 connecting");
  const feeding = feedSlt(sender, Buffer.concat([payload, trailer(rate)]), rate, gcmChunk);
  await Promise.race([feeding, until(() => received.bytes >= payload.length, 60_000, () => "")]);
  await until(() => received.bytes >= payload.length, 15_000, () => `${received.bytes} of ${payload.length} bytes; ` +
    receiver.stderrText.slice(-1500));
  await feeding;
  await stopSltSender(sender);
  await exitWithin(receiver, 15_000, "websrt listener");
  assert.equal(received.hash.digest("hex"), payloadHash);
  return receiver;
}

for (const keyLength of [16, 32]) {
  const options = gcm(keyLength);
  const aes = `AES-${keyLength * 8}-GCM with key refreshes`;

  test(`srt-live-transmit 1.5.5 caller sends ${aes} to a websrt listener`, { timeout: 60_000 }, async () => {
    const receiver = await libsrtCallerSends(options, options);
    assert.equal(lastStats(receiver).pktRcvUndecryptTotal ?? 0, 0);
  });

  test(`websrt caller sends ${aes} to a srt-live-transmit 1.5.5 listener`, { timeout: 60_000 }, async () => {
    const port = await reservedUdpPort();
    const receiver = startLibsrt(libsrt155, "srt-live-transmit", ["-q", `srt://:${port}?mode=listener&${options}`, "file://con"]);
    const received = collect(receiver);
    await udpPortBound(port, 5000, receiver);
    const sender = start(requireWebsrt(), ["transmit", "file://con", `srt://127.0.0.1:${port}?maxbw=${maxbw}&${options}`]);
    await feed(sender.stdin, payload, rate);
    sender.stdin.end();
    const status = await exitWithin(sender, 30_000, "websrt caller");
    assert.equal(status.code, 0, sender.stderrText.slice(-2000));
    await until(() => received.bytes >= payload.length, 5000, () => `${received.bytes} of ${payload.length} bytes`);
    receiver.kill("SIGINT");
    await exitWithin(receiver, 10_000, "srt-live-transmit listener");
    assert.equal(received.bytes, payload.length);
    assert.equal(received.hash.digest("hex"), payloadHash);
  });

  test(`a websrt listener sends ${aes} to a srt-live-transmit 1.5.5 caller`, { timeout: 60_000 }, async () => {
    const sender = start(requireWebsrt(), ["transmit", "file://con", `srt://:0?mode=listener&maxbw=${maxbw}&${options}`]);
    const port = await listeningPort(sender, "websrt listener");
    const receiver = startLibsrt(libsrt155, "srt-live-transmit", ["-q", "-a:no", `srt://127.0.0.1:${port}?${options}`, "file://con"]);
    const received = collect(receiver);
    await stderrMatches(sender, /accepted/, 10_000, "websrt accepting srt-live-transmit");
    await feed(sender.stdin, payload, rate);
    sender.stdin.end();
    const status = await exitWithin(sender, 30_000, "websrt listener");
    assert.equal(status.code, 0, sender.stderrText.slice(-2000));
    await until(() => received.bytes >= payload.length, 5000, () => `${received.bytes} of ${payload.length} bytes`);
    receiver.kill("SIGINT");
    assert.equal(received.hash.digest("hex"), payloadHash);
  });

  test(`a srt-live-transmit 1.5.5 listener sends ${aes} to a websrt caller`, { timeout: 60_000 }, async () => {
    const port = await reservedUdpPort();
    const sender = await startSltSender(libsrt155, `srt://:${port}?mode=listener&maxbw=${maxbw}&${options}`);
    await udpPortBound(port, 5000, sender);
    const receiver = start(requireWebsrt(), ["transmit", `srt://127.0.0.1:${port}?${options}`, "file://con"]);
    const received = collect(receiver, payload.length);
    await stderrMatches(sender, /Accepted/i, 10_000, "srt-live-transmit accepting");
    await feedSlt(sender, Buffer.concat([payload, trailer(rate)]), rate, gcmChunk);
    await until(() => received.bytes >= payload.length, 15_000, () => `${received.bytes} of ${payload.length} bytes`);
    await stopSltSender(sender);
    await exitWithin(receiver, 15_000, "websrt caller");
    assert.equal(received.hash.digest("hex"), payloadHash);
  });
}

/**
 * A UDP relay in front of `targetPort` that rewrites the SRT version in the handshakes' HSREQ
 * (towards the listener) and HSRSP (back to the caller) extensions to `version`, each when asked:
 * so each side believes its peer announced it. Resolves with its port and a close().
 */
async function versionRewritingRelay(targetPort, { hsreq, hsrsp }) {
  const hsreqType = 1;  // SRT_CMD_HSREQ
  const hsrspType = 2;  // SRT_CMD_HSRSP
  const rewrite = (datagram, type, version) => {
    // A handshake: control bit set, control type 0; extensions after the 16-byte header and
    // the 48-byte handshake body, each a 16-bit type, a 16-bit length in words and its body.
    if (version === undefined || datagram.length < 64 || datagram.readUInt16BE(0) !== 0x8000) return;
    for (let at = 64; at + 8 <= datagram.length;) {
      const extension = datagram.readUInt16BE(at);
      const words = datagram.readUInt16BE(at + 2);
      if (extension === type) datagram.writeUInt32BE(version, at + 4);
      at += 4 + 4 * words;
    }
  };
  const front = createSocket("udp4");
  const back = createSocket("udp4");
  let caller;
  front.on("message", (datagram, from) => {
    caller = from;
    rewrite(datagram, hsreqType, hsreq);
    back.send(datagram, targetPort, "127.0.0.1");
  });
  back.on("message", (datagram) => {
    rewrite(datagram, hsrspType, hsrsp);
    if (caller) front.send(datagram, caller.port, caller.address);
  });
  await Promise.all([front, back].map((socket) => new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve))));
  return { port: front.address().port, close: () => { front.close(); back.close(); } };
}

describe("the AES-GCM layout of libsrt 1.5.2 and 1.5.3", () => {
  const libsrt153 = 0x01_05_03;
  const options = gcm(16);

  test("when each side believes the other announced 1.5.3, both use the old nonce and associated data and the stream is intact",
    { timeout: 60_000 }, async () => {
      let relay;
      try {
        await libsrtCallerSends(options, options, {
          via: async (port) => (relay = await versionRewritingRelay(port, { hsreq: libsrt153, hsrsp: libsrt153 })).port,
        });
      } finally {
        relay?.close();
      }
    });

  test("when only libsrt believes it, websrt cannot authenticate what libsrt sends", { timeout: 30_000 }, async () => {
    // The control for the test above: libsrt 1.5.5 does switch layouts by the version it was told.
    const receiver = start(requireWebsrt(), ["transmit", "--stats-every", "200", `srt://:0?mode=listener&${options}`,
      "file://con"]);
    const received = collect(receiver);
    const port = await listeningPort(receiver, "websrt listener");
    const relay = await versionRewritingRelay(port, { hsrsp: libsrt153 });
    try {
      const sender = await startSltSender(libsrt155, `srt://127.0.0.1:${relay.port}?${options}`, ["-a:no"]);
      await stderrMatches(sender, /SRT target connected/, 10_000, "srt-live-transmit 1.5.5 connecting");
      const feeding = feedSlt(sender, payload.subarray(0, gcmChunk * 200), 2_000_000, gcmChunk);
      await until(() => /"pktRcvUndecryptTotal":[1-9]/.test(receiver.stderrText), 10_000,
        () => `undecrypted packets at websrt; ${receiver.stderrText.slice(-1000)}`);
      await feeding;
      await stopSltSender(sender);
      assert.equal(received.bytes, 0);
    } finally {
      relay.close();
      receiver.kill("SIGINT");
    }
  });
});

describe("cryptomode negotiation with libsrt 1.5.5 (SRTO_CRYPTOMODE's table)", () => {
  const modes = { auto: 0, "AES-CTR": 1, "AES-GCM": 2 };
  // [caller, listener, outcome]: the rows of libsrt's table for a caller and a listener.
  const rows = [
    ["auto", "AES-GCM", "reject"], ["AES-CTR", "AES-GCM", "reject"], ["AES-GCM", "AES-CTR", "reject"],
    ["AES-GCM", "auto", "AES-GCM"], ["auto", "auto", "AES-CTR"],
  ];
  const withMode = (mode) => `passphrase=${secret}&cryptomode=${modes[mode]}`;

  for (const [callerMode, listenerMode, outcome] of rows) {
    test(`a websrt caller with ${callerMode} and a libsrt listener with ${listenerMode}: ${outcome}`, { timeout: 30_000 }, async () => {
      const port = await reservedUdpPort();
      const listener = startLibsrt(libsrt155, "srt-live-transmit", ["-q", `srt://:${port}?mode=listener&${withMode(listenerMode)}`,
        "file://con"]);
      const received = collect(listener);
      await udpPortBound(port, 5000, listener);
      const caller = start(requireWebsrt(), ["transmit", "file://con", `srt://127.0.0.1:${port}?${withMode(callerMode)}`]);
      if (outcome === "reject") {
        const status = await exitWithin(caller, 10_000, "websrt caller");
        assert.equal(status.code, 1);
        assert.match(caller.stderrText, /connection rejected: (cryptographic mode mismatch|incorrect passphrase)/);
      } else {
        const message = randomBytes(gcmChunk * 100);
        await feed(caller.stdin, message, 1_000_000);
        caller.stdin.end();
        assert.equal((await exitWithin(caller, 10_000, "websrt caller")).code, 0, caller.stderrText);
      }
      // srt-live-transmit keeps listening after the caller leaves; on SIGINT it flushes its output.
      listener.kill("SIGINT");
      await exitWithin(listener, 10_000, "srt-live-transmit listener");
      if (outcome !== "reject") assert.equal(received.bytes, gcmChunk * 100);
    });

    test(`a libsrt caller with ${callerMode} and a websrt listener with ${listenerMode}: ${outcome}`, { timeout: 30_000 }, async () => {
      const listener = start(requireWebsrt(), ["transmit", `srt://:0?mode=listener&${withMode(listenerMode)}`, "file://con"]);
      const received = collect(listener);
      const port = await listeningPort(listener, "websrt listener");
      const caller = await startSltSender(libsrt155, `srt://127.0.0.1:${port}?${withMode(callerMode)}`, ["-a:no"]);
      if (outcome === "reject") {
        await stderrMatches(caller, /REJECT/, 10_000, "srt-live-transmit reporting the rejection");
        await stderrMatches(listener, /refused a caller: (cryptographic mode mismatch|incorrect passphrase)/, 5000,
          "websrt reporting the refusal");
        caller.kill("SIGKILL");
      } else {
        await stderrMatches(caller, /SRT target connected/, 10_000, "srt-live-transmit connecting");
        const message = randomBytes(gcmChunk * 100);
        await feedSlt(caller, Buffer.concat([message, trailer(1_000_000)]), 1_000_000, gcmChunk);
        await until(() => received.bytes >= message.length, 5000, () => `${received.bytes} of ${message.length} bytes`);
        await stopSltSender(caller);
      }
      listener.kill("SIGINT");
    });
  }
});

describe("cryptomode in rendezvous with libsrt 1.5.5 (auto means AES-CTR on both sides)", () => {
  const withMode = (mode) => `passphrase=${secret}&cryptomode=${mode}`;
  /** Two ports nobody else takes, one per side; each side names both. */
  async function portPair() {
    const slt = await reservedUdpPort();
    let websrt = await reservedUdpPort();
    while (websrt === slt) websrt = await reservedUdpPort();
    return { slt, websrt };
  }
  const sltUri = (ports, extra) => `srt://127.0.0.1:${ports.websrt}?mode=rendezvous&port=${ports.slt}&${extra}`;
  const websrtUri = (ports, extra) => `srt://127.0.0.1:${ports.slt}?mode=rendezvous&port=${ports.websrt}&${extra}`;

  test("AES-GCM on both sides carries the stream", { timeout: 30_000 }, async () => {
    const ports = await portPair();
    const message = payload.subarray(0, gcmChunk * 500);
    const receiver = startLibsrt(libsrt155, "srt-live-transmit", ["-q", sltUri(ports, withMode(2)), "file://con"]);
    const received = collect(receiver);
    const sender = start(requireWebsrt(), ["transmit", "file://con", websrtUri(ports, withMode(2))]);
    await stderrMatches(sender, /connected to 127\.0\.0\.1:/, 10_000, "websrt meeting srt-live-transmit");
    await feed(sender.stdin, message, 2_000_000);
    sender.stdin.end();
    assert.equal((await exitWithin(sender, 15_000, "websrt sender")).code, 0, sender.stderrText);
    receiver.kill("SIGINT");
    await exitWithin(receiver, 10_000, "srt-live-transmit");
    assert.equal(received.bytes, message.length);
    assert.equal(received.hash.digest("hex"), createHash("sha256").update(message).digest("hex"));
  });

  for (const [websrtMode, sltMode] of [[2, 0], [0, 2]]) {
    test(`websrt with cryptomode=${websrtMode} and libsrt with ${sltMode} refuse each other, whichever initiates`,
      { timeout: 30_000 }, async () => {
        const ports = await portPair();
        const libsrt = startLibsrt(libsrt155, "srt-live-transmit", [sltUri(ports, withMode(sltMode)), "file://con"]);
        const websrt = start(requireWebsrt(), ["transmit", websrtUri(ports, withMode(websrtMode)), "file://con"]);
        const status = await exitWithin(websrt, 15_000, "websrt");
        assert.equal(status.code, 1);
        assert.match(websrt.stderrText, /rejected|refused/);
        assert.doesNotMatch(websrt.stderrText, /connected to/);
        libsrt.kill("SIGKILL");
      });
  }
});
