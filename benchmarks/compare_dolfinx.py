#!/usr/bin/env python3
"""resorb vs DOLFINx 0.5 (Debian's python3-dolfinx) on example 01's problem, side by side.

Same mesh file, P1, same ranks, same materials and loads, CG to the same true relative
residual with GAMG and the rigid-body near-null space. The compared time is read (including
partitioning and distribution) + DOF numbering + matrix set-up (sparsity) + assembly + solver
set-up + solve; DOLFINx's
form compilation (JIT, cached after the first run; the cache is warmed first) and the
interpreter start are excluded, resorb's output writing is excluded.

    python3 benchmarks/compare_dolfinx.py --resorb build/src/resorb --sizes 1M --ranks 2

Needs python3-dolfinx (apt) and the meshes end_to_end.py writes (it makes missing ones).
Each case is run --repeat times and the fastest run of each code is kept.
"""
import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import end_to_end  # noqa: E402

DOLFINX_SCRIPT = Path(__file__).resolve().parent / "dolfinx_screw_pullout.py"
PYTHON = "/usr/bin/python3"  # Debian's interpreter, where python3-dolfinx lives
COMPARED = ["read", "partition", "dofs", "matrix setup", "assemble", "solver setup", "solve"]


def run_dolfinx(mesh, ranks, rtol, petsc_options, degree=1):
    cmd = end_to_end.mpiexec(ranks) + [PYTHON, str(DOLFINX_SCRIPT), str(mesh), "--rtol",
                                       str(rtol), "--degree", str(degree)]
    if petsc_options:
        cmd += ["--petsc-options", petsc_options]
    proc = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        sys.exit(f"DOLFINx run failed:\n{proc.stdout}\n{proc.stderr}")
    record = json.loads(proc.stdout.strip().splitlines()[-1])
    if record["converged_reason"] <= 0:
        sys.exit(f"DOLFINx did not converge: {record}")
    return record


def compared_time(phases):
    return sum(phases.get(p, 0.0) for p in COMPARED)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--resorb", default="build/src/resorb")
    ap.add_argument("--work", default="/tmp/resorb-e2e")
    ap.add_argument("--sizes", nargs="+", default=["1M"], choices=list(end_to_end.SIZES))
    ap.add_argument("--ranks", nargs="+", type=int, default=[2])
    ap.add_argument("--rtol", type=float, default=1e-7)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--degree", type=int, default=1, choices=[1, 2], help="P1 or P2")
    ap.add_argument("--petsc-options", default="",
                    help="PETSc options given to both codes (default: each code's defaults)")
    ap.add_argument("--json", help="write the records here")
    args = ap.parse_args()
    resorb = str(Path(args.resorb).resolve())
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)

    warm = end_to_end.make_mesh(resorb, work, "20k")
    run_dolfinx(warm, 1, args.rtol, args.petsc_options, args.degree)  # fills the FFCx cache

    rows = []
    for name in args.sizes:
        mesh = end_to_end.make_mesh(resorb, work, name)
        for ranks in args.ranks:
            ours, theirs = None, None
            for _ in range(args.repeat):
                r = end_to_end.run_case(resorb, work, mesh, name, ranks, args.rtol,
                                        args.petsc_options, args.degree)
                d = run_dolfinx(mesh, ranks, args.rtol, args.petsc_options, args.degree)
                if ours is None or compared_time(r["phases_s"]) < compared_time(ours["phases_s"]):
                    ours = r
                if theirs is None or compared_time(d["phases_s"]) < compared_time(
                        theirs["phases_s"]):
                    theirs = d
            energy_gap = abs(ours["strain_energy_J"] - theirs["strain_energy_J"]) / abs(
                theirs["strain_energy_J"])
            row = {"mesh": name, "ranks": ranks, "vertices": ours["vertices"],
                   "dofs": ours["dofs"], "resorb": ours, "dolfinx": theirs,
                   "ratio": compared_time(ours["phases_s"]) / compared_time(theirs["phases_s"]),
                   "strain_energy_rel_diff": energy_gap}
            rows.append(row)
            print(json.dumps({k: row[k] for k in ["mesh", "ranks", "ratio"]}), flush=True)

    print()
    print("| mesh | ranks | code | DOFs | CG its | true rel. res. | " +
          " | ".join(f"{p} s" for p in COMPARED) + " | compared s | JIT s | ratio |")
    print("|" + "---|" * (8 + len(COMPARED)))
    for row in rows:
        for code in ["resorb", "dolfinx"]:
            r = row[code]
            ph = r["phases_s"]
            jit = f"{ph['jit']:.2f}" if "jit" in ph else "-"
            ratio = f"{row['ratio']:.2f}" if code == "resorb" else ""
            print(f"| {row['mesh']} | {row['ranks']} | {code} | {r['dofs']} | {r['iterations']} | "
                  f"{r['relative_residual']:.1e} | " +
                  " | ".join(f"{ph.get(p, 0.0):.2f}" for p in COMPARED) +
                  f" | {compared_time(ph):.2f} | {jit} | {ratio} |")
    for row in rows:
        print(f"{row['mesh']} np{row['ranks']}: strain energy differs by "
              f"{row['strain_energy_rel_diff']:.1e} (relative)")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
