// The worker of SrtWorker (js/srt_worker.js): runs the WebAssembly core, its sockets and their
// transport (a WebSocket to `websrt bridge`, or UDP in Node) off the main thread, so that a
// page's rendering and its player do not compete with the protocol's timers. It answers the
// requests of js/worker/protocol.js and forwards what arrives, in batches, within the credit the
// main thread grants.
import { loadModule } from "../core.js";
import { nextTask } from "../next_task.js";
import { SrtError } from "../srt_error.js";
import { SrtSocket } from "../srt_socket.js";
import { SrtServer } from "../srt_server.js";
import { rejectForbidden } from "../accept_queue.js";
import { WebSocketTransport } from "../websocket_transport.js";
import { workerPort } from "#worker-threads";
import { errorToWire, messageCredit } from "./protocol.js";

const port = workerPort();
const sockets = new Map();  // id → { socket, credit, wake, sending }
let nextSocket = 1;
const servers = new Map();  // id → SrtServer
let nextServer = 1;
const asks = new Map();     // ask id → { server, resolve }: accept questions put to the main thread
let nextAsk = 1;

/** Replies and forwarded messages leave once per turn, each kind as one message. */
let results = [];
const forwarded = new Map();  // socket id → messages
let flushScheduled = false;

function flush() {
  flushScheduled = false;
  if (results.length) port.post({ op: "results", results });
  results = [];
  for (const [socket, messages] of forwarded) {
    port.post({ op: "messages", socket, messages }, messages.map((m) => m.data));
  }
  forwarded.clear();
}

function later() {
  if (!flushScheduled) {
    flushScheduled = true;
    nextTask(flush);
  }
}

function reply(call, outcome) {
  results.push({ call, ...outcome });
  later();
}

async function answer(call, work) {
  try {
    reply(call, { value: await work() });
  } catch (error) {
    reply(call, { error: errorToWire(error) });
  }
}

/** Reads the socket while the main thread has credit, forwarding each message's own buffer. */
async function pump(id, entry) {
  let error;
  try {
    for (;;) {
      while (entry.credit === 0) await new Promise((resolve) => (entry.wake = resolve));
      const message = await entry.socket.readMessage();
      if (message === undefined) break;
      entry.credit -= 1;
      // data is a fresh copy out of wasm memory (its buffer is its own): moved, not copied.
      const batch = forwarded.get(id) ?? [];
      if (batch.push({ ...message, data: message.data.buffer }) === 1) forwarded.set(id, batch);
      later();
    }
  } catch (failure) {
    error = errorToWire(failure);
  }
  flush();  // what arrived before the end goes first
  sockets.delete(id);
  port.post({ op: "end", socket: id, error });
}

/** A connection (connected or accepted) under an id of this worker, forwarded as it reads. */
function adopt(socket) {
  const id = nextSocket++;
  const entry = { socket, credit: messageCredit, wake: undefined, sending: Promise.resolve() };
  sockets.set(id, entry);
  pump(id, entry);
  return { socket: id, peer: socket.peer, streamId: socket.streamId };
}

/** The main thread's accept callback, asked for one caller: a promise of its reject code. */
function askMain(server, { streamId, peer }) {
  return new Promise((resolve) => {
    const ask = nextAsk++;
    asks.set(ask, { server, resolve });
    port.post({ op: "admit", server, ask, request: { streamId, peer } });
  });
}

const handlers = {
  connect({ call, uri, bridge }) {
    answer(call, async () => {
      const transport = bridge ? new WebSocketTransport(bridge) : undefined;
      return adopt(await SrtSocket.connect(uri, { transport }));
    });
  },
  listen({ call, uri, askAccept, maxPending, maxConnections }) {
    answer(call, async () => {
      const id = nextServer++;
      const server = await SrtServer.listen(uri, {
        accept: askAccept ? (request) => askMain(id, request) : undefined,
        onRefused: ({ peer, streamId, rejectCode, detail }) =>
          port.post({ op: "refused", server: id, event: { peer, streamId, rejectCode, detail } }),
        maxPending,
        maxConnections,
      });
      servers.set(id, server);
      return { server: id, address: server.address() };
    });
  },
  accept({ call, server }) {
    answer(call, async () => {
      const socket = await servers.get(server)?.accept();
      return socket ? adopt(socket) : undefined;
    });
  },
  admitted({ ask, code }) {
    asks.get(ask)?.resolve(code);
    asks.delete(ask);
  },
  serverCounters({ call, server }) {
    answer(call, async () => servers.get(server)?.counters);
  },
  closeServer({ call, server }) {
    const closing = servers.get(server);
    servers.delete(server);
    for (const [ask, question] of asks) {
      if (question.server !== server) continue;
      question.resolve(rejectForbidden);
      asks.delete(ask);
    }
    answer(call, async () => {
      await closing?.close();
    });
  },
  send({ socket, items }) {
    const entry = sockets.get(socket);
    if (!entry) {
      for (const { call } of items) reply(call, { error: errorToWire(new SrtError("socket is closed", { code: "ERR_SRT_CLOSED" })) });
      return;
    }
    // In order, batch after batch: each message waits for room in the send buffer.
    entry.sending = entry.sending.then(async () => {
      for (const { call, data, ttl, inOrder, srcTime } of items) {
        await answer(call, () => entry.socket.send(new Uint8Array(data), { ttl, inOrder, srcTime }));
      }
    });
  },
  grant({ socket, count }) {
    const entry = sockets.get(socket);
    if (!entry) return;
    entry.credit += count;
    entry.wake?.();
    entry.wake = undefined;
  },
  close({ socket, call, lingerMs }) {
    const entry = sockets.get(socket);
    // After the messages sent before it have gone into the core.
    answer(call, async () => (entry ? entry.sending.then(() => entry.socket.close({ lingerMs })) : { unacknowledged: 0 }));
  },
  stats({ socket, call, clear }) {
    const entry = sockets.get(socket);
    answer(call, async () => entry?.socket.stats(clear));
  },
};

port.listen((message) => handlers[message?.op]?.(message));
// No top-level await: bundlers build workers as classic scripts by default (Vite's "iife").
loadModule().then(
  () => port.post({ op: "ready" }),
  (error) => port.post({ op: "failed", error: errorToWire(error) }),
);
