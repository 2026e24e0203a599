// Callers whose admission the application decides asynchronously: an `accept` callback that
// returns a promise (a database lookup, a question to another thread). The core cannot wait for
// it: it leaves such a caller's CONCLUSION unanswered (AcceptDecision::later), and the caller
// repeats it every 250 ms (libsrt's callers and ours) until its connect timeout, by which time
// the answer is usually here. Bounded both ways: beyond `maxAsking` open questions callers are
// refused at once, and an answer no caller came back for within `keepMicros` (or beyond
// 2 × maxAsking answers waiting) is forgotten; such a caller is asked about again.

/** What the core's accept callback returns while the application decides (AcceptDecision::later). */
const decideLater = -1;

/** Answers kept for a caller's next CONCLUSION: longer than a connect timeout (3 s default). */
const defaultKeepMicros = 10_000_000;

export class DeferredAdmissions {
  #asking = new Set();    // keys whose answer is awaited
  #answers = new Map();   // key → { code, at }, in arrival order
  #maxAsking;
  #keepMicros;
  #clock;

  constructor({ maxAsking, clock, keepMicros = defaultKeepMicros }) {
    this.#maxAsking = maxAsking;
    this.#clock = clock;
    this.#keepMicros = keepMicros;
  }

  /**
   * The caller's reject code (0 admits), or decideLater while its answer is awaited. `ask()`
   * gives a code at once or a promise of one (that never rejects), and is called when the caller
   * has neither an answer nor an open question; undefined is returned, and nothing asked, when
   * `maxAsking` questions are open already.
   */
  decide(key, ask) {
    this.#forgetOlderThan(this.#clock.now() - this.#keepMicros);
    const answer = this.#answers.get(key);
    if (answer) {
      this.#answers.delete(key);
      return answer.code;
    }
    if (this.#asking.has(key)) return decideLater;
    if (this.#asking.size >= this.#maxAsking) return undefined;
    const asked = ask();
    if (typeof asked === "number") return asked;
    this.#asking.add(key);
    asked.then((code) => {
      this.#asking.delete(key);
      this.#answers.set(key, { code, at: this.#clock.now() });
      if (this.#answers.size > 2 * this.#maxAsking) this.#answers.delete(this.#answers.keys().next().value);
    });
    return decideLater;
  }

  #forgetOlderThan(oldest) {
    for (const [key, { at }] of this.#answers) {
      if (at >= oldest) break;  // arrival order: the rest are newer
      this.#answers.delete(key);
    }
  }
}
