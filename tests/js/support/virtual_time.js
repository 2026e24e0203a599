// Virtual time for socket tests: a clock (js/clock.js's interface) whose timers fire only when a
// test runs it, jumping straight to the next deadline, and an in-memory network of transports
// whose datagrams travel on that clock. A test of a 5 s timeout then takes milliseconds and its
// assertions are about virtual time, exactly.

const settleTurns = 3;  // event-loop turns for promise chains to run between two timers

/** Lets promise reactions (and the driver's microtasks) run. */
async function settle() {
  for (let i = 0; i < settleTurns; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

export class VirtualClock {
  #now = 1_000_000;  // µs; the core treats 0 as "never"
  #timers = new Map();  // handle → { at, callback }
  #nextHandle = 1;

  now() {
    return this.#now;
  }

  /** Virtual milliseconds since the clock was made. */
  get elapsedMs() {
    return (this.#now - 1_000_000) / 1000;
  }

  setTimer(callback, delayMs) {
    const handle = this.#nextHandle++;
    this.#timers.set(handle, { at: this.#now + Math.max(0, Math.ceil(delayMs * 1000)), callback });
    this.#onTimerSet();
    return handle;
  }

  clearTimer(handle) {
    this.#timers.delete(handle);
  }

  /** Fires timers in deadline order (ties in the order they were set) until `promise` settles,
   * and returns it; rejects if it has not settled once `limitMs` of virtual time have passed.
   * While no timer is set, the code under test waits for real I/O (loading the wasm): so do we,
   * up to `realLimitMs`. */
  async runUntil(promise, { limitMs = 600_000, realLimitMs = 30_000 } = {}) {
    let settled = false;
    const done = promise.then(() => (settled = true), () => (settled = true));
    const limit = this.#now + limitMs * 1000;
    for (;;) {
      await settle();
      if (settled) return promise;
      if (this.#fireNext(limit)) continue;
      if (this.#timers.size > 0) throw new Error(`not settled after ${limitMs} virtual ms`);
      let realTimer;
      const realLimit = new Promise((resolve) => (realTimer = setTimeout(resolve, realLimitMs)));
      await Promise.race([done, realLimit, this.#timerSet()]);
      clearTimeout(realTimer);
      if (!settled && this.#timers.size === 0) throw new Error(`not settled, and no timer set, after ${realLimitMs} real ms`);
    }
  }

  /** Resolves when the next timer is set. */
  #timerSet() {
    return new Promise((resolve) => (this.#onTimerSet = resolve));
  }
  #onTimerSet = () => {};

  /** Runs `ms` of virtual time. */
  async advance(ms) {
    const until = this.#now + ms * 1000;
    for (;;) {
      await settle();
      if (!this.#fireNext(until)) break;
    }
    this.#now = until;
    await settle();
  }

  #fireNext(limit) {
    let next;
    for (const [handle, timer] of this.#timers) if (!next || timer.at < next.timer.at) next = { handle, timer };
    if (!next || next.timer.at > limit) return false;
    this.#timers.delete(next.handle);
    this.#now = Math.max(this.#now, next.timer.at);
    next.timer.callback();
    return true;
  }
}

/** Hosts joined by links of one fixed delay on a VirtualClock; `linkUp = false` loses everything. */
export class MemoryNetwork {
  #clock;
  #delayMs;
  #bound = new Map();  // "host:port" → transport
  #nextPort = 40000;
  linkUp = true;
  datagrams = 0;
  /** Optional: (bytes) => true loses that datagram. */
  drop = null;

  constructor(clock, { delayMs = 10 } = {}) {
    this.#clock = clock;
    this.#delayMs = delayMs;
  }

  /** A transport (js/udp_transport.js's interface) on host `host`. */
  transport(host) {
    const network = this;
    let handler = () => {};
    let local;
    return {
      async bind(port = 0) {
        local = `${host}:${port || network.#nextPort++}`;
        network.#bound.set(local, this);
      },
      onBatch(h) {
        handler = h;
      },
      send(bytes, address) {
        network.datagrams += 1;
        const target = network.#bound.get(address);
        if (!target || !network.linkUp || network.drop?.(bytes)) return;
        const copy = Uint8Array.from(bytes);
        const from = local;
        network.#clock.setTimer(() => target.receive([{ bytes: copy, address: from }]), network.#delayMs);
      },
      receive(batch) {
        if (network.#bound.get(local) === this) handler(batch);
      },
      localAddress() {
        const colon = local.lastIndexOf(":");
        return { address: local.slice(0, colon), port: Number(local.slice(colon + 1)) };
      },
      close() {
        if (network.#bound.get(local) === this) network.#bound.delete(local);
      },
    };
  }
}
