// websrt's entry for Node (package.json "exports", condition "node"): the browser entry's API and
// NodeUdpTransport, the transport SrtSocket and SrtServer use there by default.
export * from "./index.browser.js";
export { NodeUdpTransport } from "./udp_transport.js";
