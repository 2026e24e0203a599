// The native bridge's suite (bridge.test.js) run against the Node bridge, `websrt bridge` from the
// package (js/bridge/): SRT through it to srt-live-transmit both ways, and every refusal, limit
// and log line the native bridge is held to. The two bridges share their policy code (the native
// one compiled into the wasm core); this proves they also answer alike.
process.env.WEBSRT_BRIDGE = "node";
await import("./bridge.test.js");
