#!/usr/bin/env bash
# Runs every libFuzzer harness (tests/fuzz/*_fuzz.cpp, built with clang + ASan/UBSan by the `fuzz`
# preset), seeded with the golden libsrt packets in tests/vectors/ and by the generators in
# tests/fuzz/seeds/<harness>.py.
#   scripts/run-fuzzers.sh          short, fixed run: FUZZ_RUNS inputs each (default 20000, fewer
#                                   for the slow harnesses in short_runs below), seed 1
#   scripts/run-fuzzers.sh --long   FUZZ_SECONDS each (default 600), corpus kept in build/fuzz/corpus
#   FUZZ_ONLY=name                  runs that harness only
# Fails if any harness finds a crash, a sanitizer report or a violated property. Prints how many
# inputs each harness ran.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=short
[ "${1:-}" = "--long" ] && mode=long

# Inputs per harness in the short run where the default would take too long (about a minute each).
declare -A short_runs=(
  [endpoint_fuzz]=16000
)

# Builds the harnesses only, not the rest of the tree.
harnesses=()
for source in tests/fuzz/*_fuzz.cpp; do harnesses+=("$(basename "$source" .cpp)"); done
[ -f build/fuzz/build.ninja ] || cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target "${harnesses[@]}"

if [ "$mode" = long ]; then
  corpus_root=build/fuzz/corpus
  mkdir -p "$corpus_root"
else
  corpus_root=$(mktemp -d)
  trap 'rm -rf "$corpus_root"' EXIT
fi

# Seeds: every captured datagram for decode_packet, and the bodies the other decoders read
# (handshake bodies, KM messages from in-band KMREQ/KMRSP, NAK loss lists).
python3 - "$corpus_root" tests/vectors <<'PY'
import hashlib, pathlib, sys
root, vectors = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
def seed(harness, data):
    d = root / harness
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)
for f in sorted(vectors.glob("*.txt")):
    for line in f.read_text().splitlines():
        if line.startswith("#") or len(line) < 5:
            continue
        data = bytes.fromhex(line[4:].strip())
        seed("decode_packet_fuzz", data)
        if len(data) < 16 or not data[0] & 0x80:
            continue
        ctype = int.from_bytes(data[0:2], "big") & 0x7FFF
        subtype = int.from_bytes(data[2:4], "big")
        body = data[16:]
        if ctype == 0:
            seed("decode_handshake_fuzz", body)
        elif ctype == 3:
            seed("decode_loss_list_fuzz", body)
        elif ctype == 0x7FFF and subtype in (3, 4) and len(body) > 4:
            seed("decode_km_message_fuzz", body)
PY
# Harness-specific seeds: tests/fuzz/seeds/<harness>.py CORPUS_DIR VECTORS_DIR.
for generator in tests/fuzz/seeds/[!_]*.py; do
  python3 "$generator" "$corpus_root/$(basename "$generator" .py)" tests/vectors
done

# Seeds for the bridge's harnesses: request targets (each traversal form, good paths) and
# websrt-batch messages (well-formed, and each way of being malformed).
python3 - "$corpus_root" <<'PY'
import hashlib, pathlib, sys
root = pathlib.Path(sys.argv[1])
def seed(harness, data):
    d = root / harness
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)
for target in ["/", "/index.html", "/sub/page.html", "/inside.html", "/index.html?x=../..", "//etc/passwd",
               "/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd", "/..\\etc\\passwd", "/index.html%00.js",
               "/etc/passwd", "/passwd", "/sibling/secret", "/sub/../index.html", "/%69ndex.html", "http://x/etc/passwd"]:
    seed("static_path_fuzz", target.encode())
def batch(*sizes):
    return b"".join(n.to_bytes(2, "big") + bytes(range(256)) * (n // 256) + bytes(n % 256) for n in sizes)
for message in [batch(16), batch(1500, 1, 700), batch(1316) * 9, batch(10) + b"\x00\x32\x01", batch(1501), b"\x00\x00", b"\x05"]:
    seed("websocket_batch_fuzz", message)
PY

# Crash files stay after a short run too (its corpus is a temporary directory).
artifacts=build/fuzz/artifacts
mkdir -p "$artifacts"

status=0
for name in "${harnesses[@]}"; do
  [ -n "${FUZZ_ONLY:-}" ] && [ "$name" != "$FUZZ_ONLY" ] && continue
  harness=build/fuzz/tests/fuzz/$name
  corpus="$corpus_root/$name"
  mkdir -p "$corpus"
  if [ "$mode" = long ]; then
    limits=(-max_total_time="${FUZZ_SECONDS:-600}")
  else
    limits=(-runs="${FUZZ_RUNS:-${short_runs[$name]:-20000}}" -seed=1)
  fi
  options=(-max_len=2048 -timeout=25 -print_final_stats=1 -artifact_prefix="$artifacts/$name-")
  [ -f "tests/fuzz/$name.dict" ] && options+=(-dict="tests/fuzz/$name.dict")
  # Inputs that once failed (tests/fuzz/regressions/<harness>/) are replayed first.
  regressions=tests/fuzz/regressions/$name
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    if ! "$harness" "$regressions"/* >"$corpus_root/$name.regressions.log" 2>&1; then
      echo "fuzz: $name FAILED a regression input"; tail -n 40 "$corpus_root/$name.regressions.log"; status=1
      continue
    fi
  fi
  echo "fuzz: $name (${limits[*]}, $(ls "$corpus" | wc -l) seeds)"
  started=$SECONDS
  if ! "$harness" "${limits[@]}" "${options[@]}" "$corpus" >"$corpus_root/$name.log" 2>&1; then
    echo "fuzz: $name FAILED"; tail -n 40 "$corpus_root/$name.log"; status=1
    continue
  fi
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$corpus_root/$name.log")
  echo "fuzz: $name ran ${executed:-?} inputs clean in $((SECONDS - started)) s"
done
exit $status
