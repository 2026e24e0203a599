// The socket API (SrtSocket, SrtServer) over the WebAssembly core and node:dgram on loopback:
// connecting with a stream id, messages both ways in order, Web Streams, statistics, closing,
// errors with their codes, encryption, and backpressure both ways.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";

import { SrtError, SrtServer, SrtSocket, checkSrtUri, parseSrtUri } from "websrt";

/** A bound UDP port that never answers (kept bound, so no other test can take it). */
async function silentPort() {
  const socket = createSocket("udp4");
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { port: socket.address().port, close: () => new Promise((resolve) => socket.close(resolve)) };
}

const message = (i, size = 1316) => {
  const bytes = new Uint8Array(size).fill(i & 0xff);
  new DataView(bytes.buffer).setUint32(0, i);
  return bytes;
};
const indexOf = (bytes) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A server and a caller connected to it; `after` closes both. */
async function pair({ server: serverOptions = "", caller = "", accept } = {}) {
  const server = await SrtServer.listen(`srt://127.0.0.1:0?mode=listener${serverOptions.replace("?", "&")}`, { accept });
  const { port } = server.address();
  const socket = await SrtSocket.connect(`srt://127.0.0.1:${port}${caller}`);
  const { value: accepted } = await server.next();
  return { port, server, socket, accepted, close: async () => { await socket.close({ lingerMs: 0 }); await server.close(); } };
}

test("a caller connects with its stream id and messages arrive in order both ways", async () => {
  const { socket, accepted, close } = await pair({ caller: "?streamid=cam1", accept: ({ streamId }) => streamId === "cam1" });
  try {
    assert.equal(accepted.streamId, "cam1");
    assert.match(accepted.peer, /^127\.0\.0\.1:\d+$/);
    for (let i = 0; i < 200; i += 1) await socket.send(message(i));
    for (let i = 0; i < 200; i += 1) await accepted.send(message(1000 + i, 100));
    const forward = [];
    for (let i = 0; i < 200; i += 1) forward.push(indexOf((await accepted.next()).value));
    const backward = [];
    for (let i = 0; i < 200; i += 1) backward.push(indexOf((await socket.next()).value));
    assert.deepEqual(forward, [...Array(200).keys()]);
    assert.deepEqual(backward, [...Array(200).keys()].map((i) => 1000 + i));
  } finally {
    await close();
  }
});

test("closing ends the peer's iteration cleanly after everything was delivered", async () => {
  const { server, socket, accepted } = await pair();
  const received = [];
  const reading = (async () => { for await (const m of accepted) received.push(indexOf(m)); })();
  for (let i = 0; i < 500; i += 1) await socket.send(message(i));
  assert.deepEqual(await socket.close(), { unacknowledged: 0 });
  await reading;
  assert.equal(received.length, 500);
  assert.deepEqual(received, [...Array(500).keys()]);
  // Both sides keep their last statistics once closed.
  assert.equal(socket.stats().pktSentTotal, 500);
  assert.equal(accepted.stats().pktRecvUniqueTotal, 500);
  await server.close();
});

test("Web Streams carry messages: writable in, readable out", async () => {
  const { socket, accepted, close } = await pair();
  try {
    const writer = socket.writable.getWriter();
    for (let i = 0; i < 50; i += 1) await writer.write(message(i));
    writer.releaseLock();
    const reader = accepted.readable.getReader();
    for (let i = 0; i < 50; i += 1) assert.equal(indexOf((await reader.read()).value), i);
    reader.releaseLock();
  } finally {
    await close();
  }
});

test("statistics have libsrt's names and count what was sent", async () => {
  const { socket, accepted, close } = await pair();
  try {
    for (let i = 0; i < 100; i += 1) await socket.send(message(i));
    for (let i = 0; i < 100; i += 1) await accepted.next();
    const stats = socket.stats();
    assert.equal(stats.pktSentTotal, 100);
    assert.equal(stats.byteSentTotal, 100 * 1316);
    for (const name of ["msRTT", "pktRetransTotal", "mbpsSendRate", "msSndTsbPdDelay", "pktSndBuf", "byteAvailSndBuf"])
      assert.ok(name in stats, name);
    assert.equal(accepted.stats().pktRecvTotal, 100);
    assert.equal(socket.stats(true).pktSent, 100);  // the interval, then cleared
    assert.equal(socket.stats().pktSent, 0);
  } finally {
    await close();
  }
});

test("encrypted when both sides have the passphrase; refused with BADSECRET when they differ", async () => {
  const secure = await pair({ server: "?passphrase=websrt-js-secret", caller: "?passphrase=websrt-js-secret&pbkeylen=32" });
  try {
    await secure.socket.send(message(7));
    assert.equal(indexOf((await secure.accepted.next()).value), 7);
  } finally {
    await secure.close();
  }

  const refused = [];
  const server = await SrtServer.listen("srt://127.0.0.1:0?mode=listener&passphrase=websrt-js-secret", { onRefused: (e) => refused.push(e) });
  const { port } = server.address();
  try {
    await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${port}?passphrase=a-different-secret`), (error) => {
      assert.ok(error instanceof SrtError);
      assert.equal(error.code, "ERR_SRT_REJECTED");
      assert.equal(error.rejectCode, 10);
      assert.match(error.message, /incorrect passphrase/);
      return true;
    });
    assert.equal(refused[0]?.rejectCode, 10);
    await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${port}`), { code: "ERR_SRT_REJECTED", rejectCode: 11 });
  } finally {
    await server.close();
  }
});

test("an accept callback refuses with 1403 or its own code, and a throwing one refuses too", async () => {
  const server = await SrtServer.listen("srt://127.0.0.1:0?mode=listener", {
    accept: ({ streamId }) => {
      if (streamId === "boom") throw new Error("callback bug");
      return streamId === "no" ? false : streamId === "custom" ? 2042 : true;
    },
  });
  const { port } = server.address();
  try {
    await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${port}?streamid=no`), { code: "ERR_SRT_REJECTED", rejectCode: 1403 });
    await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${port}?streamid=custom`), { code: "ERR_SRT_REJECTED", rejectCode: 2042 });
    await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${port}?streamid=boom`), { code: "ERR_SRT_REJECTED", rejectCode: 1403 });
  } finally {
    await server.close();
  }
});

test("bad URIs are ERR_SRT_URI errors that name what is wrong", async () => {
  await assert.rejects(SrtSocket.connect("srt://127.0.0.1:9000?bogus=1"), (e) => e.code === "ERR_SRT_URI" && /bogus/.test(e.message));
  await assert.rejects(SrtSocket.connect("srt://127.0.0.1:9000?latency=fast"), (e) => e.code === "ERR_SRT_URI" && /latency/.test(e.message));
  await assert.rejects(SrtSocket.connect("udp://127.0.0.1:9000"), { code: "ERR_SRT_URI" });
  await assert.rejects(SrtSocket.connect("srt://127.0.0.1"), { code: "ERR_SRT_URI" });
  await assert.rejects(SrtServer.listen("srt://127.0.0.1:9000?mode=caller"), { code: "ERR_SRT_URI" });
  await assert.rejects(checkSrtUri("srt://:9000?pbkeylen=20"), (e) => e.code === "ERR_SRT_URI" && /pbkeylen/.test(e.message));
  const checked = await checkSrtUri("srt://:9000?pbkeylen=32&passphrase=long-enough-secret&latency=250");
  assert.equal(checked.mode, "listener");
  assert.equal(checked.port, 9000);
  assert.equal(checked.latencyMs, 250);
  assert.equal(checked.encrypted, true);
  assert.equal(JSON.stringify(checked).includes("long-enough-secret"), false);
});

test("parseSrtUri reads a URI as the core (and `websrt transmit`) does, never returning the passphrase", async () => {
  assert.deepEqual({ ...(await parseSrtUri("srt://[::1]:9000?streamid=%23!%3A%3Ar%3Dlive&latency=300&passphrase=long-enough-secret")) }, {
    host: "::1", port: 9000, mode: "caller", bindPort: 0, streamId: "#!::r=live", payloadSize: 1316, packetFilter: "", latencyMs: 300,
    encrypted: true,
  });
  assert.equal((await parseSrtUri("srt://h:9000?packetfilter=fec,cols:10,rows:5")).packetFilter, "fec,cols:10,rows:5");
  await assert.rejects(parseSrtUri("srt://h:9000?packetfilter=fec,cols:1"), (e) => e.code === "ERR_SRT_URI" && /cols/.test(e.message));
  assert.equal((await parseSrtUri("srt://:9000?mode=server")).mode, "listener");  // srt-live-transmit's aliases
  assert.equal((await parseSrtUri("srt://h:9000?mode=client")).mode, "caller");
  assert.equal((await parseSrtUri("srt://:0")).port, 0);
  // A rendezvous side binds the remote port unless port= says otherwise, as srt-live-transmit.
  assert.equal((await parseSrtUri("srt://10.0.0.5:9000?mode=rendezvous")).bindPort, 9000);
  assert.equal((await parseSrtUri("srt://10.0.0.5:9000?mode=rendezvous&port=7000")).bindPort, 7000);
  await assert.rejects(parseSrtUri("srt://h:0"), (e) => e.code === "ERR_SRT_URI" && /only for a listener/.test(e.message));
  await assert.rejects(parseSrtUri("udp://127.0.0.1:9000"), (e) => e.code === "ERR_SRT_URI" && /srt:\/\//.test(e.message));
  await assert.rejects(parseSrtUri("srt://h:1?passphrase=short"), (e) => e.code === "ERR_SRT_URI" && !e.message.includes("short"));
});

test("an unreachable peer is ERR_SRT_TIMEOUT after conntimeo (its exact timing: virtual_time.test.js)", async () => {
  const silent = await silentPort();
  await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${silent.port}?conntimeo=400`), { code: "ERR_SRT_TIMEOUT" });
  await silent.close();
});

test("a message longer than payloadsize is ERR_SRT_MESSAGE_TOO_LARGE", async () => {
  const { socket, close } = await pair({ caller: "?payloadsize=1000" });
  try {
    await assert.rejects(socket.send(new Uint8Array(1001)), { code: "ERR_SRT_MESSAGE_TOO_LARGE" });
    await socket.send(new Uint8Array(1000));
  } finally {
    await close();
  }
});

test("a fast writer waits for room in a small send buffer and loses nothing", async () => {
  // sndbuf 150 000 bytes: about 100 packets; 2000 messages must wait for ACKs to make room.
  const { socket, accepted, close } = await pair({ caller: "?sndbuf=150000" });
  try {
    const received = [];
    const reading = (async () => { while (received.length < 2000) received.push(indexOf((await accepted.next()).value)); })();
    let waited = 0;
    for (let i = 0; i < 2000; i += 1) {
      const before = performance.now();
      await socket.send(message(i));
      if (performance.now() - before > 1) waited += 1;
    }
    await reading;
    assert.ok(waited > 0, "send() never waited");
    assert.deepEqual(received, [...Array(2000).keys()]);
  } finally {
    await close();
  }
});

test("a reader that does not read holds a bounded number of messages in JS", async () => {
  const { socket, accepted, close } = await pair();
  try {
    for (let i = 0; i < 3000; i += 1) {
      await socket.send(message(i, 200));
      if (i % 100 === 99) await sleep(2);  // pacing: 100 messages at a time, as a live source
    }
    // Every message reached the receiver's core and the JS queue filled up to its mark…
    const deadline = Date.now() + 10_000;
    while (accepted.stats().pktRecvUniqueTotal < 3000 || accepted.bufferedMessages < 1024) {
      assert.ok(Date.now() < deadline, `${accepted.stats().pktRecvUniqueTotal} of 3000 received, ${accepted.bufferedMessages} queued in JS`);
      await sleep(20);
    }
    // …then the play time of every one passes unread (the TSBPD delay, the test's subject): a
    // driver that took more than the socket has room for would have handed all 3000 to JS by then.
    const tsbpdDelayMs = accepted.stats().msRcvTsbPdDelay;
    assert.ok(tsbpdDelayMs > 0, `msRcvTsbPdDelay ${tsbpdDelayMs}`);
    await sleep(tsbpdDelayMs + 100);
    // The high-water mark: the driver takes from the core only what the socket has room for.
    assert.ok(accepted.bufferedMessages > 0 && accepted.bufferedMessages <= 1024, `${accepted.bufferedMessages} messages queued in JS`);
    // What stayed in the core comes out in order once the reader reads.
    let last = -1;
    for (let i = 0; i < 1500; i += 1) {
      const index = indexOf((await accepted.next()).value);
      assert.ok(index > last);
      last = index;
    }
  } finally {
    await close();
  }
});
