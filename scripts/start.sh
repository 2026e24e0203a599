#!/usr/bin/env bash
# The main job: builds what is missing, then runs the browser demo on localhost. A live MPEG-TS
# test pattern (H.264 + AAC, from ffmpeg) goes into a `websrt transmit` SRT listener on
# 127.0.0.1:9000; `websrt bridge` on 127.0.0.1:8080 relays WebSockets to that listener and to the
# publish listener on 127.0.0.1:9001 only, and serves the page, which plays the stream over SRT in
# the browser and can go live with the camera (an ffmpeg listener records it). Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh

SRT_PORT=${WEBSRT_DEMO_SRT_PORT:-9000}
PUBLISH_PORT=${WEBSRT_DEMO_PUBLISH_PORT:-9001}
HTTP_PORT=${WEBSRT_DEMO_HTTP_PORT:-8080}
WEBSRT=build/native/native-shim/websrt

# The site the bridge serves: the page, the package and the player, without the rest of the tree.
# Copies, not symlinks: the bridge serves only files inside its static directory (README, Security).
site=build/demo-site
rm -rf "$site"
mkdir -p "$site"
cp -rL demo js dist "$site/"
cp -rL node_modules/mpegts.js/dist "$site/vendor"
cp -L node_modules/mediabunny/dist/bundles/mediabunny.min.mjs \
  node_modules/@mediabunny/aac-encoder/dist/bundles/mediabunny-aac-encoder.min.mjs "$site/vendor/"
printf '<!doctype html><meta http-equiv="refresh" content="0; url=/demo/">\n' > "$site/index.html"
printf '{ "target": "127.0.0.1:%s", "publishTarget": "127.0.0.1:%s" }\n' "$SRT_PORT" "$PUBLISH_PORT" > "$site/demo-config.json"

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  echo "demo stopped"
}
trap cleanup INT TERM EXIT

# The source: each viewer's connection gets a fresh listener (websrt transmit serves one caller).
setsid bash -c "
  while true; do
    ffmpeg -hide_banner -loglevel error -nostdin -re -f lavfi -i testsrc=size=640x360:rate=25 \
      -f lavfi -i sine=frequency=440:sample_rate=48000 -c:v libx264 -preset veryfast -tune zerolatency \
      -g 25 -pix_fmt yuv420p -c:a aac -b:a 96k -f mpegts pipe:1 2>/dev/null \
      | $WEBSRT transmit -q file://con 'srt://127.0.0.1:$SRT_PORT?mode=listener&latency=200' || sleep 1
  done" &
pids+=($!)

# Where a page goes live: an ffmpeg SRT listener records each publication (as an ingest server would).
setsid bash -c "
  while true; do
    ffmpeg -hide_banner -loglevel error -nostdin -y -i 'srt://127.0.0.1:$PUBLISH_PORT?mode=listener' \
      -c copy -f mpegts build/demo-published.ts || sleep 1
  done" &
pids+=($!)

echo
echo "websrt demo: open http://127.0.0.1:$HTTP_PORT/ in a browser (Ctrl-C stops the demo)"
echo "  SRT source  srt://127.0.0.1:$SRT_PORT (H.264 + AAC test pattern)"
echo "  go live to  srt://127.0.0.1:$PUBLISH_PORT (ffmpeg records it to build/demo-published.ts)"
echo "  bridge      ws://127.0.0.1:$HTTP_PORT/srt, allowlist 127.0.0.1:$SRT_PORT,127.0.0.1:$PUBLISH_PORT"
$WEBSRT bridge --listen "127.0.0.1:$HTTP_PORT" --allow "127.0.0.1:$SRT_PORT,127.0.0.1:$PUBLISH_PORT" --static "$site" &
pids+=($!)
wait "${pids[-1]}"
