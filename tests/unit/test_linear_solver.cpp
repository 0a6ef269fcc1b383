#include <resorb/core/error.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/physics/elasticity.hpp>
#include <resorb/solvers/linear_solver.hpp>

#include <gtest/gtest.h>

using namespace resorb;

namespace {
PetscInt max_iterations(const solvers::LinearSolver& solver) {
  PetscReal rtol = 0, atol = 0, dtol = 0;
  PetscInt its = 0;
  EXPECT_EQ(KSPGetTolerances(solver.ksp(), &rtol, &atol, &dtol, &its), 0);
  return its;
}
} // namespace

TEST(LinearSolver, DefaultOptionsApplyUnlessTheDatabaseHasThem) {
  solvers::LinearSolverSettings s;
  s.options_prefix = "defaults_test_a_";
  s.default_options = {{"-ksp_max_it", "7"}};
  const solvers::LinearSolver applied(MPI_COMM_WORLD, s);
  EXPECT_EQ(max_iterations(applied), 7);

  // A value the user gave (command line, [solver] petsc_options) wins over the default.
  ASSERT_EQ(PetscOptionsSetValue(nullptr, "-defaults_test_b_ksp_max_it", "11"), 0);
  s.options_prefix = "defaults_test_b_";
  const solvers::LinearSolver overridden(MPI_COMM_WORLD, s);
  EXPECT_EQ(max_iterations(overridden), 11);

  s.default_options = {{"ksp_max_it", "7"}};
  EXPECT_THROW(solvers::LinearSolver(MPI_COMM_WORLD, s), Error);
}

TEST(LinearSolver, ElasticitySolveUsesTheTunedGamgDefaults) {
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {4, 4, 4}, {0, 0, 0}, {1, 1, 1});
  physics::Elasticity<fem::P1> mech(mesh);
  mech.set_material("box", {.E = 1e9, .nu = 0.3});
  mech.fix("zmin");
  mech.apply_force("zmax", {0, 0, 1});
  (void)mech.solve();
  const auto defaults = physics::elasticity_gamg_defaults();
  ASSERT_FALSE(defaults.empty());
  const char* prefix = physics::Elasticity<fem::P1>::options_prefix;
  for (const auto& [name, value] : defaults) {
    char given[64] = {};
    PetscBool set = PETSC_FALSE;
    ASSERT_EQ(PetscOptionsGetString(nullptr, prefix, name.c_str(), given, sizeof given, &set), 0);
    EXPECT_TRUE(set) << prefix << name;
    EXPECT_EQ(std::string(given), value) << prefix << name;
    // Under its own prefix only: another physics' solver never sees elasticity's tuning.
    ASSERT_EQ(PetscOptionsHasName(nullptr, nullptr, name.c_str(), &set), 0);
    EXPECT_FALSE(set) << name << " leaked into the unprefixed options";
  }
}
