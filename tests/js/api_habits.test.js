// The habits of a modern JS socket API: AbortSignal on connect, listen, read and accept; leaving a
// `for await` loop closes the socket; `await using` (Symbol.asyncDispose); `closed` promises;
// port 0; internals out of reach.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";

import { NodeUdpTransport, SrtServer, SrtSocket } from "websrt";

const asyncDispose = Symbol.asyncDispose ?? Symbol.for("Symbol.asyncDispose");

/** A UDP port nobody answers on: a caller to it waits until conntimeo. */
async function silentPort() {
  const socket = createSocket("udp4");
  await new Promise((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { port: socket.address().port, close: () => socket.close() };
}

async function listening(options = {}) {
  const server = await SrtServer.listen("srt://127.0.0.1:0?mode=listener", options);
  return { server, port: server.address().port };
}

test("a listener on port 0 gets a free port, and a caller reaches it there", async () => {
  const { server, port } = await listening();
  try {
    assert.ok(port > 0);
    const socket = await SrtSocket.connect(`srt://127.0.0.1:${port}`);
    const accepted = await server.accept();
    await socket.send(new Uint8Array([1, 2, 3]));
    assert.deepEqual(await accepted.read(), new Uint8Array([1, 2, 3]));
    await socket.close({ lingerMs: 0 });
  } finally {
    await server.close();
  }
});

test("aborting connect() rejects with the signal's reason at once and leaves no connection", async () => {
  const silent = await silentPort();
  try {
    const controller = new AbortController();
    const started = performance.now();
    const connecting = SrtSocket.connect(`srt://127.0.0.1:${silent.port}?conntimeo=5000`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(connecting, { name: "AbortError" });
    assert.ok(performance.now() - started < 2000, "aborted long before conntimeo");
    const reason = new Error("gave up");
    await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${silent.port}`, { signal: AbortSignal.abort(reason) }), (e) => e === reason);
  } finally {
    silent.close();
  }
});

test("aborting a read rejects that read only; the message waits for the next one", async () => {
  const { server, port } = await listening();
  const socket = await SrtSocket.connect(`srt://127.0.0.1:${port}`);
  const accepted = await server.accept();
  try {
    const controller = new AbortController();
    const reading = accepted.read({ signal: controller.signal });
    controller.abort();
    await assert.rejects(reading, { name: "AbortError" });
    await socket.send(new Uint8Array([7]));
    assert.deepEqual(await accepted.read(), new Uint8Array([7]));
    await assert.rejects(accepted.read({ signal: "not a signal" }), TypeError);
  } finally {
    await socket.close({ lingerMs: 0 });
    await server.close();
  }
});

test("aborting listen()'s signal closes the server; an aborted accept() leaves it open", async () => {
  const controller = new AbortController();
  const { server, port } = await listening({ signal: controller.signal });
  const taking = new AbortController();
  const accepting = server.accept({ signal: taking.signal });
  taking.abort();
  await assert.rejects(accepting, { name: "AbortError" });
  const socket = await SrtSocket.connect(`srt://127.0.0.1:${port}`);  // still listening
  assert.ok(await server.accept());
  controller.abort();
  await server.closed;
  assert.equal(await socket.closed, undefined, "the caller saw a clean shutdown");
  assert.equal(await server.accept(), undefined);
  await assert.rejects(SrtServer.listen("srt://127.0.0.1:0", { signal: AbortSignal.abort() }), { name: "AbortError" });
});

test("leaving a for-await loop over a socket closes it, and the peer sees the end", async () => {
  const { server, port } = await listening();
  try {
    const socket = await SrtSocket.connect(`srt://127.0.0.1:${port}`);
    const accepted = await server.accept();
    for (let i = 0; i < 3; i += 1) await socket.send(new Uint8Array([i]));
    let seen = 0;
    for await (const message of accepted) {
      assert.deepEqual(message, new Uint8Array([seen]));
      seen += 1;
      if (seen === 2) break;
    }
    assert.equal(await accepted.closed, undefined);
    assert.equal(await socket.closed, undefined, "the caller heard the SHUTDOWN");
    await assert.rejects(socket.send(new Uint8Array([9])), { code: "ERR_SRT_CLOSED" });
  } finally {
    await server.close();
  }
});

test("await using closes a socket and a server at the end of the scope", async () => {
  let socket;
  let server;
  {
    const scope = [];
    try {
      server = (await listening()).server;
      scope.push(server);
      socket = await SrtSocket.connect(`srt://127.0.0.1:${server.address().port}`);
      scope.push(socket);
    } finally {
      // What `await using` runs, in reverse order (this file also runs on Node 18, without the syntax).
      for (const resource of scope.reverse()) await resource[asyncDispose]();
    }
  }
  assert.equal(await socket.closed, undefined);
  await server.closed;
});

/** node:dgram that can go silent as a crashed peer does: nothing more sent or handed in. */
class SilenceableTransport extends NodeUdpTransport {
  silent = false;
  send(bytes, address) {
    if (!this.silent) super.send(bytes, address);
  }
  onBatch(handler) {
    super.onBatch((batch) => this.silent || handler(batch));
  }
}

test("a socket's closed promise resolves with undefined for a clean close, the error for a lost peer", async () => {
  const clean = await listening();
  const socket = await SrtSocket.connect(`srt://127.0.0.1:${clean.port}`);
  await clean.server.accept();
  await clean.server.close();  // sends SHUTDOWN
  assert.equal(await socket.closed, undefined);

  const transport = new SilenceableTransport();
  const lost = await listening({ transport });
  const caller = await SrtSocket.connect(`srt://127.0.0.1:${lost.port}?peeridletimeo=300`);
  await lost.server.accept();
  transport.silent = true;
  const ended = await caller.closed;
  assert.equal(ended?.code, "ERR_SRT_CONNECTION_LOST");
  await lost.server.close();
});

test("internals are private: no driver, endpoint or queue is reachable, and sockets cannot be constructed", async () => {
  const { server, port } = await listening();
  try {
    const socket = await SrtSocket.connect(`srt://127.0.0.1:${port}`);
    for (const object of [socket, server]) {
      assert.deepEqual(Object.keys(object), []);
      for (const name of ["driver", "endpoint", "messages", "pending", "id"]) assert.equal(object[name], undefined, name);
    }
    assert.throws(() => new SrtSocket(), TypeError);
    assert.throws(() => new SrtServer(), TypeError);
    await socket.close({ lingerMs: 0 });
  } finally {
    await server.close();
  }
});
