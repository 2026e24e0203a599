#!/usr/bin/env bash
# The whole test suite: C++ unit and property tests (native, then under ASan+UBSan), the
# simulator's seeded scenario sweep, the fuzz harnesses for a fixed number of runs, the JS tests
# against the WebAssembly build, the interop tests of `websrt transmit` and the JS package against
# srt-live-transmit and ffmpeg over loopback, the adversarial tests (a hostile SRT peer against
# `websrt transmit`), the browser tests in headless Chromium, and the
# benchmarks' short mode, which fails only when a ratio to libsrt regressed beyond its margin.
# Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh

export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

step() { echo; echo "=== $* ==="; }

step "lint: clang-format and the TypeScript declarations (npm run lint)"
bash scripts/lint.sh

step "C++ tests (native)"
ctest --preset native -j2

step "C++ tests (ASan + UBSan)"
[ -f build/asan/build.ninja ] || cmake --preset asan >/dev/null
cmake --build --preset asan
ctest --preset asan -j2

step "simulator: live scenarios over 200 seeds each (delivery and overhead table)"
# Any seed that breaks an invariant is printed with the command that replays it.
build/native/tests/sim/websrt_sim --seeds 200
# Seeds that once failed always run; then fresh random ones (the first is printed to replay them).
build/native/tests/sim/websrt_sim --seed-file tests/sim/failing-seeds.txt
build/native/tests/sim/websrt_sim --random-seeds 20

step "fuzz harnesses (short run)"
bash scripts/run-fuzzers.sh

step "set-up scripts (the deb-src entry derived from the apt sources)"
node --test tests/scripts/

step "JS tests (WebAssembly build)"
node --test tests/js/*.test.js

# engines says ">=18": the same tests on Debian bookworm's own Node 18 (no global Web Crypto in
# its scripts) and on Node 22.
for major in 18 22; do
  step "JS tests again under Node $major"
  "$(bash scripts/test-node.sh "$major")" --test tests/js/*.test.js
done

step "interop: websrt transmit with srt-live-transmit (libsrt 1.5.1 and 1.5.5) and ffmpeg (loopback)"
# libsrt 1.5.5, the second reference peer, is built once from ../shared/peers into ~/.cache/websrt.
WEBSRT_LIBSRT_155=$(bash scripts/libsrt-peer.sh)
export WEBSRT_LIBSRT_155
node --test tests/interop/

step "adversarial: websrt transmit against a hostile SRT peer (issue 12: NAK bombs, floods, crafted packets)"
# Each case bounds the target's CPU seconds and memory from /proc and checks the honest stream.
node --test tests/adversarial/

step "browser: SRT in headless Chromium through the bridge, and the demo"
node --test tests/browser/

step "benchmarks (short mode) against bench/baseline.json: ratios to libsrt from this run"
/usr/bin/python3 bench/run.py --short --check
