// Issue 12 case 6 (handshake side): 10^4 conclusions with a valid cookie and a well-formed KMREQ
// carrying a random salt and random "wrapped" keys, to a listener with a passphrase. Telling such
// a KMREQ from a real one needs the KEK: PBKDF2-HMAC-SHA1 with 2048 iterations per conclusion
// unless the listener limits that work. Its CPU must stay bounded, and an honest caller with the
// right passphrase must still connect and stream.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { HostilePeer, REQ, isRejection, kmMessage } from "./hostile_peer.js";
import {
  collect, killAll, listenerIdle, payloadOf, report, round, sha256, sleep, start, startListener, stderrMatches, until, usageMeter,
} from "./harness.js";
import { feed, trailer } from "../interop/peers.js";

after(killAll);

const passphrase = "adversarial-secret-42";
const conclusions = Number(process.env.ADV_KM_CONCLUSIONS ?? 10_000);
const floodMs = 4000;  // sent evenly over 4 s: 2500/s, the rate a single attacker's socket reaches easily

test("10^4 handshake conclusions with garbage KMREQ cost a passphrase listener bounded CPU and an honest caller connects",
  { timeout: 60_000 }, async () => {
    const { child, port } = await startListener({ query: `latency=200&passphrase=${passphrase}` });
    const attacker = await new HostilePeer({ port }).open();
    const cookie = await attacker.induce();  // one cookie serves every conclusion from this address
    let rejections = 0;
    const codes = new Map();
    attacker.hooks.add((p) => {
      if (!p.handshake || !isRejection(p.handshake)) return;
      rejections++;
      codes.set(p.handshake.requestType, (codes.get(p.handshake.requestType) ?? 0) + 1);
    });
    const meter = usageMeter(child.pid);
    const started = Date.now();
    let sent = 0;
    while (sent < conclusions) {
      // Each with a new socket id: a new connection attempt, not a repeat of the previous one.
      const batch = Math.min(50, conclusions - sent);
      for (let k = 0; k < batch; k++) {
        attacker.send(attacker.conclusionPacket({ cookie, socketId: 1 + ((attacker.socketId + sent + k) % 0x3ffffffe), latencyMs: 200,
          kmreq: kmMessage({ kk: 1, keyLength: 16 }), pbkeylen: 16 }));
      }
      sent += batch;
      const due = started + (sent / conclusions) * floodMs;
      if (due > Date.now()) await sleep(due - Date.now());  // pacing: the flood's rate, not a wait for anything
    }
    const sentMs = Date.now() - started;
    // What the listener still had queued in its socket buffer (up to 4 s more): until it has read
    // all of it and handled it (its receive queue empty, the process asleep).
    const drained = await listenerIdle(child, port, 4000);
    const backlogMs = Date.now() - started - sentMs;
    const usage = meter.delta();

    // The honest caller, right after the flood.
    const payload = payloadOf(1456 * 200);
    const received = collect(child, payload.length);
    const honest = start("srt-live-transmit", ["-a:no", "file://con", `srt://127.0.0.1:${port}?latency=200&passphrase=${passphrase}`]);
    const honestStarted = Date.now();
    let honestConnectMs = null;
    let error;
    try {
      await stderrMatches(child, /accepted/, 8000, "websrt accepting the honest caller");
      honestConnectMs = Date.now() - honestStarted;
      await stderrMatches(honest, /SRT target connected/, 5000, "srt-live-transmit connecting");
      await feed(honest.stdin, Buffer.concat([payload, trailer(1_000_000)]), 1_000_000);
      await until(() => received.bytes >= payload.length, 5000, () => `${received.bytes} of ${payload.length} bytes`);
    } catch (e) { error = e.message.slice(0, 200); }
    const figures = { conclusions: sent, sentMs, backlogMs, drained, ...usage, rejectionsReceived: rejections, rejectCodes: Object.fromEntries(codes),
      cpuMsPerAnsweredConclusion: rejections ? round((usage.cpuS * 1000) / rejections, 3) : null, honestConnectMs,
      honestBytes: received.bytes, error, honestStderr: honest.stderrText.slice(-300),
      listenerStderrTail: child.stderrText.split("\n").filter(Boolean).slice(-2) };
    report("garbage KMREQ conclusions", figures);
    attacker.close();
    honest.stdin.end();
    // A listener that spends a PBKDF2 (≈1–2 ms of CPU) per unauthenticated conclusion pays 10–20
    // CPU s for this flood, or answers only what one core can derive. Rate-limited derivations
    // (or refusing before key derivation beyond a budget) cost little: 1 CPU s for 10^4 handshakes
    // is 100 µs each, generous for decoding, a cookie check and a rejection.
    assert.ok(usage.cpuS <= 1.0, `listener used ${usage.cpuS} CPU s on ${sent} garbage-KMREQ conclusions (bound 1.0)`);
    assert.equal(error, undefined, error);
    assert.ok(honestConnectMs <= 3000, `the honest caller took ${honestConnectMs} ms after the flood`);
    assert.equal(received.hash.digest("hex"), sha256(payload), "the honest stream arrived byte for byte");
  });
