// SrtSocket and SrtServer on an injected clock (js/clock.js): timeouts and TSBPD play-out run on
// virtual time over an in-memory network, so their assertions are exact and nothing waits for
// real seconds.
import { test } from "node:test";
import assert from "node:assert/strict";

import { SrtServer, SrtSocket, systemClock } from "websrt";
import { MemoryNetwork, VirtualClock } from "./support/virtual_time.js";

const oneWayMs = 10;

/** A server on 10.0.0.1:9000 and a caller from 10.0.0.2, connected on virtual time. */
async function pair(clock, network, { caller = "", server = "" } = {}) {
  const listening = await SrtServer.listen(`srt://10.0.0.1:9000?mode=listener${server}`, { clock, transport: network.transport("10.0.0.1") });
  const socket = await clock.runUntil(SrtSocket.connect(`srt://10.0.0.1:9000${caller}`, { clock, transport: network.transport("10.0.0.2") }));
  const { value: accepted } = await clock.runUntil(listening.next());
  return { server: listening, socket, accepted };
}

test("the package's default clock is the runtime's monotonic one", () => {
  const before = systemClock.now();
  assert.ok(Number.isInteger(before) && before > 0);
  assert.ok(systemClock.now() >= before);
});

test("a clock without now/setTimer/clearTimer is a TypeError, before any port is bound", async () => {
  await assert.rejects(SrtSocket.connect("srt://10.0.0.1:9000", { clock: { now: () => 0 } }), TypeError);
  await assert.rejects(SrtServer.listen("srt://:0", { clock: {} }), TypeError);
});

test("on virtual time, a caller nobody answers fails with ERR_SRT_TIMEOUT exactly at conntimeo", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork(clock);
  const connecting = SrtSocket.connect("srt://10.0.0.9:9000?conntimeo=3000", { clock, transport: network.transport("10.0.0.2") });
  await assert.rejects(clock.runUntil(connecting), { code: "ERR_SRT_TIMEOUT" });
  assert.equal(clock.elapsedMs, 3000);
  assert.ok(network.datagrams > 1, "the caller repeated its induction");
});

test("on virtual time, a link gone silent ends both sides with ERR_SRT_CONNECTION_LOST after peeridletimeo", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork(clock, { delayMs: oneWayMs });
  const { server, socket, accepted } = await pair(clock, network, { caller: "?peeridletimeo=5000", server: "&peeridletimeo=5000" });
  network.linkUp = false;
  const cutAt = clock.elapsedMs;
  const callerError = await clock.runUntil(socket.closed);
  const callerAfter = clock.elapsedMs - cutAt;
  const serverError = await clock.runUntil(accepted.closed);
  assert.equal(callerError?.code, "ERR_SRT_CONNECTION_LOST");
  assert.equal(serverError?.code, "ERR_SRT_CONNECTION_LOST");
  // The last packet heard came up to one keepalive interval (1 s) before the cut.
  assert.ok(callerAfter > 4000 && callerAfter <= 5000, `${callerAfter} virtual ms`);
  await server.close();
});

test("on virtual time, each message is played out one latency after it was sent", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork(clock, { delayMs: oneWayMs });
  const { server, socket, accepted } = await pair(clock, network, { caller: "?latency=200" });
  const sentAt = [];
  const delays = [];
  for (let i = 0; i < 10; i += 1) {
    sentAt.push(clock.elapsedMs);
    await socket.send(new Uint8Array([i]));
    await clock.advance(20);
  }
  for (let i = 0; i < 10; i += 1) {
    const { value } = await clock.runUntil(accepted.next());
    assert.equal(value[0], i);
    delays.push(clock.elapsedMs - sentAt[value[0]]);
  }
  // Never before the latency; ms granularity of the timer and the first message's RTT as slack.
  console.log(`# played out after ${delays} virtual ms`);
  for (const delay of delays) assert.ok(delay >= 200 && delay <= 200 + 2 * oneWayMs + 2, `played out after ${delays} virtual ms`);
  await clock.runUntil(socket.close({ lingerMs: 0 }));
  await server.close();
});

test("on virtual time, the fec packet filter rebuilds a lost packet per row with no NAK (arq:never)", async () => {
  const clock = new VirtualClock();
  const network = new MemoryNetwork(clock, { delayMs: oneWayMs });
  const filter = "packetfilter=fec,cols:5,arq:never";
  const { server, socket, accepted } = await pair(clock, network, { caller: `?${filter}`, server: `&${filter}` });
  // Lose the third data packet of every row of 5 (data packets: F bit clear, message number ≠ 0).
  let first;
  network.drop = (bytes) => {
    if (bytes[0] & 0x80) return false;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const seq = view.getUint32(0);
    if ((view.getUint32(4) & 0x3ffffff) === 0) return false;  // an FEC packet
    first ??= seq;
    return (seq - first) % 5 === 2;
  };
  for (let i = 0; i < 20; i += 1) {
    await socket.send(new Uint8Array(100).fill(i));
    await clock.advance(5);
  }
  for (let i = 0; i < 20; i += 1) {
    const { value } = await clock.runUntil(accepted.next());
    assert.equal(value[0], i);
  }
  const stats = accepted.stats();
  assert.equal(stats.pktRcvFilterSupplyTotal, 4);
  assert.equal(stats.pktRcvFilterExtraTotal, 4);
  assert.equal(stats.pktSentNAKTotal, 0);
  assert.equal(socket.stats().pktSndFilterExtraTotal, 4);
  await clock.runUntil(socket.close({ lingerMs: 0 }));
  await server.close();
});
