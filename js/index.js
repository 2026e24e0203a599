// websrt's public ES module entry: the socket API over the WebAssembly core, the transports, and
// the core's codec and crypto functions.
export { loadCore } from "./core.js";
export { SrtError, SrtSocket } from "./srt_socket.js";
export { SrtServer } from "./srt_server.js";
export { checkSrtUri, parseSrtUri } from "./srt_uri.js";
export { NodeUdpTransport } from "./udp_transport.js";
export { WebSocketTransport } from "./websocket_transport.js";
export {
  accessControlStreamId, maxStreamIdBytes, mediamtxRequest, mediamtxStreamId, parseStreamId, srsRequest, srsStreamId,
} from "./stream_id.js";
