// websrt's entry for browsers, workers and bundlers (package.json "exports": every condition but
// "node"): the socket API over the WebAssembly core, the WebSocket transport to `websrt bridge`,
// and the core's codec and crypto functions. Nothing in its module graph imports node:.
export { loadCore } from "./core.js";
export { systemClock } from "./clock.js";
export { SrtError, SrtSocket } from "./srt_socket.js";
export { SrtServer } from "./srt_server.js";
export { checkSrtUri, parseSrtUri } from "./srt_uri.js";
export { WebSocketTransport } from "./websocket_transport.js";
export {
  accessControlStreamId, maxStreamIdBytes, mediamtxRequest, mediamtxStreamId, parseStreamId, srsRequest, srsStreamId,
} from "./stream_id.js";
