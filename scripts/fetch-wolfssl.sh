#!/usr/bin/env bash
# Unpacks Debian's wolfssl source package into a cache directory (default build/third_party/wolfssl)
# so the native and wasm builds compile wolfCrypt from the same, distribution-maintained sources.
#
# Usage: scripts/fetch-wolfssl.sh [cache-dir]      (or WEBSRT_WOLFSSL_CACHE=cache-dir)
# Prints one line: the path of the unpacked source tree. Idempotent: if the tree is already
# there, it prints that line and exits 0 without touching the network.
set -euo pipefail

repo_root=$(cd "$(dirname "$0")/.." && pwd)
cache_dir=${1:-${WEBSRT_WOLFSSL_CACHE:-$repo_root/build/third_party/wolfssl}}
mkdir -p "$cache_dir"
cache_dir=$(cd "$cache_dir" && pwd)
# A fixed name, so the CMake side never has to guess the Debian version in the directory name.
source_dir=$cache_dir/src
# Written last, so an interrupted unpack is redone instead of being taken for a complete tree.
stamp=$source_dir/.websrt-unpacked

if [ -f "$stamp" ]; then
  echo "wolfssl source: $source_dir"
  exit 0
fi

# Serialise concurrent configures of several build trees sharing this cache.
exec 9>"$cache_dir/.lock"
flock 9
if [ -f "$stamp" ]; then
  echo "wolfssl source: $source_dir"
  exit 0
fi

work=$(mktemp -d "$cache_dir/.fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
# --download-only fetches .dsc + tarballs; dpkg-source applies Debian's patches (security fixes).
# apt warns that root downloads unsandboxed; that is expected and harmless here.
apt-get source --download-only -qq wolfssl >/dev/null 2>&1 \
  || apt-get source --download-only wolfssl >&2 \
  || { echo "fetch-wolfssl: 'apt-get source wolfssl' failed; no deb-src entry?" \
            "(scripts/setup.sh adds one)" >&2; exit 1; }
dsc=$(ls ./wolfssl_*.dsc | head -n1)
# The archive's signatures were checked by apt; no keyring for the uploader is needed here.
dpkg-source --no-check -x "$dsc" unpacked >/dev/null
version=$(basename "$dsc" .dsc); version=${version#wolfssl_}
echo "$version" >unpacked/.websrt-debian-version

rm -rf "$source_dir"
mv unpacked "$source_dir"
# Keep the downloaded package files next to the tree: cheap, and they document what was used.
mv ./wolfssl_* "$cache_dir/" 2>/dev/null || true
touch "$stamp"
echo "wolfssl source: $source_dir"
