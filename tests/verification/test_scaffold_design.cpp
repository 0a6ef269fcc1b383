// Scaffold design: the closed-form porous models, a design's evaluation against facts that
// do not come from the evaluation itself, and the design search.
// - Gibson–Ashby: the fit returns an exact power law's C and n.
// - Kozeny–Carman with K = 2 is Poiseuille's law for a bundle of straight tubes.
// - evaluate_design: the porosity asked for; no recession, nothing changes; a thin
//   recession d removes S·d of solid (S the surface per volume) and the H₂ of that metal;
//   deeper recession, less stiffness.
// - optimize_designs: the winner meets every target when evaluated again; the Pareto set is
//   non-dominated; 2 ranks give what 1 rank gives.
#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/physics/corrosion_model.hpp>
#include <resorb/scaffold/measures.hpp>
#include <resorb/scaffold/optimization.hpp>
#include <resorb/scaffold/porous_models.hpp>
#include <resorb/scaffold/unit_cell.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "expect_error.hpp"

#include <cmath>
#include <iostream>
#include <map>
#include <set>
#include <vector>

using namespace resorb;
using scaffold::CellType;
using scaffold::Variant;

namespace {

scaffold::DesignMaterial we43_like(double speed_mm_per_year) {
  scaffold::DesignMaterial m;
  m.metal = {46e9, 0.27};
  m.metal_mg = 1840.0 * 0.925 / 24.305e-3;
  m.recession_speed = speed_mm_per_year * 1e-3 / (365.25 * 86400.0);
  return m;
}

scaffold::EvaluationSettings quick() {
  scaffold::EvaluationSettings s;
  s.cells_per_period = 10;
  s.measure_cells = 32;
  s.degree = 1;
  return s;
}

} // namespace

TEST(PorousModels, GibsonAshbyFitReturnsAnExactPowerLaw) {
  const std::vector<double> rho{0.2, 0.3, 0.45, 0.6};
  std::vector<double> e;
  for (const double r : rho)
    e.push_back(0.8 * std::pow(r, 2.1));
  const auto fit = scaffold::fit_gibson_ashby(rho, e);
  EXPECT_NEAR(fit.coefficient, 0.8, 1e-12);
  EXPECT_NEAR(fit.exponent, 2.1, 1e-12);
  EXPECT_LT(fit.max_relative_residual, 1e-12);
  using test_support::expect_input_error;
  expect_input_error([&] { (void)scaffold::fit_gibson_ashby(std::vector<double>{0.3}, e); },
                     "1 densities but 4 moduli");
  expect_input_error(
      [&] {
        (void)scaffold::fit_gibson_ashby(std::vector<double>{0.3, 0.3},
                                         std::vector<double>{0.1, 0.2});
      },
      "same density");
  expect_input_error(
      [&] {
        (void)scaffold::fit_gibson_ashby(std::vector<double>{0.3, 1.3},
                                         std::vector<double>{0.1, 0.2});
      },
      "relative density 1.3");
}

TEST(PorousModels, KozenyCarmanIsPoiseuilleForStraightTubesWithConstantTwo) {
  // Tubes of radius r, porosity φ: S = 2φ / r per volume, and Poiseuille's k = φ r² / 8.
  const double r = 150e-6, phi = 0.4;
  EXPECT_NEAR(scaffold::kozeny_carman_permeability(phi, 2.0 * phi / r, 2.0) / (phi * r * r / 8.0),
              1.0, 1e-14);
  EXPECT_NEAR(scaffold::kozeny_carman_permeability(phi, 2.0 * phi / r) / (phi * r * r / 20.0), 1.0,
              1e-14);
  test_support::expect_input_error([] { (void)scaffold::kozeny_carman_permeability(1.0, 1e3); },
                                   "porosity 1");
  test_support::expect_input_error([] { (void)scaffold::kozeny_carman_permeability(0.5, -1.0); },
                                   "surface density -1");
}

TEST(ScaffoldDesign, EvaluationMeetsItsPorosityAndRecedesAsTheSurfaceSays) {
  scaffold::Design design;
  design.type = CellType::gyroid;
  design.variant = Variant::skeletal;
  design.porosity = 0.7;
  design.cell_size = 1.5e-3;
  auto settings = quick();
  // No corrosion: the design at the horizon is the design.
  const auto still = scaffold::evaluate_design(design, we43_like(0.0), settings);
  EXPECT_NEAR(still.porosity, 0.7, 1e-5);
  EXPECT_EQ(still.stiffness_retention, 1.0);
  EXPECT_EQ(still.hydrogen_rate_mean, 0.0);
  EXPECT_GT(still.young, 0.0);
  EXPECT_GT(still.permeability, 0.0);
  // The measures are the unit cell's, scaled by L.
  const auto unit =
      scaffold::measure_unit_cell(MPI_COMM_SELF, design.type, design.variant, still.threshold, 32);
  EXPECT_NEAR(still.specific_surface * design.cell_size / unit.specific_surface, 1.0, 1e-12);

  // A thin recession: the solid lost is S d to first order. The struts' curvature takes
  // off d / 2r of it (a cylinder of radius r: (2rd − d²) / 2rd); r ≈ 0.2 mm here, d 10 µm.
  const auto material = we43_like(0.5);
  settings.horizon = 7 * 86400.0;
  const auto thin = scaffold::evaluate_design(design, material, settings);
  const double d = material.recession_speed * settings.horizon;
  EXPECT_NEAR(thin.recession, d, 1e-15);
  const double lost = thin.porosity_at_horizon - thin.porosity;
  std::cout << fmt::format("receded {:.1f} um: solid lost {:.5f}, S d {:.5f}; E {:.3f} -> {:.3f} "
                           "GPa; {:.1f} s\n",
                           d * 1e6, lost, thin.surface_density * d, thin.young / 1e9,
                           thin.young_at_horizon / 1e9, thin.seconds);
  EXPECT_NEAR(lost / (thin.surface_density * d), 1.0, 0.05);
  EXPECT_NEAR(thin.hydrogen_rate_mean / physics::hydrogen_volume_at_body_temperature(
                                            lost * material.metal_mg / settings.horizon),
              1.0, 1e-12);
  EXPECT_NEAR(thin.hydrogen_rate_mean / thin.hydrogen_rate_initial, 1.0, 0.05);
  EXPECT_LT(thin.young_at_horizon, thin.young);
  // Deeper, softer.
  settings.horizon *= 3;
  const auto deep = scaffold::evaluate_design(design, material, settings);
  EXPECT_GT(deep.porosity_at_horizon, thin.porosity_at_horizon);
  EXPECT_LT(deep.young_at_horizon, thin.young_at_horizon);
}

// The recession depth follows the coupon's history: linear between its points (from 0 at
// t = 0), √t beyond the last; without a history, the constant speed.
TEST(ScaffoldDesign, RecessionDepthFollowsTheCouponHistory) {
  auto m = we43_like(0.5);
  EXPECT_DOUBLE_EQ(m.recession_depth(7 * 86400.0), m.recession_speed * 7 * 86400.0);
  m.recession_history = {{86400.0, 4e-6}, {7 * 86400.0, 12e-6}, {14 * 86400.0, 15e-6}};
  EXPECT_DOUBLE_EQ(m.recession_depth(0.0), 0.0);
  EXPECT_DOUBLE_EQ(m.recession_depth(0.5 * 86400.0), 2e-6);
  EXPECT_DOUBLE_EQ(m.recession_depth(86400.0), 4e-6);
  EXPECT_DOUBLE_EQ(m.recession_depth(4 * 86400.0), 8e-6);
  EXPECT_DOUBLE_EQ(m.recession_depth(14 * 86400.0), 15e-6);
  EXPECT_NEAR(m.recession_depth(56 * 86400.0), 30e-6, 1e-18); // √4 = 2 beyond the last
  // evaluate_design recedes by the history's depth at the horizon.
  auto settings = quick();
  settings.horizon = 4 * 86400.0;
  scaffold::Design design;
  EXPECT_DOUBLE_EQ(scaffold::evaluate_design(design, m, settings).recession, 8e-6);
}

TEST(ScaffoldDesign, GibsonAshbySheetsStretchAndSkeletonsBend) {
  // Fitted exponents of the gyroid: the skeletal struts bend (n ≈ 2), the sheet's walls
  // stretch more (n ≈ 1.4), as reported for TPMS lattices (Al-Ketan & Abu Al-Rub 2019).
  // benchmarks/RESULTS.md: 2.18 and 1.41 at P2, L/h = 10, for all four cells.
  std::array<double, 2> n{};
  for (const auto variant : {Variant::skeletal, Variant::sheet}) {
    std::vector<double> rho, e;
    for (const double porosity : {0.5, 0.65, 0.8}) {
      scaffold::Design d{CellType::gyroid, variant, porosity, 1e-3, ""};
      const auto p = scaffold::evaluate_design(d, we43_like(0.0), quick());
      rho.push_back(1.0 - p.porosity);
      e.push_back(p.young / 46e9);
    }
    const auto fit = scaffold::fit_gibson_ashby(rho, e);
    std::cout << fmt::format("{}: C {:.3f} n {:.3f} (residual {:.1f} %)\n", scaffold::name(variant),
                             fit.coefficient, fit.exponent, 100 * fit.max_relative_residual);
    n[variant == Variant::skeletal ? 0 : 1] = fit.exponent;
    EXPECT_LT(fit.max_relative_residual, 0.05);
  }
  EXPECT_GT(n[0], 1.8);
  EXPECT_LT(n[0], 2.6);
  EXPECT_GT(n[1], 1.1);
  EXPECT_LT(n[1], 1.7);
}

TEST(ScaffoldDesign, ACellThatFallsApartHasNoStiffness) {
  // Skeletal Schwarz P pinches off its necks at t = −1 (the struts meet at points): more
  // porous than that, it is a lattice of separate balls.
  scaffold::Design design;
  design.type = CellType::schwarz_p;
  design.porosity = 0.82;
  design.cell_size = 2e-3;
  const auto p = scaffold::evaluate_design(design, we43_like(0.5), quick());
  EXPECT_LT(p.threshold, -1.0);
  EXPECT_EQ(p.young, 0.0);
  EXPECT_EQ(p.stiffness_retention, 0.0);
  EXPECT_GT(p.hydrogen_rate_mean, 0.0); // the balls still corrode
}

// The conforming scaffold mesh: solid and pores tagged, together filling the cylinder, the
// solid the measured one, every tet positive, and the surface groups between them.
TEST(ScaffoldMesh, SolidAndPoresFillTheShape) {
  const double r = 2e-3, height = 3e-3, cell = 1.5e-3;
  const auto shape = scaffold::BoundingShape::cylinder({r, r, 0}, {0, 0, 1}, r, height);
  const scaffold::Lattice gyroid(CellType::gyroid, Variant::skeletal, cell, 0.3);
  const scaffold::Point lo{-0.2e-3, -0.2e-3, -0.2e-3},
      hi{2 * r + 0.2e-3, 2 * r + 0.2e-3, height + 0.2e-3};
  const auto m =
      scaffold::scaffold_mesh(gyroid, shape, lo, hi, mesh::ImplicitMeshSizing::uniform(cell / 6));
  std::map<int, double> volume;
  std::size_t inverted = 0;
  for (std::size_t c = 0; c < m.cells.size() / 4; ++c) {
    std::array<std::array<double, 3>, 4> x{};
    for (std::size_t k = 0; k < 4; ++k)
      for (std::size_t d = 0; d < 3; ++d)
        x[k][d] = m.coordinates[3 * static_cast<std::size_t>(m.cells[4 * c + k]) + d];
    const double v = mesh::signed_volume(x);
    inverted += v <= 0.0 ? 1 : 0;
    volume[m.cell_tags[c]] += v;
  }
  EXPECT_EQ(inverted, 0u);
  ASSERT_EQ(volume.size(), 2u);
  const double cylinder = M_PI * r * r * height;
  const auto measured =
      scaffold::measure_solid(MPI_COMM_SELF, scaffold::scaffold_level(gyroid, shape), lo, hi, 64);
  std::cout << fmt::format("scaffold mesh: {} tets; solid {:.4f}, pores {:.4f} of the cylinder; "
                           "measured solid {:.4f}\n",
                           m.cells.size() / 4, volume[scaffold::solid_tag] / cylinder,
                           volume[scaffold::pore_tag] / cylinder, measured.solid_volume / cylinder);
  // The cylinder's rim is rounded to about the facet distance (h / 10): 1 % of its volume.
  EXPECT_NEAR((volume[scaffold::solid_tag] + volume[scaffold::pore_tag]) / cylinder, 1.0, 0.02);
  EXPECT_NEAR(volume[scaffold::solid_tag] / measured.solid_volume, 1.0, 0.03);
  std::set<std::string> names;
  for (const auto& g : m.groups)
    names.insert(g.name);
  for (const char* name : {"solid", "pore", "solid|pore", "solid|outside", "pore|outside"})
    EXPECT_TRUE(names.count(name)) << name;
  std::set<int> facet_tags(m.facet_tags.begin(), m.facet_tags.end());
  EXPECT_EQ(facet_tags.size(), 3u); // all three surfaces are there
}

// A defect region given as a closed surface (as from a segmentation's STL): its signed
// distance has the sign and size of the analytic one, and a scaffold clipped by it holds the
// solid the analytic shape holds.
TEST(BoundingShape, ClosedSurfaceEnclosesItsRegion) {
  const double radius = 0.3;
  const scaffold::Point center{0.5, 0.5, 0.5};
  const scaffold::BoundingShape ball([&](const scaffold::Point& x) {
    return radius - std::hypot(x[0] - center[0], x[1] - center[1], x[2] - center[2]);
  });
  const auto surface = scaffold::solid_surface(
      MPI_COMM_SELF, [&](const scaffold::Point& x) { return ball.distance(x); }, {0, 0, 0},
      {1, 1, 1}, 32);
  const auto outline = scaffold::BoundingShape::enclosed_by(surface);
  // The polyhedron is inscribed: within h² / (8 r) ≈ 1.5e-3 of the sphere (h = 1/32 · √2).
  for (const scaffold::Point& x :
       {center, scaffold::Point{0.7, 0.5, 0.5}, scaffold::Point{0.95, 0.5, 0.5},
        scaffold::Point{0.1, 0.2, 0.9}, scaffold::Point{0.5, 0.31, 0.66}})
    EXPECT_NEAR(outline.distance(x), ball.distance(x), 3e-3) << x[0] << " " << x[1] << " " << x[2];
  const scaffold::Lattice gyroid(CellType::gyroid, Variant::sheet, 0.25, 0.4);
  const auto in_outline = scaffold::measure_solid(
      MPI_COMM_SELF, scaffold::scaffold_level(gyroid, outline), {0, 0, 0}, {1, 1, 1}, 40);
  const auto in_ball = scaffold::measure_solid(
      MPI_COMM_SELF, scaffold::scaffold_level(gyroid, ball), {0, 0, 0}, {1, 1, 1}, 40);
  EXPECT_NEAR(in_outline.solid_volume / in_ball.solid_volume, 1.0, 0.02);

  auto open = surface;
  open.triangles.pop_back();
  test_support::expect_input_error([&] { (void)scaffold::BoundingShape::enclosed_by(open); },
                                   "not closed");
}

TEST(ScaffoldDesign, ParetoFrontKeepsTheNonDominated) {
  const std::vector<std::array<double, 2>> p{{0.6, 0.9}, {0.7, 0.8}, {0.65, 0.7},
                                             {0.8, 0.5}, {0.7, 0.8}, {0.5, 0.5}};
  EXPECT_EQ(scaffold::pareto_front(p), (std::vector<std::size_t>{0, 1, 3, 4}));
}

TEST(ScaffoldDesign, SearchFindsAFeasibleMostPorousDesignOnEveryRankAlike) {
  scaffold::DesignSpace space;
  space.types = {CellType::gyroid, CellType::diamond};
  space.variants = {Variant::skeletal};
  space.alloys = {"we43"};
  space.porosity = {0.55, 0.85};
  // Targets with room: CGAL's meshes are random, and a search whose only feasible designs
  // sit on a target's edge (retention 0.5 at L = 3 mm, seen in CI) passes or fails by chance.
  space.cell_size = {1.5e-3, 4e-3};
  scaffold::DesignTargets targets;
  targets.young = {0.5e9, 5e9};
  targets.min_porosity = 0.6;
  targets.min_stiffness_retention = 0.4;
  scaffold::OptimizationSettings settings;
  settings.evaluation = quick();
  settings.max_evaluations_per_family = 10;
  const std::map<std::string, scaffold::DesignMaterial> materials{{"we43", we43_like(0.5)}};
  const auto result = scaffold::optimize_designs(
      MPI_COMM_WORLD, space, materials, targets, settings, [](const scaffold::Candidate& c) {
        std::cout << fmt::format("  {} phi {:.3f} L {:.2f} mm: E {:.3f} GPa, retention {:.3f}, "
                                 "violation {:.3f} {}\n",
                                 scaffold::name(c.design.type), c.design.porosity,
                                 c.design.cell_size * 1e3, c.properties.young / 1e9,
                                 c.properties.stiffness_retention, c.violation, c.error);
      });
  ASSERT_TRUE(result.best.has_value());
  const auto& best = result.candidates[*result.best];
  std::cout << fmt::format("{} candidates, {} on the Pareto front; best: {} porosity {:.3f}, "
                           "L {:.2f} mm, E {:.3f} GPa, retention {:.3f}\n",
                           result.candidates.size(), result.pareto.size(),
                           scaffold::name(best.design.type), best.properties.porosity,
                           best.design.cell_size * 1e3, best.properties.young / 1e9,
                           best.properties.stiffness_retention);
  // The winner, evaluated again on its own, meets every target.
  const auto again =
      scaffold::evaluate_design(best.design, materials.at("we43"), settings.evaluation);
  EXPECT_GE(again.porosity, targets.min_porosity - 1e-6);
  // CGAL's meshes are random: at these coarse settings (P1, L/h = 10) E scatters by about
  // 1 % between runs and the retention by up to 0.03 (CI against this machine).
  EXPECT_GE(again.young, targets.young[0] * 0.97);
  EXPECT_LE(again.young, targets.young[1] * 1.03);
  EXPECT_GE(again.stiffness_retention, targets.min_stiffness_retention - 0.05);
  for (const auto& c : result.candidates) {
    if (c.feasible) {
      EXPECT_LE(c.properties.porosity, best.properties.porosity);
    }
  }
  // Non-dominated: no feasible candidate beats a Pareto point in both objectives.
  for (const auto i : result.pareto) {
    const auto& p = result.candidates[i].properties;
    for (const auto& c : result.candidates) {
      if (c.feasible) {
        EXPECT_FALSE(c.properties.porosity > p.porosity &&
                     c.properties.stiffness_retention > p.stiffness_retention);
      }
    }
  }
  // Every rank holds the same result (families dealt over the ranks, then exchanged).
  const double local = best.properties.porosity + static_cast<double>(result.candidates.size());
  EXPECT_EQ(mpi::max(MPI_COMM_WORLD, local), mpi::min(MPI_COMM_WORLD, local));
}

TEST(ScaffoldDesign, BadInputIsNamed) {
  using test_support::expect_input_error;
  scaffold::DesignSpace space;
  space.alloys = {"we43"};
  space.porosity = {0.9, 0.5};
  const std::map<std::string, scaffold::DesignMaterial> materials{{"we43", we43_like(0.5)}};
  expect_input_error(
      [&] { (void)scaffold::optimize_designs(MPI_COMM_WORLD, space, materials, {}); },
      "porosity bounds [0.9, 0.5]");
  space.porosity = {0.5, 0.9};
  space.alloys = {"az31"};
  expect_input_error(
      [&] { (void)scaffold::optimize_designs(MPI_COMM_WORLD, space, materials, {}); },
      "alloy 'az31' has no material");
  auto bad = we43_like(-1.0);
  scaffold::Design design;
  expect_input_error([&] { (void)scaffold::evaluate_design(design, bad, quick()); },
                     "recession speed");
  auto shrinking = we43_like(0.5);
  shrinking.recession_history = {{86400.0, 2e-6}, {2 * 86400.0, 1e-6}};
  expect_input_error([&] { (void)scaffold::evaluate_design(design, shrinking, quick()); },
                     "depths not decreasing");
  expect_input_error(
      [&] { (void)scaffold::design_material(MPI_COMM_WORLD, "we43", "in_vivo", -86400.0); },
      "horizon -86400 s");
  auto settings = quick();
  settings.degree = 3;
  expect_input_error([&] { (void)scaffold::evaluate_design(design, we43_like(0.5), settings); },
                     "degree 3");
  design.porosity = 1.2;
  expect_input_error([&] { (void)scaffold::evaluate_design(design, we43_like(0.5), quick()); },
                     "porosity 1.2");
}
