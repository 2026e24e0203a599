// `websrt transmit` for Node run in-process (runTransmitCommand returns its exit status instead
// of exiting): usage errors, a transfer from an SrtSocket through the command to UDP, a refused
// caller, and an interrupted listener. Ports come from binding port 0, on loopback addresses of
// their own (127.0.0.7, .8): other test files running at once bind 0.0.0.0 with SO_REUSEADDR, and
// a more specific address keeps our datagrams ours. The tests wait for lines and datagrams, never
// for a guessed time; a timeout only turns a hang into a failure.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { once } from "node:events";

import { SrtSocket } from "websrt";
import { runTransmitCommand } from "../../js/transmit/command.js";

/** A writable that keeps lines and resolves waiters when one matches. */
function lineSink() {
  const lines = [];
  const waiters = [];
  return {
    lines,
    write(text) {
      for (const line of String(text).split("\n").filter(Boolean)) {
        lines.push(line);
        for (const waiter of [...waiters]) {
          const match = waiter.pattern.exec(line);
          if (match) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(match);
          }
        }
      }
      return true;
    },
    /** The first line (already written or to come) that matches `pattern`. */
    waitFor(pattern) {
      for (const line of lines) {
        const match = pattern.exec(line);
        if (match) return Promise.resolve(match);
      }
      return new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
  };
}

async function udpReceiver() {
  const socket = createSocket("udp4");
  socket.bind(0, "127.0.0.8");
  await once(socket, "listening");
  return socket;
}

test("usage errors and bad URIs return status 2 with one line, help returns 0", async () => {
  const cases = [
    [["srt://:9000"], /output is required/],
    [["--bogus", "srt://:9000", "file://con"], /unknown option '--bogus'/],
    [["srt://:9000?latency=fast", "file://con"], /bad input URI: .*latency/],
    [["udp://:9000", "file://con"], /exactly one side must be srt:\/\//],
    [["--stats-format", "xml", "srt://:9000", "file://con"], /--stats-format must be json or text/],
    // libsrt would read file://dir/x.ts as /x.ts: refused rather than guessed.
    [["file://dir/x.ts", "srt://:9000"], /bad input URI: .*file:\/\/\/\.\/relative\/path/],
    [["srt://:9000", "file:///tmp/x%00.ts"], /bad output URI: a NUL byte/],
  ];
  for (const [args, pattern] of cases) {
    const stderr = lineSink();
    assert.equal(await runTransmitCommand(args, { stderr }), 2, args.join(" "));
    assert.equal(stderr.lines.length, 1);
    assert.match(stderr.lines[0], pattern);
  }
  const stdout = lineSink();
  assert.equal(await runTransmitCommand(["--help"], { stdout }), 0);
  assert.match(stdout.lines[0], /like srt-live-transmit/);
});

test("a listener hands what an SrtSocket sends to UDP and ends with 0 when the peer closes", { timeout: 60_000 }, async () => {
  const output = await udpReceiver();
  const received = [];
  const allArrived = new Promise((resolve) =>
    output.on("message", (datagram) => {
      received.push(datagram);
      if (received.length === 20) resolve();
    }));
  const stderr = lineSink();
  const status = runTransmitCommand(["--stats-every", "100000", "srt://127.0.0.7:0?mode=listener", `udp://127.0.0.8:${output.address().port}`], { stderr });
  const [, port] = await stderr.waitFor(/listening on srt:\/\/.*:(\d+)$/);
  const socket = await SrtSocket.connect(`srt://127.0.0.7:${port}?streamid=in-process`);
  await stderr.waitFor(/accepted .* stream id 'in-process'/);
  for (let i = 0; i < 20; i += 1) await socket.send(new Uint8Array(188).fill(i));
  await allArrived;
  assert.deepEqual(received.map((d) => d[0]), [...Array(20).keys()]);
  const { unacknowledged } = await socket.close();
  assert.equal(unacknowledged, 0);
  assert.equal(await status, 0);
  assert.match(stderr.lines.at(-1), /peer closed the connection/);
  // The final statistics line is the core's formatter's: one JSON object with libsrt's names.
  const stats = JSON.parse(stderr.lines.find((line) => line.startsWith("{")));
  assert.equal(stats.pktRecvTotal >= 20, true);
  output.close();
});

test("a caller with the refused stream id gets 1403 and the listener stays up until interrupted", { timeout: 60_000 }, async () => {
  const stderr = lineSink();
  const stop = new AbortController();
  const status = runTransmitCommand(["--reject-streamid", "nope", "srt://127.0.0.7:0?mode=listener", "udp://127.0.0.8:9"], {
    stderr,
    signal: stop.signal,
  });
  const [, port] = await stderr.waitFor(/listening on srt:\/\/.*:(\d+)$/);
  await assert.rejects(SrtSocket.connect(`srt://127.0.0.7:${port}?streamid=nope`), (e) => e.rejectCode === 1403);
  await stderr.waitFor(/reject code 1403/);
  stop.abort();
  assert.equal(await status, 0);
  assert.match(stderr.lines.at(-1), /interrupted/);
});
