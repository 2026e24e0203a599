// `websrt transmit` refuses bad input with a clear one-line error and the right exit status.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { boundUdpSocket, exitWithin, killAll, requireWebsrt, start } from "./peers.js";

after(killAll);

async function run(args, ms = 10_000) {
  const child = start(requireWebsrt(), args);
  child.stdin.end();
  const status = await exitWithin(child, ms, `websrt ${args.join(" ")}`);
  return { ...status, stderr: child.stderrText };
}

test("an unknown URI option is a usage error naming the option", async () => {
  const { code, stderr } = await run(["transmit", "srt://:9000?latncy=20", "file://con"]);
  assert.equal(code, 2);
  assert.match(stderr, /unknown SRT option 'latncy'/);
  assert.equal(stderr.trim().split("\n").length, 1);
});

test("a bad value is a usage error naming the option and the range", async () => {
  const { code, stderr } = await run(["transmit", "file://con", "srt://127.0.0.1:9000?payloadsize=2000"]);
  assert.equal(code, 2);
  assert.match(stderr, /payloadsize=2000' expects an integer in \[1, 1456\]/);
});

test("a scheme websrt does not speak is a usage error", async () => {
  const { code, stderr } = await run(["transmit", "rtmp://example/live", "file://con"]);
  assert.equal(code, 2);
  assert.match(stderr, /unsupported scheme 'rtmp'/);
});

test("an unreachable peer ends with a timeout after conntimeo", async () => {
  // Our socket holds the port and never answers the handshake.
  const silent = await boundUdpSocket();
  try {
    const started = Date.now();
    const { code, stderr } = await run(["transmit", "file://con", `srt://127.0.0.1:${silent.address().port}?conntimeo=500`]);
    assert.equal(code, 1);
    assert.match(stderr, /websrt transmit: connection timed out/);
    assert.ok(Date.now() - started < 5000);
  } finally {
    silent.close();
  }
});
