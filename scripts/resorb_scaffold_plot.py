#!/usr/bin/env python3
"""Draws the Pareto front of a `resorb scaffold` search from DIR/candidates.csv into
DIR/pareto.png: every evaluated design's porosity against the stiffness it keeps at the
horizon (feasible ones filled, the Pareto set joined, the winner marked), and its effective
modulus against porosity.

    resorb_scaffold_plot.py results/scaffold_search

Needs matplotlib (Debian: python3-matplotlib); uses the Agg backend (no display).
"""
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    directory = sys.argv[1]
    path = os.path.join(directory, "candidates.csv")
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f) if not r["error"]]
    if not rows:
        sys.exit(f"resorb_scaffold_plot: {path} has no evaluated candidate")
    winner = None
    summary = os.path.join(directory, "summary.json")
    if os.path.exists(summary):
        with open(summary) as f:
            winner = json.load(f).get("winner")

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    families = sorted({r["family"] for r in rows})
    for k, family in enumerate(families):
        mine = [r for r in rows if r["family"] == family]
        color = f"C{k}"
        for feasible, marker_fill in ((True, color), (False, "none")):
            sel = [r for r in mine if (r["feasible"] == "1") == feasible]
            if not sel:
                continue
            x = [float(r["porosity"]) for r in sel]
            left.scatter(x, [float(r["stiffness_retention"]) for r in sel], facecolors=marker_fill,
                         edgecolors=color, label=family if feasible or not any(
                             r["feasible"] == "1" for r in mine) else None)
            right.scatter(x, [float(r["young_GPa"]) for r in sel], facecolors=marker_fill,
                          edgecolors=color)
    front = sorted((float(r["porosity"]), float(r["stiffness_retention"]))
                   for r in rows if r["pareto"] == "1")
    if front:
        left.plot(*zip(*front), "k-", lw=1, label="Pareto front")
    if winner:
        left.scatter([winner["porosity"]], [winner["stiffness_retention"]], marker="*", s=250,
                     c="gold", edgecolors="k", zorder=5, label="winner")
        right.scatter([winner["porosity"]], [winner["young_GPa"]], marker="*", s=250, c="gold",
                      edgecolors="k", zorder=5)
    left.set_xlabel("porosity (intact)")
    left.set_ylabel("stiffness retained at the horizon, E(T) / E(0)")
    left.set_title("designs evaluated (open: misses a target)")
    left.legend(fontsize=8)
    right.set_xlabel("porosity (intact)")
    right.set_ylabel("effective Young's modulus (GPa)")
    right.set_yscale("log")
    right.set_title("homogenized stiffness")
    fig.tight_layout()
    out = os.path.join(directory, "pareto.png")
    fig.savefig(out, dpi=120)
    print(out)


if __name__ == "__main__":
    main()
