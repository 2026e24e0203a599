// The core's randomness where a script has no global Web Crypto (Debian's Node 18; Node 20 with
// --no-experimental-global-webcrypto): js/core.js takes node:crypto's webcrypto, and an encrypted
// stream works. Before, the module aborted on its first random number ("Aborted(randomDevice)").
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const script = `
if (globalThis.crypto !== undefined) throw new Error("this Node still has a global crypto");
const { SrtServer, SrtSocket } = await import(${JSON.stringify(new URL("../../js/index.js", import.meta.url).href)});
const server = await SrtServer.listen("srt://:0?passphrase=no-global-crypto-secret");
const caller = await SrtSocket.connect("srt://127.0.0.1:" + server.address().port + "?passphrase=no-global-crypto-secret");
const { value: accepted } = await server.next();
await caller.send(new TextEncoder().encode("hello from a Node without global crypto"));
const { value: message } = await accepted[Symbol.asyncIterator]().next();
process.stdout.write(new TextDecoder().decode(message));
await caller.close({ lingerMs: 0 });
await accepted.close({ lingerMs: 0 });
await server.close();
`;

test("without a global crypto the core takes node:crypto's Web Crypto, and an AES stream carries a message", async () => {
  // A file, not -e: an -e script sees node:crypto as a global `crypto`.
  const dir = await mkdtemp(join(tmpdir(), "websrt-no-global-crypto-"));
  const file = join(dir, "stream.mjs");
  await writeFile(file, script);
  const child = spawn(process.execPath, ["--no-experimental-global-webcrypto", file]);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => child.on("close", resolve));
  await rm(dir, { recursive: true, force: true });
  assert.equal(code, 0, stderr);
  assert.equal(stdout, "hello from a Node without global crypto");
});
