#!/usr/bin/env python3
"""End-to-end benchmark of example 01 (screw pull-out, P1 elasticity) through `resorb run`.

For each mesh size it writes the screw-in-bone mesh once (`resorb mesh screw-in-bone`), then
runs the same configuration on each rank count and collects from summary.json: DOFs, CG
iterations, true relative residual, wall time per phase (max over ranks) and peak memory.
Prints a Markdown table for benchmarks/RESULTS.md and writes all records as JSON.

    python3 benchmarks/end_to_end.py --resorb build/src/resorb --work /tmp/resorb-e2e \
        --sizes 20k 150k 1M --ranks 1 2

Mesh sizes are named by their target vertex count; the element sizes below were calibrated
on this geometry (measured: 19.9k vertices at h = 0.82 mm, 145k at 0.40 mm, 776k at 0.224 mm).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

# target vertices -> (bone element size, implant element size) in mm
SIZES = {
    "20k": (0.82, 0.55),
    "150k": (0.40, 0.27),
    "1M": (0.205, 0.14),
}

PHASES = ["read", "partition", "dofs", "matrix setup", "assemble", "solver setup", "solve",
          "write"]

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "01_screw_pullout.toml"


def elasticity_options(options):
    """Unprefixed PETSc options (as DOLFINx takes them) under resorb's `elasticity_` prefix;
    a negative number ("-pc_gamg_threshold -1") is a value, not an option."""
    return re.sub(r"(^|\s)-(?=[A-Za-z])(?!log_view|options_left)", r"\1-elasticity_", options)


def example_config(mesh, rtol, petsc_options, output, degree=1):
    """Example 01's configuration with its generated mesh replaced by @p mesh, at polynomial
    degree @p degree. The PETSc options are given unprefixed and applied to the elasticity
    solver."""
    petsc_options = elasticity_options(petsc_options)
    text = EXAMPLE.read_text()
    text, n_degree = re.subn(r"^degree = 1$", f"degree = {degree}", text, flags=re.M)
    text, n_mesh = re.subn(r"\[mesh\.screw_in_bone\]\n(?:.+\n)*",
                           f'[mesh]\nfile = "{mesh}"\nunit = "mm"\n', text)
    solver = f"rtol = {rtol}" + (f'\npetsc_options = "{petsc_options}"' if petsc_options else "")
    text, n_rtol = re.subn(r"^rtol = .*$", solver, text, flags=re.M)
    text, n_out = re.subn(r"^directory = .*$", f'directory = "{output}"', text, flags=re.M)
    if (n_mesh, n_rtol, n_out, n_degree) != (1, 1, 1, 1):
        sys.exit(f"{EXAMPLE}: layout changed, cannot derive the benchmark configuration")
    return text


def mpiexec(ranks):
    if ranks == 1:
        return []
    return ["mpiexec", "--allow-run-as-root", "--oversubscribe", "-n", str(ranks)]


def make_mesh(resorb, work, name, ascii=False):
    mesh = work / f"screw_{name}{'_ascii' if ascii else ''}.msh"
    if not mesh.exists():
        h, hi = SIZES[name]
        print(f"meshing {name}: h = {h} mm (implant {hi} mm) -> {mesh}", flush=True)
        subprocess.run([resorb, "mesh", "screw-in-bone", "--mesh-size", str(h),
                        "--implant-mesh-size", str(hi), "-o", str(mesh)] +
                       (["--ascii"] if ascii else []), check=True)
    return mesh


def run_case(resorb, work, mesh, name, ranks, rtol, petsc_options, degree=1):
    out = work / f"out_{name}_np{ranks}"
    shutil.rmtree(out, ignore_errors=True)
    config = work / f"config_{name}_np{ranks}.toml"
    config.write_text(example_config(mesh, rtol, petsc_options, out, degree))
    start = time.perf_counter()
    proc = subprocess.run(mpiexec(ranks) + [resorb, "-v", "0", "run", str(config)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"resorb run failed on {name}, {ranks} rank(s):\n{proc.stdout}\n{proc.stderr}")
    summary = json.loads((out / "summary.json").read_text())
    return {
        "mesh": name,
        "degree": degree,
        "ranks": ranks,
        "vertices": summary["vertices"],
        "cells": summary["cells"],
        "dofs": summary["dofs"],
        "iterations": summary["solver"]["iterations"],
        "relative_residual": summary["solver"]["relative_residual"],
        "strain_energy_J": summary["strain_energy_J"],
        "phases_s": {p: summary["wall_time_s"].get(p, 0.0) for p in PHASES},
        "process_wall_s": elapsed,
        "peak_memory_max_rank_MiB": summary["peak_memory_bytes"]["max_rank"] / 2**20,
        "peak_memory_total_MiB": summary["peak_memory_bytes"]["total"] / 2**20,
    }


def markdown(records):
    head = ("| mesh | ranks | vertices | DOFs | CG its | " +
            " | ".join(f"{p} s" for p in PHASES) +
            " | read+assemble+solve s | process s | peak MiB/rank | peak MiB total |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in records:
        ph = r["phases_s"]
        core = sum(ph[p] for p in PHASES if p != "write")
        lines.append(
            f"| {r['mesh']} | {r['ranks']} | {r['vertices']} | {r['dofs']} | {r['iterations']} | " +
            " | ".join(f"{ph[p]:.3f}" for p in PHASES) +
            f" | {core:.2f} | {r['process_wall_s']:.2f} | {r['peak_memory_max_rank_MiB']:.0f} | "
            f"{r['peak_memory_total_MiB']:.0f} |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--resorb", default="build/src/resorb", help="the resorb program")
    ap.add_argument("--work", default="/tmp/resorb-e2e", help="directory for meshes and outputs")
    ap.add_argument("--sizes", nargs="+", default=list(SIZES), choices=list(SIZES))
    ap.add_argument("--ranks", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--rtol", type=float, default=1e-7,
                    help="CG tolerance on the true (unpreconditioned) relative residual")
    ap.add_argument("--petsc-options", default="", help="extra PETSc options for every run")
    ap.add_argument("--degree", type=int, default=1, choices=[1, 2], help="P1 or P2")
    ap.add_argument("--ascii", action="store_true", help="read ASCII MSH files (default binary)")
    ap.add_argument("--json", help="write the records here")
    args = ap.parse_args()
    resorb = str(Path(args.resorb).resolve())
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    records = []
    for name in args.sizes:
        mesh = make_mesh(resorb, work, name, args.ascii)
        for ranks in args.ranks:
            print(f"running {name} on {ranks} rank(s)", flush=True)
            records.append(run_case(resorb, work, mesh, name, ranks, args.rtol,
                                    args.petsc_options, args.degree))
            print(markdown(records[-1:]).splitlines()[-1], flush=True)
    print()
    print(f"machine: {os.uname().nodename}, {os.cpu_count()} cores, rtol {args.rtol}, "
          f"P{args.degree}, {'ASCII' if args.ascii else 'binary'} MSH")
    print(markdown(records))
    if args.json:
        Path(args.json).write_text(json.dumps(records, indent=2) + "\n")


if __name__ == "__main__":
    main()
