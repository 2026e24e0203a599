#!/usr/bin/env bash
# Prints a command that runs Debian bookworm's own Node.js 18 (the `nodejs` package), so that the
# suite tests the package on the Node a fresh `apt-get install nodejs` gives, whatever Node runs
# the rest of it. The system `node` when it is already 18; otherwise Debian's nodejs and libnode108
# packages unpacked (not installed) into ~/.cache/websrt/debian-node-<version>/, once per version.
# Their other dependencies (libuv1, ICU, node-acorn, node-cjs-module-lexer, node-undici) come from
# scripts/setup.sh.
set -euo pipefail

if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = 18 ]; then
  command -v node
  exit 0
fi

version=$(apt-cache madison nodejs | awk '$3 ~ /deb12/ { print $3; exit }')
if [ -z "$version" ]; then
  echo "debian-node18: apt knows no Debian bookworm nodejs package (run apt-get update)" >&2
  exit 1
fi
cache="${XDG_CACHE_HOME:-$HOME/.cache}/websrt/debian-node-${version//[^A-Za-z0-9.+~-]/_}"
if [ ! -x "$cache/node" ]; then
  rm -rf "$cache.tmp" && mkdir -p "$cache.tmp/debs"
  (cd "$cache.tmp/debs" && apt-get download -q "nodejs=$version" "libnode108=$version" >&2 2>/dev/null) || {
    echo "debian-node18: cannot download nodejs=$version and libnode108=$version" >&2
    exit 1
  }
  for deb in "$cache.tmp"/debs/*.deb; do dpkg-deb -x "$deb" "$cache.tmp/root"; done
  cat >"$cache.tmp/node" <<EOF
#!/bin/sh
LD_LIBRARY_PATH="$cache/root/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "$cache/root/usr/bin/node" "\$@"
EOF
  chmod +x "$cache.tmp/node"
  rm -rf "$cache.tmp/debs" "$cache"
  mv "$cache.tmp" "$cache"
fi
echo "$cache/node"
