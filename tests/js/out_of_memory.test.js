// The WebAssembly core at its memory ceiling (-sMAXIMUM_MEMORY, issue 12): a connection whose
// packet buffer cannot grow fails alone with ERR_SRT_CONNECTION_LOST "out of memory", and the
// module goes on serving once memory is free again; first as a peer causes it (a receiver made to
// hold a minute of a 1 Gbit/s stream), then with the heap filled to its last small holes. Its own
// file: it fills this process's heap. Without slot_blocks.hpp's malloc, both abort the module.
import { test } from "node:test";
import assert from "node:assert/strict";

import { SrtServer } from "websrt";
import { loadModule } from "../../js/core.js";
import { killAll, requireWebsrt, start } from "../interop/peers.js";

/**
 * Takes every byte malloc can give, leaving only holes of `hole` bytes apart from one another:
 * small allocations (events, control packets) still succeed, a packet's payload buffer does not.
 * Returns what to free afterwards.
 */
function exhaustHeap(module, hole = 256, holes = 2000) {
  const held = [];
  const small = [];
  for (let i = 0; i < 2 * holes; i += 1) small.push(module._malloc(hole));
  for (let size = 1 << 24; size >= 8; size >>= 1) {
    for (;;) {
      const pointer = module._malloc(size);
      if (!pointer) break;
      held.push(pointer);
    }
  }
  // Every other small block back: the holes cannot merge into one a payload would fit.
  for (let i = 0; i < small.length; i += 2) if (small[i]) module._free(small[i]);
  held.push(...small.filter((pointer, i) => pointer && i % 2 === 1));
  return held;
}

test("a peer that makes a receiver buffer up to the memory ceiling fails that connection with out of memory, not the module", { timeout: 120_000 }, async (t) => {
  t.after(killAll);
  const module = await loadModule();
  // A minute of latency and a 1 GB receive buffer: everything the sender sends is held, and the
  // 512 MB module runs out long before the buffer does.
  const server = await SrtServer.listen("srt://:0?latency=60000&rcvbuf=1000000000");
  const { port } = server.address();
  try {
    const sender = start(requireWebsrt(), ["transmit", "file://con", `srt://127.0.0.1:${port}?latency=60000&maxbw=125000000`]);
    const { value: socket } = await server.next();
    assert.ok(socket);
    const reading = (async () => {
      try {
        for await (const message of socket) void message;
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    // As fast as the sender takes it (its maxbw paces the stream), until it goes away.
    const chunk = Buffer.alloc(1316 * 50, 5);
    const feed = () => {
      while (sender.stdin.writable && sender.stdin.write(chunk));
    };
    sender.stdin.on("drain", feed);
    feed();
    const failure = await reading;
    sender.kill();
    assert.ok(failure, "the stream ended without an error");
    assert.equal(failure.code, "ERR_SRT_CONNECTION_LOST");
    assert.match(failure.message, /out of memory/);
    assert.ok(module.HEAPU8.length > 400 * 1024 * 1024, `the heap only reached ${module.HEAPU8.length} bytes`);
  } finally {
    await server.close();
  }
});

test("a connection whose packet buffer cannot grow at the memory ceiling fails alone with out of memory; the module recovers", { timeout: 120_000 }, async (t) => {
  t.after(killAll);
  const module = await loadModule();
  const server = await SrtServer.listen("srt://:0?latency=2000");
  const { port } = server.address();
  try {
    const sender = start(requireWebsrt(), ["transmit", "file://con", `srt://127.0.0.1:${port}`]);
    const { value: socket } = await server.next();
    assert.ok(socket);

    const held = exhaustHeap(module);
    let failure;
    try {
      const reading = (async () => {
        try {
          for await (const message of socket) void message;
        } catch (error) {
          return error;
        }
        return undefined;
      })();
      // The receiver holds packets for 2 s of latency: the first one needs a payload buffer.
      const payload = Buffer.alloc(1316, 7);
      const feeding = setInterval(() => sender.stdin.write(payload), 2);  // pacing: a live source, until the failure
      try {
        failure = await reading;
      } finally {
        clearInterval(feeding);
      }
    } finally {
      for (const pointer of held) module._free(pointer);
    }
    assert.ok(failure, "the stream ended without an error");
    assert.equal(failure.code, "ERR_SRT_CONNECTION_LOST");
    assert.match(failure.message, /out of memory/);

    // Memory is back: the same module accepts and carries a new stream.
    sender.stdin.end();
    const second = start(requireWebsrt(), ["transmit", "file://con", `srt://127.0.0.1:${port}`]);
    const { value: next } = await server.next();
    assert.ok(next);
    second.stdin.write(Buffer.alloc(1316, 9));
    const iterator = next[Symbol.asyncIterator]();
    const { value: message } = await iterator.next();
    assert.equal(message.length, 1316);
    assert.equal(message[0], 9);
    second.stdin.end();
    await second.exited;
    await next.close({ lingerMs: 0 });
  } finally {
    await server.close();
  }
});
