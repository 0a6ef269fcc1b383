#!/usr/bin/env bash
# Sets up, builds warning-free (-Werror) and runs the whole test suite: unit, verification,
# MPI (2 ranks), command-line and install/find_package tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RESORB_BUILD_DIR="${RESORB_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh" -DRESORB_WARNINGS_AS_ERRORS=ON "$@"
cd "$RESORB_BUILD_DIR"
ctest --output-on-failure --timeout 900 -j "$(nproc)"
