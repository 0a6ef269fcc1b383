#!/usr/bin/env python3
"""End-to-end checks of `resorb mesh LABELS` and of CT bone moduli in `resorb run`.

The inputs are made here: a label volume (cortical shell around a cancellous core, a rod
placed across both) and a CT whose HU are constant in each tissue, written as NIfTI-1 by the
small writer below (independent of resorb's own). The mesh's groups, quality report, XDMF
and per-cell moduli are read back with h5py; the mesh then runs through `resorb run` with
[bone_material]; bad inputs must exit with 2 and a message naming what is wrong."""
import argparse
import json
import math
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

VOXEL_MM = 0.5
N = 24
HU_CORTICAL, HU_CANCELLOUS = 1400.0, 250.0
SLOPE = 0.8  # kg/m^3 per HU
# morgan2003_pooled: E = 8920 MPa (rho_app / 1 g/cm^3)^1.83, rho_app = rho_QCT / 0.6
def pooled_modulus(hu):
    return 8920e6 * (SLOPE * hu / 0.6 / 1000.0) ** 1.83


def write_nifti(path, volume, origin_mm, dtype_code, bitpix):
    """NIfTI-1 single file: sform (code 1) mm, axes along the world's, no scaling."""
    hdr = bytearray(348)
    struct.pack_into("<i", hdr, 0, 348)
    struct.pack_into("<8h", hdr, 40, 3, *volume.shape[::-1], 1, 1, 1, 1)
    struct.pack_into("<hh", hdr, 70, dtype_code, bitpix)
    struct.pack_into("<8f", hdr, 76, 1.0, VOXEL_MM, VOXEL_MM, VOXEL_MM, 1, 1, 1, 1)
    struct.pack_into("<f", hdr, 108, 352.0)
    hdr[123] = 2  # xyzt_units: mm
    struct.pack_into("<hh", hdr, 252, 0, 1)  # qform_code 0, sform_code 1
    for row in range(3):
        srow = [0.0, 0.0, 0.0, origin_mm[row]]
        srow[row] = VOXEL_MM
        struct.pack_into("<4f", hdr, 280 + 16 * row, *srow)
    hdr[344:348] = b"n+1\0"
    # volume is indexed [k, j, i]: i fastest on disk
    Path(path).write_bytes(bytes(hdr) + b"\0\0\0\0" + volume.tobytes())


def phantom(work, shift_mm=0.0):
    """Labels (1 cortical shell r 4..5.5 mm, 2 cancellous core, along z) and their CT."""
    c = (N - 1) / 2.0
    k, j, i = np.meshgrid(*(np.arange(N),) * 3, indexing="ij")
    r = np.hypot(i - c, j - c) * VOXEL_MM
    labels = np.zeros((N, N, N), np.uint8)
    labels[r < 5.5] = 1
    labels[r < 4.0] = 2
    ct = np.full((N, N, N), -1000.0, np.float32)
    ct[labels == 1] = HU_CORTICAL
    ct[labels == 2] = HU_CANCELLOUS
    origin = [-c * VOXEL_MM] * 3
    write_nifti(work / "labels.nii", labels, origin, 2, 8)
    write_nifti(work / "ct.nii", ct, origin, 16, 32)
    shifted = [origin[0], origin[1], origin[2] - shift_mm]
    write_nifti(work / "ct_elsewhere.nii", ct, shifted, 16, 32)


failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


RUN = """
[mesh]
file = "{mesh}"
unit = "mm"
[bone_material]
ct = "{ct}"
groups = ["cortical", "cancellous"]
law = "morgan2003_pooled"
density_per_hu = "{slope} kg/m^3"
density_at_0_hu = "0 kg/m^3"
[materials.implant]
E = "44 GPa"
nu = 0.27
[boundary."cortical|outside"]
fix = ["x", "y", "z"]
[boundary."implant|outside"]
force = ["0 N", "0 N", "20 N"]
[solver]
rtol = 1e-10
[output]
directory = "{out}"
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--resorb", required=True)
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--ranks", type=int, default=1)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    phantom(work, shift_mm=246.0)
    launcher = [args.mpiexec, "--allow-run-as-root", "--oversubscribe", "-n", str(args.ranks)]

    def resorb(*cli):
        p = subprocess.run(launcher + [args.resorb, *cli], capture_output=True, text=True,
                           timeout=600, cwd=work)
        return p.returncode, p.stdout + p.stderr

    mesh_args = ["mesh", "labels.nii", "--labels", "1=cortical,2=cancellous", "--size", "1 mm",
                 "--facet-distance", "0.03 mm", "--implant", "cylinder,radius=1 mm,length=20 mm,base=-10 0 0 mm,axis=1 0 0,"
                 "cell_size=0.5 mm"]
    ct_args = ["--ct", "ct.nii", "--calibration", f"{SLOPE} kg/m^3,0 kg/m^3"]
    rc, out = resorb(*mesh_args, *ct_args, "-o", "mesh/bone.msh")
    print(out)
    check(rc == 0, f"resorb mesh failed ({rc})")
    if rc != 0:
        return
    for f in ("bone.msh", "bone.xdmf", "bone.h5", "bone_quality.json"):
        check((work / "mesh" / f).exists(), f"mesh/{f} not written")
    quality = json.loads((work / "mesh" / "bone_quality.json").read_text())
    groups = quality["volume_groups"]
    check(set(groups) == {"cortical", "cancellous", "implant"}, f"groups {sorted(groups)}")
    check(sum(quality["radius_edge_counts"]) == quality["cells"],
          "the radius-edge histogram does not count every cell")
    check(quality["min_dihedral_deg"] >= 5.0, f"min dihedral {quality['min_dihedral_deg']}")
    # The rod's volume inside the voxel-centre box (x within ±5.75 mm): π r² · 11.5 mm.
    rod = math.pi * 1.0 ** 2 * (N - 1) * VOXEL_MM
    check(abs(groups["implant"]["volume_mm3"] / rod - 1) < 0.03,
          f"implant volume {groups['implant']['volume_mm3']:.3f} mm^3, expected {rod:.3f}")
    text = (work / "mesh" / "bone.xdmf").read_text()
    check("bone_modulus" in text and "bone_apparent_density" in text,
          "the XDMF does not list the bone fields")
    with h5py.File(work / "mesh" / "bone.h5", "r") as h5:
        def find(name):
            hits = []
            h5.visititems(lambda k, v: hits.append(k) if k.split("/")[-1] == name else None)
            return np.asarray(h5[hits[0]]).ravel() if hits else None
        E, tags = find("bone_modulus"), find("cell_tag")
    check(E is not None and tags is not None, "bone_modulus or cell_tag missing from bone.h5")
    if E is not None and tags is not None:
        tag = {name: g["tag"] for name, g in groups.items()}
        lo, hi = pooled_modulus(HU_CANCELLOUS), pooled_modulus(HU_CORTICAL)
        implant_E = E[tags == tag["implant"]]
        check(np.all(implant_E == 0), "implant cells got a bone modulus")
        bone = E[tags != tag["implant"]]
        # Each bone cell's modulus lies between the two tissues' (HU interpolated between
        # them near the interface, −1000 HU of the outside blended in at the outer surface
        # only down to the floor), and the cells deep inside each tissue take its modulus.
        check(np.all(bone >= 1e6 * 0.999) and np.all(bone <= hi * (1 + 1e-9)),
              f"bone moduli {bone.min():.4g} .. {bone.max():.4g} Pa outside the tissues' range")
        cortical = E[tags == tag["cortical"]]
        cancellous = E[tags == tag["cancellous"]]
        # (cells crowd at the interfaces, so compare the extremes, not a median)
        check(abs(np.min(cancellous) / lo - 1) < 1e-9,
              f"softest cancellous E {np.min(cancellous):.9g}, expected {lo:.9g}")
        check(np.max(cortical) > 0.99 * hi, f"largest cortical E {np.max(cortical):.6g} < {hi:.6g}")

    # The mesh runs with the CT moduli; a stiffer calibration gives less strain energy.
    energies = []
    for name, slope in (("run", SLOPE), ("run_stiffer", 2 * SLOPE)):
        (work / f"{name}.toml").write_text(
            RUN.format(mesh="mesh/bone.msh", ct="ct.nii", slope=slope, out=work / name))
        rc, out = resorb("run", f"{name}.toml")
        check(rc == 0, f"resorb run {name} failed ({rc}): {out[-2000:]}")
        if rc == 0:
            summary = json.loads((work / name / "summary.json").read_text())
            energies.append(summary["strain_energy_J"])
            text = (work / name / "elasticity.xdmf").read_text()
            check("bone_modulus" in text, f"{name}: elasticity.xdmf lacks bone_modulus")
    if len(energies) == 2:
        check(0 < energies[1] < energies[0],
              f"strain energies {energies}: the stiffer calibration must store less")

    # Bad input: exit 2, a message naming the problem, no mesh left behind.
    bad = [
        (["mesh", "labels.nii", "--size", "1 mm", "-o", "bad/a.msh"], "--labels is required"),
        (["mesh", "labels.nii", "--labels", "1=cortical,x=y", "--size", "1 mm", "-o",
          "bad/a.msh"], "'x=y' is not label=name"),
        (["mesh", "labels.nii", "--labels", "1=cortical", "--size", "1", "-o", "bad/a.msh"],
         "--size"),
        (["mesh", "labels.nii", "--labels", "7=nothing", "--size", "1 mm", "-o", "bad/a.msh"],
         "label 7 ('nothing') is in no voxel"),
        (["mesh", "labels.nii", "--labels", "1=cortical", "--size", "1 mm", "--implant",
          "cone,radius=1 mm", "-o", "bad/a.msh"], "implant kind 'cone'"),
        (["mesh", "labels.nii", "--labels", "1=cortical", "--size", "1 mm", "--implant",
          "screw,core_radius=1 mm", "-o", "bad/a.msh"], "needs a positive 'thread_depth'"),
        (["mesh", "labels.nii", "--labels", "1=cortical", "--size", "1 mm", "--ct", "ct.nii",
          "-o", "bad/a.msh"], "--ct needs --calibration"),
        (["mesh", "labels.nii", "--labels", "1=cortical", "--size", "1 mm", "--ct", "ct.nii",
          "--calibration", "0.8 kg/m^3,0 kg/m^3", "--law", "carter1977", "-o", "bad/a.msh"],
         "unknown modulus–density law 'carter1977'"),
        (["mesh", "labels.nii", "--labels", "1=cortical", "--size", "1 mm", "--ct",
          "ct_elsewhere.nii", "--calibration", "0.8 kg/m^3,0 kg/m^3", "-o", "bad/a.msh"],
         "ct_elsewhere.nii: the CT does not cover the mesh"),
        (["mesh", "missing.nii.gz", "--labels", "1=cortical", "--size", "1 mm", "-o",
          "bad/a.msh"], "missing.nii.gz"),
    ]
    if args.ranks > 1:
        # On 2 ranks the message checks are the same; what differs is an error found on one
        # rank only (cells outside the CT), which every rank must hear of.
        bad = [b for b in bad if "ct_elsewhere.nii" in b[0]]
    for cli, fragment in bad:
        rc, out = resorb(*cli)
        check(rc == 2 and fragment in out, f"{' '.join(cli)}: rc {rc}, wanted '{fragment}':\n{out}")
    check(not (work / "bad" / "a.msh").exists(), "a failed mesh command left a .msh behind")
    if args.ranks > 1:
        return
    # The config-file form: an unknown key and a missing unit are named.
    (work / "bad.toml").write_text('[image]\nlabels = "labels.nii"\n[labels]\n1 = "cortical"\n'
                                   '[sizing]\ncell_size = 1\n[output]\nfile = "bad/b.msh"\n')
    rc, out = resorb("mesh", "bad.toml")
    check(rc == 2 and "sizing.cell_size" in out and "no unit" in out, f"missing unit: {out}")
    (work / "bad2.toml").write_text('[image]\nlabels = "labels.nii"\nsmooth = 1\n[labels]\n'
                                    '1 = "cortical"\n[sizing]\ncell_size = "1 mm"\n'
                                    '[output]\nfile = "bad/b.msh"\n')
    rc, out = resorb("mesh", "bad2.toml")
    check(rc == 2 and "image.smooth" in out and "unknown key" in out, f"unknown key: {out}")
    (work / "bad3.toml").write_text('[image]\nlabels = "labels.nii"\n[labels]\n1 = "cortical"\n'
                                    '[sizing]\ncell_size = "1 mm"\n[[patch]]\nname = "p"\n'
                                    'from = "cortical|outside"\nwhere = "w < 3 mm"\n'
                                    '[output]\nfile = "bad/b.msh"\n')
    rc, out = resorb("mesh", "bad3.toml")
    check(rc == 2 and "patch[0].where" in out, f"bad patch half-space: {out}")
    run_text = RUN.format(mesh="mesh/bone.msh", ct="ct.nii", slope=SLOPE, out=work / "bad_run")
    for name, text, fragment in (
            ("twice", run_text + '[materials.cortical]\nE = "17 GPa"\nnu = 0.3\n',
             "give it in one place only"),
            ("law", run_text.replace("morgan2003_pooled", "carter1977"),
             "unknown modulus–density law 'carter1977'"),
            ("calibration", run_text.replace('density_per_hu = "0.8 kg/m^3"\n', ""),
             "bone_material.density_per_hu")):
        (work / f"bad_run_{name}.toml").write_text(text)
        rc, out = resorb("run", f"bad_run_{name}.toml")
        check(rc == 2 and fragment in out, f"[bone_material] {name}: {out}")
    (work / "bad_run.toml").write_text(
        RUN.format(mesh="mesh/bone.msh", ct="ct.nii", slope=SLOPE, out=work / "bad_run")
        .replace('law = "morgan2003_pooled"', 'law = "morgan2003_pooled"\nnu = 0.5'))
    rc, out = resorb("run", "bad_run.toml")
    check(rc == 2 and "Poisson's ratio 0.5" in out, f"nu = 0.5 in [bone_material]: {out}")


if __name__ == "__main__":
    main()
    print(f"{len(failures)} failed" if failures else "all checks passed")
    sys.exit(1 if failures else 0)
