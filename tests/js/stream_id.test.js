// js/stream_id.js: the stream ids of libsrt's access-control document, MediaMTX and SRS, read
// with each project's own documented examples, built back, and fed hostile input.
import { test } from "node:test";
import assert from "node:assert/strict";

import {
  accessControlStreamId, maxStreamIdBytes, mediamtxRequest, mediamtxStreamId, parseStreamId, srsRequest, srsStreamId,
} from "websrt";

const formats = ["access-control", "mediamtx", "plain", "invalid"];

/** mulberry32: a small seeded generator, so a failing hostile input can be replayed from its seed. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// libsrt docs/features/access-control.md, "Standard Keys", its two examples.
test("libsrt's access-control examples parse into their standard fields", () => {
  assert.deepEqual(parseStreamId("#!::u=admin,r=bluesbrothers1_hi"), {
    format: "access-control", text: "#!::u=admin,r=bluesbrothers1_hi", user: "admin", resource: "bluesbrothers1_hi",
    fields: { u: "admin", r: "bluesbrothers1_hi" }, entries: [["u", "admin"], ["r", "bluesbrothers1_hi"]],
  });
  const file = parseStreamId("#!::u=johnny,t=file,m=publish,r=results.csv");
  assert.equal(file.format, "access-control");
  assert.equal(file.user, "johnny");
  assert.equal(file.type, "file");
  assert.equal(file.mode, "publish");
  assert.equal(file.resource, "results.csv");
  assert.deepEqual(file.entries.map(([key]) => key), ["u", "t", "m", "r"]);
});

test("the builder writes libsrt's examples back exactly, in the order the fields are given", () => {
  assert.equal(accessControlStreamId({ user: "admin", resource: "bluesbrothers1_hi" }), "#!::u=admin,r=bluesbrothers1_hi");
  assert.equal(accessControlStreamId({ user: "johnny", type: "file", mode: "publish", resource: "results.csv" }),
    "#!::u=johnny,t=file,m=publish,r=results.csv");
  assert.equal(accessControlStreamId({ resource: "x", host: undefined, session: "abc" }), "#!::r=x,s=abc");
});

// libsrt test/test_listen_callback.cpp sends t=publish: `t` is open ("users may extend the use").
test("a type outside the standard three is kept, since the document lets users extend it", () => {
  const parsed = parseStreamId("#!::r=mystream,t=publish");
  assert.equal(parsed.format, "access-control");
  assert.equal(parsed.type, "publish");
  assert.equal(parsed.mode, undefined);
});

test("custom keys are kept with the standard ones, and hostile key names stay plain fields", () => {
  // MediaMTX internal/servers/srt/streamid_test.go, "issue 3701" (Blackmagic hardware).
  const text = "#!::bmd_uuid=0e1df79f-77e6-465c-b099-29a616e964f7,bmd_name=rdt-wp-003,r=test3,m=publish";
  const parsed = parseStreamId(text);
  assert.deepEqual(parsed.fields, { bmd_uuid: "0e1df79f-77e6-465c-b099-29a616e964f7", bmd_name: "rdt-wp-003", r: "test3", m: "publish" });
  assert.equal(accessControlStreamId({ bmd_uuid: "0e1df79f-77e6-465c-b099-29a616e964f7", bmd_name: "rdt-wp-003", resource: "test3", mode: "publish" }), text);

  const hostile = parseStreamId("#!::__proto__=x,constructor=y,toString=z,1=a");
  assert.equal(Object.getPrototypeOf(hostile.fields), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(hostile.fields, "__proto__").value, "x");
  assert.equal(hostile.fields.constructor, "y");
  assert.equal(hostile.user, undefined);
  // An integer-like key moves first in an object; entries keep the order sent.
  assert.deepEqual(hostile.entries.map(([key]) => key), ["__proto__", "constructor", "toString", "1"]);
});

test("values keep '=' after the first, spaces and case; an empty value is a value", () => {
  assert.equal(parseStreamId("#!::s=a=b==").session, "a=b==");
  assert.equal(parseStreamId("#!:: r = x ").fields[" r "], " x ");
  assert.equal(parseStreamId("#!::R=X").resource, undefined);
  assert.equal(parseStreamId("#!::r=").resource, "");
});

test("malformed access-control ids are invalid, with libsrt's reject code for the accept callback", () => {
  const cases = [
    ["#!::", 1400],             // no entries
    ["#!::=", 1400],            // empty key
    ["#!::=x", 1400],
    ["#!::r", 1400],            // no '='
    ["#!::r=a,", 1400],         // trailing comma: an empty entry
    ["#!::,r=a", 1400],
    ["#!::r=a,r=b", 1400],      // a duplicate could fool a callback reading the other copy
    ["#!::u=a,r=x,u=b", 1400],
    ["#!::m=write", 1405],      // SRT_REJX_BAD_MODE
    ["#!::m=Publish", 1405],    // the values are lowercase words; SRS alone lowercases them
    ["#!::m=", 1405],
    ["#!:{r=a}", 1400],         // nested form: reserved, no grammar published
    ["#!:r=a", 1400],
    ["#!", 1400],
    ["#!/bin/sh", 1400],
  ];
  for (const [text, rejectCode] of cases) {
    const parsed = parseStreamId(text);
    assert.equal(parsed.format, "invalid", text);
    assert.equal(parsed.text, text);
    assert.equal(parsed.rejectCode, rejectCode, text);
    assert.equal(typeof parsed.error, "string");
  }
});

// MediaMTX docs/3-publish/03-srt-clients.md, docs/4-read/02-srt.md, docs/2-features/06-authentication.md
// ("Provide username and password", "Provide tokens / JWTs"), and streamid_test.go / server_test.go.
test("MediaMTX's documented forms parse into action, path, credentials and query", () => {
  const cases = [
    ["publish:mystream", { action: "publish", path: "mystream" }],
    ["read:mystream", { action: "read", path: "mystream" }],
    ["publish:mystream:myuser:mypass", { action: "publish", path: "mystream", user: "myuser", password: "mypass" }],
    ["publish:mystream:user:mytoken", { action: "publish", path: "mystream", user: "user", password: "mytoken" }],
    ["publish:mypath:myquery", { action: "publish", path: "mypath", query: "myquery" }],
    ["read:mypath:myuser:mypass:myquery", { action: "read", path: "mypath", user: "myuser", password: "mypass", query: "myquery" }],
    ["publish:teststream:myuser:mypass:param=value",
      { action: "publish", path: "teststream", user: "myuser", password: "mypass", query: "param=value" }],
    // streamid_test.go "issue 5414": MediaMTX drops the suffix the StreamToStudio app appends.
    ["publish:my_path:myuser:mypass#feedbackplay", { action: "publish", path: "my_path", user: "myuser", password: "mypass" }],
  ];
  for (const [text, request] of cases) {
    assert.deepEqual(parseStreamId(text), { format: "mediamtx", text, ...request }, text);
    assert.deepEqual(mediamtxRequest(text), request, text);
  }
});

test("ids that only resemble MediaMTX's are plain", () => {
  for (const text of ["cam1", "", "publish", "publish:", "Publish:x", "write:x", "read:a:b:c:d:e", "live/livestream", "read:#feedbackplay"]) {
    assert.deepEqual(parseStreamId(text), { format: "plain", text }, text);
  }
});

// MediaMTX docs/2-features/24-srt-specific-features.md, "Standard stream ID syntax", and
// streamid_test.go "standard syntax".
test("MediaMTX reads m, r, u and s of an access-control id as action, path, user and password", () => {
  assert.deepEqual(mediamtxRequest("#!::m=publish,r=mypath,u=myuser,s=mypass"),
    { action: "publish", path: "mypath", user: "myuser", password: "mypass" });
  assert.deepEqual(mediamtxRequest("#!::u=johnny,t=file,m=publish,r=results.csv,s=mypass,h=myhost.com"),
    { action: "publish", path: "results.csv", user: "johnny", password: "mypass" });
  assert.deepEqual(mediamtxRequest("#!::r=mypath"), { action: "read", path: "mypath" });
  assert.deepEqual(mediamtxRequest("#!::r=mypath,m=request"), { action: "read", path: "mypath" });
  for (const text of ["#!::r=mypath,m=bidirectional", "#!::u=x", "#!::r=", "cam1", "#!::r"]) {
    assert.equal(mediamtxRequest(text), undefined, text);
  }
});

test("the MediaMTX builder writes its documented forms and refuses what would read differently", () => {
  assert.equal(mediamtxStreamId({ action: "publish", path: "mystream" }), "publish:mystream");
  assert.equal(mediamtxStreamId({ action: "publish", path: "mystream", user: "myuser", password: "mypass" }), "publish:mystream:myuser:mypass");
  assert.equal(mediamtxStreamId({ action: "read", path: "mypath", query: "myquery" }), "read:mypath:myquery");
  assert.equal(mediamtxStreamId({ action: "read", path: "mypath", user: "u", password: "p", query: "param=value" }), "read:mypath:u:p:param=value");
  assert.throws(() => mediamtxStreamId({ action: "play", path: "x" }), RangeError);
  assert.throws(() => mediamtxStreamId({ action: "read" }), TypeError);
  assert.throws(() => mediamtxStreamId({ action: "read", path: "" }), RangeError);
  assert.throws(() => mediamtxStreamId({ action: "read", path: "a:b" }), /: path contains ':'/);
  assert.throws(() => mediamtxStreamId({ action: "read", path: "x", user: "u" }), TypeError);
  assert.throws(() => mediamtxStreamId({ action: "read", path: "x", password: "p" }), TypeError);
  assert.throws(() => mediamtxStreamId({ action: "read", path: "x", user: "u", password: "secret:b" }),
    (error) => /password contains/.test(error.message) && !error.message.includes("secret"));  // never echoes a password
  assert.throws(() => mediamtxStreamId({ action: "read", path: "x", query: 5 }), TypeError);
  assert.throws(() => mediamtxStreamId({ action: "read", path: "x#feedbackplay" }), RangeError);
  assert.throws(() => mediamtxStreamId({ action: "publish", path: "x", user: "user", password: "t".repeat(500) }), /over SRT's limit of 512/);
  assert.throws(() => mediamtxStreamId(), RangeError);
});

// SRS doc/srt.md: "SRT URL" (with and without vhost), the HEVC example's older h=app/stream form,
// "Authentication" (secret=xxx), "SRT URL with short streamid"; then SRS's unit tests
// (trunk/src/utest/srs_utest_srt.cpp) for the query forms.
test("SRS's documented ids read as vhost, app, stream, mode and parameters", () => {
  const cases = [
    ["#!::r=live/livestream,m=publish", { app: "live", stream: "livestream", mode: "publish", params: {} }],
    ["#!::r=live/livestream,m=request", { app: "live", stream: "livestream", mode: "request", params: {} }],
    ["#!::h=srs.srt.com.cn,r=live/livestream,m=publish",
      { vhost: "srs.srt.com.cn", app: "live", stream: "livestream", mode: "publish", params: {} }],
    ["#!::h=live/livestream,m=request", { app: "live", stream: "livestream", mode: "request", params: {} }],
    ["#!::h=srs.srt.com.cn/live/livestream,m=publish",
      { vhost: "srs.srt.com.cn", app: "live", stream: "livestream", mode: "publish", params: {} }],
    ["#!::r=live/livestream,secret=xxx,m=publish", { app: "live", stream: "livestream", mode: "publish", params: { secret: "xxx" } }],
    ["#!::r=live/livestream,key1=value1,key2=value2",
      { app: "live", stream: "livestream", mode: "request", params: { key1: "value1", key2: "value2" } }],
    ["#!::h=live/livestream?secret=d6d2be37,m=publish", { app: "live", stream: "livestream", mode: "publish", params: { secret: "d6d2be37" } }],
    ["#!::r=live/livestream?key1=val1,key2=val2",
      { app: "live", stream: "livestream", mode: "request", params: { key1: "val1", key2: "val2" } }],
    ["#!::r=livestream", { app: "live", stream: "livestream", mode: "request", params: {} }],
    ["live/livestream", { app: "live", stream: "livestream", mode: "request", params: {} }],
    ["livestream", { app: "live", stream: "livestream", mode: "request", params: {} }],
  ];
  for (const [text, request] of cases) {
    assert.equal(parseStreamId(text).format, text.startsWith("#!") ? "access-control" : "plain", text);
    assert.deepEqual(srsRequest(text), request, text);
    assert.deepEqual(srsRequest(parseStreamId(text)), request, text);
  }
  // default_mode applies to the short form only; an explicit #!:: id keeps its own mode.
  assert.equal(srsRequest("live/livestream", { defaultMode: "publish" }).mode, "publish");
  assert.equal(srsRequest("#!::r=live/livestream", { defaultMode: "publish" }).mode, "request");
  assert.equal(srsRequest("cam1", { defaultApp: "studio" }).app, "studio");
  for (const text of ["#!::m=publish", "#!::r=live/x,m=bidirectional", "#!::r", "", "live/", "/x"]) {
    assert.equal(srsRequest(text), undefined, text);
  }
});

test("the SRS builder writes its documented ids", () => {
  assert.equal(srsStreamId({ app: "live", stream: "livestream", mode: "publish" }), "#!::r=live/livestream,m=publish");
  assert.equal(srsStreamId({ vhost: "srs.srt.com.cn", app: "live", stream: "livestream", mode: "request" }),
    "#!::h=srs.srt.com.cn,r=live/livestream,m=request");
  assert.equal(srsStreamId({ app: "live", stream: "livestream", params: { secret: "xxx" }, mode: "publish" }),
    "#!::r=live/livestream,secret=xxx,m=publish");
  assert.throws(() => srsStreamId({ app: "live", stream: "a?b=c" }), /'\?'/);
  assert.throws(() => srsStreamId({ app: "li/ve", stream: "x" }), RangeError);
  assert.throws(() => srsStreamId({ app: "live", stream: "x", vhost: "a/b" }), RangeError);
  assert.throws(() => srsStreamId({ app: "live", stream: "x", params: { token: "a&b" } }), RangeError);
  assert.throws(() => srsStreamId({ app: "live", stream: "x", params: { host: "y" } }), RangeError);
  assert.throws(() => srsStreamId({ app: "live", stream: "x", mode: "bidirectional" }), RangeError);
  assert.throws(() => srsStreamId({ app: "", stream: "x" }), RangeError);
  assert.throws(() => srsStreamId({ stream: "x" }), TypeError);
});

test("the access-control builder refuses what the syntax cannot carry", () => {
  const refusals = [
    [{ resource: "a,b" }, RangeError, /contains ','/],
    [{ resource: "a=b" }, RangeError, /contains '='/],
    [{ "my,key": "x" }, RangeError, /contains ','/],
    [{ "my=key": "x" }, RangeError, /contains '='/],
    [{ u: "admin" }, RangeError, /reserved/],       // standard keys go by name
    [{ x: "1" }, RangeError, /reserved/],           // every single letter is reserved
    [{ "": "1" }, RangeError, /reserved/],
    [{ mode: "push" }, RangeError, /mode "push"/],
    [{ type: "live" }, RangeError, /type "live"/],
    [{}, RangeError, /at least one field/],
    [{ resource: undefined }, RangeError, /at least one field/],
    [{ resource: "r".repeat(maxStreamIdBytes) }, RangeError, /over SRT's limit of 512/],
    [{ resource: 42 }, TypeError, /resource must be a string, not number/],
    [{ resource: null }, TypeError, /not null/],
  ];
  for (const [fields, type, message] of refusals) {
    assert.throws(() => accessControlStreamId(fields), (error) => error instanceof type && message.test(error.message), JSON.stringify(fields));
  }
  assert.throws(() => accessControlStreamId(null), TypeError);
  assert.throws(() => accessControlStreamId("r=x"), TypeError);
});

test("the 512-byte limit counts UTF-8 bytes, on parsing and on building", () => {
  const fits = "#!::r=" + "a".repeat(maxStreamIdBytes - 6);
  assert.equal(parseStreamId(fits).format, "access-control");
  assert.equal(parseStreamId(fits + "a").format, "invalid");
  // 127 four-byte characters and "#!::r=" make 514 bytes in 260 UTF-16 units.
  const emoji = "🎥".repeat(127);
  assert.equal(parseStreamId(`#!::r=${emoji}`).format, "invalid");
  assert.equal(parseStreamId(`#!::r=${"🎥".repeat(126)}`).resource, "🎥".repeat(126));
  assert.throws(() => accessControlStreamId({ resource: emoji }), /514 bytes/);
  assert.equal(parseStreamId("x".repeat(513)).format, "invalid");  // plain ids are bounded too
  assert.equal(parseStreamId(`publish:${"ü".repeat(300)}`).format, "invalid");
});

test("hostile inputs never throw and give the documented result", () => {
  const checks = [
    [",".repeat(10_000), "invalid"],                    // over 512 bytes
    ["#!::" + ",".repeat(10_000), "invalid"],
    ["#!::" + ",".repeat(100), "invalid"],               // under the limit: empty entries
    ["#!::" + "=".repeat(100), "invalid"],
    ["#!::r=" + "=".repeat(100), "access-control"],      // '=' after the first belongs to the value
    [":".repeat(100), "plain"],
    ["#!::r=\u0000,u=\uFFFD", "access-control"],
    ["#!::r=\uD800", "access-control"],                  // a lone surrogate: 3 bytes once encoded
    ["\uD83C", "plain"],
    ["x".repeat(1 << 20), "invalid"],
  ];
  for (const [text, format] of checks) assert.equal(parseStreamId(text).format, format, text.slice(0, 40));
  for (const value of [undefined, null, 42, {}, [], Symbol("id"), { toString() { throw new Error("no"); } }, 10n]) {
    const parsed = parseStreamId(value);
    assert.equal(parsed.format, "invalid");
    assert.equal(parsed.text, "");
    assert.equal(mediamtxRequest(parsed), undefined);
    assert.equal(srsRequest(parsed), undefined);
  }
});

test("random strings and random bytes never throw, and every result keeps the text it read", () => {
  const seed = Number(process.env.STREAM_ID_SEED ?? Date.now() % 1_000_000);
  const next = random(seed);
  const decoder = new TextDecoder();  // invalid UTF-8 becomes U+FFFD, as a server would see it
  const alphabet = ["#", "!", ":", ",", "=", "r", "m", "u", "h", "publish", "read", "request", "/", "?", "&", "a", "é", "🎥", "\uD800", "\u0000"];
  for (let i = 0; i < 3000; i += 1) {
    let text;
    if (i % 3 === 0) {
      text = decoder.decode(Uint8Array.from({ length: Math.floor(next() * 600) }, () => Math.floor(next() * 256)));
    } else {
      text = (i % 3 === 1 ? "#!::" : "");
      const pieces = Math.floor(next() * 40);
      for (let p = 0; p < pieces; p += 1) text += alphabet[Math.floor(next() * alphabet.length)];
    }
    const replay = `(seed ${seed}, case ${i}: STREAM_ID_SEED=${seed} replays it)`;
    const parsed = parseStreamId(text);
    assert.ok(formats.includes(parsed.format), replay);
    assert.equal(parsed.text, text, replay);
    if (parsed.format === "access-control") {
      // The entries are the whole id: nothing was dropped or invented.
      assert.equal("#!::" + parsed.entries.map(([key, value]) => `${key}=${value}`).join(","), text, replay);
    }
    mediamtxRequest(parsed);
    srsRequest(parsed);
  }
});

test("built ids parse back to the fields they were built from", () => {
  const seed = Number(process.env.STREAM_ID_SEED ?? Date.now() % 1_000_000);
  const next = random(seed);
  const safe = "abcXYZ019_-./~@+é🎥 ";  // no ',', '=', ':', '?', '&', ';'
  const word = (min) => Array.from({ length: min + Math.floor(next() * 12) }, () => [...safe][Math.floor(next() * [...safe].length)]).join("");
  const pick = (values) => values[Math.floor(next() * values.length)];
  for (let i = 0; i < 500; i += 1) {
    const replay = `(seed ${seed}, case ${i})`;
    const fields = {};
    for (const name of ["user", "resource", "host", "session"]) if (next() < 0.6) fields[name] = word(0);
    if (next() < 0.5) fields.mode = pick(["request", "publish", "bidirectional"]);
    if (next() < 0.5) fields.type = pick(["stream", "file", "auth"]);
    if (next() < 0.5) fields[`user_${word(1).replace(/[^a-z]/g, "x")}`] = word(0);
    if (Object.keys(fields).length === 0) fields.resource = "x";
    const parsed = parseStreamId(accessControlStreamId(fields));
    assert.equal(parsed.format, "access-control", replay);
    for (const [name, value] of Object.entries(fields)) {
      assert.equal(parsed[name] ?? parsed.fields[name], value, `${name} ${replay}`);
    }

    const request = { action: pick(["publish", "read"]), path: word(1) };
    if (next() < 0.5) Object.assign(request, { user: word(0), password: word(0) });
    if (next() < 0.5) request.query = word(0);
    assert.deepEqual(mediamtxRequest(mediamtxStreamId(request)), request, replay);

    const srs = { app: word(1).replaceAll("/", "_"), stream: word(1), mode: pick(["publish", "request"]), params: {} };
    if (next() < 0.5) srs.vhost = word(1).replaceAll("/", "_");
    if (next() < 0.5) srs.params.secret = word(0);
    const read = srsRequest(srsStreamId(srs));
    assert.deepEqual(read, srs, replay);
  }
});
