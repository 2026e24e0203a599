// websrt's public ES module entry. For now it exposes the WebAssembly core's codec and crypto
// functions (loadCore); the socket API (SrtSocket, SrtServer) will be exported from here too.
export { loadCore } from "./core.js";
