// TPMS lattices: porosity and surface area measured on the geometry, against facts that do
// not come from the same code.
// - Symmetry: gyroid, Schwarz P and diamond have f(x + shift) = −f(x), so at t = 0 the
//   skeletal solid is exactly half the cell.
// - Area: an independent reference, the coarea integral A = ∫ δ_ε(f) |∇f| dx with a Gaussian
//   δ_ε, by the trapezoidal rule (spectrally accurate for periodic integrands) and
//   Richardson extrapolation in ε² (ε = 0.2, 0.1, 0.05); the P1 measure must converge to it
//   at second order (observed rate >= 1.7) and be within 0.3 % at 48 cells per side.
// - Sheet = difference of two skeletal solids: {|f| <= t} = {f <= t} \ {f < −t}.
// - Threshold search returns the porosity it was asked for on its mesh, and a finer mesh
//   agrees to 1e-3.
// - Grading: two halves at two thresholds have each the porosity of its uniform cell.
// - Bounding shapes: a lattice that is all solid inside a cylinder measures the cylinder; a
//   lattice and its pore phase split the cylinder (to second order).
// - The cell gradients (the level is scaled to a distance by them) are the derivatives.
// Runs on 1 and 2 ranks (the measures are collective).
#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/io/stl.hpp>
#include <resorb/io/summary.hpp>
#include <resorb/mesh/triangle_surface.hpp>
#include <resorb/scaffold/lattice.hpp>
#include <resorb/scaffold/measures.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "expect_error.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <numbers>
#include <string>
#include <utility>

using namespace resorb;
using scaffold::CellType;
using scaffold::Variant;

namespace {

constexpr double two_pi = 2.0 * std::numbers::pi;

/// ∫ over the unit cell of δ_ε(f) |∇f| by the trapezoidal rule on n³ points (the cell
/// function and its gradient are checked on their own: CellGradientIsTheDerivative).
double smoothed_area(CellType type, double epsilon, int n) {
  const double h = 1.0 / n;
  double sum = 0.0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k) {
        const scaffold::Point x{two_pi * i * h, two_pi * j * h, two_pi * k * h};
        const double value = scaffold::cell_function(type, x);
        const auto g = scaffold::cell_gradient(type, x); // per cell coordinate
        const double delta = std::exp(-(value * value) / (epsilon * epsilon)) /
                             (epsilon * std::sqrt(std::numbers::pi));
        sum += delta * two_pi * std::hypot(g[0], g[1], g[2]);
      }
  return sum * h * h * h;
}

/// The area of {f = 0} in the unit cell: Richardson in ε² over ε = 0.2, 0.1, 0.05. The
/// Gaussian is resolved (width ε / |∇f| ≥ 1.17 h: trapezoidal error ~exp(−π² 1.17²) ≈ 1e-6)
/// and sees no critical value of f (nearest ±1 for Schwarz P: weight exp(−25)).
double reference_area(CellType type) {
  const double a1 = smoothed_area(type, 0.2, 64), a2 = smoothed_area(type, 0.1, 128),
               a3 = smoothed_area(type, 0.05, 256);
  const double b1 = (4.0 * a2 - a1) / 3.0, b2 = (4.0 * a3 - a2) / 3.0;
  return (16.0 * b2 - b1) / 15.0;
}

} // namespace

TEST(Lattice, HalfTheCellIsSolidAtZeroThresholdBySymmetry) {
  for (const auto type : {CellType::gyroid, CellType::schwarz_p, CellType::diamond}) {
    const auto m = scaffold::measure_unit_cell(MPI_COMM_WORLD, type, Variant::skeletal, 0.0, 24);
    EXPECT_NEAR(m.solid_fraction, 0.5, 2e-3) << scaffold::name(type);
    EXPECT_NEAR(m.porosity + m.solid_fraction, 1.0, 1e-15);
    EXPECT_NEAR(m.specific_surface, m.surface_area / m.solid_volume, 1e-12);
  }
}

TEST(Lattice, SurfaceAreaConvergesToTheCoareaIntegral) {
  for (const auto type : {CellType::gyroid, CellType::schwarz_p}) {
    const double reference = reference_area(type);
    double previous_error = 0.0, rate = 0.0;
    for (const int n : {12, 24, 48}) {
      const double area =
          scaffold::measure_unit_cell(MPI_COMM_WORLD, type, Variant::skeletal, 0.0, n).surface_area;
      const double error = std::abs(area - reference) / reference;
      if (previous_error > 0)
        rate = std::log2(previous_error / error);
      std::cerr << scaffold::name(type) << " n " << n << ": area " << area << " (reference "
                << reference << "), error " << error << ", rate " << rate << "\n";
      previous_error = error;
    }
    EXPECT_GE(rate, 1.7) << scaffold::name(type);
    EXPECT_LT(previous_error, 3e-3) << scaffold::name(type);
  }
}

TEST(Lattice, SheetIsTheDifferenceOfTwoSkeletalSolids) {
  // IWP varies at twice the gyroid's wavenumber (cos 2X): twice the cells per side.
  for (const auto& [type, n] : {std::pair{CellType::gyroid, 32}, std::pair{CellType::iwp, 64}}) {
    const double t = 0.4;
    const auto sheet = scaffold::measure_unit_cell(MPI_COMM_WORLD, type, Variant::sheet, t, n);
    const auto upper = scaffold::measure_unit_cell(MPI_COMM_WORLD, type, Variant::skeletal, t, n);
    const auto lower = scaffold::measure_unit_cell(MPI_COMM_WORLD, type, Variant::skeletal, -t, n);
    EXPECT_NEAR(sheet.solid_fraction, upper.solid_fraction - lower.solid_fraction, 3e-3)
        << scaffold::name(type);
    // Its surface is both skeletal surfaces (to 1 %: |f|'s kink inside walls a few cells
    // thin moves the interpolated surface).
    EXPECT_NEAR(sheet.surface_area, upper.surface_area + lower.surface_area,
                1e-2 * sheet.surface_area)
        << scaffold::name(type);
  }
}

TEST(Lattice, ThresholdForPorosityHitsItAndConverges) {
  for (const auto variant : {Variant::skeletal, Variant::sheet}) {
    const double t =
        scaffold::threshold_for_porosity(MPI_COMM_WORLD, CellType::gyroid, variant, 0.7, 32, 1e-10);
    const auto on_its_mesh =
        scaffold::measure_unit_cell(MPI_COMM_WORLD, CellType::gyroid, variant, t, 32);
    EXPECT_NEAR(on_its_mesh.porosity, 0.7, 1e-10);
    // At twice the resolution: the 32-cell mesh's own error (~1e-3, second order).
    const auto finer =
        scaffold::measure_unit_cell(MPI_COMM_WORLD, CellType::gyroid, variant, t, 64);
    std::cerr << scaffold::name(variant) << ": t " << t << ", porosity on 64 cells "
              << finer.porosity << "\n";
    EXPECT_NEAR(finer.porosity, 0.7, 1.5e-3) << scaffold::name(variant);
  }
  // Skeletal gyroid: porosity 1/2 at t = 0 (symmetry), so 0.7 needs a negative t.
  EXPECT_LT(scaffold::threshold_for_porosity(MPI_COMM_WORLD, CellType::gyroid, Variant::skeletal,
                                             0.7, 16),
            0.0);
}

TEST(Lattice, GradedThresholdGivesEachRegionItsPorosity) {
  // Cells of 0.5 m: t = −0.3 up to x = 1, a ramp to +0.3 over the next cell, +0.3 beyond.
  // The two regions measured (two cells each along x) hold their threshold at every node.
  const double size = 0.5;
  const scaffold::Lattice graded(
      CellType::schwarz_p, Variant::skeletal, [&](const scaffold::Point&) { return size; },
      [](const scaffold::Point& x) { return std::clamp(-0.3 + 1.2 * (x[0] - 1.0), -0.3, 0.3); });
  auto level = [&](const scaffold::Point& x) { return graded.level(x); };
  const auto left = scaffold::measure_solid(MPI_COMM_WORLD, level, {0, 0, 0}, {1.0, 0.5, 0.5}, 40);
  const auto right =
      scaffold::measure_solid(MPI_COMM_WORLD, level, {1.5, 0, 0}, {2.5, 0.5, 0.5}, 40);
  for (const auto& [half, t] : {std::pair{left, -0.3}, std::pair{right, 0.3}}) {
    // The same resolution per cell (20 cells per cell size).
    const auto uniform =
        scaffold::measure_unit_cell(MPI_COMM_WORLD, CellType::schwarz_p, Variant::skeletal, t, 20);
    EXPECT_NEAR(half.porosity, uniform.porosity, 1e-6) << t;
    // Area scales with the cell: two cells of 0.5 per unit of length.
    EXPECT_NEAR(half.surface_density, 2.0 * uniform.surface_density, 1e-6 * uniform.surface_density)
        << t;
  }
  EXPECT_GT(left.porosity, right.porosity + 0.1);
}

TEST(Lattice, AllSolidLatticeInACylinderMeasuresTheCylinder) {
  const double radius = 0.3, height = 0.8;
  const auto shape = scaffold::BoundingShape::cylinder({0.5, 0.5, 0.1}, {0, 0, 2}, radius, height);
  // t above the cell's range: solid everywhere; the scaffold is the cylinder.
  const scaffold::Lattice solid(CellType::diamond, Variant::skeletal, 0.25, 2.0);
  const auto m = scaffold::measure_solid(MPI_COMM_WORLD, scaffold::scaffold_level(solid, shape),
                                         {0, 0, 0}, {1, 1, 1}, 48);
  const double volume = std::numbers::pi * radius * radius * height;
  const double area = 2.0 * std::numbers::pi * radius * (radius + height);
  EXPECT_NEAR(m.solid_volume, volume, 5e-3 * volume);
  EXPECT_NEAR(m.surface_area, area, 1e-2 * area);
  // A gyroid and its pore phase (the complement, level −ψ) split the cylinder between them:
  // the sum misses only what the kinks of min() cost the P1 interpolants, at second order
  // (measured: 1.6 % at 48 cells, 0.4 % at 96).
  const scaffold::Lattice gyroid(CellType::gyroid, Variant::skeletal, 0.25, 0.1);
  double previous = 0.0, missing = 0.0;
  for (const int n : {24, 48}) {
    const auto solid_part = scaffold::measure_solid(
        MPI_COMM_WORLD, scaffold::scaffold_level(gyroid, shape), {0, 0, 0}, {1, 1, 1}, n);
    const auto pore_part = scaffold::measure_solid(
        MPI_COMM_WORLD,
        [&](const scaffold::Point& x) { return std::min(-gyroid.level(x), shape.distance(x)); },
        {0, 0, 0}, {1, 1, 1}, n);
    EXPECT_GT(solid_part.solid_volume, 0.3 * volume);
    EXPECT_GT(pore_part.solid_volume, 0.3 * volume);
    previous = missing;
    missing = 1.0 - (solid_part.solid_volume + pore_part.solid_volume) / volume;
    std::cerr << "cylinder split on " << n << " cells: " << missing << " missing\n";
  }
  EXPECT_LT(std::abs(missing), 0.02);
  EXPECT_GT(previous / missing, 3.0); // second order
}

// The printable surface: a gyroid scaffold in a cylinder inside the box is closed and
// consistently oriented, and encloses exactly the measured solid (both are the same P1
// interpolant's); on every rank the same.
TEST(Lattice, ScaffoldSurfaceIsWatertightAndEnclosesTheSolid) {
  const auto shape = scaffold::BoundingShape::cylinder({0.5, 0.5, 0.1}, {0, 0, 1}, 0.3, 0.8);
  const double cylinder_volume = std::numbers::pi * 0.3 * 0.3 * 0.8;
  const scaffold::Lattice gyroid(CellType::gyroid, Variant::sheet, 0.25, 0.4);
  const auto level = scaffold::scaffold_level(gyroid, shape);
  const auto surface = scaffold::solid_surface(MPI_COMM_WORLD, level, {0, 0, 0}, {1, 1, 1}, 40);
  const auto measured = scaffold::measure_solid(MPI_COMM_WORLD, level, {0, 0, 0}, {1, 1, 1}, 40);
  const auto defects = mesh::check_closed(surface);
  EXPECT_TRUE(defects.closed()) << defects.open_edges << " open, " << defects.non_manifold_edges
                                << " non-manifold, " << defects.misoriented_edges << " misoriented";
  EXPECT_NEAR(mesh::enclosed_volume(surface), measured.solid_volume, 1e-10 * measured.solid_volume);
  EXPECT_NEAR(mesh::area(surface), measured.surface_area, 1e-10 * measured.surface_area);
  EXPECT_EQ(mesh::euler_characteristic(surface) % 2, 0);
  std::cerr << "scaffold surface: " << surface.triangles.size() << " triangles, Euler "
            << mesh::euler_characteristic(surface) << "\n";

  // An independent checker, admesh, on the binary STL: nothing to fix.
  if (mpi::rank(MPI_COMM_WORLD) != 0)
    return;
  const auto dir = std::filesystem::temp_directory_path() / "resorb_test_lattice";
  std::filesystem::create_directories(dir);
  io::write_stl(dir / "gyroid.stl", surface, "resorb test_lattice gyroid sheet"); // mm
  const auto report = dir / "admesh.txt";
  const std::string command = fmt::format("{} '{}' > '{}' 2>&1", RESORB_ADMESH,
                                          (dir / "gyroid.stl").string(), report.string());
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream in(report);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The sidecar: what the STL cannot say.
  const auto sidecar = dir / "gyroid.json";
  io::write_record_json(MPI_COMM_SELF,
                        scaffold::print_record({CellType::gyroid, Variant::sheet, 0.25, 0.4,
                                                "cylinder r 0.3 m h 0.8 m", cylinder_volume},
                                               measured),
                        sidecar);
  const auto json = nlohmann::json::parse(std::ifstream(sidecar));
  EXPECT_EQ(json.at("cell_type"), "gyroid");
  EXPECT_EQ(json.at("variant"), "sheet");
  EXPECT_DOUBLE_EQ(json.at("cell_size_mm").get<double>(), 250.0);
  EXPECT_DOUBLE_EQ(json.at("porosity").get<double>(),
                   1.0 - measured.solid_volume / cylinder_volume);
  EXPECT_GT(json.at("porosity").get<double>(), 0.5); // a thin sheet: most of it is pore
  EXPECT_DOUBLE_EQ(json.at("surface_area_mm2").get<double>(), measured.surface_area * 1e6);
  for (const char* line : {"Total disconnected facets        :     0                   0",
                           "Degenerate facets     :     0", "Edges fixed           :     0",
                           "Facets reversed       :     0", "Backwards edges       :     0",
                           "Normals fixed         :     0"})
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n" << text;
}

// ∇f against central differences, for every cell type.
TEST(Lattice, CellGradientIsTheDerivative) {
  const scaffold::Point x{0.3, 1.1, -2.0};
  const double step = 1e-6;
  for (const auto type :
       {CellType::gyroid, CellType::schwarz_p, CellType::diamond, CellType::iwp}) {
    const auto g = scaffold::cell_gradient(type, x);
    for (std::size_t i = 0; i < 3; ++i) {
      auto plus = x, minus = x;
      plus[i] += step;
      minus[i] -= step;
      const double fd =
          (scaffold::cell_function(type, plus) - scaffold::cell_function(type, minus)) / (2 * step);
      EXPECT_NEAR(g[i], fd, 1e-8) << scaffold::name(type) << " " << i;
    }
  }
}

TEST(Lattice, BadInputIsNamed) {
  using test_support::expect_input_error;
  expect_input_error([] { (void)scaffold::parse_cell_type("gyroidal", "[scaffold] cell"); },
                     "[scaffold] cell: unknown cell type 'gyroidal'");
  expect_input_error([] { (void)scaffold::parse_variant("solid", "[scaffold] variant"); },
                     "unknown lattice variant 'solid'");
  expect_input_error([] { scaffold::Lattice l(CellType::gyroid, Variant::sheet, 0.0, 0.1); },
                     "cell size 0 m must be positive");
  expect_input_error(
      [] {
        const scaffold::Lattice l(
            CellType::gyroid, Variant::sheet, [](const scaffold::Point& x) { return x[0] - 0.5; },
            [](const scaffold::Point&) { return 0.1; });
        (void)l.level({0.2, 0.0, 0.0});
      },
      "cell size -0.3 m at (0.2, 0, 0) m");
  expect_input_error(
      [] {
        (void)scaffold::threshold_for_porosity(MPI_COMM_WORLD, CellType::gyroid, Variant::skeletal,
                                               1.2, 8);
      },
      "porosity 1.2 must lie in (0, 1)");
  expect_input_error(
      [] {
        (void)scaffold::BoundingShape::cylinder({0, 0, 0}, {0, 0, 0}, 1.0, 1.0);
      },
      "the axis is zero");
  expect_input_error(
      [] {
        (void)scaffold::BoundingShape::box({0, 0, 0}, {1, -1, 1});
      },
      "lo 0 >= hi -1 on axis 1");
  expect_input_error(
      [] {
        (void)scaffold::BoundingShape::cylinder({0, 0, 0}, {0, 0, 1}, -1.0, 1.0);
      },
      "radius -1 m and height 1 m must be positive");
  const auto level = [](const scaffold::Point& x) { return 0.5 - x[0]; };
  expect_input_error(
      [&] {
        (void)scaffold::measure_solid(MPI_COMM_WORLD, level, {0, 0, 0}, {1, 1, 1}, 1);
      },
      "measure_solid: 1 cells per side");
  expect_input_error(
      [&] {
        (void)scaffold::solid_surface(MPI_COMM_WORLD, level, {0, 0, 0}, {1, 0, 1}, 8);
      },
      "solid_surface: empty box on axis 1");
  expect_input_error(
      [] {
        (void)scaffold::print_record({CellType::gyroid, Variant::sheet, 1e-3, 0.3, "box", 0.0}, {});
      },
      "shape volume 0 m^3 must be positive");
}
