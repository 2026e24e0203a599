#!/usr/bin/env bash
# scripts/libsrt-peer.sh: prints the directory of libsrt 1.5.5 built as the suite's second
# reference peer (bin/srt-live-transmit, bin/srt-file-transmit, lib/libsrt.so.1.5; run the tools
# with LD_LIBRARY_PATH=DIR/lib). Built once by the design's ../shared/peers/build-libsrt.sh (about
# 3 minutes on 2 cores) into ~/.cache/websrt/libsrt-1.5.5-HASH, HASH covering the tarball and the
# build script, so a fresh clone reuses it and a changed input rebuilds it. The peers' folder is
# $WEBSRT_PEERS_DIR, else ../shared/peers beside the checkout, else /work/shared/peers.
# It is a test peer only: never a dependency of the product.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
peers=""
for candidate in "${WEBSRT_PEERS_DIR:-}" "$repo/../shared/peers" /work/shared/peers; do
  if [ -n "$candidate" ] && [ -f "$candidate/build-libsrt.sh" ] && [ -f "$candidate/srt-1.5.5.tar.gz" ]; then
    peers=$(cd "$candidate" && pwd)
    break
  fi
done
if [ -z "$peers" ]; then
  echo "libsrt-peer: no peers folder with build-libsrt.sh and srt-1.5.5.tar.gz (set WEBSRT_PEERS_DIR)" >&2
  exit 1
fi
hash=$(cat "$peers/build-libsrt.sh" "$peers/srt-1.5.5.tar.gz" | sha256sum | cut -c1-16)
dest="${XDG_CACHE_HOME:-$HOME/.cache}/websrt/libsrt-1.5.5-$hash"
if [ ! -x "$dest/bin/srt-live-transmit" ] || [ ! -e "$dest/lib/libsrt.so.1.5" ]; then
  # Built beside its final place and moved in whole, so an interrupted build never looks finished.
  rm -rf "$dest.tmp"
  bash "$peers/build-libsrt.sh" "$dest.tmp" >&2
  rm -rf "$dest" && mv "$dest.tmp" "$dest"
fi
echo "$dest"
