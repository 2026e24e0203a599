#!/usr/bin/env bash
# `npm run bench`: builds what is missing, then runs bench/run.py (websrt next to libsrt in one
# run; tables on stdout, JSON and PNG chart in build/bench/). Arguments go to bench/run.py:
#   npm run bench                  full mode (about 6 minutes on 2 cores)
#   npm run bench -- --short       CI's quick mode (about 1.5 minutes)
#   npm run bench -- --short --check   fail when a ratio to libsrt regressed (bench/baseline.json)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
# Debian's python3 (it has python3-matplotlib from setup.sh), whatever else is first on PATH.
exec /usr/bin/python3 bench/run.py "$@"
