#!/usr/bin/env bash
# The main job. Until the bridge and its demo exist (issue 7), it builds everything and says what
# was built and where.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh

echo
echo "websrt is built:"
printf '  %-34s %s\n' "build/native/src/wire/libwebsrt_wire.a" "SRT wire codec (native)"
printf '  %-34s %s\n' "build/native/src/crypto/libwebsrt_crypto.a" "wolfCrypt adapter (native, AES-NI)"
printf '  %-34s %s\n' "build/native/src/core/libwebsrt_core.a" "sans-IO SRT live-mode core (native)"
printf '  %-34s %s\n' "build/native/native-shim/websrt" "the websrt binary: 'transmit' and 'impair' (see README)"
printf '  %-34s %s\n' "build/native/tests/cpp/" "C++ test executables (run: npm test)"
for f in dist/*; do printf '  %-34s %s\n' "$f" "WebAssembly package file ($(du -h "$f" | cut -f1))"; done
echo
echo "Try: build/native/native-shim/websrt transmit --help"
echo "The bridge and its browser demo come with the bridge proxy; 'npm test' runs the whole suite."
