// `websrt transmit` with udp:// on both plain sides: datagrams into a caller, out of a listener,
// each one whole and in order (loopback loses nothing at this rate), and a clean stop on SIGINT;
// in the clear, and between two websrt peers with AES-256-GCM and a key refresh every 500 packets.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import {
  exitWithin, killAll, listeningPort, requireWebsrt, reservedUdpPort, sleep, start, stderrMatches, udpPortBound, until,
} from "./peers.js";

after(killAll);

const count = 2000;
const size = 1316;  // 7 MPEG-TS packets, the live payload default

function datagram(index) {
  const bytes = Buffer.alloc(size, index & 0xff);
  bytes.writeUInt32BE(index, 0);
  return bytes;
}

const variants = [
  { name: "", options: "" },
  { name: " encrypted with AES-256-GCM", options: "?passphrase=websrt-gcm-secret&pbkeylen=32&cryptomode=aes-gcm&kmrefreshrate=500&kmpreannounce=100" },
];

for (const { name, options } of variants) test(`UDP datagrams cross an SRT link whole and in order${name}`, { timeout: 60_000 }, async () => {
  const sink = createSocket("udp4");
  await new Promise((resolve) => sink.bind(0, "127.0.0.1", resolve));
  const arrived = [];
  sink.on("message", (message) => arrived.push(message));
  try {
    const listener = start(requireWebsrt(), ["transmit", `srt://:0${options}`, `udp://127.0.0.1:${sink.address().port}`]);
    const srtPort = await listeningPort(listener, "websrt listener");
    // The caller's UDP input is told its port: websrt transmit does not report the one it bound.
    const inputPort = await reservedUdpPort();
    const caller = start(requireWebsrt(), ["transmit", `udp://127.0.0.1:${inputPort}`, `srt://127.0.0.1:${srtPort}${options}`]);
    await stderrMatches(caller, /connected/, 5000, "websrt caller");
    await udpPortBound(inputPort, 5000, caller);

    const source = createSocket("udp4");
    for (let i = 0; i < count; ++i) {
      await new Promise((resolve) => source.send(datagram(i), inputPort, "127.0.0.1", resolve));
      if (i % 10 === 9) await sleep(5);  // about 2 MB/s: a live source, not a flood
    }
    source.close();
    await until(() => arrived.length >= count, 10_000, () => `${count} datagrams (${arrived.length} arrived)`);

    caller.kill("SIGINT");
    assert.equal((await exitWithin(caller, 5000, "websrt caller")).code, 0, caller.stderrText);
    assert.equal((await exitWithin(listener, 5000, "websrt listener")).code, 0, listener.stderrText);
    assert.equal(arrived.length, count);
    arrived.forEach((message, i) => assert.ok(message.equals(datagram(i)), `datagram ${i}`));
  } finally {
    sink.close();
  }
});
