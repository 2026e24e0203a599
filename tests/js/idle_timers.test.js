// The runtime's clock (js/clock.js systemClock) on an idle connection: its timers (ACK every
// 10 ms, NAK, keepalive) must not wait for their deadlines in a busy loop of event-loop turns.
// Node's setTimeout fires up to a millisecond early, and a sub-millisecond remainder waited for at
// the next turn, again and again, cost an idle connection 40,000 turns and 8 % of a core a second.
import { test } from "node:test";
import assert from "node:assert/strict";

import { SrtServer, SrtSocket } from "websrt";
import { systemClock } from "../../js/clock.js";

test("an idle connection on the system clock arms its timers hundreds of times a second, not tens of thousands", async () => {
  let arms = 0;
  const counting = { ...systemClock, setTimer: (callback, delayMs) => (arms++, systemClock.setTimer(callback, delayMs)) };
  const server = await SrtServer.listen("srt://127.0.0.1:0?mode=listener", { clock: counting });
  const socket = await SrtSocket.connect(`srt://127.0.0.1:${server.address().port}`, { clock: counting });
  const accepted = await server.accept();
  try {
    const windowMs = 1000;
    arms = 0;
    const started = performance.now();
    await new Promise((resolve) => systemClock.setTimer(resolve, windowMs));
    const perSecond = (arms * 1000) / (performance.now() - started);
    // Two ends, each an ACK timer every 10 ms that may fire early once: about 400 a second.
    assert.ok(perSecond < 2000, `${Math.round(perSecond)} timer arms a second on an idle connection`);
    assert.ok(perSecond > 50, `${Math.round(perSecond)} timer arms a second: are the ACK timers running?`);
  } finally {
    await socket.close({ lingerMs: 0 });
    await accepted.close({ lingerMs: 0 });
    await server.close();
  }
});
