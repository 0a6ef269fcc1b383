#!/usr/bin/env bash
# Sets up, builds and runs the main job: a 3.2 mm WE43 screw degrading in a bone block for
# 12 weeks, corrosion and mechanics coupled (the case data/cases/we43_screw.toml), on 2 MPI
# ranks, then draws its curves. Results in results/we43_screw/: timeseries.csv and .png,
# corrosion.xdmf + .h5 (ParaView), summary.json, config.toml. Extra arguments go to
# `resorb run` (e.g. a case name or a config file, then PETSc options).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export RESORB_BUILD_DIR="${RESORB_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh"
cd "$root"
ranks="${RESORB_RANKS:-2}"
# Open MPI hands rank 0 a pseudo-terminal even when this script's output goes to a file:
# say which it is, so that the progress line rewrites itself only on a real terminal.
if [ -t 1 ]; then export RESORB_PROGRESS=terminal; else export RESORB_PROGRESS=lines; fi
args=("$@")
if [ ${#args[@]} -eq 0 ]; then args=(we43_screw); fi
mpiexec --allow-run-as-root --oversubscribe -x RESORB_PROGRESS -n "$ranks" \
  "$RESORB_BUILD_DIR/src/resorb" run "${args[@]}"
config="${args[0]}"
[ -f "$config" ] || config="$root/data/cases/$config.toml"
out="$(sed -n 's/^directory *= *"\(.*\)".*/\1/p' "$config")"
/usr/bin/python3 "$root/scripts/resorb_plot.py" "${out:-results}"
