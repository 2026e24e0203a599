// The wasm build of the crypto adapter produces the cross-build smoke vector's bytes, the same
// ones the native build checks in tests/cpp/crypto_test.cpp (tests/vectors/crypto-smoke.json).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

import { loadCore } from "websrt";

const smoke = JSON.parse(
  await readFile(new URL("../vectors/crypto-smoke.json", import.meta.url), "utf8"),
);
const fromHex = (hex) => Uint8Array.from(Buffer.from(hex, "hex"));
const toHex = (bytes) => Buffer.from(bytes).toString("hex");

test("PBKDF2-HMAC-SHA1 derives the smoke vector's key", async () => {
  const core = await loadCore();
  const { passphrase, salt_hex, iterations, key_length, expected_hex } = smoke.pbkdf2;
  assert.equal(smoke.pbkdf2.hash, "SHA1");
  const result = core.pbkdf2HmacSha1(passphrase, fromHex(salt_hex), iterations, key_length);
  assert.equal(result.ok, true, result.error);
  assert.equal(toHex(result.bytes), expected_hex);
});

test("AES-CTR encrypts the smoke vector's plaintext, and applying it again decrypts", async () => {
  const core = await loadCore();
  const { key_hex, iv_hex, plaintext_hex, expected_hex } = smoke.aes_ctr;
  assert.equal(key_hex, smoke.pbkdf2.expected_hex, "the vector chains PBKDF2 into AES-CTR");
  const encrypted = core.aesCtr(fromHex(key_hex), fromHex(iv_hex), fromHex(plaintext_hex));
  assert.equal(encrypted.ok, true, encrypted.error);
  assert.equal(toHex(encrypted.bytes), expected_hex);

  const decrypted = core.aesCtr(fromHex(key_hex), fromHex(iv_hex), encrypted.bytes);
  assert.equal(decrypted.ok, true, decrypted.error);
  assert.equal(toHex(decrypted.bytes), plaintext_hex);
});

test("AES-CTR matches NIST SP 800-38A F.5.1 (CTR-AES128), first block", async () => {
  const core = await loadCore();
  const result = core.aesCtr(
    fromHex("2b7e151628aed2a6abf7158809cf4f3c"),
    fromHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"),
    fromHex("6bc1bee22e409f96e93d7e117393172a"),
  );
  assert.equal(result.ok, true, result.error);
  assert.equal(toHex(result.bytes), "874d6191b620e3261bef6864990db6ce");
});
