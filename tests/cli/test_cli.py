#!/usr/bin/env python3
"""End-to-end checks of `resorb run`: a good run whose HDF5 output is read back with h5py
and compared with summary.json, then bad inputs that must exit non-zero with a message
naming the file/key/value and leave no summary.json behind."""
import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

GOOD = """
[mesh.screw_in_bone]
mesh_size = "4 mm"
implant_mesh_size = "2 mm"
[fem]
degree = 1
[materials.cortical]
E = "17 GPa"
nu = 0.3
[materials.cancellous]
E = "1 GPa"
nu = 0.3
[materials.implant]
E = "44 GPa"
nu = 0.27
[boundary.bone_base]
fix = ["x", "y", "z"]
[boundary.implant_head]
force = ["0 N", "0 N", "200 N"]
[solver]
rtol = 1e-10
[output]
directory = "{out}"
"""

failures = []


CORROSION = """
[mesh.pin_in_medium]
mesh_size = "1.5 mm"
pin_mesh_size = "0.25 mm"

[corrosion]
metal = "pin"
medium = "nacl"
end_time = "2 h"
output_interval = "40 min"

[output]
directory = "{out}"
"""


def check(condition, message):
    if not condition:
        failures.append(message)
        print("FAIL:", message)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--resorb", required=True)
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--ranks", type=int, default=1)
    ap.add_argument("--source", required=True)
    ap.add_argument("--work", required=True)
    args = ap.parse_args()
    work = Path(args.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    launcher = [args.mpiexec, "--allow-run-as-root", "--oversubscribe", "-n", str(args.ranks)]

    def resorb(*cli):
        p = subprocess.run(launcher + [args.resorb, *cli], capture_output=True, text=True,
                           timeout=600)
        return p.returncode, p.stdout + p.stderr

    def run_corrosion_variant(name, keys):
        """Runs the pin config with `keys` instead of the NaCl medium; its summary, or None."""
        out_dir = work / name
        (work / f"{name}.toml").write_text(
            CORROSION.replace('medium = "nacl"', keys).format(out=out_dir))
        rc, text = resorb("run", str(work / f"{name}.toml"))
        check(rc == 0, f"{name} run exit {rc}:\n{text}")
        return json.loads((out_dir / "summary.json").read_text()) if rc == 0 else None

    # 1. A good run: summary keys, units, and the HDF5 values against the summary.
    out = work / "good"
    (work / "good.toml").write_text(GOOD.format(out=out))
    rc, text = resorb("run", str(work / "good.toml"))
    check(rc == 0, f"good run exit {rc}:\n{text}")
    summary = json.loads((out / "summary.json").read_text())
    assembled_energy = summary.get("strain_energy_J", 0.0)
    for key in ["dofs", "ranks", "strain_energy_J", "max_displacement_m",
                "axial_stiffness_N_per_m", "wall_time_s", "peak_memory_bytes"]:
        check(key in summary, f"summary.json lacks {key}")
    check(summary["ranks"] == args.ranks, "summary ranks")
    for phase in ["read", "partition", "dofs", "matrix setup", "assemble", "solver setup",
                  "solve", "write"]:
        check(phase in summary["wall_time_s"], f"no wall time for phase {phase}")
    k = summary["axial_stiffness_N_per_m"]["implant_head"]
    check(1e6 < k < 1e9, f"implausible axial stiffness {k}")
    reaction = summary["reaction_force_N"]["bone_base"]
    check(abs(reaction[2] + 200.0) < 1e-6 * 200.0, f"reaction {reaction} does not balance 200 N")
    checker = Path(args.source) / "tests" / "io" / "check_xdmf.py"
    p = subprocess.run([sys.executable, str(checker), str(out / "elasticity.xdmf"),
                        "--expect-max-displacement", repr(summary["max_displacement_m"]),
                        "--rtol", "1e-10"], capture_output=True, text=True)
    check(p.returncode == 0, f"independent reader disagrees:\n{p.stdout}{p.stderr}")

    # 1b. A corrosion run ([corrosion] on the built-in pin): time series, summary, balance.
    corr_out = work / "corrosion"
    (work / "corrosion.toml").write_text(CORROSION.format(out=corr_out))
    rc, text = resorb("run", str(work / "corrosion.toml"))
    check(rc == 0, f"corrosion run exit {rc}:\n{text}")
    if rc == 0:
        summary = json.loads((corr_out / "summary.json").read_text())
        check(summary["mg_balance_error"] < 1e-10, f"Mg balance {summary['mg_balance_error']}")
        check(0 < summary["mass_loss_fraction"] < 1, "implausible mass loss")
        rows = (corr_out / "timeseries.csv").read_text().splitlines()
        check(len(rows) == 5 and rows[0].startswith("time_h,metal_volume_mm3"),
              f"timeseries.csv: {rows[:2]}")
        check((corr_out / "corrosion.xdmf").exists(), "no corrosion.xdmf")
    # 1b". A calibrated alloy in the buffered in-vivo medium, from the data files.
    summary = run_corrosion_variant("vivo", 'alloy = "we43"\nmedium = "in_vivo"')
    if summary:
        check(summary["alloy"] == "we43" and summary["medium"] == "in_vivo",
              f"summary alloy/medium {summary.get('alloy')}/{summary.get('medium')}")
        check(0 < summary["mass_loss_fraction"] < 0.5, "implausible in-vivo mass loss")
        check(summary["mg_balance_error"] < 1e-10, f"Mg balance {summary['mg_balance_error']}")

    # 1b'. resorb calibrate: a fit printed as the block an alloy file records; bad target.
    rc, text = resorb("calibrate", "--alloy", "pure_mg", "--medium", "sbf", "--target",
                      "1 mm/year", "--duration", "6 h", "--cell-size", "200 um")
    check(rc == 0 and "[calibration.sbf]" in text and "rate_factor = " in text,
          f"calibrate exit {rc}:\n{text}")
    rc, text = resorb("calibrate", "--medium", "sbf", "--target", "1")
    check(rc == 2 and "--target" in text and "no unit" in text,
          f"calibrate without a unit: exit {rc}:\n{text}")
    # --write records the fit in the alloy's file: the medium's table replaced, the rest kept.
    alloy_copy = work / "pure_mg_copy.toml"
    alloy_copy.write_text((Path(args.source) / "data" / "alloys" / "pure_mg.toml").read_text())
    calibrate_args = ["calibrate", "--alloy", str(alloy_copy), "--medium", "sbf", "--target",
                      "1 mm/year", "--duration", "6 h", "--cell-size", "200 um"]
    rc, text = resorb(*calibrate_args, "--write")
    check(rc == 2 and "source" in text and alloy_copy.read_text() ==
          (Path(args.source) / "data" / "alloys" / "pure_mg.toml").read_text(),
          f"calibrate --write without --source: exit {rc}, file changed?\n{text}")
    rc, text = resorb(*calibrate_args, "--write", "--source", "a test's target")
    written = alloy_copy.read_text()
    check(rc == 0 and "wrote [calibration.sbf]" in text, f"calibrate --write: exit {rc}:\n{text}")
    check(written.count("[calibration.sbf]") == 1 and 'target_rate = "1 mm/year"' in written
          and "a test's target" in written and "[calibration.nacl]" in written
          and written.startswith("# Commercially pure magnesium"),
          f"calibrate --write left:\n{written}")
    factor = [line for line in written.splitlines() if line.startswith("rate_factor")]
    check(len(factor) == 2 and factor[0] != "rate_factor = 1.0",
          f"calibrate --write: rate factors {factor}")

    # 1d. Coupled: the GOOD screw-in-bone config plus [corrosion] re-solves the mechanics at
    # every output: stiffness columns that never rise, the summary's stiffness figures, a
    # rerun that gives the same series (the built-in mesh is deterministic), and the missing
    # replacement tissue named.
    coupled_keys = ('[corrosion]\nmetal = "implant"\nalloy = "we43"\nmedium = "in_vivo"\n'
                    'end_time = "2 weeks"\noutput_interval = "1 week"\ndt_max = "1 day"\n'
                    'replacement_E = "1 GPa"\nreplacement_nu = 0.3\n')
    coupled = GOOD.replace("[output]", coupled_keys + "[output]")
    series = []
    for attempt in ("coupled", "coupled_again"):
        coupled_out = work / attempt
        (work / f"{attempt}.toml").write_text(coupled.format(out=coupled_out))
        rc, text = resorb("run", str(work / f"{attempt}.toml"))
        check(rc == 0, f"{attempt} run exit {rc}:\n{text}")
        if rc != 0:
            break
        rows = (coupled_out / "timeseries.csv").read_text().splitlines()
        header = rows[0].split(",")
        check("axial_stiffness_N_per_m" in header and "implant_von_mises_peak_MPa" in header,
              f"coupled timeseries header: {rows[0]}")
        column = header.index("axial_stiffness_N_per_m")
        stiffness = [float(r.split(",")[column]) for r in rows[1:]]
        check(len(stiffness) == 3 and all(b <= a for a, b in zip(stiffness, stiffness[1:]))
              and stiffness[-1] < stiffness[0], f"stiffness not falling: {stiffness}")
        summary = json.loads((coupled_out / "summary.json").read_text())
        check(abs(summary["initial_axial_stiffness_N_per_m"] / stiffness[0] - 1) < 1e-5,
              "summary initial stiffness")
        check(summary["mg_balance_error"] < 1e-10, f"Mg balance {summary['mg_balance_error']}")
        series.append(rows[1:])
    if len(series) == 2:
        check(series[0] == series[1], "a rerun of the coupled config gives another series")
    no_tissue = work / "coupled_no_tissue.toml"
    no_tissue.write_text(coupled.replace('replacement_E = "1 GPa"\n', "")
                         .format(out=work / "coupled_no_tissue"))
    rc, text = resorb("run", str(no_tissue))
    check(rc == 2 and "corrosion.replacement_E" in text and "missing" in text,
          f"coupled without replacement_E: exit {rc}:\n{text}")
    # Surface damage has no alloy file: the implant's material must come from the config.
    no_metal = work / "coupled_damage_no_metal.toml"
    no_metal.write_text(coupled.replace('[materials.implant]\nE = "44 GPa"\nnu = 0.27\n', "")
                        .replace('alloy = "we43"\nmedium = "in_vivo"\n',
                                 'model = "surface_damage"\nrate = "1 mm/year"\n')
                        .format(out=work / "coupled_damage_no_metal"))
    rc, text = resorb("run", str(no_metal))
    check(rc == 2 and "materials.implant" in text and "missing" in text,
          f"coupled surface damage without the implant's material: exit {rc}:\n{text}")

    # A case name that data/cases does not hold: named, with the known cases.
    rc, text = resorb("run", "no_such_case")
    check(rc == 2 and "case 'no_such_case'" in text and "we43_screw" in text,
          f"unknown case: exit {rc}:\n{text}")

    # 1c. The surface damage model on the same pin: uniform recession at the given rate.
    summary = run_corrosion_variant("damage", 'model = "surface_damage"\nrate = "200 mm/year"')
    if summary:
        check(summary["model"] == "surface_damage", f"summary model {summary.get('model')}")
        check(0 < summary["mass_loss_fraction"] < 1, "implausible damage mass loss")
    for name, config, needles in [
        ("corrosion_no_unit", CORROSION.replace('end_time = "2 h"', "end_time = 2"),
         ["corrosion.end_time", "no unit"]),
        ("corrosion_medium", CORROSION.replace('medium = "nacl"', 'medium = "seawater"'),
         ["corrosion.alloy/medium", "seawater", "sbf"]),
        ("corrosion_uncalibrated", CORROSION.replace('medium = "nacl"', 'medium = "in_vivo"'),
         ["corrosion.alloy/medium", "no calibration", "in_vivo"]),
        ("corrosion_alloy", CORROSION.replace('medium = "nacl"', 'alloy = "unobtainium"'),
         ["unobtainium", "pure_mg"]),
        ("damage_rate", CORROSION.replace('medium = "nacl"', 'model = "surface_damage"'),
         ["corrosion.rate", "missing"]),
        ("damage_key", CORROSION.replace('end_time', 'rate = "1 mm/year"\nend_time'),
         ["corrosion.rate", "surface_damage"]),
        ("damage_shape", CORROSION.replace('medium = "nacl"',
                                           'model = "surface_damage"\nrate = "1 mm/year"\n'
                                           'pitting_shape = 0'),
         ["corrosion.pitting_shape", "> 0"]),
        ("damage_seed", CORROSION.replace('medium = "nacl"',
                                          'model = "surface_damage"\nrate = "1 mm/year"\nseed = -1'),
         ["corrosion.seed", "non-negative"]),
        ("corrosion_metal", CORROSION.replace('metal = "pin"', 'metal = "screw"'),
         ["screw", "pin"]),
    ]:
        path = work / f"{name}.toml"
        path.write_text(config.format(out=work / name))
        rc, text = resorb("run", str(path))
        check(rc == 2, f"{name}: exit {rc}, expected 2:\n{text}")
        for needle in needles:
            check(needle in text, f"{name}: message lacks '{needle}':\n{text}")

    # A mesh file for the file-based cases, written by the program itself.
    msh = work / "screw.msh"
    rc, text = resorb("mesh", "screw-in-bone", "-o", str(msh), "--mesh-size", "4",
                      "--implant-mesh-size", "2")
    check(rc == 0 and msh.exists(), f"resorb mesh failed:\n{text}")
    # Binary by default (the fast path to read); --ascii writes text.
    check(msh.read_bytes().startswith(b"$MeshFormat\n4.1 1 8\n"), "resorb mesh: not binary MSH")
    ascii_msh = work / "screw_ascii.msh"
    rc, text = resorb("mesh", "screw-in-bone", "-o", str(ascii_msh), "--mesh-size", "4",
                      "--implant-mesh-size", "2", "--ascii")
    check(rc == 0 and ascii_msh.read_bytes().startswith(b"$MeshFormat\n4.1 0 8\n"),
          f"resorb mesh --ascii: not ASCII MSH:\n{text}")
    file_config = GOOD.replace('[mesh.screw_in_bone]\nmesh_size = "4 mm"\nimplant_mesh_size = "2 mm"',
                               f'[mesh]\nfile = "{msh}"\nunit = "mm"')
    truncated = work / "truncated.msh"
    data = msh.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    inverted = work / "inverted.msh"
    inverted.write_text(
        "$MeshFormat\n4.1 0 8\n$EndMeshFormat\n$PhysicalNames\n1\n3 1 \"cortical\"\n"
        "$EndPhysicalNames\n$Entities\n0 0 0 1\n1 0 0 0 1 1 1 1 1 0\n$EndEntities\n"
        "$Nodes\n1 4 1 4\n3 1 0 4\n1\n2\n3\n4\n0 0 0\n1 0 0\n0 1 0\n0 0 -1\n$EndNodes\n"
        "$Elements\n1 1 7 7\n3 1 4 1\n7 1 2 3 4\n$EndElements\n")

    # 2. Bad inputs: (name, config text, expected exit code, substrings of the message).
    # Matrix-free (CG + Chebyshev-Jacobi, no assembled matrix) gives the assembled energy;
    # --device cuda does too where a GPU is, and elsewhere stops with the reason (exit 2).
    for name, extra, flags in [("matrix_free", "matrix_free = true", []),
                               ("device_cuda", "", ["--device", "cuda"])]:
        variant_out = work / name
        (work / f"{name}.toml").write_text(
            GOOD.format(out=variant_out).replace("rtol = 1e-10", "rtol = 1e-10\n" + extra))
        rc, text = resorb("run", str(work / f"{name}.toml"), *flags)
        if name == "device_cuda" and rc != 0:
            check(rc == 2 and 'device = "cuda" was asked for' in text,
                  f"{name}: without a GPU, exit {rc} and the reason expected:\n{text}")
            continue
        check(rc == 0, f"{name} run exit {rc}:\n{text}")
        if rc == 0:
            energy = json.loads((variant_out / "summary.json").read_text())["strain_energy_J"]
            check(abs(energy / assembled_energy - 1) < 1e-8,
                  f"{name}: strain energy {energy} J, assembled {assembled_energy} J")

    # A bad --device value is refused by the command line before anything runs.
    rc, text = resorb("run", str(work / "good.toml"), "--device", "tpu")
    check(rc != 0 and "--device" in text and "tpu" in text,
          f"--device tpu: exit {rc}, expected a refusal naming the flag and value:\n{text}")

    cases = [
        ("nu_half", GOOD.replace("nu = 0.27", "nu = 0.5"), 2, ["materials.implant", "0.5"]),
        ("missing_unit", GOOD.replace('E = "44 GPa"', "E = 44e9"), 2,
         ["materials.implant.E", "no unit"]),
        ("wrong_unit", GOOD.replace('E = "44 GPa"', 'E = "44 mm"'), 2, ["materials.implant.E"]),
        ("unknown_key", GOOD.replace("[solver]", "[solver]\nrtoll = 1e-8"), 2, ["solver.rtoll"]),
        ("unknown_device", GOOD.replace("[solver]", '[solver]\ndevice = "tpu"'), 2,
         ["solver.device", "tpu"]),
        ("matrix_free_type", GOOD.replace("[solver]", "[solver]\nmatrix_free = 1"), 2,
         ["solver.matrix_free", "true or false"]),
        ("unknown_boundary", GOOD.replace("[boundary.implant_head]", "[boundary.implant_top]"), 2,
         ["implant_top", "implant_head"]),
        ("negative_E", GOOD.replace('E = "1 GPa"', 'E = "-1 GPa"'), 2, ["cancellous", "-1000000000"]),
        ("syntax", GOOD.replace("[fem]", "[fem"), 2, ["syntax.toml"]),
        ("unknown_alloy", GOOD.replace('E = "44 GPa"\nnu = 0.27', 'alloy = "unobtainium"'), 2,
         ["materials.implant.alloy", "unobtainium", "we43"]),
        ("alloy_and_E", GOOD.replace('nu = 0.27', 'nu = 0.27\nalloy = "we43"'), 2,
         ["materials.implant", "either 'alloy' or 'E' and 'nu'"]),
        ("missing_mesh_unit", file_config.replace('unit = "mm"\n', ""), 2, ["mesh.unit"]),
        ("truncated_mesh", file_config.replace(str(msh), str(truncated)), 2, [str(truncated)]),
        ("inverted_mesh", file_config.replace(str(msh), str(inverted)), 2,
         [str(inverted), "element 7", "inverted"]),
        ("missing_mesh", file_config.replace(str(msh), str(work / "nope.msh")), 2, ["nope.msh"]),
        ("diverged", GOOD.replace("rtol = 1e-10", "rtol = 1e-10\nmax_iterations = 2"), 3,
         ["did not converge"]),
        ("diverged_matrix_free", GOOD.replace("rtol = 1e-10",
                                              "rtol = 1e-10\nmax_iterations = 2\nmatrix_free = true"),
         3, ["did not converge"]),
        # A user's bad PETSc option is bad input (2), named, not a solver failure (3).
        ("bad_petsc_option", GOOD.replace("rtol = 1e-10",
                                          'rtol = 1e-10\npetsc_options = "-elasticity_pc_type nonsense"'),
         2, ["-elasticity_pc_type nonsense", "nonsense"]),
        # A sub-solver's type is read only when the solve sets it up; still bad input.
        ("bad_sub_solver_option", GOOD.replace("rtol = 1e-10",
                                               'rtol = 1e-10\npetsc_options = "-elasticity_mg_levels_pc_type nonsense"'),
         2, ["-elasticity_mg_levels_pc_type nonsense"]),
        # P2's p-multigrid reads its levels' options under -elasticity_p2_ / -elasticity_p1_.
        ("bad_p_multigrid_option", GOOD.replace("rtol = 1e-10",
                                                'rtol = 1e-10\npetsc_options = "-elasticity_p1_pc_type nonsense"')
         .replace("degree = 1", "degree = 2"),
         2, ["-elasticity_p1_pc_type nonsense"]),
    ]
    # The main job's case file, broken one key at a time (each named, before any output).
    screw = re.sub(r'^directory = .*$', 'directory = "{out}"',
                   (Path(args.source) / "data/cases/we43_screw.toml").read_text(), flags=re.M)
    cases += [
        ("screw_minor_diameter", screw.replace('minor_diameter = "2.2 mm"',
                                               'minor_diameter = "3.4 mm"'), 2,
         ["screw_minor_diameter.toml", "mesh.threaded_screw", "minor_diameter"]),
        ("screw_quarter_type", screw.replace("quarter = true", "quarter = 1"), 2,
         ["mesh.threaded_screw.quarter", "true or false"]),
        ("screw_two_meshes", screw.replace("[mesh.threaded_screw]",
                                           '[mesh]\nfile = "x.msh"\nunit = "mm"\n'
                                           '[mesh.threaded_screw]'), 2,
         ["mesh", "exactly one"]),
        ("screw_negative_diffusivity", screw.replace("cortical = 0.1", "cortical = -0.1"), 2,
         ["corrosion.diffusivity_factor.cortical", ">= 0"]),
        # A quarter screw without [corrosion]: reactions and lateral loads are not symmetric.
        ("screw_quarter_elasticity",
         re.sub(r"^\[corrosion\].*?(?=^\[boundary\.base\])", "", screw, flags=re.M | re.S), 2,
         ["mesh.threaded_screw.quarter", "quarter = false"]),
    ]
    for name, config, expected_rc, needles in cases:
        case_out = work / name
        case_out.mkdir()
        (case_out / "summary.json").write_text("{}")  # a stale result from an earlier run
        path = work / f"{name}.toml"
        path.write_text(config.replace("{out}", str(case_out)))
        rc, text = resorb("run", str(path))
        check(rc == expected_rc, f"{name}: exit {rc}, expected {expected_rc}:\n{text}")
        for needle in needles:
            check(needle in text, f"{name}: message lacks '{needle}':\n{text}")
        check("Segmentation" not in text and "Abort" not in text, f"{name}: crashed:\n{text}")
        # An invalid config never says where results go, so an earlier summary stays as it
        # was; once the config is valid, the earlier summary is removed before the run.
        stale = case_out / "summary.json"
        if name in ("unknown_boundary", "truncated_mesh", "inverted_mesh", "missing_mesh",
                    "diverged", "diverged_matrix_free", "bad_petsc_option", "bad_sub_solver_option",
                    "bad_p_multigrid_option"):
            check(not stale.exists(), f"{name}: an earlier summary.json survived a failed run")
        else:
            check(stale.exists() and stale.read_text() == "{}",
                  f"{name}: summary.json was written or removed")
        check(not (case_out / "elasticity.xdmf").exists() or expected_rc == 3,
              f"{name}: fields written for a failed run")

    print(f"{len(cases) + 1 - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
