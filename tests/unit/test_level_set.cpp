// Level sets: exact cut-cell volumes (one, two and three vertices inside), zero-set areas,
// redistancing and the volume-preserving shift. Planes are represented exactly by P1
// fields, so their figures are exact to round-off (1e-12 relative); a sphere converges at
// second order. Runs on 1 and 2 ranks.
#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/fem/level_set.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/mesh/cut_cell.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

using namespace resorb;

namespace {

template <class F>
fem::Field level_set(const fem::DofMap& dofmap, F f) {
  fem::Field phi(dofmap, 1, "phi", "m");
  la::LocalWrite values(phi.vec());
  const auto xn = dofmap.node_coordinates();
  for (LocalIndex a = 0; a < dofmap.index_map().size_local(); ++a)
    values[a] = f(&xn[3 * static_cast<std::size_t>(a)]);
  return phi;
}

} // namespace

TEST(CutCell, VolumesOfTheReferenceCellAreExact) {
  const mesh::CellCoordinates x = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  for (const double s : {0.1, 0.37, 0.8}) {
    // One vertex inside: {x > s} is a corner tetrahedron of side 1 − s.
    const double one[4] = {-s, 1 - s, -s, -s};
    EXPECT_NEAR(mesh::positive_volume(x, one), std::pow(1 - s, 3) / 6, 1e-15);
    // Three inside: the complement.
    const double three[4] = {s, s - 1, s, s};
    EXPECT_NEAR(mesh::positive_volume(x, three), 1.0 / 6 - std::pow(1 - s, 3) / 6, 1e-15);
    // Two inside: {x + y > s} = 1/6 − (s²/2 − s³/3).
    const double two[4] = {-s, 1 - s, 1 - s, -s};
    EXPECT_NEAR(mesh::positive_volume(x, two), 1.0 / 6 - (s * s / 2 - s * s * s / 3), 1e-15);
    double t[18];
    EXPECT_EQ(mesh::zero_set_triangles(x, two, t), 2);
    double area = mesh::triangle_area(t) + mesh::triangle_area(t + 9);
    // The section x + y = s of the cell: a trapezoid of area √2 s (1 − s/2)... checked as
    // the derivative of the volume: dV/ds = −|∇φ|⁻¹ · area with |∇φ| = √2.
    EXPECT_NEAR(area / std::sqrt(2.0), s - s * s, 1e-14);
    EXPECT_EQ(mesh::zero_set_triangles(x, one, t), 1);
  }
  const double outside[4] = {-1, -2, -3, 0};
  EXPECT_EQ(mesh::positive_volume(x, outside), 0.0);
}

TEST(LevelSet, PlaneVolumeAreaDistanceAndShiftAreExact) {
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {6, 5, 4}, {0, 0, 0}, {1e-3, 2e-3, 1e-3});
  const fem::DofMap dofmap(mesh, 1);
  const double x0 = 0.37e-3, area = 2e-3 * 1e-3;
  // Not a distance (slope 3, tilted sign), yet the same zero set x = x0.
  auto phi = level_set(dofmap, [&](const double* x) { return 3.0 * (x0 - x[0]); });
  EXPECT_NEAR(fem::positive_volume(phi), x0 * area, 1e-12 * x0 * area);
  EXPECT_NEAR(fem::zero_set_area(phi), area, 1e-12 * area);
  const double band = 0.3e-3;
  fem::redistance(phi, band);
  {
    const la::LocalRead values(phi.vec());
    const auto xn = dofmap.node_coordinates();
    for (LocalIndex a = 0; a < dofmap.index_map().size_local(); ++a) {
      const double d = x0 - xn[3 * static_cast<std::size_t>(a)];
      EXPECT_NEAR(values[a], std::clamp(d, -band, band), 1e-15) << "node " << a;
    }
  }
  EXPECT_NEAR(fem::positive_volume(phi), x0 * area, 1e-12 * x0 * area);
  // Shift the plane so that the region {φ > 0} holds a given volume: x = 0.5 mm.
  const double c = fem::shift_to_volume(phi, 0.5e-3 * area, band);
  EXPECT_NEAR(c, 0.5e-3 - x0, 1e-12);
  EXPECT_NEAR(fem::positive_volume(phi), 0.5e-3 * area, 1e-12 * 0.5e-3 * area);
  EXPECT_THROW((void)fem::shift_to_volume(phi, 2 * area * 1e-3, band), Error);
}

TEST(LevelSet, SphereVolumeConvergesAtSecondOrderAndAgreesOnAllRanks) {
  const double r = 0.3, exact = 4.0 / 3.0 * std::numbers::pi * r * r * r;
  auto volume = [&](MPI_Comm comm, int n) {
    const auto mesh = mesh::make_box(comm, {n, n, n}, {-0.5, -0.5, -0.5}, {0.5, 0.5, 0.5});
    const fem::DofMap dofmap(mesh, 1);
    auto phi = level_set(dofmap, [&](const double* x) {
      return r - std::sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
    });
    return fem::positive_volume(phi);
  };
  const double e1 = std::abs(volume(MPI_COMM_WORLD, 8) - exact);
  const double e2 = std::abs(volume(MPI_COMM_WORLD, 16) - exact);
  const double e3 = std::abs(volume(MPI_COMM_WORLD, 32) - exact);
  EXPECT_GT(std::log2(e2 / e3), 1.8) << e1 << " " << e2 << " " << e3;
  EXPECT_LT(e3 / exact, 1e-2); // 0.54 % at ~10 cells per radius
  EXPECT_NEAR(volume(MPI_COMM_WORLD, 12), volume(MPI_COMM_SELF, 12), 1e-14);
}
