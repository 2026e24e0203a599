// SrtWorker (js/srt_worker.js) against srt-live-transmit (libsrt 1.5.1): the core runs in a
// worker_threads thread and the sockets here are its proxies. 20 MB of random bytes each way,
// compared byte for byte, with AES-128 one way and AES-256 through a 5 % loss relay the other;
// the statistics come from the worker.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";

import { SrtWorker } from "websrt/worker";
import {
  collect, exitWithin, impairRelay, killAll, receiveFromSlt, reservedUdpPort, sendPaced, sltChunk, start, udpPortBound,
} from "./peers.js";

after(killAll);

const size = sltChunk * 14_000;  // 20.4 MB
const payload = randomBytes(size);
const payloadHash = createHash("sha256").update(payload).digest("hex");
const rate = 8_000_000;
const secret = "websrt-worker-secret";

describe("SrtWorker and srt-live-transmit", () => {
  let worker;
  after(() => worker?.terminate());

  test("a worker's caller sends 20 MB to a srt-live-transmit listener, AES-128", { timeout: 90_000 }, async () => {
    worker = await SrtWorker.start();
    const port = await reservedUdpPort();
    const options = `passphrase=${secret}&pbkeylen=16`;
    const receiver = start("srt-live-transmit", ["-q", `srt://:${port}?mode=listener&${options}`, "file://con"]);
    const received = collect(receiver);
    await udpPortBound(port, 5000, receiver);
    const socket = await worker.connect(`srt://127.0.0.1:${port}?payloadsize=${sltChunk}&${options}`);
    await sendPaced(socket, payload, rate);
    const stats = await socket.stats();
    assert.ok(stats.pktSentTotal >= size / sltChunk, `the worker reports ${stats.pktSentTotal} packets sent`);
    assert.deepEqual(await socket.close({ lingerMs: 20_000 }), { unacknowledged: 0 });
    receiver.kill("SIGINT");
    await exitWithin(receiver, 10_000, "srt-live-transmit listener");
    assert.equal(received.bytes, size);
    assert.equal(received.hash.digest("hex"), payloadHash);
  });

  test("a worker's caller receives 20 MB from a srt-live-transmit listener through a 5 % loss relay, AES-256", { timeout: 90_000 }, async () => {
    worker ??= await SrtWorker.start();
    const port = await reservedUdpPort();
    const options = `passphrase=${secret}&pbkeylen=32&latency=1000`;
    const sender = start("srt-live-transmit", ["file://con", `srt://:${port}?mode=listener&maxbw=40000000&${options}`]);
    await udpPortBound(port, 5000, sender);
    const relay = await impairRelay(port, 23);
    const socket = await worker.connect(`srt://127.0.0.1:${relay}?${options}`);
    const sink = await receiveFromSlt(sender, socket, payload, rate / 2, { lossyLink: true });
    assert.equal(sink.hash.digest("hex"), payloadHash);
  });

  test("a refused connection rejects as SrtSocket.connect does, with libsrt's reject code", { timeout: 30_000 }, async () => {
    worker ??= await SrtWorker.start();
    const port = await reservedUdpPort();
    const listener = start("srt-live-transmit", ["-q", `srt://:${port}?mode=listener&passphrase=${secret}`, "file://con"]);
    await udpPortBound(port, 5000, listener);
    await assert.rejects(worker.connect(`srt://127.0.0.1:${port}?passphrase=wrong-${secret}`),
      (error) => error.code === "ERR_SRT_REJECTED" && error.rejectCode === 10);
  });
});
