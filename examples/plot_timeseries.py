#!/usr/bin/env python3
"""Plots the time series that examples write (CSV, first column time, units in the header
names such as `mass_loss_percent`) as one PNG per run, several media side by side.

    plot_timeseries.py OUT.png RUN1/timeseries.csv [RUN2/timeseries.csv ...] \
        --columns mass_loss_percent h2_mL ph_mean

Needs matplotlib (Debian: python3-matplotlib); uses the Agg backend (no display).
"""
import argparse
import csv
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return {key: [float(r[key]) for r in rows] for key in rows[0]} if rows else {}


def label(column):
    """`mass_loss_percent` -> `mass loss (%)`, `h2_mL` -> `h2 (mL)`."""
    units = {"percent": "%", "mL": "mL", "mg": "mg", "mm3": "mm³", "um": "µm", "h": "h"}
    parts = column.split("_")
    if parts[-1] in units:
        return " ".join(parts[:-1]) + f" ({units[parts[-1]]})"
    return column.replace("_", " ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("png")
    parser.add_argument("csv", nargs="+")
    parser.add_argument("--columns", nargs="+",
                        default=["mass_loss_percent", "h2_mL", "ph_mean", "film_thickness_um"])
    args = parser.parse_args()
    runs = {os.path.basename(os.path.dirname(os.path.abspath(p))): read(p) for p in args.csv}
    fig, axes = plt.subplots(1, len(args.columns), figsize=(4.2 * len(args.columns), 3.6))
    for ax, column in zip(axes if len(args.columns) > 1 else [axes], args.columns):
        for name, data in runs.items():
            time = next(iter(data))
            ax.plot(data[time], data[column], marker=".", label=name)
            ax.set_xlabel(label(time))
        ax.set_ylabel(label(column))
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(args.png, dpi=120)


if __name__ == "__main__":
    main()
