// file:///path sides of `websrt transmit`, native and Node (js/cli.js): a file sent through one
// command's caller to the other's listener arrives in a file byte for byte, both ways; a path that
// cannot be opened or created, an input that cannot be read and an output that cannot be written
// end the command with status 1 and a line naming the path.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { exitWithin, killAll, listeningPort, repoRoot, requireWebsrt, start } from "./peers.js";

const cli = join(repoRoot, "js", "cli.js");
const commands = {
  native: (args) => start(requireWebsrt(), args),
  Node: (args) => start(process.execPath, [cli, ...args]),
};

const scratch = mkdtempSync(join(tmpdir(), "websrt-transmit-file-"));
after(() => {
  killAll();
  rmSync(scratch, { recursive: true, force: true });
});

// Not a multiple of the 1316-byte payload: the last message is a short one.
const size = 5_000_000;
const payload = randomBytes(size);
const input = join(scratch, "in put.bin");  // a space: the URI carries it as %20
writeFileSync(input, payload);

// The file is read as fast as the send buffer takes it (all of it: 3800 packets of 8192), so the
// whole payload is stamped within milliseconds and leaves at maxbw; a live receiver plays each
// packet out `latency` after its stamp and the sender drops what waits longer than that, so the
// latency covers the ~125 ms at maxbw with room for a loaded machine.
const srtOptions = "latency=2000&maxbw=40000000";

for (const [senderKind, receiverKind] of [["Node", "native"], ["native", "Node"]]) {
  test(`a ${senderKind} caller sends a 5 MB file to a ${receiverKind} listener that writes it to a file, byte for byte`,
    { timeout: 30_000 }, async () => {
      const output = join(scratch, `out ${senderKind} to ${receiverKind}.bin`);
      writeFileSync(output, "left over from an earlier run, longer than nothing");  // truncated by the listener
      const receiver = commands[receiverKind](["transmit", `srt://127.0.0.1:0?mode=listener&${srtOptions}`,
        pathToFileURL(output).href]);
      const port = await listeningPort(receiver, `${receiverKind} listener`);
      const sender = commands[senderKind](["transmit", pathToFileURL(input).href,
        `srt://127.0.0.1:${port}?${srtOptions}`]);
      const sent = await exitWithin(sender, 20_000, `${senderKind} caller`);
      assert.equal(sent.code, 0, sender.stderrText);
      assert.match(sender.stderrText, /^websrt transmit: end of input, everything sent was acknowledged$/m);
      const received = await exitWithin(receiver, 10_000, `${receiverKind} listener`);
      assert.equal(received.code, 0, receiver.stderrText);
      assert.match(receiver.stderrText, /^websrt transmit: peer closed the connection$/m);
      const written = readFileSync(output);
      assert.equal(written.length, size);
      assert.ok(written.equals(payload), "the output file differs from the input file");
    });
}

/** Runs a command with empty stdin; resolves with its exit status and stderr. */
async function run(kind, args) {
  const child = commands[kind](args);
  child.stdin.end();
  const status = await exitWithin(child, 10_000, `${kind} websrt ${args.join(" ")}`);
  return { ...status, stderr: child.stderrText };
}

for (const kind of Object.keys(commands)) {
  test(`${kind}: an input file that cannot be opened or an output file that cannot be created is status 1, one line naming it`,
    { timeout: 30_000 }, async () => {
      const missing = join(scratch, "no such directory", "in.ts");
      const input = await run(kind, ["transmit", pathToFileURL(missing).href, "srt://127.0.0.1:9"]);
      assert.equal(input.code, 1, input.stderr);
      assert.equal(input.stderr, `websrt transmit: cannot open input file '${missing}': No such file or directory\n`);

      const unwritable = join(scratch, "no such directory", "out.ts");
      const output = await run(kind, ["transmit", "srt://127.0.0.1:0?mode=listener", pathToFileURL(unwritable).href]);
      assert.equal(output.code, 1, output.stderr);
      assert.equal(output.stderr, `websrt transmit: cannot create output file '${unwritable}': No such file or directory\n`);
      assert.ok(!existsSync(unwritable));
    });

  test(`${kind}: an input that fails when read (a directory) ends the caller with status 1 naming it`,
    { timeout: 30_000 }, async () => {
      const directory = join(scratch, `a directory for ${kind}`);
      mkdirSync(directory);
      const receiver = commands.native(["transmit", "srt://127.0.0.1:0?mode=listener", "file://con"]);
      const port = await listeningPort(receiver, "native listener");
      const sender = commands[kind](["transmit", pathToFileURL(directory).href, `srt://127.0.0.1:${port}`]);
      const status = await exitWithin(sender, 10_000, `${kind} caller`);
      assert.equal(status.code, 1, sender.stderrText);
      assert.ok(sender.stderrText.includes(`websrt transmit: reading file '${directory}': `), sender.stderrText);
      // The caller closed its connection: the listener hears it.
      const received = await exitWithin(receiver, 5000, "native listener");
      assert.equal(received.code, 0, receiver.stderrText);
      assert.match(receiver.stderrText, /peer closed the connection/);
    });

  test(`${kind}: an output file whose writes fail (/dev/full) ends the listener with status 1 naming it`,
    { timeout: 30_000, skip: !existsSync("/dev/full") && "no /dev/full" }, async () => {
      const receiver = commands[kind](["transmit", "srt://127.0.0.1:0?mode=listener", "file:///dev/full"]);
      const port = await listeningPort(receiver, `${kind} listener`);
      const sender = commands.native(["transmit", pathToFileURL(input).href, `srt://127.0.0.1:${port}?${srtOptions}`]);
      const status = await exitWithin(receiver, 10_000, `${kind} listener`);
      assert.equal(status.code, 1, receiver.stderrText);
      assert.match(receiver.stderrText,
        /^websrt transmit: cannot write to output file '\/dev\/full': No space left on device$/m);
      // The listener closed the connection: the caller hears it and ends.
      await exitWithin(sender, 10_000, "native caller");
    });
}
