// The same problem on all ranks of MPI_COMM_WORLD and on one rank (MPI_COMM_SELF): the
// strain energy and the reaction must agree to 1e-8 relative with a tight solver tolerance.
#include <resorb/core/mpi.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/physics/elasticity.hpp>

#include <gtest/gtest.h>

using namespace resorb;

namespace {
template <class Element>
std::array<double, 4> solve_on(MPI_Comm comm) {
  const auto mesh = mesh::make_box(comm, {6, 5, 7}, {0, 0, 0}, {10e-3, 8e-3, 12e-3});
  physics::Elasticity<Element> problem(mesh);
  problem.set_material("box", {17e9, 0.3});
  problem.fix("zmin");
  problem.apply_force("zmax", {20.0, -10.0, 200.0});
  problem.set_body_force([](const physics::Vec3& x) {
    return physics::Vec3{0.0, 1e5 * x[0], 0.0};
  });
  solvers::LinearSolverSettings settings;
  settings.rtol = 1e-13;
  (void)problem.solve(settings);
  const auto reaction = problem.reaction_force("zmin");
  return {problem.strain_energy(), reaction[0], reaction[1], reaction[2]};
}

template <class Element>
void check_agreement() {
  ASSERT_EQ(mpi::size(MPI_COMM_WORLD), 2) << "this test is meant for 2 ranks";
  const auto parallel = solve_on<Element>(MPI_COMM_WORLD);
  const auto serial = solve_on<Element>(MPI_COMM_SELF);
  EXPECT_NEAR(parallel[0], serial[0], 1e-8 * serial[0]);
  for (int d = 1; d < 4; ++d)
    EXPECT_NEAR(parallel[d], serial[d], 1e-8 * 200.0);
  // Equilibrium: support reaction balances the applied force plus the body force.
  EXPECT_NEAR(parallel[3], -200.0, 1e-6 * 200.0);
}
} // namespace

TEST(RankAgreement, P1StrainEnergyAndReactions) {
  check_agreement<fem::P1>();
}
TEST(RankAgreement, P2StrainEnergyAndReactions) {
  check_agreement<fem::P2>();
}
