// The message API through the socket API (libsrt srt_sendmsg2 / srt_recvmsg2): send() options
// ttl, inOrder and srcTime, readMessage()'s metadata, and the refusal of bad options. Two sockets
// on loopback in one process, so both run on the same clock.
import { test } from "node:test";
import assert from "node:assert/strict";

import { SrtServer, SrtSocket } from "websrt";

const message = (i, size = 1000) => {
  const bytes = new Uint8Array(size).fill(i & 0xff);
  new DataView(bytes.buffer).setUint32(0, i);
  return bytes;
};
const indexOf = (bytes) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
const nowUs = () => Math.floor(performance.now() * 1000);

/** A listener and a caller, both with `options` ("?a=b&c=d"). */
async function pair(options = "") {
  const server = await SrtServer.listen(`srt://127.0.0.1:0?mode=listener${options.replace("?", "&")}`);
  const socket = await SrtSocket.connect(`srt://127.0.0.1:${server.address().port}${options}`);
  const { value: accepted } = await server.next();
  return { socket, accepted, close: async () => { await socket.close({ lingerMs: 0 }); await server.close(); } };
}

test("readMessage() tells each message's number, sequence and source time", async () => {
  const { socket, accepted, close } = await pair();
  try {
    const made = [];
    for (let i = 0; i < 50; i += 1) {
      // Every message claims to have been made 2 ms before it is sent.
      const srcTime = nowUs() - 2000;
      made.push(srcTime);
      await socket.send(message(i), { srcTime, inOrder: true });
    }
    const received = [];
    for (let i = 0; i < 50; i += 1) received.push(await accepted.readMessage());
    received.forEach((m, i) => {
      assert.equal(indexOf(m.data), i);
      assert.equal(m.messageNumber, received[0].messageNumber + i);
      assert.equal(m.sequence, (received[0].sequence + i) % 2 ** 31);
      // The source time on the receiver's clock (here the same clock): when it was made, plus
      // the loopback's one-way delay held in the TSBPD base (a few ms at most).
      assert.ok(m.srcTime >= made[i] - 1000 && m.srcTime <= made[i] + 20_000, `${m.srcTime - made[i]} µs`);
    });
  } finally {
    await close();
  }
});

test("messages past their TTL are given up and the rest arrive in order", async () => {
  // About 95 packets a second: 100 messages sent at once wait in the send buffer.
  const { socket, accepted, close } = await pair("?maxbw=100000");
  try {
    const last = 99;
    for (let i = 0; i <= last; i += 1)
      await socket.send(message(i), i % 10 === 0 || i === last ? {} : { ttl: 50 });
    const indexes = [];
    while (indexes.at(-1) !== last) indexes.push(indexOf(await accepted.read()));
    for (let i = 1; i < indexes.length; i += 1) assert.ok(indexes[i] > indexes[i - 1], `${indexes}`);
    for (let i = 0; i <= last; i += 10) assert.ok(indexes.includes(i), `message ${i} has no TTL`);
    const dropped = last + 1 - indexes.length;
    assert.ok(dropped > 50, `${dropped} given up`);
    assert.equal(socket.stats().pktSndDrop, dropped);
    assert.equal(accepted.stats().pktRcvDrop, dropped);
  } finally {
    await close();
  }
});

test("send() refuses bad message options before sending anything", async () => {
  const { socket, close } = await pair();
  try {
    for (const ttl of [-1, Number.NaN, Infinity, "5"])
      await assert.rejects(socket.send(message(0), { ttl }), RangeError, `ttl ${ttl}`);
    await assert.rejects(socket.send(message(0), { srcTime: nowUs() + 1_000_000 }), RangeError, "a future srcTime");
    await assert.rejects(socket.send(message(0), { srcTime: 0 }), RangeError, "a srcTime before the connection");
    assert.equal(socket.stats().pktSent, 0);
  } finally {
    await close();
  }
});

test("file mode's message API carries messages of many packets whole, even longer than the batch buffers", async () => {
  const { socket, accepted, close } = await pair("?transtype=file&messageapi=1");
  try {
    const sizes = [1, 1456, 1457, 10_000, 300_000, 2_000_000, 7];
    const sent = sizes.map((size, i) => Uint8Array.from({ length: size }, (_, j) => (i * 31 + j * 7) & 0xff));
    const sending = Promise.all(sent.map((bytes) => socket.send(bytes)));
    for (const bytes of sent) {
      const { data } = await accepted.readMessage();
      assert.equal(data.length, bytes.length);
      assert.ok(Buffer.from(data).equals(Buffer.from(bytes)), `a message of ${bytes.length} bytes`);
    }
    await sending;
  } finally {
    await close();
  }
});

test("file mode's stream API takes writes of many packets and delivers their bytes in order", async () => {
  const { socket, accepted, close } = await pair("?transtype=file");
  try {
    const bytes = Uint8Array.from({ length: 3_000_000 }, (_, j) => (j * 13 + (j >> 11)) & 0xff);
    const sending = (async () => {
      for (let offset = 0; offset < bytes.length; offset += 250_000) await socket.send(bytes.subarray(offset, offset + 250_000));
    })();
    const received = [];
    let length = 0;
    while (length < bytes.length) {
      const chunk = await accepted.read();
      assert.ok(chunk.length <= 1456, "the stream API delivers packet by packet");
      received.push(chunk);
      length += chunk.length;
    }
    await sending;
    assert.ok(Buffer.concat(received).equals(Buffer.from(bytes)));
  } finally {
    await close();
  }
});
