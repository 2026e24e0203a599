// Issue 12 case 7: 10^5 inductions from 10^5 distinct source (address, port) pairs. The listener
// answers an induction statelessly (SYN cookie), so its memory must stay flat, and an honest
// caller (srt-live-transmit) that connects during the flood must get through and stream.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { closeSockets, handshakePacket, openSockets, randomIsn, randomSocketId, REQ } from "./hostile_peer.js";
import {
  collect, killAll, listenerIdle, memoryMb, payloadOf, report, round, sha256, sleep, start, startListener, stderrMatches, until, usageMeter,
} from "./harness.js";
import { feed as feedPaced, trailer } from "../interop/peers.js";

after(killAll);

const waves = 50;
const socketsPerWave = 2000;  // 50 waves × 2000 fresh sockets on 127.0.1.<wave>: 10^5 distinct pairs

const induction = () => handshakePacket({ version: 4, encryption: 0, extensionField: 2, isn: randomIsn(), requestType: REQ.INDUCTION,
  socketId: randomSocketId(), cookie: 0 });

test("10^5 inductions from distinct source ports leave the listener's memory flat and an honest caller connects",
  { timeout: 60_000 }, async () => {
    const { child, port } = await startListener({ query: "latency=200" });
    const payload = payloadOf(1456 * 300);  // srt-live-transmit's 1456-byte messages
    const received = collect(child, payload.length);
    // The baseline once the listener is done starting: waiting for datagrams, nothing queued.
    assert.ok(await listenerIdle(child, port, 5000), `the listener never went idle after starting: ${child.stderrText}`);
    const meter = usageMeter(child.pid);
    let honest;
    let honestStartedAtWave = -1;
    const started = Date.now();
    let sent = 0;
    let peakRssMb = 0;
    let acceptedAt;
    for (let wave = 0; wave < waves; wave++) {
      const sockets = await openSockets(socketsPerWave, `127.0.1.${wave + 1}`);
      // Closed once every send completed (on loopback: the datagram is in the listener's queue, or
      // dropped because the queue was full).
      await Promise.all(sockets.map((socket) => new Promise((resolve) => socket.send(induction(), port, "127.0.0.1", resolve))));
      sent += sockets.length;
      closeSockets(sockets);
      // Pacing, not a wait for anything: a 5 ms gap between waves of 2000. With the waves back to
      // back, the honest caller was accepted only once the flood had ended (3.0–3.5 s, a 2-core machine).
      await sleep(5);
      peakRssMb = Math.max(peakRssMb, memoryMb(child.pid).rss);
      if (wave === Math.floor(waves / 4)) {
        // The honest caller starts a quarter into the flood and streams while it goes on.
        honestStartedAtWave = wave;
        honest = start("srt-live-transmit", ["-a:no", "file://con", `srt://127.0.0.1:${port}?latency=200`]);
        honest.connectStarted = Date.now();
        // Time the accept as it happens: the flood loop below keeps going meanwhile.
        const watch = () => { if (/accepted/.test(child.stderrText)) { acceptedAt ??= Date.now(); child.stderr.off("data", watch); } };
        child.stderr.on("data", () => setImmediate(watch));
      }
    }
    const floodMs = Date.now() - started;
    const usage = meter.delta();
    let connectMs = null;
    try {
      await stderrMatches(child, /accepted/, 10_000, "websrt accepting srt-live-transmit");
      connectMs = (acceptedAt ?? Date.now()) - honest.connectStarted;
      await stderrMatches(honest, /SRT target connected/, 5000, "srt-live-transmit connecting");
      await feedPaced(honest.stdin, Buffer.concat([payload, trailer(1_000_000)]), 1_000_000);
      await until(() => received.bytes >= payload.length, 5000, () => `${received.bytes} of ${payload.length} bytes`);
    } catch (error) {
      report("induction flood", { sent, floodMs, ...usage, peakRssMb: round(peakRssMb), connectMs, error: error.message,
        honestStderr: honest?.stderrText.slice(-300) });
      throw error;
    }
    const figures = { sent, floodMs, inductionsPerS: Math.round(sent / (floodMs / 1000)), ...usage, peakRssMb: round(peakRssMb),
      honestStartedAtWave, honestConnectMs: connectMs, honestBytes: received.bytes, honestStderr: honest.stderrText.slice(-300),
      listenerStderr: child.stderrText.slice(-300) };
    report("induction flood", figures);
    honest.stdin.end();
    // An induction costs a cookie (a hash) and a reply: no state. 16 MB over the flood is room for
    // socket buffers and the allocator, and far below per-pair state (10^5 × even 200 B = 20 MB).
    assert.ok(usage.hwmGrowthMb <= 16, `listener peak RSS grew ${usage.hwmGrowthMb} MB over the flood (bound 16)`);
    // Answering 10^5 inductions is ~10^5 × (decode + SHA-256 + sendmsg) ≈ 1 CPU s on a slow core.
    assert.ok(usage.cpuS <= 3, `listener used ${usage.cpuS} CPU s for ${sent} inductions (bound 3)`);
    assert.ok(connectMs <= 3000, `the honest caller took ${connectMs} ms to be accepted during the flood`);
    assert.equal(received.hash.digest("hex"), sha256(payload), "the honest stream arrived byte for byte");
  });
