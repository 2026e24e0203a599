// The time source and timer the JS driver uses, injected so that tests (or an application with
// its own scheduler) can run the protocol on virtual time. A clock is
// { now() → monotonic microseconds, setTimer(callback, delayMs) → handle, clearTimer(handle) }.

import { soon } from "./next_task.js";

/** Timers this close are run by `soon` instead of setTimeout, whose resolution is 1 ms. */
const subMillisecondMs = 1;

/** The runtime's monotonic clock (performance.now) and timers with sub-millisecond resolution
 * where the runtime allows: a deadline less than a millisecond away (live pacing at high rates)
 * fires at the next turn of the event loop rather than a whole millisecond or more later. */
export const systemClock = Object.freeze({
  now: () => Math.floor(performance.now() * 1000),
  setTimer: (callback, delayMs) =>
    delayMs < subMillisecondMs ? { soon: soon.set(callback) } : { timeout: setTimeout(callback, delayMs) },
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
