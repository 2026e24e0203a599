// The JS package (SrtSocket/SrtServer over the WebAssembly core and node:dgram) against
// srt-live-transmit (libsrt 1.5.1) and ffmpeg on loopback: 20 MB of random bytes each way,
// compared byte for byte, as caller and as listener, in the clear and with a passphrase, directly
// and through `websrt impair` (5 % loss, 20 ms delay, 5 ms jitter).
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";

import { SrtServer, SrtSocket } from "websrt";
import {
  collect, drain, exitWithin, feed, impairRelay, killAll, receiveFromSlt, reservedUdpPort, sendPaced, sltChunk, start,
  stderrMatches, stopSltSender, trailer, udpPortBound, until,
} from "./peers.js";

after(killAll);

const size = sltChunk * 14_000;  // 20.4 MB
const payload = randomBytes(size);
const payloadHash = createHash("sha256").update(payload).digest("hex");
const rate = 8_000_000;
const secret = "websrt-node-secret";

const variants = [
  { name: "directly", options: "", impaired: false },
  { name: "directly, AES-128", options: `&passphrase=${secret}&pbkeylen=16`, impaired: false },
  { name: "through a 5 % loss relay, AES-256", options: `&passphrase=${secret}&pbkeylen=32&latency=1000`, impaired: true },
];

for (const { name, options, impaired } of variants) {
  describe(`Node/WASM and srt-live-transmit ${name}`, () => {
    test("a Node caller sends 20 MB to a srt-live-transmit listener", { timeout: 90_000 }, async () => {
      const port = await reservedUdpPort();
      const receiver = start("srt-live-transmit", ["-q", `srt://:${port}?mode=listener${options}`, "file://con"]);
      const received = collect(receiver);
      await udpPortBound(port, 5000, receiver);
      const target = impaired ? await impairRelay(port, 21) : port;
      const socket = await SrtSocket.connect(`srt://127.0.0.1:${target}?payloadsize=${sltChunk}${options}`);
      await sendPaced(socket, payload, impaired ? rate / 2 : rate);
      await socket.close({ lingerMs: 20_000 });
      // srt-live-transmit keeps listening after the caller leaves; on SIGINT it flushes its output.
      receiver.kill("SIGINT");
      await exitWithin(receiver, 10_000, "srt-live-transmit listener");
      assert.equal(received.bytes, size);
      assert.equal(received.hash.digest("hex"), payloadHash);
    });

    test("a srt-live-transmit caller sends 20 MB to a Node listener", { timeout: 90_000 }, async () => {
      const server = await SrtServer.listen(`srt://:0?mode=listener${options}`);
      const { port } = server.address();
      try {
        const target = impaired ? await impairRelay(port, 22) : port;
        const sender = start("srt-live-transmit", ["-a:no", "file://con", `srt://127.0.0.1:${target}?maxbw=40000000${options}`]);
        const { value: connection } = await server.next();
        const sink = drain(connection, size);
        await stderrMatches(sender, /SRT target connected/, 10_000, "srt-live-transmit connecting");
        await feed(sender.stdin, Buffer.concat([payload, trailer(rate)]), impaired ? rate / 2 : rate);
        await until(() => sink.bytes >= size, 30_000, () => `${sink.bytes} of ${size} bytes`);
        await stopSltSender(sender);
        assert.equal(sink.hash.digest("hex"), payloadHash);
        if (impaired) assert.ok(connection.stats().pktRcvLossTotal > 0, "the relay lost nothing?");
      } finally {
        await server.close();
      }
    });
  });
}

describe("Node/WASM as listener sending, and as caller receiving", () => {
  test("a Node listener sends 20 MB to a srt-live-transmit caller, with a passphrase", { timeout: 90_000 }, async () => {
    const server = await SrtServer.listen(`srt://:0?passphrase=${secret}&payloadsize=${sltChunk}`);
    const { port } = server.address();
    try {
      const receiver = start("srt-live-transmit", ["-q", "-a:no", `srt://127.0.0.1:${port}?passphrase=${secret}`, "file://con"]);
      const received = collect(receiver);
      const { value: connection } = await server.next();
      await sendPaced(connection, payload, rate);
      await connection.close({ lingerMs: 20_000 });
      // Its SHUTDOWN reaches the caller, which flushes and exits; SIGINT makes sure it does.
      await until(() => received.bytes >= size || receiver.exitCode !== null, 10_000,
        () => `the srt-live-transmit caller's output (${received.bytes} of ${size} bytes)`);
      receiver.kill("SIGINT");
      await exitWithin(receiver, 10_000, "srt-live-transmit caller");
      assert.equal(received.bytes, size);
      assert.equal(received.hash.digest("hex"), payloadHash);
    } finally {
      await server.close();
    }
  });

  test("a Node caller receives 20 MB from a srt-live-transmit listener, with a passphrase", { timeout: 90_000 }, async () => {
    const port = await reservedUdpPort();
    const sender = start("srt-live-transmit", ["file://con", `srt://:${port}?mode=listener&maxbw=40000000&passphrase=${secret}`]);
    await udpPortBound(port, 5000, sender);
    const socket = await SrtSocket.connect(`srt://127.0.0.1:${port}?passphrase=${secret}`);
    const sink = await receiveFromSlt(sender, socket, payload, rate);
    assert.equal(sink.hash.digest("hex"), payloadHash);
  });
});
