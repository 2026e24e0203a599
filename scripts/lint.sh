#!/usr/bin/env bash
# `npm run lint`: the tree keeps its habits (../shared/STYLE.md). C++ sources match .clang-format
# (Debian's clang-format 14), and the package's TypeScript declarations type-check (tsc --noEmit
# with tests/js/tsconfig.types.json). Fix formatting with `bash scripts/lint.sh --fix`.
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t sources < <(git ls-files 'src/*.cpp' 'src/*.hpp' 'bindings/*.cpp' 'bindings/*.hpp' \
  'native-shim/*.cpp' 'native-shim/*.hpp' 'tests/*.cpp' 'tests/*.hpp' 'bench/*.cpp' 'bench/*.hpp')
if [ "${1:-}" = "--fix" ]; then
  clang-format -i "${sources[@]}"
  exit 0
fi
echo "lint: clang-format on ${#sources[@]} C++ files"
clang-format --dry-run --Werror "${sources[@]}"
echo "lint: tsc --noEmit on the package's declarations"
node node_modules/typescript/bin/tsc --noEmit -p tests/js/tsconfig.types.json
echo "lint: ok"
