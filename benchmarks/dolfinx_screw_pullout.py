#!/usr/bin/env python3
"""Example 01's problem (screw pull-out, P1 elasticity) in DOLFINx 0.5, for comparison.

Same mesh file (MSH 4.1, mm), same materials per volume group, bone_base clamped, 200 N
along z spread uniformly over implant_head, CG with the same true-residual stopping test
(unpreconditioned norm) and GAMG with the same rigid-body near-null space built by PETSc from
the node coordinates. Run under mpiexec; rank 0 prints one JSON line with the phase times.

    mpiexec -n 2 python3 benchmarks/dolfinx_screw_pullout.py MESH.msh --rtol 1e-7

Form compilation (FFCx JIT) is timed separately as `jit`: it is cached after the first run,
and the driver warms the cache before timing.
"""
import argparse
import json
import time

import gmsh
import numpy as np
import ufl
from dolfinx import fem
from dolfinx.io import gmshio
from dolfinx.fem.petsc import apply_lifting, assemble_matrix, assemble_vector, set_bc
from mpi4py import MPI
from petsc4py import PETSc

MATERIALS = {1: (17e9, 0.30), 2: (1e9, 0.30), 3: (44e9, 0.27)}  # tag: (E Pa, nu)
BONE_BASE, IMPLANT_HEAD = 11, 12
FORCE_Z = 200.0  # N


class Phases:
    def __init__(self, comm):
        self.comm, self.times = comm, {}

    def __call__(self, name):
        phases = self

        class Scope:
            def __enter__(self):
                phases.comm.Barrier()
                self.start = time.perf_counter()

            def __exit__(self, *exc):
                phases.comm.Barrier()
                phases.times[name] = phases.times.get(name, 0.0) + time.perf_counter() - self.start

        return Scope()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mesh")
    ap.add_argument("--unit", type=float, default=1e-3, help="metres per file unit")
    ap.add_argument("--rtol", type=float, default=1e-7)
    ap.add_argument("--degree", type=int, default=1, choices=[1, 2], help="Lagrange degree")
    ap.add_argument("--petsc-options", default="", help="extra PETSc options")
    args = ap.parse_args()
    comm = MPI.COMM_WORLD
    phases = Phases(comm)
    if args.petsc_options:
        PETSc.Options().insertString(args.petsc_options)

    with phases("read"):  # gmsh reads on rank 0, DOLFINx partitions and distributes
        # gmshio.read_from_msh is broken in Debian's 0.5.2 (returns an undefined name), so
        # do what it means: merge the file into a Gmsh model on rank 0 and convert it.
        gmsh.initialize()
        if comm.rank == 0:
            gmsh.option.setNumber("General.Terminal", 0)
            gmsh.merge(args.mesh)
        msh, cell_tags, facet_tags = gmshio.model_to_mesh(gmsh.model, comm, 0, gdim=3)
        gmsh.finalize()
        msh.geometry.x[:] *= args.unit

    with phases("dofs"):
        V = fem.VectorFunctionSpace(msh, ("Lagrange", args.degree))
        Q = fem.FunctionSpace(msh, ("DG", 0))
        lam, mu = fem.Function(Q), fem.Function(Q)
        cell_dofs = Q.dofmap.list.array
        for tag, (E, nu) in MATERIALS.items():
            dofs = cell_dofs[cell_tags.indices[cell_tags.values == tag]]
            lam.x.array[dofs] = E * nu / ((1 + nu) * (1 - 2 * nu))
            mu.x.array[dofs] = E / (2 * (1 + nu))
        lam.x.scatter_forward()
        mu.x.scatter_forward()
        fixed = fem.locate_dofs_topological(V, 2, facet_tags.indices[facet_tags.values == BONE_BASE])
        bc = fem.dirichletbc(np.zeros(3, dtype=PETSc.ScalarType), fixed, V)

    with phases("jit"):
        u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
        ds = ufl.Measure("ds", domain=msh, subdomain_data=facet_tags)
        area = comm.allreduce(fem.assemble_scalar(fem.form(1.0 * ds(IMPLANT_HEAD))), op=MPI.SUM)
        traction = fem.Constant(msh, np.array([0.0, 0.0, FORCE_Z / area], dtype=PETSc.ScalarType))

        def eps(w):
            return ufl.sym(ufl.grad(w))

        def sigma(w):
            return 2.0 * mu * eps(w) + lam * ufl.tr(eps(w)) * ufl.Identity(3)

        a = fem.form(ufl.inner(sigma(u), eps(v)) * ufl.dx)
        L = fem.form(ufl.dot(traction, v) * ds(IMPLANT_HEAD))

    with phases("assemble"):
        A = assemble_matrix(a, bcs=[bc])
        A.assemble()
        b = assemble_vector(L)
        apply_lifting(b, [a], bcs=[[bc]])
        b.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        set_bc(b, [bc])
        # Rigid-body modes from the owned node coordinates, as resorb does.
        coords = A.createVecRight()
        coords.setBlockSize(3)
        n_owned = V.dofmap.index_map.size_local
        coords.array[:] = V.tabulate_dof_coordinates()[:n_owned].reshape(-1)
        A.setNearNullSpace(PETSc.NullSpace().createRigidBody(coords))

    ksp = PETSc.KSP().create(comm)
    ksp.setOperators(A)
    ksp.setType("cg")
    ksp.getPC().setType("gamg")
    ksp.setNormType(PETSc.KSP.NormType.UNPRECONDITIONED)
    ksp.setTolerances(rtol=args.rtol, atol=0.0, max_it=10000)
    ksp.setFromOptions()
    x = A.createVecRight()
    with phases("solver setup"):
        ksp.setUp()
    with phases("solve"):
        ksp.solve(b, x)

    r = b.duplicate()
    A.mult(x, r)
    r.aypx(-1.0, b)  # r = b - A x
    true_residual = r.norm() / b.norm()
    # Strain energy 1/2 u.f with f the load vector (zero prescribed displacements).
    f = assemble_vector(L)
    f.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    energy = 0.5 * f.dot(x)
    if comm.rank == 0:
        print(json.dumps({
            "ranks": comm.size,
            "dofs": V.dofmap.index_map.size_global * 3,
            "converged_reason": ksp.getConvergedReason(),
            "iterations": ksp.getIterationNumber(),
            "relative_residual": true_residual,
            "strain_energy_J": energy,
            "phases_s": phases.times,
        }))


if __name__ == "__main__":
    main()
