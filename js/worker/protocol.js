// What SrtWorker (main thread, js/srt_worker.js) and its worker (js/worker/worker_main.js) say to
// each other. Every message is a plain object with an `op`; payloads travel as ArrayBuffers in
// the transfer list (moved, not copied), and each side sends what one turn of its event loop
// produced as one message.
//
// main → worker
//   { op: "connect", call, uri, bridge }        bridge: a `websrt bridge` WebSocket URL, or none (UDP, Node)
//   { op: "listen", call, uri, askAccept, maxPending, maxConnections }   answered with { server, address }
//   { op: "accept", call, server }              answered with a connection as connect's, or none once closed
//   { op: "admitted", ask, code }               the accept callback's reject code (0 admits) for an "admit"
//   { op: "serverCounters", call, server }
//   { op: "closeServer", call, server }
//   { op: "send", socket, items: [{ call, data, ttl, inOrder, srcTime }] }
//   { op: "grant", socket, count }              the main thread may take `count` more messages
//   { op: "close", socket, call, lingerMs }
//   { op: "stats", socket, call, clear }
// worker → main
//   { op: "ready" } | { op: "failed", error }  once the worker has loaded the core, or could not
//   { op: "results", results: [{ call, value } | { call, error }] }
//   { op: "messages", socket, messages: [{ data, messageNumber, sequence, srcTime }] }
//   { op: "end", socket, error }                the connection ended (error: none when clean)
//   { op: "admit", server, ask, request: { streamId, peer } }   a caller for the accept callback
//   { op: "refused", server, event: { peer, streamId, rejectCode, detail } }
// Errors cross as { message, code, rejectCode }.

import { SrtError } from "../srt_error.js";

/** Messages the main thread may hold unread per socket before the worker stops forwarding. */
export const messageCredit = 1024;

export function errorToWire(error) {
  return { message: String(error?.message ?? error), code: error?.code, rejectCode: error?.rejectCode, name: error?.name };
}

export function errorFromWire(wire) {
  if (wire.name === "RangeError") return new RangeError(wire.message);
  if (wire.name === "TypeError") return new TypeError(wire.message);
  return new SrtError(wire.message, { code: wire.code ?? "ERR_SRT_TRANSPORT", rejectCode: wire.rejectCode });
}
