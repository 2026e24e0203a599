// Listeners whose accept callback answers later (a promise), on the main thread (SrtServer) and
// in a worker (SrtWorker.listen, whose callbacks run here): the caller is answered when it
// repeats its handshake, with the answer's admission or reject code; callers waiting for an
// answer are bounded; a callback that throws or rejects refuses and is reported.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";

import { SrtServer, SrtSocket } from "websrt";
import { SrtWorker } from "websrt/worker";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A promise and the function that settles it. */
function deferred() {
  let resolve;
  const promise = new Promise((r) => (resolve = r));
  return { promise, resolve };
}

let worker;
after(() => worker?.terminate());

const listeners = {
  "SrtServer": (uri, options) => SrtServer.listen(uri, options),
  "SrtWorker.listen": async (uri, options) => {
    worker ??= await SrtWorker.start();
    return worker.listen(uri, options);
  },
};
/** Counters, whichever the listener: SrtServer's getter or the worker's promise. */
const countersOf = async (server) => (typeof server.counters === "function" ? server.counters() : server.counters);

for (const [name, listen] of Object.entries(listeners)) {
  describe(`${name} with an asynchronous accept`, () => {
    test("admits the caller once the promise resolves, and messages cross both ways", async () => {
      const answer = deferred();
      const asked = [];
      const server = await listen("srt://127.0.0.1:0?mode=listener", {
        accept: (request) => {
          asked.push(request.streamId);
          return answer.promise;
        },
      });
      try {
        const connecting = SrtSocket.connect(`srt://127.0.0.1:${server.address().port}?streamid=cam1`);
        const accepting = server.accept();
        while (asked.length === 0) await sleep(5);
        answer.resolve(true);
        const [socket, accepted] = await Promise.all([connecting, accepting]);
        assert.equal(accepted.streamId, "cam1");
        assert.deepEqual(asked, ["cam1"], "asked once, though the caller repeated its handshake");
        await socket.send(new Uint8Array([1, 2, 3]));
        assert.deepEqual(await accepted.read(), new Uint8Array([1, 2, 3]));
        await accepted.send(new Uint8Array([4]));
        assert.deepEqual(await socket.read(), new Uint8Array([4]));
        assert.ok((await countersOf(server)).deferred >= 1);
        await socket.close({ lingerMs: 0 });
      } finally {
        await server.close();
      }
    });

    test("refuses with the reject code the promise gives, and onRefused hears of it", async () => {
      const refused = [];
      const server = await listen("srt://127.0.0.1:0?mode=listener", {
        accept: async ({ parsedStreamId }) => (parsedStreamId.resource === "open" ? true : 2404),
        onRefused: (event) => refused.push(event),
      });
      try {
        await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${server.address().port}?streamid=%23!::r=closed`),
          (error) => error.code === "ERR_SRT_REJECTED" && error.rejectCode === 2404);
        const socket = await SrtSocket.connect(`srt://127.0.0.1:${server.address().port}?streamid=%23!::r=open`);
        assert.equal((await server.accept()).streamId, "#!::r=open");
        await socket.close({ lingerMs: 0 });
        while (refused.length === 0) await sleep(5);
        assert.equal(refused[0].rejectCode, 2404);
      } finally {
        await server.close();
      }
    });

    test("a promise that rejects refuses with 1403, and its error goes to onError", async () => {
      const errors = [];
      const server = await listen("srt://127.0.0.1:0?mode=listener", {
        accept: async () => {
          throw new Error("the lookup failed");
        },
        onError: (error) => errors.push(error),
      });
      try {
        await assert.rejects(SrtSocket.connect(`srt://127.0.0.1:${server.address().port}`),
          (error) => error.code === "ERR_SRT_REJECTED" && error.rejectCode === 1403);
        assert.equal(errors.length, 1);
        assert.equal(errors[0].code, "ERR_SRT_CALLBACK");
        assert.equal(errors[0].cause.message, "the lookup failed");
        assert.equal((await countersOf(server)).callbackErrors, 1);
      } finally {
        await server.close();
      }
    });

    test("callers beyond maxPending waiting for an answer are refused with SRT_REJ_BACKLOG", async () => {
      const never = new Promise(() => {});
      const server = await listen("srt://127.0.0.1:0?mode=listener", { accept: () => never, maxPending: 1 });
      try {
        const port = server.address().port;
        const waiting = SrtSocket.connect(`srt://127.0.0.1:${port}?streamid=first&conntimeo=1000`);
        await assert.rejects(
          (async () => {
            while ((await countersOf(server)).deferred === 0) await sleep(5);
            return SrtSocket.connect(`srt://127.0.0.1:${port}?streamid=second`);
          })(),
          (error) => error.code === "ERR_SRT_REJECTED" && error.rejectCode === 5);
        assert.equal((await countersOf(server)).refusedUndecided, 1);
        // The first caller, never answered, times out as a caller with no listener does.
        await assert.rejects(waiting, (error) => error.code === "ERR_SRT_TIMEOUT");
      } finally {
        await server.close();
      }
    });
  });
}

test("a worker's server closes its accepted connections and ends accept() and for await", async () => {
  worker ??= await SrtWorker.start();
  const server = await worker.listen("srt://127.0.0.1:0?mode=listener");
  const socket = await SrtSocket.connect(`srt://127.0.0.1:${server.address().port}`);
  const accepted = await server.accept();
  const waiting = server.accept();
  await server.close();
  assert.equal(await waiting, undefined);
  assert.equal(await accepted.closed, undefined);
  assert.equal(await socket.read(), undefined, "the caller heard the SHUTDOWN");
  for await (const unexpected of server) assert.fail(`accepted ${unexpected.streamId} after close`);
  assert.equal(await server.counters(), undefined);
});
