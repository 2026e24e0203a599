// SrtWorker (js/srt_worker.js) against srt-live-transmit (libsrt 1.5.1): the core runs in a
// worker_threads thread and the sockets here are its proxies. 20 MB of random bytes each way,
// compared byte for byte, with AES-128 one way and AES-256 through a 5 % loss relay the other;
// the statistics come from the worker. A listener in the worker, its accept callback (answering
// asynchronously) on this thread, admits and refuses srt-live-transmit callers.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";

import { SrtWorker } from "websrt/worker";
import {
  collect, drain, exitWithin, feed, impairRelay, killAll, receiveFromSlt, reservedUdpPort, sendPaced, sleep, sltChunk, start,
  stderrMatches, stopSltSender, trailer, udpPortBound, until,
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

  test("a worker's listener receives 20 MB from a srt-live-transmit caller that its async accept admitted, AES-128", { timeout: 90_000 }, async () => {
    worker ??= await SrtWorker.start();
    const options = `passphrase=${secret}&pbkeylen=16`;
    const asked = [];
    const server = await worker.listen(`srt://:0?mode=listener&${options}`, {
      accept: async ({ streamId, parsedStreamId }) => {
        asked.push(streamId);
        await sleep(30);  // as a lookup elsewhere would
        return parsedStreamId.resource === "cam-1";
      },
    });
    try {
      const { port } = server.address();
      const sender = start("srt-live-transmit", ["-a:no", "file://con", `srt://127.0.0.1:${port}?streamid=#!::r=cam-1&maxbw=40000000&${options}`]);
      const { value: connection } = await server.next();
      assert.equal(connection.streamId, "#!::r=cam-1");
      const sink = drain(connection, size);
      await stderrMatches(sender, /SRT target connected/, 10_000, "srt-live-transmit connecting");
      await feed(sender.stdin, Buffer.concat([payload, trailer(rate)]), rate);
      await until(() => sink.bytes >= size, 30_000, () => `${sink.bytes} of ${size} bytes`);
      await stopSltSender(sender);
      assert.equal(sink.hash.digest("hex"), payloadHash);
      assert.deepEqual(asked, ["#!::r=cam-1"]);
      const counters = await server.counters();
      assert.ok(counters.deferred >= 1, `handshakes left unanswered while accept decided: ${counters.deferred}`);
    } finally {
      await server.close();
    }
  });

  test("a worker's listener refuses a srt-live-transmit caller with its accept callback's code", { timeout: 30_000 }, async () => {
    worker ??= await SrtWorker.start();
    const refused = [];
    const server = await worker.listen("srt://:0?mode=listener", {
      accept: ({ streamId }) => (streamId === "intruder" ? 2401 : true),
      onRefused: (event) => refused.push(event),
    });
    try {
      const caller = start("srt-live-transmit", ["-a:no", `srt://127.0.0.1:${server.address().port}?streamid=intruder`, "file://con"]);
      await stderrMatches(caller, /REJECT/, 10_000, "srt-live-transmit reporting the rejection");
      caller.kill("SIGKILL");
      await until(() => refused.length > 0, 5000, () => "the refusal reaching onRefused");
      assert.equal(refused[0].rejectCode, 2401);
      assert.equal(refused[0].streamId, "intruder");
      assert.ok((await server.counters()).refused >= 1);
    } finally {
      await server.close();
    }
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
