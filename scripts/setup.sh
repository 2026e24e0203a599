#!/usr/bin/env bash
# Installs everything websrt's build and test suite need on Debian bookworm, as root.
# Idempotent: a second run installs nothing and returns quickly. Only Debian's packages and
# the npm registry are used.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build toolchain, libraries, the wasm compiler, the libsrt/ffmpeg peers the interop tests use,
# Debian's Chromium for the browser tests, and matplotlib for the benchmarks' chart.
apt_packages=(
  cmake ninja-build g++ clang libclang-rt-14-dev clang-format pkg-config dpkg-dev
  libboost-dev libboost-test-dev librapidcheck-dev libcli11-dev nlohmann-json3-dev
  emscripten nodejs npm
  srt-tools ffmpeg python3 chromium python3-matplotlib
  # libsrt's headers for the message-API interop test's peer (tests/interop/libsrt_msg_peer.c);
  # the gnutls flavour, the one srt-tools uses (it conflicts with libsrt-openssl-dev).
  libsrt-gnutls-dev
  # OpenSSL's headers for libsrt 1.5.5, the second reference peer (scripts/libsrt-peer.sh).
  libssl-dev
  # What Debian's own Node 18 needs besides its two packages (scripts/test-node.sh unpacks
  # those for the suite's Node 18 run when the system Node is another one).
  libuv1 libc-ares2 libicu72 libnghttp2-14 libbrotli1 node-acorn node-cjs-module-lexer node-undici
)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from elsewhere than Debian (a newer Node is fine); only install when absent.
command -v node >/dev/null && missing=("${missing[@]/nodejs}")
command -v npm >/dev/null && missing=("${missing[@]/npm}")
read -r -a missing <<<"${missing[*]}"

# `apt-get source wolfssl` needs a deb-src entry. When none exists, add one mirroring the machine's
# own Debian entries (their URIs, suites and Signed-By: apt refuses two entries for one URI that
# disagree on it), so a mirror or a snapshot archive configured here is used, not a fixed host.
ensure_deb_src() {
  if grep -rqsE '^[[:space:]]*(deb-src|Types:.*deb-src)' /etc/apt/sources.list /etc/apt/sources.list.d/; then
    return 1
  fi
  local entries
  entries=$(bash scripts/derive-deb-src.sh)
  if [ -z "$entries" ]; then
    echo "setup: warning: no Debian $(. /etc/os-release && echo "$VERSION_CODENAME") entry in the apt sources to derive a deb-src entry from;" \
         "'apt-get source wolfssl' will need one added by hand" >&2
    return 1
  fi
  echo "setup: adding deb-src entries mirroring the configured Debian archives (for 'apt-get source wolfssl'):"
  printf '%s\n' "$entries" | grep '^URIs:' | sed 's/^/setup:   /'
  printf '%s\n' "$entries" | as_root tee /etc/apt/sources.list.d/websrt-deb-src.sources >/dev/null
  return 0
}

need_update=0
ensure_deb_src && need_update=1
[ ${#missing[@]} -gt 0 ] && need_update=1
if [ ! -d /var/lib/apt/lists ] || [ -z "$(ls /var/lib/apt/lists/*Sources* 2>/dev/null)" ]; then need_update=1; fi
if [ $need_update -eq 1 ]; then
  echo "setup: apt-get update"
  as_root apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies, only when the lockfile changed since the last install.
if [ -f package-lock.json ]; then
  stamp=node_modules/.websrt-lock-stamp
  if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi
echo "setup: ok"
