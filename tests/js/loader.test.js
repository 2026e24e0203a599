// The package entry loads the WebAssembly core in Node, and the core reports bad input as values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { loadCore } from "websrt"; // through package.json's "exports", as a user would

test("loadCore resolves to the core's functions and caches the instance", async () => {
  const core = await loadCore();
  for (const name of ["wireReencode", "wireDescribe", "pbkdf2HmacSha1", "aesCtr"]) {
    assert.equal(typeof core[name], "function", name);
  }
  assert.equal(await loadCore(), core);
});

test("a datagram shorter than the SRT header is a failure result, not a throw", async () => {
  const core = await loadCore();
  assert.deepEqual(core.wireReencode(new Uint8Array([0x80, 0x02])), {
    ok: false,
    error: "datagram truncated",
  });
  assert.deepEqual(core.wireDescribe(new Uint8Array(0)), { ok: false, error: "datagram truncated" });
});

test("a minimal data packet decodes, is named, and re-encodes to the same bytes", async () => {
  const core = await loadCore();
  const datagram = Uint8Array.from([
    0x00, 0x00, 0x00, 0x2a, 0xe0, 0x00, 0x00, 0x01, // sequence 42; PP=11 (solo), O=1, message 1
    0x00, 0x00, 0x03, 0xe8, 0x12, 0x34, 0x56, 0x78, // timestamp 1000 us, socket id
    0x68, 0x69,                                     // payload "hi"
  ]);
  assert.deepEqual(core.wireDescribe(datagram), { ok: true, kind: "data" });
  const result = core.wireReencode(datagram);
  assert.equal(result.ok, true, result.error);
  assert.deepEqual(result.bytes, datagram);
});

test("arguments of the wrong type are failure results, not throws", async () => {
  const core = await loadCore();
  const key = new Uint8Array(16);
  const iv = new Uint8Array(16);
  const cases = [
    () => core.wireReencode("not bytes"),
    () => core.wireDescribe([0, 0, 0, 0]),
    () => core.wireDescribe(),
    () => core.pbkdf2HmacSha1(42, new Uint8Array(8), 2048, 16),
    () => core.pbkdf2HmacSha1("passphrase", new Uint8Array(8), 0, 16),
    () => core.pbkdf2HmacSha1("passphrase", new Uint8Array(8), 2048, 0),
    () => core.pbkdf2HmacSha1("passphrase", new Uint8Array(8), 2048, 1e9),
    () => core.pbkdf2HmacSha1("passphrase", new Uint8Array(8), 1.5, 16),
    () => core.aesCtr(new Uint8Array(15), iv, new Uint8Array(4)),
    () => core.aesCtr(key, new Uint8Array(12), new Uint8Array(4)),
    () => core.aesCtr(key, iv, null),
  ];
  for (const call of cases) {
    const result = call();
    assert.equal(result.ok, false, `${call}`);
    assert.equal(typeof result.error, "string", `${call}`);
    assert.ok(result.error.length > 0, `${call}`);
  }
});

test("returned bytes are copies that survive wasm memory growth", async () => {
  const core = await loadCore();
  const key = Uint8Array.from({ length: 16 }, (_, i) => i);
  const iv = new Uint8Array(16);
  const first = core.aesCtr(key, iv, new Uint8Array(64));
  assert.equal(first.ok, true, first.error);
  const snapshot = Array.from(first.bytes);
  assert.equal(first.bytes.buffer.byteLength, 64, "owns its buffer, not a view into the heap");

  // 32 MiB in and out forces ALLOW_MEMORY_GROWTH, which detaches every view of the old heap.
  const big = core.aesCtr(key, iv, new Uint8Array(32 << 20));
  assert.equal(big.ok, true, big.error);
  assert.deepEqual(Array.from(big.bytes.subarray(0, 64)), snapshot, "same keystream");
  assert.deepEqual(Array.from(first.bytes), snapshot, "the earlier result is intact");
});

test("without dist/, loadCore rejects with a message naming the build command", async () => {
  // A copy of the package's js/ and package.json (its "#platform" import) with no dist/ next to it.
  const root = await mkdtemp(join(tmpdir(), "websrt-loader-"));
  try {
    await cp(new URL("../../js", import.meta.url), join(root, "js"), { recursive: true });
    await copyFile(new URL("../../package.json", import.meta.url), join(root, "package.json"));
    const { loadCore: loadMissing } = await import(pathToFileURL(join(root, "js", "core.js")).href);
    await assert.rejects(loadMissing(), /websrt: cannot load the WebAssembly core .*npm run build/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
