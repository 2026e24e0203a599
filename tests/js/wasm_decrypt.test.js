// The WebAssembly build's key material and payload cipher (the core's own code) decrypt the
// AES-CTR packets srt-live-transmit sent in the captures (tests/vectors/slt-crypt16.txt and
// slt-crypt32.txt) to the bytes its feeder wrote, as tests/cpp/key_material_test.cpp checks for
// the native build; a wrong passphrase is reported, never garbage.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";

import { loadCore } from "websrt";

const passphrase = "websrt-golden-secret";

/** The capture's datagrams in order, as bytes. */
async function capture(name) {
  const text = await readFile(new URL(`../vectors/${name}`, import.meta.url), "utf8");
  return text.split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"))
    .map((l) => Uint8Array.from(Buffer.from(l.split(/\s+/)[1], "hex")));
}

const isData = (d) => (d[0] & 0x80) === 0;
const keyFlags = (d) => (d[4] >> 3) & 3;
/** A datagram carrying key material: the conclusion handshake with KMREQ, or an in-band KMREQ. */
const isKeyMaterial = (d) => !isData(d) && (d.length > 64 || (((d[0] & 0x7f) << 8 | d[1]) === 0x7fff && d[3] === 3));

/** The feeder's chunks: seven 188-byte TS-like packets, 0x47 then one repeated byte each. */
function looksLikeTheFedFiller(payload) {
  if (payload.length !== 1316) return false;
  for (let ts = 0; ts < 7; ++ts) {
    const p = payload.subarray(ts * 188, ts * 188 + 188);
    if (p[0] !== 0x47 || !p.subarray(2).every((b) => b === p[1])) return false;
  }
  return true;
}

for (const name of ["slt-crypt16.txt", "slt-crypt32.txt"]) {
  test(`libsrt's packets in ${name} decrypt with the latest key material before them`, async () => {
    const core = await loadCore();
    const datagrams = await capture(name);
    let km;
    let decrypted = 0;
    for (const d of datagrams) {
      if (isKeyMaterial(d) && d.length > 64) km = d;
      if (!isData(d) || keyFlags(d) === 0 || !km) continue;
      const result = core.srtDecrypt(passphrase, km, d);
      assert.equal(result.ok, true, result.error);
      assert.ok(looksLikeTheFedFiller(result.bytes), "a packet did not decrypt to the fed bytes");
      decrypted += 1;
    }
    assert.ok(decrypted >= 8, `only ${decrypted} packets decrypted`);
  });
}

test("a wrong passphrase is reported as a bad secret", async () => {
  const core = await loadCore();
  const datagrams = await capture("slt-crypt16.txt");
  const km = datagrams.find((d) => isKeyMaterial(d) && d.length > 64);
  const data = datagrams.find((d) => isData(d) && keyFlags(d) !== 0);
  const result = core.srtDecrypt("not-the-golden-secret", km, data);
  assert.equal(result.ok, false);
  assert.match(result.error, /bad secret/);
});
