// p-multigrid for P2 elasticity: the P1 → P2 prolongation is exact for P1 functions, the
// P1 operator is the Galerkin product Pᵀ A₂ P on the free DOFs (constraints included), and
// the default P2 solver (BAIJ + p-multigrid) agrees with GAMG on the P2 matrix. 1 and 2 ranks.
#include <resorb/core/error.hpp>
#include <resorb/fem/interpolation.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/physics/elasticity.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace resorb;

namespace {

mesh::TetMesh box() {
  return mesh::make_box(MPI_COMM_WORLD, {5, 4, 6}, {0, 0, 0}, {2e-3, 1e-3, 3e-3});
}

/// An affine vector field, different per component.
std::array<double, 3> affine(const double* x) {
  return {1.0 + 2.0 * x[0] - 3.0 * x[1] + 0.5 * x[2], -0.7 + x[1] + 4.0 * x[2],
          0.3 - 1.5 * x[0] + 2.5 * x[2]};
}

/// Fills the owned entries of @p v with f(node) for the nodes of @p dofmap.
void interpolate(const fem::DofMap& dofmap, Vec v) {
  PetscScalar* a = nullptr;
  RESORB_PETSC(VecGetArray(v, &a));
  const auto x = dofmap.node_coordinates();
  for (LocalIndex i = 0; i < dofmap.index_map().num_owned(); ++i) {
    const auto f = affine(&x[3 * static_cast<std::size_t>(i)]);
    for (int c = 0; c < 3; ++c)
      a[3 * i + c] = f[static_cast<std::size_t>(c)];
  }
  RESORB_PETSC(VecRestoreArray(v, &a));
}

double norm(Vec v) {
  PetscReal n = 0.0;
  RESORB_PETSC(VecNorm(v, NORM_INFINITY, &n));
  return n;
}

TEST(PMultigrid, InterpolationReproducesP1FunctionsExactly) {
  const auto mesh = box();
  const fem::DofMap p1(mesh, 1), p2(mesh, 2);
  const la::Matrix P = fem::p1_to_p2_interpolation(p1, p2, 3);
  la::Vector coarse, fine, exact;
  RESORB_PETSC(MatCreateVecs(P.get(), coarse.out(), fine.out()));
  RESORB_PETSC(VecDuplicate(fine.get(), exact.out()));
  interpolate(p1, coarse.get());
  interpolate(p2, exact.get());
  RESORB_PETSC(MatMult(P.get(), coarse.get(), fine.get()));
  RESORB_PETSC(VecAXPY(fine.get(), -1.0, exact.get()));
  EXPECT_LT(norm(fine.get()), 1e-14 * norm(exact.get()));
}

TEST(PMultigrid, InterpolationRejectsWrongDegrees) {
  const auto mesh = box();
  const fem::DofMap p1(mesh, 1), p2(mesh, 2);
  EXPECT_THROW((void)fem::p1_to_p2_interpolation(p2, p1, 3), InputError);
}

TEST(PMultigrid, GalerkinProductIsTheLinearOperatorOnFreeDofs) {
  const auto mesh = box();
  // Heterogeneous cells and constraints on some components only.
  const auto nc = static_cast<std::size_t>(mesh.num_cells());
  std::vector<double> E(nc), nu(nc, 0.3);
  for (std::size_t c = 0; c < nc; ++c)
    E[c] = 1e9 * (1.5 + std::sin(0.7 * static_cast<double>(c)));
  physics::Elasticity<fem::P1> linear(mesh);
  physics::Elasticity<fem::P2> quadratic(mesh);
  linear.set_cell_materials(E, nu);
  quadratic.set_cell_materials(E, nu);
  linear.fix("xmin");
  quadratic.fix("xmin");
  linear.fix("zmax", {false, true, false});
  quadratic.fix("zmax", {false, true, false});
  linear.assemble();
  quadratic.assemble();
  ASSERT_TRUE(la::is_block_aij(quadratic.stiffness_matrix())) << "P2 default: BAIJ storage";

  fem::DirichletConstraints fine(quadratic.dofmap(), 3);
  const bool all[3] = {true, true, true}, y_only[3] = {false, true, false};
  fine.add(mesh.facet_tag("xmin"), all);
  fine.add(mesh.facet_tag("zmax"), y_only);
  const auto coarse = fem::vertex_constraints(fine, quadratic.dofmap(), linear.dofmap());
  const la::Matrix P =
      fem::p1_to_p2_interpolation(linear.dofmap(), quadratic.dofmap(), 3, &fine, &coarse);

  // x: any coarse vector that is zero on the constrained DOFs.
  la::Vector x, px, apx, galerkin, direct;
  RESORB_PETSC(MatCreateVecs(P.get(), x.out(), px.out()));
  RESORB_PETSC(VecDuplicate(px.get(), apx.out()));
  RESORB_PETSC(VecDuplicate(x.get(), galerkin.out()));
  RESORB_PETSC(VecDuplicate(x.get(), direct.out()));
  {
    PetscScalar* a = nullptr;
    RESORB_PETSC(VecGetArray(x.get(), &a));
    PetscInt lo = 0;
    RESORB_PETSC(VecGetOwnershipRange(x.get(), &lo, nullptr));
    for (std::size_t i = 0;
         i < 3 * static_cast<std::size_t>(linear.dofmap().index_map().num_owned()); ++i)
      a[i] = coarse.constrained(i) ? 0.0 : std::cos(0.37 * static_cast<double>(lo + i)) + 0.2;
    RESORB_PETSC(VecRestoreArray(x.get(), &a));
  }
  RESORB_PETSC(MatMult(P.get(), x.get(), px.get()));
  RESORB_PETSC(MatMult(quadratic.stiffness_matrix(), px.get(), apx.get()));
  RESORB_PETSC(MatMultTranspose(P.get(), apx.get(), galerkin.get()));
  RESORB_PETSC(MatMult(linear.stiffness_matrix(), x.get(), direct.get()));
  const double scale = norm(direct.get());
  ASSERT_GT(scale, 0.0);
  RESORB_PETSC(VecAXPY(galerkin.get(), -1.0, direct.get()));
  EXPECT_LT(norm(galerkin.get()), 1e-12 * scale);
}

double p2_strain_energy(int* iterations) {
  const auto mesh = box();
  physics::Elasticity<fem::P2> problem(mesh);
  problem.set_material("box", {10e9, 0.3});
  problem.fix("zmin");
  problem.apply_force("zmax", {0.0, 30.0, -100.0});
  solvers::LinearSolverSettings settings;
  settings.rtol = 1e-11;
  *iterations = problem.solve(settings).iterations;
  return problem.strain_energy();
}

TEST(PMultigrid, DefaultP2SolverAgreesWithGamgOnTheP2Matrix) {
  int its_pmg = 0, its_gamg = 0;
  const double pmg = p2_strain_energy(&its_pmg);
  RESORB_PETSC(PetscOptionsSetValue(nullptr, "-elasticity_pc_type", "gamg"));
  const double gamg = p2_strain_energy(&its_gamg);
  RESORB_PETSC(PetscOptionsClearValue(nullptr, "-elasticity_pc_type"));
  EXPECT_NEAR(pmg, gamg, 1e-9 * gamg);
  EXPECT_GT(its_pmg, 0);
  EXPECT_GT(its_gamg, 0);
  std::printf("CG iterations to 1e-11: p-multigrid %d, GAMG on P2 %d\n", its_pmg, its_gamg);
}

} // namespace
