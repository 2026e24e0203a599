// Every datagram captured from libsrt (tests/vectors/*.txt) re-encodes to identical bytes through
// the WebAssembly build, as tests/cpp/vectors_test.cpp checks for the native one. File format:
// one datagram per line, "c>l <hex>" (caller to listener) or "l>c <hex>"; '#' starts a comment
// line; blank lines are ignored.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";

import { loadCore } from "websrt";

const vectorsDir = new URL("../vectors/", import.meta.url);

async function loadVectorSet() {
  const files = (await readdir(vectorsDir)).filter((name) => name.endsWith(".txt")).sort();
  const datagrams = [];
  const malformed = [];
  for (const file of files) {
    const lines = (await readFile(new URL(file, vectorsDir), "utf8")).split("\n");
    lines.forEach((raw, index) => {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) return;
      const where = `${file}:${index + 1}`;
      const match = /^(c>l|l>c)[ \t]+([0-9a-fA-F\s]+)$/.exec(line);
      const hex = match?.[2].replace(/\s+/g, "");
      if (!match || hex.length === 0 || hex.length % 2 !== 0) {
        malformed.push(`${where}: expected "c>l <hex>" or "l>c <hex>"`);
        return;
      }
      datagrams.push({ where: `${where} (${match[1]})`, bytes: Uint8Array.from(Buffer.from(hex, "hex")) });
    });
  }
  return { files, datagrams, malformed };
}

const vectorSet = await loadVectorSet();

test("vector files exist and every line is well formed", () => {
  assert.ok(
    vectorSet.files.length > 0,
    `no *.txt vector files in ${vectorsDir.pathname}: the libsrt captures are missing ` +
      "(captured from srt-live-transmit, see tests/vectors/README.md; this test fails until they are committed)",
  );
  assert.ok(vectorSet.datagrams.length > 0, "the vector files hold no datagrams");
  assert.deepEqual(vectorSet.malformed, []);
});

test("every captured datagram decodes and re-encodes to identical bytes via wasm", async (t) => {
  assert.ok(vectorSet.datagrams.length > 0, `no captured datagrams in ${vectorsDir.pathname}`);
  const core = await loadCore();
  const problems = [];
  const kinds = new Map();
  for (const { where, bytes } of vectorSet.datagrams) {
    const described = core.wireDescribe(bytes);
    if (!described.ok) {
      problems.push(`${where}: decode failed: ${described.error}`);
      continue;
    }
    kinds.set(described.kind, (kinds.get(described.kind) ?? 0) + 1);
    const result = core.wireReencode(bytes);
    if (!result.ok) {
      problems.push(`${where}: ${described.kind}: re-encode failed: ${result.error}`);
    } else if (Buffer.compare(result.bytes, bytes) !== 0) {
      problems.push(`${where}: ${described.kind}: re-encoding differs, ${firstDifference(result.bytes, bytes)}`);
    }
  }
  t.diagnostic(`${vectorSet.datagrams.length} datagrams in ${vectorSet.files.length} files: ` +
    [...kinds].map(([kind, count]) => `${kind} ${count}`).join(", "));
  assert.deepEqual(problems, []);
});

function firstDifference(actual, expected) {
  const length = Math.min(actual.length, expected.length);
  for (let i = 0; i < length; ++i) {
    if (actual[i] !== expected[i]) {
      return `first at byte ${i}: got 0x${actual[i].toString(16)}, want 0x${expected[i].toString(16)}`;
    }
  }
  return `lengths differ: got ${actual.length} bytes, want ${expected.length}`;
}
