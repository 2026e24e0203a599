// The WebAssembly build's AES, the constant-time bitsliced one (src/crypto/bitsliced_aes.hpp):
// the published known answers (tests/vectors/aes-known-answers.json, which the native build's
// tests check too), and differential properties against Node's own AES (OpenSSL) over random
// keys, counters, AAD and lengths. The same algorithm is fuzzed natively against wolfCrypt
// (tests/fuzz/bitsliced_aes_fuzz.cpp); libsrt's captured packets decrypt in wasm_decrypt.test.js.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createCipheriv, randomBytes, randomInt } from "node:crypto";
import { readFile } from "node:fs/promises";

import { loadCore } from "websrt";

const vectors = JSON.parse(await readFile(new URL("../vectors/aes-known-answers.json", import.meta.url), "utf8"));
const fromHex = (hex) => Uint8Array.from(Buffer.from(hex, "hex"));
const toHex = (bytes) => Buffer.from(bytes).toString("hex");
const keySizes = [16, 24, 32];

function opensslCtr(key, counter, data) {
  return createCipheriv(`aes-${key.length * 8}-ctr`, key, counter).update(data);
}

function opensslGcm(key, iv, aad, plaintext) {
  const cipher = createCipheriv(`aes-${key.length * 8}-gcm`, key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([ciphertext, cipher.getAuthTag()]);
}

/** Random counters, often with all-ones low bytes, so that the counter carries inside a packet. */
function randomCounter() {
  const counter = randomBytes(16);
  counter.fill(0xff, 16 - randomInt(0, 17));
  return counter;
}

test("counter mode gives SP 800-38A's ciphertexts for 128-, 192- and 256-bit keys", async () => {
  const core = await loadCore();
  for (const vector of vectors.ctr) {
    const result = core.aesCtr(fromHex(vector.key), fromHex(vector.counter), fromHex(vector.plaintext));
    assert.equal(result.ok, true, result.error);
    assert.equal(toHex(result.bytes), vector.ciphertext, vector.name);
  }
});

test("GCM gives the published test cases' ciphertexts and tags, and opens them", async () => {
  const core = await loadCore();
  for (const vector of vectors.gcm) {
    const [key, iv, aad] = [fromHex(vector.key), fromHex(vector.iv), fromHex(vector.aad)];
    const sealed = core.aesGcmSeal(key, iv, aad, fromHex(vector.plaintext));
    assert.equal(sealed.ok, true, sealed.error);
    assert.equal(toHex(sealed.bytes), vector.ciphertext + vector.tag, vector.name);
    const opened = core.aesGcmOpen(key, iv, aad, sealed.bytes);
    assert.equal(opened.ok, true, opened.error);
    assert.equal(toHex(opened.bytes), vector.plaintext, vector.name);
  }
});

test("counter mode equals OpenSSL's for random keys, counters and lengths", async () => {
  const core = await loadCore();
  for (let i = 0; i < 300; ++i) {
    const key = randomBytes(keySizes[i % 3]);
    const counter = randomCounter();
    const data = randomBytes(randomInt(0, 3000));
    const result = core.aesCtr(key, counter, data);
    assert.equal(result.ok, true, result.error);
    assert.equal(toHex(result.bytes), toHex(opensslCtr(key, counter, data)),
      `key ${toHex(key)} counter ${toHex(counter)} length ${data.length}`);
  }
});

test("GCM equals OpenSSL's for random keys, IVs, AAD and lengths, and refuses any changed byte", async () => {
  const core = await loadCore();
  for (let i = 0; i < 300; ++i) {
    const key = randomBytes(keySizes[i % 3]);
    const iv = randomBytes(12);
    const aad = randomBytes(randomInt(0, 40));
    const plaintext = randomBytes(randomInt(0, 2000));
    const sealed = core.aesGcmSeal(key, iv, aad, plaintext);
    assert.equal(sealed.ok, true, sealed.error);
    const context = `key ${toHex(key)} iv ${toHex(iv)} aad ${aad.length} length ${plaintext.length}`;
    assert.equal(toHex(sealed.bytes), toHex(opensslGcm(key, iv, aad, plaintext)), context);

    const damaged = Uint8Array.from(sealed.bytes);
    damaged[randomInt(0, damaged.length)] ^= 1 << randomInt(0, 8);
    const refused = core.aesGcmOpen(key, iv, aad, damaged);
    assert.equal(refused.ok, false, context);
    assert.match(refused.error, /authentication/);
  }
});

test("bad key and IV sizes are failures, not exceptions", async () => {
  const core = await loadCore();
  assert.equal(core.aesCtr(new Uint8Array(20), new Uint8Array(16), new Uint8Array(4)).ok, false);
  assert.equal(core.aesGcmSeal(new Uint8Array(16), new Uint8Array(16), new Uint8Array(0), new Uint8Array(4)).ok, false);
  assert.equal(core.aesGcmSeal(new Uint8Array(31), new Uint8Array(12), new Uint8Array(0), new Uint8Array(4)).ok, false);
  assert.equal(core.aesGcmOpen(new Uint8Array(16), new Uint8Array(12), new Uint8Array(0), new Uint8Array(15)).ok, false);
});
