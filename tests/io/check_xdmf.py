#!/usr/bin/env python3
"""Checks an XDMF 3 + HDF5 file pair written by resorb::io::write_xdmf.

Usage:
    check_xdmf.py FILE.xdmf [--test-fields]
                  [--expect-max-displacement VALUE [--rtol R] [--displacement-field NAME]]

A time series (a Temporal collection of grids, io::XdmfTimeSeries) has each of its steps
checked as below, and its <Time> values must rise; --expect-steps N requires N steps.

Always checked: the XML parses; every HDF DataItem points at an existing dataset of the stated
shape; the topology is Tetrahedron with indices in range and positive-volume cells; the geometry
is XYZ; every Attribute has as many rows as there are nodes (Center="Node") or cells
(Center="Cell") and an AttributeType that fits its component count; every field attribute
(all but "cell_tag") has an <Information Name="unit"> child and an HDF5 attribute "unit" on its
dataset, and the two agree.

--test-fields: also checks the fields written by tests/unit/test_xdmf.cpp: point field "u"
equals (x, 2y, 3z) of the geometry, cell field "centroid_z" equals the mean z of each cell's
4 vertices (both to 1e-12).

--expect-max-displacement VALUE: checks that the maximum over vertices of |displacement| (the
point field named by --displacement-field, default "displacement") equals VALUE within the
relative tolerance --rtol (default 1e-6).

Exit status: 0 when every check passes, 1 when one fails (each failure printed on stderr),
2 on bad usage or when h5py/numpy are missing.
"""

import argparse
import os
import sys
import xml.etree.ElementTree as ET

try:
    import h5py
    import numpy as np
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"check_xdmf.py: {e}; install python3-h5py and python3-numpy", file=sys.stderr)
    sys.exit(2)

ATTRIBUTE_TYPES = {1: "Scalar", 3: "Vector", 6: "Tensor6", 9: "Tensor"}


class Checker:
    def __init__(self, xdmf_path):
        self.xdmf_path = xdmf_path
        self.base = os.path.dirname(os.path.abspath(xdmf_path))
        self.failures = []
        self.files = {}

    def fail(self, message):
        self.failures.append(message)
        print(f"FAIL {self.xdmf_path}: {message}", file=sys.stderr)

    def close(self):
        for f in self.files.values():
            f.close()

    def read(self, item, what):
        """Returns (array, dataset) of an HDF DataItem, or (None, None) after a failure."""
        if item is None:
            self.fail(f"{what}: no DataItem")
            return None, None
        if item.get("Format") != "HDF":
            self.fail(f"{what}: DataItem Format is {item.get('Format')!r}, expected 'HDF'")
            return None, None
        text = (item.text or "").strip()
        if ":" not in text:
            self.fail(f"{what}: DataItem {text!r} is not FILE:/DATASET")
            return None, None
        file_name, dataset_path = text.split(":", 1)
        path = os.path.join(self.base, file_name)
        if path not in self.files:
            try:
                self.files[path] = h5py.File(path, "r")
            except OSError as e:
                self.fail(f"{what}: cannot open {path}: {e}")
                return None, None
        h5 = self.files[path]
        if dataset_path not in h5:
            self.fail(f"{what}: dataset {dataset_path} not in {path}")
            return None, None
        dataset = h5[dataset_path]
        try:
            dims = tuple(int(d) for d in item.get("Dimensions", "").split())
        except ValueError:
            self.fail(f"{what}: bad Dimensions {item.get('Dimensions')!r}")
            return None, None
        if dataset.shape != dims:
            self.fail(f"{what}: dataset {dataset_path} has shape {dataset.shape}, "
                      f"XDMF Dimensions {dims}")
            return None, None
        number_type = item.get("NumberType", "Float")
        precision = int(item.get("Precision", "4"))
        kind = dataset.dtype.kind
        if (number_type == "Float") != (kind == "f") or dataset.dtype.itemsize != precision:
            self.fail(f"{what}: dataset {dataset_path} has dtype {dataset.dtype}, XDMF says "
                      f"{number_type} {precision}")
        return dataset[()], dataset

    def check(self, args):
        try:
            root = ET.parse(self.xdmf_path).getroot()
        except (ET.ParseError, OSError) as e:
            self.fail(f"cannot parse: {e}")
            return
        if root.tag != "Xdmf":
            self.fail(f"root element is {root.tag}, expected Xdmf")
        grids = root.findall("./Domain/Grid")
        if len(grids) != 1:
            self.fail(f"{len(grids)} Grid elements under Domain, expected 1")
            return
        grid = grids[0]
        if grid.get("GridType") == "Collection":
            # A time series (io::XdmfTimeSeries): every step a complete grid, times rising.
            if grid.get("CollectionType") != "Temporal":
                self.fail(f"collection of type {grid.get('CollectionType')!r}, expected Temporal")
            steps = grid.findall("Grid")
            times = []
            for step in steps:
                t = step.find("Time")
                if t is None or t.get("Value") is None:
                    self.fail("a step of the time series has no <Time Value>")
                    return
                times.append(float(t.get("Value")))
                self.check_grid(step, args)
            if any(b <= a for a, b in zip(times, times[1:])):
                self.fail(f"step times do not rise: {times}")
            if args.expect_steps is not None and len(steps) != args.expect_steps:
                self.fail(f"{len(steps)} steps, expected {args.expect_steps}")
            print(f"time series of {len(steps)} steps, t = {times[0] if times else None} .. "
                  f"{times[-1] if times else None} s")
            return
        if args.expect_steps is not None:
            self.fail("--expect-steps given, but the file is a single grid")
        self.check_grid(grid, args)

    def check_grid(self, grid, args):
        geometry = grid.find("Geometry")
        if geometry is None or geometry.get("GeometryType") != "XYZ":
            self.fail("no Geometry with GeometryType XYZ")
            return
        x, _ = self.read(geometry.find("DataItem"), "Geometry")
        if x is None:
            return
        if x.ndim != 2 or x.shape[1] != 3:
            self.fail(f"geometry has shape {x.shape}, expected (N, 3)")
            return
        if not np.all(np.isfinite(x)):
            self.fail("geometry has non-finite coordinates")
        num_nodes = x.shape[0]

        topology = grid.find("Topology")
        if topology is None or topology.get("TopologyType") != "Tetrahedron":
            self.fail("no Topology with TopologyType Tetrahedron")
            return
        cells, _ = self.read(topology.find("DataItem"), "Topology")
        if cells is None:
            return
        if cells.ndim != 2 or cells.shape[1] != 4:
            self.fail(f"topology has shape {cells.shape}, expected (C, 4)")
            return
        num_cells = cells.shape[0]
        if int(topology.get("NumberOfElements", num_cells)) != num_cells:
            self.fail(f"NumberOfElements {topology.get('NumberOfElements')} but {num_cells} rows")
        if num_cells == 0:
            self.fail("topology has no cells")
            return
        if cells.min() < 0 or cells.max() >= num_nodes:
            self.fail(f"topology indices span [{cells.min()}, {cells.max()}], "
                      f"outside [0, {num_nodes})")
            return
        p = x[cells]  # C x 4 x 3
        volumes = np.einsum("ij,ij->i", p[:, 1] - p[:, 0],
                            np.cross(p[:, 2] - p[:, 0], p[:, 3] - p[:, 0])) / 6.0
        if not np.all(volumes > 0):
            bad = np.flatnonzero(~(volumes > 0))
            self.fail(f"{bad.size} cells with non-positive volume, first: cell {bad[0]} "
                      f"(volume {volumes[bad[0]]})")
        unused = num_nodes - np.unique(cells).size
        if unused:
            self.fail(f"{unused} vertices used by no cell")

        fields = {}
        for attribute in grid.findall("Attribute"):
            name = attribute.get("Name")
            center = attribute.get("Center")
            what = f"Attribute {name!r}"
            if name in fields:
                self.fail(f"{what} appears twice")
            values, dataset = self.read(attribute.find("DataItem"), what)
            if values is None:
                continue
            rows = {"Node": num_nodes, "Cell": num_cells}.get(center)
            if rows is None:
                self.fail(f"{what}: Center {center!r}, expected Node or Cell")
                continue
            if values.shape[0] != rows:
                self.fail(f"{what}: {values.shape[0]} rows for {rows} {center.lower()}s")
                continue
            components = 1 if values.ndim == 1 else values.shape[1]
            expected_type = ATTRIBUTE_TYPES.get(components, "Matrix")
            if attribute.get("AttributeType") not in (expected_type, "Matrix"):
                self.fail(f"{what}: AttributeType {attribute.get('AttributeType')!r} for "
                          f"{components} components, expected {expected_type!r}")
            if name != "cell_tag":
                infos = [i for i in attribute.findall("Information") if i.get("Name") == "unit"]
                if len(infos) != 1:
                    self.fail(f"{what}: {len(infos)} <Information Name=\"unit\"> children, "
                              "expected 1")
                if "unit" not in dataset.attrs:
                    self.fail(f"{what}: dataset {dataset.name} has no HDF5 attribute 'unit'")
                elif infos:
                    unit = dataset.attrs["unit"]
                    if isinstance(unit, bytes):
                        unit = unit.decode("utf-8")
                    if str(unit) != infos[0].get("Value"):
                        self.fail(f"{what}: unit {unit!r} in HDF5 but "
                                  f"{infos[0].get('Value')!r} in XDMF")
            if not np.all(np.isfinite(values)):
                self.fail(f"{what}: non-finite values")
            fields[name] = (center, values.reshape(rows, -1))

        if "cell_tag" not in fields or fields["cell_tag"][0] != "Cell":
            self.fail("no cell attribute 'cell_tag'")

        if args.test_fields:
            self.check_test_fields(fields, x, cells)
        if args.expect_max_displacement is not None:
            self.check_max_displacement(fields, args)

    def check_test_fields(self, fields, x, cells):
        u = fields.get("u")
        if u is None or u[0] != "Node" or u[1].shape[1] != 3:
            self.fail("--test-fields: no 3-component point field 'u'")
        else:
            error = np.abs(u[1] - x * np.array([1.0, 2.0, 3.0])).max()
            if not error <= 1e-12:
                self.fail(f"--test-fields: u differs from (x, 2y, 3z) by {error}")
        cz = fields.get("centroid_z")
        if cz is None or cz[0] != "Cell" or cz[1].shape[1] != 1:
            self.fail("--test-fields: no scalar cell field 'centroid_z'")
        else:
            error = np.abs(cz[1][:, 0] - x[cells][:, :, 2].mean(axis=1)).max()
            if not error <= 1e-12:
                self.fail(f"--test-fields: centroid_z differs from the mean vertex z by {error}")

    def check_max_displacement(self, fields, args):
        name = args.displacement_field
        field = fields.get(name)
        if field is None or field[0] != "Node":
            self.fail(f"--expect-max-displacement: no point field {name!r} "
                      f"(attributes: {sorted(fields)})")
            return
        actual = float(np.linalg.norm(field[1], axis=1).max())
        expected = args.expect_max_displacement
        if not abs(actual - expected) <= args.rtol * abs(expected):
            self.fail(f"max |{name}| = {actual!r}, expected {expected!r} (rtol {args.rtol})")
        else:
            print(f"max |{name}| = {actual!r} (expected {expected!r}, rtol {args.rtol})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("xdmf", help="the .xdmf file")
    parser.add_argument("--test-fields", action="store_true",
                        help="check the fields 'u' and 'centroid_z' of test_xdmf")
    parser.add_argument("--expect-max-displacement", type=float, metavar="VALUE",
                        help="expected maximum over vertices of |displacement|")
    parser.add_argument("--expect-steps", type=int, metavar="N",
                        help="the file must be a time series (temporal collection) of N steps")
    parser.add_argument("--rtol", type=float, default=1e-6,
                        help="relative tolerance of --expect-max-displacement (default 1e-6)")
    parser.add_argument("--displacement-field", default="displacement", metavar="NAME",
                        help="point field used by --expect-max-displacement "
                             "(default 'displacement')")
    args = parser.parse_args()

    checker = Checker(args.xdmf)
    try:
        checker.check(args)
    finally:
        checker.close()
    if checker.failures:
        print(f"check_xdmf.py: {len(checker.failures)} check(s) failed", file=sys.stderr)
        return 1
    print(f"check_xdmf.py: {args.xdmf}: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
