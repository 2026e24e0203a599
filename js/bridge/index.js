// `websrt/bridge` (Node only): the WebSocket-to-UDP relay a page's SRT core needs, with the native
// `websrt bridge`'s policy. See bridge.js.
export { SrtBridge, createBridge } from "./bridge.js";
