// The Node `websrt transmit` (js/cli.js) against the native one and srt-live-transmit: 20 MB of
// random bytes each way, compared byte for byte; a wrong passphrase refused by libsrt; usage
// errors with the native command's messages and exit statuses; SIGINT ends cleanly.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import {
  collect, exitWithin, feed, killAll, lastStats, listeningPort, repoRoot, requireWebsrt, reservedUdpPort, start,
  stderrMatches, udpPortBound,
} from "./peers.js";

const cli = join(repoRoot, "js", "cli.js");

/** The Node CLI as a child process, with the peers.js plumbing (kept stderr, killed by killAll). */
const startNodeCli = (args) => start(process.execPath, [cli, ...args]);

// Not a multiple of the 1316-byte payload: the last message is a short one.
const size = 20_000_000;
const payload = randomBytes(size);
const payloadHash = createHash("sha256").update(payload).digest("hex");
// A live sender is fed in real time; 8 MB/s keeps a loaded 2-core machine well ahead, and maxbw
// leaves the sender room for bursts.
const rate = 8_000_000;
const maxbw = 40_000_000;
const secret = "websrt-interop-secret";

after(killAll);

test("a Node CLI caller sends 20 MB byte for byte to a native websrt listener", { timeout: 20_000 }, async () => {
  const receiver = start(requireWebsrt(), ["transmit", "srt://:0?mode=listener", "file://con"]);
  const received = collect(receiver, size);
  const port = await listeningPort(receiver, "native websrt listener");
  const sender = startNodeCli(["transmit", "--stats-every", "1000", "file://con", `srt://127.0.0.1:${port}?maxbw=${maxbw}`]);
  await stderrMatches(sender, /websrt transmit: connected to 127\.0\.0\.1:/, 5000, "Node CLI caller");
  await feed(sender.stdin, payload, rate);
  sender.stdin.end();
  const sent = await exitWithin(sender, 10_000, "Node CLI caller");
  assert.equal(sent.code, 0, sender.stderrText.slice(-2000));
  assert.match(sender.stderrText, /^websrt transmit: end of input, everything sent was acknowledged$/m);
  const status = await exitWithin(receiver, 5000, "native websrt listener");
  assert.equal(status.code, 0, receiver.stderrText.slice(-2000));
  assert.match(receiver.stderrText, /peer closed the connection/);
  assert.equal(received.bytes, size);
  assert.equal(received.hash.digest("hex"), payloadHash);
  // The last statistics line is the native command's JSON, by libsrt's names.
  assert.equal(lastStats(sender).pktSentUniqueTotal, Math.ceil(size / 1316));
});

test("a native websrt caller sends 20 MB byte for byte to a Node CLI listener", { timeout: 20_000 }, async () => {
  const receiver = startNodeCli(["transmit", "--stats-every", "1000", "srt://:0?mode=listener", "file://con"]);
  const received = collect(receiver, size);
  const port = await listeningPort(receiver, "Node CLI listener");
  assert.match(receiver.stderrText, new RegExp(`^websrt transmit: listening on srt://0\\.0\\.0\\.0:${port}$`, "m"));
  const sender = start(requireWebsrt(), ["transmit", "file://con", `srt://127.0.0.1:${port}?maxbw=${maxbw}`]);
  await stderrMatches(sender, /connected to/, 5000, "native websrt caller");
  await stderrMatches(receiver, /^websrt transmit: accepted 127\.0\.0\.1:\d+$/m, 5000, "Node CLI listener accepting");
  await feed(sender.stdin, payload, rate);
  sender.stdin.end();
  const sent = await exitWithin(sender, 10_000, "native websrt caller");
  assert.equal(sent.code, 0, sender.stderrText.slice(-2000));
  const status = await exitWithin(receiver, 5000, "Node CLI listener");
  assert.equal(status.code, 0, receiver.stderrText.slice(-2000));
  assert.match(receiver.stderrText, /^websrt transmit: peer closed the connection$/m);
  assert.equal(received.bytes, size);
  assert.equal(received.hash.digest("hex"), payloadHash);
  assert.equal(lastStats(receiver).pktRecvUniqueTotal, Math.ceil(size / 1316));
});

test("a wrong passphrase from the Node CLI is refused by srt-live-transmit: one line, exit status 1", { timeout: 20_000 }, async () => {
  const port = await reservedUdpPort();
  const listener = start("srt-live-transmit", [`srt://:${port}?mode=listener&passphrase=${secret}`, "file://con"]);
  await udpPortBound(port, 5000, listener);
  const caller = startNodeCli(["transmit", "file://con", `srt://127.0.0.1:${port}?passphrase=not-the-secret-at-all`]);
  const status = await exitWithin(caller, 10_000, "Node CLI caller");
  assert.equal(status.code, 1, caller.stderrText);
  assert.match(caller.stderrText, /^websrt transmit: connection rejected: incorrect passphrase$/m);
  assert.doesNotMatch(caller.stderrText, /not-the-secret|websrt-interop/, "no passphrase is logged");
  listener.kill("SIGINT");
});

/** Runs the Node CLI with empty input; resolves with its exit status and stderr. */
async function run(args) {
  const child = startNodeCli(args);
  child.stdin.end();
  const status = await exitWithin(child, 10_000, `node js/cli.js ${args.join(" ")}`);
  return { ...status, stderr: child.stderrText };
}

test("usage errors exit with status 2 and one line naming the problem, as the native command", { timeout: 20_000 }, async () => {
  const cases = [
    [["transmit", "srt://:9000?latncy=20", "file://con"], /^websrt transmit: bad input URI: unknown SRT option 'latncy'/],
    [["transmit", "file://con", "srt://127.0.0.1:9000?payloadsize=2000"], /payloadsize=2000' expects an integer in \[1, 1456\]/],
    [["transmit", "rtmp://example/live", "file://con"], /unsupported scheme 'rtmp'/],
    [["transmit", "file://con", "udp://127.0.0.1:9000"], /exactly one side must be srt:\/\//],
    [["transmit", "--bogus", "srt://:9000", "file://con"], /^websrt transmit: unknown option '--bogus'/],
    [["transmit", "--stats-format", "xml", "srt://:9000", "file://con"], /--stats-format must be json or text/],
    [["transmit", "srt://:9000"], /output is required/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await run(args);
    assert.equal(code, 2, `${args.join(" ")}: ${stderr}`);
    assert.match(stderr, message);
    assert.equal(stderr.trim().split("\n").length, 1, stderr);
  }
  const help = await run(["transmit", "--help"]);
  assert.equal(help.code, 0);
});

test("SIGINT stops a waiting Node CLI listener with exit status 0", { timeout: 20_000 }, async () => {
  const listener = startNodeCli(["transmit", "srt://:0?mode=listener", "file://con"]);
  await listeningPort(listener, "Node CLI listener");
  listener.kill("SIGINT");
  const status = await exitWithin(listener, 5000, "Node CLI listener");
  assert.equal(status.code, 0, listener.stderrText);
  assert.match(listener.stderrText, /^websrt transmit: interrupted$/m);
});
