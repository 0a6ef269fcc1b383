#!/usr/bin/env python3
"""Compares preconditioner settings on example 01's problem (the evidence behind resorb's
default solver options). Each variant is a string of PETSc options added to the run; the
empty variant is resorb's default. Prints iterations and set-up/solve times.

    python3 benchmarks/solver_options.py --size 150k --ranks 1
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import end_to_end  # noqa: E402

# resorb's default for elasticity is physics::elasticity_gamg_defaults(): plain aggregation,
# W-cycle, one smoothing step, LU below 2000 equations.
UNSMOOTHED_W = "-pc_gamg_agg_nsmooths 0 -pc_mg_cycle_type w"
VARIANTS = {
    "resorb default": "",
    "PETSc GAMG defaults": "-pc_gamg_threshold -1 -pc_gamg_square_graph 1 "
                           "-pc_gamg_agg_nsmooths 1 -pc_mg_cycle_type v "
                           "-mg_levels_ksp_max_it 2 -pc_gamg_coarse_eq_limit 50",
    "GAMG threshold 0.01": "-pc_gamg_agg_nsmooths 1 -pc_mg_cycle_type v -mg_levels_ksp_max_it 2 "
                           "-pc_gamg_threshold 0.01",
    "unsmoothed, W-cycle, 2 smoothing steps": UNSMOOTHED_W + " -mg_levels_ksp_max_it 2",
    "unsmoothed, W-cycle, 1 step, coarse limit 50": UNSMOOTHED_W + " -mg_levels_ksp_max_it 1 "
                                                    "-pc_gamg_coarse_eq_limit 50",
    "unsmoothed, V-cycle, 1 step": "-pc_gamg_agg_nsmooths 0 -pc_mg_cycle_type v",
    "smoothed, W-cycle, 2 steps": "-pc_gamg_agg_nsmooths 1 -mg_levels_ksp_max_it 2 "
                                  "-pc_gamg_coarse_eq_limit 50",
    "BoomerAMG nodal": "-pc_type hypre -pc_hypre_type boomeramg "
                       "-pc_hypre_boomeramg_nodal_coarsen 6 "
                       "-pc_hypre_boomeramg_vec_interp_variant 3 "
                       "-pc_hypre_boomeramg_strong_threshold 0.5 "
                       "-pc_hypre_boomeramg_coarsen_type HMIS "
                       "-pc_hypre_boomeramg_interp_type ext+i "
                       "-pc_hypre_boomeramg_P_max 4 -pc_hypre_boomeramg_agg_nl 1",
}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--resorb", default="build/src/resorb")
    ap.add_argument("--work", default="/tmp/resorb-e2e")
    ap.add_argument("--size", default="150k", choices=list(end_to_end.SIZES))
    ap.add_argument("--ranks", type=int, default=1)
    ap.add_argument("--rtol", type=float, default=1e-7)
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    ap.add_argument("--extra", action="append", default=[],
                    help="an extra variant: a string of PETSc options")
    args = ap.parse_args()
    resorb = str(Path(args.resorb).resolve())
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    mesh = end_to_end.make_mesh(resorb, work, args.size)
    variants = {name: VARIANTS[name] for name in args.variants}
    variants.update({options: options for options in args.extra})
    print(f"| variant | CG its | solver setup s | solve s | setup+solve s |")
    print("|---|---|---|---|---|")
    for name, options in variants.items():
        r = end_to_end.run_case(resorb, work, mesh, args.size, args.ranks, args.rtol, options)
        ph = r["phases_s"]
        print(f"| {name} | {r['iterations']} | {ph['solver setup']:.2f} | {ph['solve']:.2f} | "
              f"{ph['solver setup'] + ph['solve']:.2f} |", flush=True)


if __name__ == "__main__":
    main()
