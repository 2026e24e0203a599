// The time source and timer the JS driver uses, injected so that tests (or an application with
// its own scheduler) can run the protocol on virtual time. A clock is
// { now() → monotonic microseconds, setTimer(callback, delayMs) → handle, clearTimer(handle) }.

/** The runtime's monotonic clock (performance.now) and setTimeout. */
export const systemClock = Object.freeze({
  now: () => Math.floor(performance.now() * 1000),
  setTimer: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimer: (handle) => clearTimeout(handle),
});

/** Throws a TypeError unless `clock` has the three functions a clock needs. */
export function checkClock(clock) {
  for (const name of ["now", "setTimer", "clearTimer"])
    if (typeof clock?.[name] !== "function") throw new TypeError(`a clock needs a ${name}() function`);
  return clock;
}
