// The socket API when callers, callbacks and transports misbehave (issue 12): a bounded accept
// queue, callbacks that throw, a send() waiting for room when the transport fails, and a
// WebSocket whose buffer fills.
import { test } from "node:test";
import assert from "node:assert/strict";

import { NodeUdpTransport, SrtServer, SrtSocket, WebSocketTransport } from "websrt";

/** A NodeUdpTransport that can stop carrying datagrams out and fail on demand, as a bridge can. */
class FailingTransport extends NodeUdpTransport {
  constructor() {
    super();
    this.blackhole = false;
  }
  send(bytes, address) {
    if (!this.blackhole) super.send(bytes, address);
  }
  onError(handler) {
    this.failWith = handler;
  }
}

test("callers beyond the accept queue are refused with backlog (5) until the application takes one", async () => {
  const server = await SrtServer.listen("srt://127.0.0.1:0?mode=listener", { maxPending: 2 });
  const { port } = server.address();
  const callers = [];
  try {
    callers.push(await SrtSocket.connect(`srt://127.0.0.1:${port}`));
    callers.push(await SrtSocket.connect(`srt://127.0.0.1:${port}`));
    await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${port}`), { code: "ERR_SRT_REJECTED", rejectCode: 5 });
    assert.equal(server.counters.refusedQueueFull, 1);
    const { value: first } = await server.next();
    assert.ok(first);
    callers.push(await SrtSocket.connect(`srt://127.0.0.1:${port}`));  // room again
  } finally {
    for (const caller of callers) await caller.close({ lingerMs: 0 });
    await server.close();
  }
});

test("a throwing accept refuses its caller and a throwing onRefused is ignored: both reach onError, the server goes on", async () => {
  const errors = [];
  const server = await SrtServer.listen("srt://127.0.0.1:0?mode=listener&passphrase=websrt-js-secret", {
    accept: ({ streamId }) => {
      if (streamId === "boom") throw new Error("accept bug");
      return true;
    },
    onRefused: () => {
      throw new Error("onRefused bug");
    },
    onError: (error) => errors.push(error),
  });
  const { port } = server.address();
  try {
    await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${port}?streamid=boom&passphrase=websrt-js-secret`),
      { code: "ERR_SRT_REJECTED", rejectCode: 1403 });
    await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${port}?passphrase=a-different-secret`),
      { code: "ERR_SRT_REJECTED", rejectCode: 10 });
    // The refused callers each reach onRefused, which throws each time.
    assert.deepEqual(errors.map((e) => [e.code, e.cause.message]),
      [["ERR_SRT_CALLBACK", "accept bug"], ["ERR_SRT_CALLBACK", "onRefused bug"], ["ERR_SRT_CALLBACK", "onRefused bug"]]);
    assert.equal(server.counters.callbackErrors, 3);
    const caller = await SrtSocket.connect(`srt://127.0.0.1:${port}?streamid=fine&passphrase=websrt-js-secret`);
    await caller.close({ lingerMs: 0 });
  } finally {
    await server.close();
  }
});

test("a send() waiting for room settles with ERR_SRT_TRANSPORT when the transport fails", async () => {
  const server = await SrtServer.listen("srt://127.0.0.1:0?mode=listener");
  const { port } = server.address();
  const transport = new FailingTransport();
  const caller = await SrtSocket.connect(`srt://127.0.0.1:${port}?sndbuf=1`, { transport });  // 32 packets
  try {
    transport.blackhole = true;  // nothing reaches the server, so nothing is acknowledged
    const message = new Uint8Array(1316);
    let waiting;
    for (let i = 0; i < 1000 && !waiting; i += 1) {
      const sent = caller.send(message);
      // A send that has not settled after a turn of the event loop is waiting for room.
      const settled = await Promise.race([sent.then(() => true), new Promise((resolve) => setImmediate(() => resolve(false)))]);
      if (!settled) waiting = sent;
    }
    assert.ok(waiting, "the send buffer never filled");
    transport.failWith(new Error("the bridge went away"));
    await assert.rejects(waiting, { code: "ERR_SRT_TRANSPORT" });
  } finally {
    await server.close();
  }
});

test("a WebSocket with more than maxBufferedBytes unsent drops datagrams and counts them", () => {
  const sent = [];
  class StuckWebSocket {
    constructor() {
      this.readyState = 1;
      this.bufferedAmount = 0;
    }
    send(bytes) {
      sent.push(bytes);
    }
    close() {}
  }
  const transport = new WebSocketTransport("ws://127.0.0.1:1/srt", { WebSocket: StuckWebSocket, batch: false, maxBufferedBytes: 4096 });
  transport.send(new Uint8Array(1000), "127.0.0.1:9000");
  transport.socket.bufferedAmount = 5000;  // the bridge link is congested
  for (let i = 0; i < 10; i += 1) transport.send(new Uint8Array(1000), "127.0.0.1:9000");
  transport.send(new Uint8Array(1000), "127.0.0.1:9001");  // another destination than the flow's
  assert.equal(sent.length, 1);
  assert.equal(transport.droppedDatagrams, 11);
});

test("a WebSocketTransport closed in the turn it packed datagrams sends them before its close frame", () => {
  const events = [];
  class RecordingWebSocket {
    constructor() {
      this.readyState = 1;
      this.bufferedAmount = 0;
    }
    send(bytes) {
      events.push(`send ${bytes.length}`);
    }
    close() {
      events.push("close");
      this.readyState = 2;
    }
  }
  const transport = new WebSocketTransport("ws://127.0.0.1:1/srt", { WebSocket: RecordingWebSocket });
  transport.send(new Uint8Array(100), "127.0.0.1:9000");  // opens the flow (already open here)
  transport.send(new Uint8Array(16), "127.0.0.1:9000");   // a connection's last datagram: its SHUTDOWN
  transport.close();
  // One batch message: two datagrams with their 2-byte lengths, then the close.
  assert.deepEqual(events, ["send 120", "close"]);
  assert.equal(transport.droppedDatagrams, 0);
});

/** An SRT INDUCTION request (HSv4 form, as libsrt callers send it) from `socketId`. */
function induction(socketId) {
  const bytes = new Uint8Array(64);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x8000_0000);  // control, type 0: handshake
  view.setUint32(16, 4);           // version 4
  view.setUint16(22, 2);           // UDT_DGRAM
  view.setUint32(24, 12345);       // ISN
  view.setUint32(28, 1500);        // MSS
  view.setUint32(32, 8192);        // flight window
  view.setInt32(36, 1);            // request type: induction
  view.setUint32(40, socketId);
  return bytes;
}

test("a flood of inductions from 10^6 source addresses keeps the listener's address table and memory bounded", async () => {
  // A transport the test feeds directly: no million sockets needed.
  let deliver;
  let answered = 0;
  const transport = {
    async bind() {},
    send() { answered += 1; },
    onBatch(handler) { deliver = handler; },
    localAddress: () => ({ address: "127.0.0.1", port: 9 }),
    close() {},
  };
  const server = await SrtServer.listen("srt://:9", { transport });
  const { loadModule } = await import("../../js/core.js");
  const memory = () => loadModule().then((module) => module.HEAPU8.length);
  try {
    const flood = async (count) => {
      for (let sent = 0; sent < count; sent += 1000) {
        const batch = [];
        for (let i = sent; i < sent + 1000; i += 1)
          batch.push({ bytes: induction(i + 1), address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${1024 + (i % 60000)}` });
        deliver(batch);
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    await flood(100_000);
    const heapAfterWarmUp = await memory();
    await flood(900_000);
    assert.equal(answered, 1_000_000);  // every induction answered statelessly
    assert.ok(server.counters.addressesTracked <= 4096 + 1000, `${server.counters.addressesTracked} addresses tracked`);
    assert.equal(await memory(), heapAfterWarmUp, "the wasm heap grew during the flood");
  } finally {
    await server.close();
  }
});

test("a server with maxConnections refuses callers beyond it with backlog (5)", async () => {
  const server = await SrtServer.listen("srt://127.0.0.1:0?mode=listener", { maxConnections: 1 });
  const { port } = server.address();
  try {
    const first = await SrtSocket.connect(`srt://127.0.0.1:${port}`);
    await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${port}`), { code: "ERR_SRT_REJECTED", rejectCode: 5 });
    await first.close({ lingerMs: 0 });
  } finally {
    await server.close();
  }
});
