#!/usr/bin/env bash
# Builds everything websrt has: the native tree (library, tests) under build/native and the
# WebAssembly package files under dist/. Incremental: a second run rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

# Debian's Emscripten 3.1.6 finds acorn only through NODE_PATH.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}

configure() {  # configure a preset once; later runs reuse its cache
  [ -f "build/$1/build.ninja" ] || cmake --preset "$1" >/dev/null
}

echo "build: native (build/native)"
configure native
cmake --build --preset native

echo "build: wasm (build/wasm -> dist/)"
configure wasm
cmake --build --preset wasm
