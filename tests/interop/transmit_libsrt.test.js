// srt-live-transmit (libsrt 1.5.1 and 1.5.5) and `websrt transmit` on either end of a live stream: 50 MB of
// random bytes each way, compared byte for byte, directly and through `websrt impair` (5 % loss,
// 20 ms delay, 5 ms jitter), there also AES-128 encrypted with a key refresh every 4000 packets;
// 5 MB each way with each key length; rejections both ways (wrong or missing passphrase, stream
// id); two libsrt callers on one websrt port.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  collect, endedAfterPeerClose, exitWithin, feed, feedSlt, impairRelay, killAll, lastStats, libsrtPeers, listeningPort, repoRoot,
  requireWebsrt, reservedUdpPort, sltChunk, start, startLibsrt, startSltSender, stderrMatches, stopSltSender, trailer, udpPortBound, until,
} from "./peers.js";

const size = sltChunk * 36_000;  // 52.4 MB
const payload = randomBytes(size);
const payloadHash = createHash("sha256").update(payload).digest("hex");
// The stream's rate: 16 MB/s directly, 6 MB/s through the relay; a loaded 2-core CI machine keeps
// well ahead of both. maxbw leaves the senders room for bursts and retransmissions.
const rate = 16_000_000;
const impairedRate = 6_000_000;
const maxbw = 40_000_000;
// Through the lossy relay the latency covers several NAK/retransmission rounds.
const impairedLatencyMs = 1000;

after(killAll);

const secret = "websrt-interop-secret";
// The sender refreshes its key every 4000 packets, announcing the next 1000 packets ahead: about
// nine switches in 36 000 packets, each direction's sender being the one that refreshes.
const refreshing = `&passphrase=${secret}&pbkeylen=16&kmrefreshrate=4000&kmpreannounce=1000`;

const variants = [
  { impaired: false, encrypted: false }, { impaired: true, encrypted: false }, { impaired: true, encrypted: true },
];

// The fan-in listener writes each stream through an ofstream, which holds up to its buffer (8 KiB
// in libstdc++) until the caller closes; then it also writes what arrived and was not yet due. So
// a stream has arrived once its file lacks less than 64 KiB: those last 16 ms of a 4 MB/s stream
// left the caller 16 ms after packets that already waited out the 120 ms latency at the listener.
const unflushed = 65536;
const playedOut = (file) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;  // not created yet
  }
};

for (const peer of libsrtPeers) describe(`libsrt ${peer.version}`, () => {
  for (const { impaired, encrypted } of variants) {
    const how = (impaired ? "through a 5 % loss relay" : "directly") +
      (encrypted ? ", AES-128 with a key refresh every 4000 packets," : "");
    const inputRate = impaired ? impairedRate : rate;
    const latency = (impaired ? `&latency=${impairedLatencyMs}` : "") + (encrypted ? refreshing : "");

    describe(`srt-live-transmit caller to a websrt listener ${how}`, () => {
      test("50 MB arrive byte for byte", { timeout: 120_000 }, async () => {
        const receiver = start(requireWebsrt(), ["transmit", "--stats-every", "1000", `srt://:0?mode=listener${latency}`,
          "file://con"]);
        const received = collect(receiver, size);
        const port = await listeningPort(receiver, "websrt listener");
        const target = impaired ? await impairRelay(port, 7) : port;
        const sender = await startSltSender(peer, `srt://127.0.0.1:${target}?maxbw=${maxbw}${latency}`, ["-a:no"]);
        // srt-live-transmit discards what it reads before it is connected: feed only after it says
        // so (websrt's "accepted" comes a relay delay earlier, when the handshake response may still
        // be on its way or lost).
        await stderrMatches(receiver, /accepted/, 10_000, "websrt accepting srt-live-transmit");
        await stderrMatches(sender, /SRT target connected/, 10_000, "srt-live-transmit connecting");
        await feedSlt(sender, Buffer.concat([payload, trailer(inputRate)]), inputRate);
        await until(() => received.bytes >= size || receiver.exitCode !== null, 30_000,
          () => `all bytes at the receiver (${received.bytes} of ${size}; ${receiver.stderrText.slice(-1500)})`);
        await stopSltSender(sender);
        const status = await exitWithin(receiver, 15_000, "websrt listener");
        assert.ok(endedAfterPeerClose(status, receiver, impaired), receiver.stderrText.slice(-2000));
        assert.ok(received.bytes >= size, `${received.bytes} of ${size} bytes`);
        assert.equal(received.hash.digest("hex"), payloadHash);
        if (impaired) assert.ok(lastStats(receiver).pktRcvLossTotal > 0, "the relay lost nothing?");
      });
    });

    describe(`websrt caller to a srt-live-transmit listener ${how}`, () => {
      test("50 MB arrive byte for byte", { timeout: 120_000 }, async () => {
        const port = await reservedUdpPort();
        const receiver = startLibsrt(peer, "srt-live-transmit", ["-q", `srt://:${port}?mode=listener${latency}`, "file://con"]);
        const received = collect(receiver);
        await udpPortBound(port, 5000, receiver);
        const target = impaired ? await impairRelay(port, 7) : port;
        const sender = start(requireWebsrt(), ["transmit", "--stats-every", "1000", "file://con",
          `srt://127.0.0.1:${target}?maxbw=${maxbw}${latency}`]);
        await feed(sender.stdin, payload, inputRate);
        sender.stdin.end();
        const status = await exitWithin(sender, 120_000, "websrt caller");
        assert.equal(status.code, 0, sender.stderrText.slice(-2000));
        // srt-live-transmit keeps listening after the caller leaves; on SIGINT it flushes its output.
        receiver.kill("SIGINT");
        await exitWithin(receiver, 10_000, "srt-live-transmit listener");
        assert.equal(received.bytes, size);
        assert.equal(received.hash.digest("hex"), payloadHash);
        if (impaired) assert.ok(lastStats(sender).pktRetransTotal > 0, "no retransmissions through the lossy relay?");
      });
    });
  }

  // Each key length both ways, directly: 5 MB, byte for byte.
  for (const keyLength of [16, 24, 32]) {
    const small = payload.subarray(0, sltChunk * 3600);
    const smallHash = createHash("sha256").update(small).digest("hex");
    const options = `passphrase=${secret}&pbkeylen=${keyLength}`;

    test(`srt-live-transmit sends AES-${keyLength * 8} to a websrt listener`, { timeout: 60_000 }, async () => {
      const receiver = start(requireWebsrt(), ["transmit", `srt://:0?mode=listener&${options}`, "file://con"]);
      const received = collect(receiver, small.length);
      const port = await listeningPort(receiver, "websrt listener");
      const sender = await startSltSender(peer, `srt://127.0.0.1:${port}?maxbw=${maxbw}&${options}`, ["-a:no"]);
      await stderrMatches(sender, /SRT target connected/, 10_000, "srt-live-transmit connecting");
      await feedSlt(sender, Buffer.concat([small, trailer(rate)]), rate);
      await until(() => received.bytes >= small.length, 15_000, () => `${received.bytes} of ${small.length} bytes`);
      await stopSltSender(sender);
      await exitWithin(receiver, 15_000, "websrt listener");
      assert.equal(received.hash.digest("hex"), smallHash);
    });

    test(`websrt sends AES-${keyLength * 8} to a srt-live-transmit listener`, { timeout: 60_000 }, async () => {
      const port = await reservedUdpPort();
      const receiver = startLibsrt(peer, "srt-live-transmit", ["-q", `srt://:${port}?mode=listener&${options}`, "file://con"]);
      const received = collect(receiver);
      await udpPortBound(port, 5000, receiver);
      const sender = start(requireWebsrt(), ["transmit", "file://con", `srt://127.0.0.1:${port}?maxbw=${maxbw}&${options}`]);
      await feed(sender.stdin, small, rate);
      sender.stdin.end();
      const status = await exitWithin(sender, 30_000, "websrt caller");
      assert.equal(status.code, 0, sender.stderrText.slice(-2000));
      receiver.kill("SIGINT");
      await exitWithin(receiver, 10_000, "srt-live-transmit listener");
      assert.equal(received.bytes, small.length);
      assert.equal(received.hash.digest("hex"), smallHash);
    });
  }

  // The other two pairings, where the listener sends: a websrt listener encrypts with the key its
  // libsrt caller drew (HSv5 keys both directions with it), and a websrt caller decrypts a libsrt
  // listener's stream.
  test("a websrt listener sends AES-256 to a srt-live-transmit caller", { timeout: 60_000 }, async () => {
    const small = payload.subarray(0, sltChunk * 3600);
    const options = `passphrase=${secret}&pbkeylen=32`;
    const sender = start(requireWebsrt(), ["transmit", "file://con", `srt://:0?mode=listener&maxbw=${maxbw}&${options}`]);
    const port = await listeningPort(sender, "websrt listener");
    const receiver = startLibsrt(peer, "srt-live-transmit", ["-q", "-a:no", `srt://127.0.0.1:${port}?${options}`, "file://con"]);
    const received = collect(receiver);
    await stderrMatches(sender, /accepted/, 10_000, "websrt accepting srt-live-transmit");
    await feed(sender.stdin, small, rate);
    sender.stdin.end();
    const status = await exitWithin(sender, 30_000, "websrt listener");
    assert.equal(status.code, 0, sender.stderrText.slice(-2000));
    await until(() => received.bytes >= small.length, 5000, () => `${received.bytes} of ${small.length} bytes`);
    receiver.kill("SIGINT");
    assert.equal(received.hash.digest("hex"), createHash("sha256").update(small).digest("hex"));
  });

  test("a srt-live-transmit listener sends AES-192 to a websrt caller", { timeout: 60_000 }, async () => {
    const small = payload.subarray(0, sltChunk * 3600);
    const options = `passphrase=${secret}&pbkeylen=24`;
    const port = await reservedUdpPort();
    const sender = await startSltSender(peer, `srt://:${port}?mode=listener&maxbw=${maxbw}&${options}`);
    await udpPortBound(port, 5000, sender);
    const receiver = start(requireWebsrt(), ["transmit", `srt://127.0.0.1:${port}?${options}`, "file://con"]);
    const received = collect(receiver, small.length);
    await stderrMatches(receiver, /connected/, 10_000, "websrt caller");
    await stderrMatches(sender, /Accepted/i, 10_000, "srt-live-transmit accepting");
    await feedSlt(sender, Buffer.concat([small, trailer(rate)]), rate);
    await until(() => received.bytes >= small.length, 15_000, () => `${received.bytes} of ${small.length} bytes`);
    await stopSltSender(sender);
    await exitWithin(receiver, 15_000, "websrt caller");
    assert.equal(received.hash.digest("hex"), createHash("sha256").update(small).digest("hex"));
  });

  describe("rejections", () => {
    test("a wrong passphrase from srt-live-transmit is refused by websrt with BADSECRET", { timeout: 30_000 }, async () => {
      const listener = start(requireWebsrt(), ["transmit", `srt://:0?mode=listener&passphrase=${secret}`, "file://con"]);
      const port = await listeningPort(listener, "websrt listener");
      const caller = startLibsrt(peer, "srt-live-transmit", ["-a:no", "file://con", `srt://127.0.0.1:${port}?passphrase=not-the-secret-at-all`]);
      await stderrMatches(caller, /REJECT/, 10_000, "srt-live-transmit reporting the rejection");
      assert.match(caller.stderrText, /passphrase|BADSECRET/i);
      await stderrMatches(listener, /refused a caller: incorrect passphrase .*reject code 10/, 5000, "websrt reporting the refusal");
      caller.kill("SIGKILL");
      listener.kill("SIGINT");
    });

    test("a wrong passphrase from websrt is refused by srt-live-transmit with BADSECRET", { timeout: 30_000 }, async () => {
      const port = await reservedUdpPort();
      const listener = startLibsrt(peer, "srt-live-transmit", [`srt://:${port}?mode=listener&passphrase=${secret}`, "file://con"]);
      await udpPortBound(port, 5000, listener);
      const caller = start(requireWebsrt(), ["transmit", "file://con", `srt://127.0.0.1:${port}?passphrase=not-the-secret-at-all`]);
      const status = await exitWithin(caller, 10_000, "websrt caller");
      assert.equal(status.code, 1);
      assert.match(caller.stderrText, /^websrt transmit: connection rejected: incorrect passphrase$/m);
      assert.doesNotMatch(caller.stderrText, /not-the-secret|websrt-interop/, "no key material or passphrase is logged");
      listener.kill("SIGINT");
    });

    test("a websrt listener's refusal reaches srt-live-transmit as a rejection", { timeout: 30_000 }, async () => {
      const listener = start(requireWebsrt(), ["transmit", "--reject-streamid", "forbidden", "srt://:0?mode=listener",
        "file://con"]);
      const port = await listeningPort(listener, "websrt listener");
      const caller = startLibsrt(peer, "srt-live-transmit", ["-a:no", "file://con", `srt://127.0.0.1:${port}?streamid=forbidden`]);
      await stderrMatches(caller, /REJECT/, 10_000, "srt-live-transmit reporting the rejection");
      assert.match(caller.stderrText, /Application-defined rejection reason/);
      caller.kill("SIGKILL");
      listener.kill("SIGINT");
    });

    test("a missing passphrase is refused by srt-live-transmit with UNSECURE, a one-line error and exit status 1", { timeout: 30_000 }, async () => {
      const port = await reservedUdpPort();
      // libsrt's listener with a passphrase refuses an unencrypted caller (enforced encryption).
      const listener = startLibsrt(peer, "srt-live-transmit", [`srt://:${port}?mode=listener&passphrase=correct-horse-battery`, "file://con"]);
      await udpPortBound(port, 5000, listener);
      const caller = start(requireWebsrt(), ["transmit", "file://con", `srt://127.0.0.1:${port}`]);
      const status = await exitWithin(caller, 10_000, "websrt caller");
      assert.equal(status.code, 1);
      assert.match(caller.stderrText, /^websrt transmit: connection rejected: password required or unexpected$/m);
      listener.kill("SIGINT");
    });
  });


  describe("two srt-live-transmit callers on one websrt listener port", () => {
    test("each caller's stream arrives whole under its own stream id", { timeout: 60_000 }, async () => {
      // Told its port: the fan-in listener prints the one it was given, not the one it bound.
      const port = await reservedUdpPort();
      const directory = mkdtempSync(join(tmpdir(), "websrt-fanin-"));
      try {
        const listener = start(join(repoRoot, "build", "native", "native-shim", "websrt_fanin_listener"),
          [String(port), directory, "2"]);
        await stderrMatches(listener, /listening/, 5000, "fan-in listener");
        const streams = { "cam-1": randomBytes(sltChunk * 3000), "cam-2": randomBytes(sltChunk * 2000) };
        const callers = await Promise.all(Object.entries(streams).map(async ([id, data]) => {
          const caller = await startSltSender(peer, `srt://127.0.0.1:${port}?streamid=${id}&maxbw=${maxbw}`, ["-a:no"]);
          return { id, data, caller };
        }));
        await until(() => (listener.stderrText.match(/accepted/g) ?? []).length === 2, 10_000, () => "both callers accepted");
        await Promise.all(callers.map(({ caller }) => stderrMatches(caller, /SRT target connected/, 10_000, "srt-live-transmit")));
        await Promise.all(callers.map(({ caller, data }) => feedSlt(caller, data, 4_000_000)));
        await until(() => callers.every(({ id, data }) => playedOut(join(directory, `${id}.bin`)) >= data.length - unflushed),
          15_000, () => `both streams played out at the listener (${callers.map(({ id, data }) =>
            `${id}: ${playedOut(join(directory, `${id}.bin`))} of ${data.length} bytes`).join(", ")})`);
        for (const { caller } of callers) caller.kill("SIGINT");
        const status = await exitWithin(listener, 15_000, "fan-in listener");
        assert.equal(status.code, 0, listener.stderrText);
        for (const { id, data } of callers) assert.ok(readFileSync(join(directory, `${id}.bin`)).equals(data), `stream ${id}`);
      } finally {
        rmSync(directory, { recursive: true, force: true });
      }
    });
  });
});
