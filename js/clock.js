// The time source and timer the JS driver uses, injected so that tests (or an application with
// its own scheduler) can run the protocol on virtual time. A clock is
// { now() → monotonic microseconds, setTimer(callback, delayMs) → handle, clearTimer(handle) }.

import { soon } from "./next_task.js";

/**
 * Deadlines this close are run by `soon`, at the next turn of the event loop; farther ones by
 * setTimeout, whose resolution is a millisecond. A turn that finds its deadline not yet reached
 * re-arms, so a deadline waited for with `soon` costs a busy loop of turns until it comes. Node's
 * setTimeout fires up to a millisecond early (libuv counts whole milliseconds of a cached loop
 * time), and with a 1 ms bound every ACK timer (100 a second) ended in such a loop: an idle
 * connection used 8 % of a core in 40,000 turns a second. So in Node (setImmediate) the bound is
 * a quarter millisecond: the loop is short, and a deadline farther than that may fire up to a
 * millisecond late, as a live sender's pacing at 12–40 Mbit/s (a packet every 0.25–1 ms) then
 * does in bursts of a few packets. Browsers' setTimeout does not fire early, but chained timers
 * are clamped to 4 ms: there the bound stays a millisecond.
 */
const busyWaitBelowMs = typeof globalThis.setImmediate === "function" ? 0.25 : 1;

/** The runtime's monotonic clock (performance.now) and timers with sub-millisecond resolution
 * where the runtime allows: a deadline closer than busyWaitBelowMs (live pacing at high rates)
 * fires at the next turn of the event loop rather than a whole millisecond or more later. */
export const systemClock = Object.freeze({
  now: () => Math.floor(performance.now() * 1000),
  setTimer: (callback, delayMs) =>
    delayMs < busyWaitBelowMs ? { soon: soon.set(callback) } : { timeout: setTimeout(callback, Math.max(1, delayMs)) },
  clearTimer: (handle) => {
    if (handle === undefined) return;
    if ("soon" in handle) soon.clear(handle.soon);
    else clearTimeout(handle.timeout);
  },
});

/** Throws a TypeError unless `clock` has the three functions a clock needs. */
export function checkClock(clock) {
  for (const name of ["now", "setTimer", "clearTimer"])
    if (typeof clock?.[name] !== "function") throw new TypeError(`a clock needs a ${name}() function`);
  return clock;
}
