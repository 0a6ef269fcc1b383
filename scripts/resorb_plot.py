#!/usr/bin/env python3
"""Draws the key curves of a `resorb run` corrosion run: mass loss, H2, pH near the implant
and (coupled runs) the implant's axial (and bending) stiffness versus time, from DIR/timeseries.csv, into
DIR/timeseries.png. Several DIRs: one curve per run in each panel, into the first DIR's
PNG unless --output says otherwise.

    resorb_plot.py results/we43_screw [results/kmet_screw ...] [--output FILE.png]

Needs matplotlib (Debian: python3-matplotlib); uses the Agg backend (no display).
"""
import argparse
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read(directory):
    path = os.path.join(directory, "timeseries.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        sys.exit(f"resorb_plot: {path} has no rows")
    return {key: [float(r[key]) for r in rows] for key in rows[0]}


def days(series):
    return [t / 24.0 for t in series["time_h"]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="+")
    parser.add_argument("--output", help="PNG to write (default: DIR/timeseries.png)")
    args = parser.parse_args()
    runs = {os.path.basename(os.path.normpath(d)): read(d) for d in args.directories}
    coupled = all("axial_stiffness_N_per_m" in r for r in runs.values())
    panels = 4 if coupled else 3
    fig, axes = plt.subplots(1, panels, figsize=(4.3 * panels, 3.7))
    for name, r in runs.items():
        t = days(r)
        axes[0].plot(t, r["mass_loss_percent"], marker=".", label=name)
        axes[1].plot(t, r["h2_mL"], marker=".", label=name)
        line = axes[2].plot(t, r["ph_mean"], marker=".", label=f"{name} mean")[0]
        axes[2].fill_between(t, r["ph_min"], r["ph_max"], color=line.get_color(), alpha=0.2,
                             label=f"{name} min-max")
        if coupled:
            k0 = r["axial_stiffness_N_per_m"][0]
            line = axes[3].plot(t, [100 * k / k0 for k in r["axial_stiffness_N_per_m"]],
                                marker=".", label=f"{name} axial ({k0 / 1e6:.3g} N/mm at t = 0)")[0]
            if "bending_stiffness_N_per_m" in r:
                b0 = r["bending_stiffness_N_per_m"][0]
                axes[3].plot(t, [100 * b / b0 for b in r["bending_stiffness_N_per_m"]], ls="--",
                             color=line.get_color(),
                             label=f"{name} bending ({b0 / 1e6:.3g} N/mm at t = 0)")
    titles = ["mass loss (%)", "H$_2$ released (mL, 37 °C, 1 atm)", "pH near the implant",
              "stiffness (% of initial)"]
    for ax, title in zip(axes, titles):
        ax.set_xlabel("time (days)")
        ax.set_ylabel(title)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    if coupled:
        axes[3].axhline(50, color="grey", lw=0.8, ls="--")
    first = args.directories[0]
    summary_path = os.path.join(first, "summary.json")
    if len(runs) == 1 and os.path.exists(summary_path):
        with open(summary_path) as f:
            s = json.load(f)
        alloy, medium = s.get("alloy", ""), s.get("medium", "")
        fig.suptitle(f"{os.path.basename(os.path.normpath(first))}: {alloy} in {medium}",
                     fontsize=10)
    fig.tight_layout()
    out = args.output or os.path.join(first, "timeseries.png")
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
