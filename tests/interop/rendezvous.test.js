// Rendezvous with srt-live-transmit (libsrt 1.5.1): `websrt transmit` and the Node API meet it with
// mode=rendezvous, each side sending to the other's port, one side started 2 s after the other;
// both directions, in the clear and AES-128; 5 MB compared byte for byte.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { SrtSocket } from "../../js/index.js";
import {
  collect, exitWithin, feed, killAll, requireWebsrt, reservedUdpPort, sleep, sltChunk, start, stderrMatches,
  stopSltSender, trailer, until,
} from "./peers.js";

after(killAll);

const size = sltChunk * 3600;  // 5.2 MB
const payload = randomBytes(size);
const payloadHash = createHash("sha256").update(payload).digest("hex");
const rate = 4_000_000;
// The subject of these tests: the second side comes up while the first is already waving.
const secondSideDelayMs = 2000;
const encryption = "&passphrase=websrt-rendezvous-secret&pbkeylen=16";

/** Two ports nobody else takes: srt-live-transmit's and websrt's; each side names both. */
async function portPair() {
  const slt = await reservedUdpPort();
  let websrt = await reservedUdpPort();
  while (websrt === slt) websrt = await reservedUdpPort();
  return { slt, websrt };
}

const sltUri = (ports, extra) => `srt://127.0.0.1:${ports.websrt}?mode=rendezvous&port=${ports.slt}${extra}`;
const websrtUri = (ports, extra) => `srt://127.0.0.1:${ports.slt}?mode=rendezvous&port=${ports.websrt}${extra}`;

for (const encrypted of [false, true]) {
  const extra = encrypted ? encryption : "";
  const how = encrypted ? "AES-128" : "in the clear";

  test(`srt-live-transmit waving first sends ${how} to websrt transmit by rendezvous`, { timeout: 60_000 }, async () => {
    const ports = await portPair();
    const sender = start("srt-live-transmit", ["-a:no", "file://con", sltUri(ports, extra)]);
    await sleep(secondSideDelayMs);
    const receiver = start(requireWebsrt(), ["transmit", websrtUri(ports, extra), "file://con"]);
    const received = collect(receiver, size);
    await stderrMatches(receiver, /connected to 127\.0\.0\.1:/, 10_000, "websrt meeting srt-live-transmit");
    await stderrMatches(sender, /SRT target connected/, 10_000, "srt-live-transmit meeting websrt");
    await feed(sender.stdin, Buffer.concat([payload, trailer(rate)]), rate);
    await until(() => received.bytes >= size, 30_000, () => `${received.bytes} of ${size} bytes at websrt`);
    await stopSltSender(sender);
    const status = await exitWithin(receiver, 15_000, "websrt receiver");
    assert.equal(status.code, 0, receiver.stderrText);
    assert.match(receiver.stderrText, /peer closed the connection/);
    assert.equal(received.hash.digest("hex"), payloadHash);
  });

  test(`websrt transmit waving first sends ${how} to srt-live-transmit by rendezvous`, { timeout: 60_000 }, async () => {
    const ports = await portPair();
    const sender = start(requireWebsrt(), ["transmit", "file://con", websrtUri(ports, extra)]);
    await stderrMatches(sender, /rendezvous with/, 5000, "websrt waving");
    await sleep(secondSideDelayMs);
    const receiver = start("srt-live-transmit", ["-q", sltUri(ports, extra), "file://con"]);
    const received = collect(receiver);
    await stderrMatches(sender, /connected to 127\.0\.0\.1:/, 10_000, "websrt meeting srt-live-transmit");
    await feed(sender.stdin, payload, rate);
    sender.stdin.end();
    const status = await exitWithin(sender, 30_000, "websrt sender");
    assert.equal(status.code, 0, sender.stderrText);
    assert.match(sender.stderrText, /everything sent was acknowledged/);
    // srt-live-transmit goes on after its peer leaves; on SIGINT it flushes its output.
    receiver.kill("SIGINT");
    await exitWithin(receiver, 10_000, "srt-live-transmit receiver");
    assert.equal(received.bytes, size);
    assert.equal(received.hash.digest("hex"), payloadHash);
  });
}

test("the Node API meets srt-live-transmit by rendezvous and receives its AES-128 stream", { timeout: 60_000 }, async () => {
  const ports = await portPair();
  const connecting = SrtSocket.connect(websrtUri(ports, encryption));
  await sleep(secondSideDelayMs);
  const sender = start("srt-live-transmit", ["-a:no", "file://con", sltUri(ports, encryption)]);
  const socket = await connecting;
  await stderrMatches(sender, /SRT target connected/, 10_000, "srt-live-transmit meeting the Node socket");
  const hash = createHash("sha256");
  let bytes = 0;
  const reading = (async () => {
    for await (const message of socket) {
      if (bytes < size) hash.update(message.subarray(0, Math.min(message.length, size - bytes)));
      bytes += message.length;
    }
  })();
  await feed(sender.stdin, Buffer.concat([payload, trailer(rate)]), rate);
  await until(() => bytes >= size, 30_000, () => `${bytes} of ${size} bytes at the Node socket`);
  // srt-live-transmit closes on SIGINT: its SHUTDOWN ends the socket's messages.
  await stopSltSender(sender);
  await reading;
  await socket.close();
  assert.equal(hash.digest("hex"), payloadHash);
});
