#!/usr/bin/env bash
# Sets up, builds and runs the main job: example 01, a magnesium screw in bone pulled on its
# head. Results go to results/01_screw_pullout/ (XDMF+HDF5 for ParaView, summary.json).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RESORB_BUILD_DIR="${RESORB_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh"
cd "$root"
ranks="${RESORB_RANKS:-2}"
mpiexec --allow-run-as-root --oversubscribe -n "$ranks" \
  "$RESORB_BUILD_DIR/examples/01_screw_pullout" --output results/01_screw_pullout "$@"
