// Patch test: a linear displacement field prescribed on the whole boundary of a distorted
// mesh, with no body force, must be reproduced exactly (to solver tolerance) by P1 and P2.
#include <resorb/core/mpi.hpp>
#include <resorb/la/petsc.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/physics/elasticity.hpp>

#include <gtest/gtest.h>

#include <cmath>

using namespace resorb;

namespace {
physics::Vec3 linear_field(const physics::Vec3& x) {
  return {1e-3 + 2e-3 * x[0] - 1e-3 * x[1] + 0.5e-3 * x[2],
          -2e-3 + 0.7e-3 * x[0] + 1.5e-3 * x[1] - 0.3e-3 * x[2],
          0.4e-3 - 0.9e-3 * x[0] + 0.2e-3 * x[1] + 1.1e-3 * x[2]};
}

mesh::TetMesh distorted_box() {
  auto data = mesh::box_mesh_data(MPI_COMM_WORLD, {4, 4, 4}, {0, 0, 0}, {1, 1, 1});
  // Move interior vertices by a deterministic pseudo-random offset (≤ 0.2 h).
  for (std::size_t v = 0; v < data.coordinates.size() / 3; ++v) {
    auto* x = &data.coordinates[3 * v];
    const bool interior = x[0] > 1e-9 && x[0] < 1 - 1e-9 && x[1] > 1e-9 && x[1] < 1 - 1e-9 &&
                          x[2] > 1e-9 && x[2] < 1 - 1e-9;
    if (interior)
      for (int d = 0; d < 3; ++d)
        x[d] += 0.05 * std::sin(12.9898 * static_cast<double>(v) + 78.233 * d);
  }
  return mesh::TetMesh::distribute(MPI_COMM_WORLD, std::move(data));
}

template <class Element>
double patch_error() {
  const auto mesh = distorted_box();
  physics::Elasticity<Element> problem(mesh);
  problem.set_material("box", {.E = 17e9, .nu = 0.3});
  for (const char* side : {"xmin", "xmax", "ymin", "ymax", "zmin", "zmax"})
    problem.fix(side, {true, true, true}, linear_field);
  solvers::LinearSolverSettings settings;
  settings.rtol = 1e-14;
  (void)problem.solve(settings);
  const la::LocalRead u(problem.displacement().vec());
  const auto xn = problem.dofmap().node_coordinates();
  double err = 0.0, scale = 0.0;
  for (LocalIndex i = 0; i < problem.dofmap().index_map().size_local(); ++i) {
    const auto exact = linear_field({xn[3 * i], xn[3 * i + 1], xn[3 * i + 2]});
    for (int d = 0; d < 3; ++d) {
      err = std::max(err, std::abs(u[3 * i + d] - exact[d]));
      scale = std::max(scale, std::abs(exact[d]));
    }
  }
  return mpi::max(mesh.comm(), err) / mpi::max(mesh.comm(), scale);
}
} // namespace

TEST(PatchTest, P1ReproducesLinearField) {
  EXPECT_LT(patch_error<fem::P1>(), 1e-10);
}
TEST(PatchTest, P2ReproducesLinearField) {
  EXPECT_LT(patch_error<fem::P2>(), 1e-10);
}
