// The reaction–diffusion engine: time-stepping formulas, bookkeeping that closes to the
// Newton tolerance, chemistry as data, rank agreement and clear errors on bad input.
// Runs on 1 and 2 ranks.
#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/physics/transport.hpp>
#include <resorb/solvers/time_stepping.hpp>

#include "expect_error.hpp"

#include <gtest/gtest.h>
#include <petscsys.h>

#include <cmath>
#include <iostream>
#include <optional>
#include <string>
#include <utility>

using namespace resorb;
using physics::Reaction;
using physics::Species;
using physics::SpeciesBoundary;
using solvers::TimeScheme;
using test_support::expect_input_error;

namespace {

mesh::TetMesh slab(MPI_Comm comm = MPI_COMM_WORLD) {
  return mesh::make_box(comm, {8, 2, 2}, {0, 0, 0}, {4e-3, 1e-3, 1e-3});
}

Species species(std::string name, double initial, double diffusivity) {
  Species s;
  s.name = std::move(name);
  s.initial = initial;
  s.default_diffusivity = diffusivity;
  return s;
}

} // namespace

// Variable-step BDF2 differentiates quadratics exactly and the predictor extrapolates them
// exactly; backward Euler does so for linear functions.
TEST(TimeStepping, FormulasExactForPolynomialsOfTheirOrder) {
  const double t0 = 0.3, dt2 = 0.2, dt1 = 0.5, dt = 0.9; // t_{n-2}, steps of different size
  const double t1 = t0 + dt2, t2 = t1 + dt1, t3 = t2 + dt;
  auto q = [](double t) { return 2.0 + 3.0 * t - 1.5 * t * t; };
  auto dq = [](double t) { return 3.0 - 3.0 * t; };
  const auto c = solvers::bdf_coefficients(TimeScheme::bdf2, dt, dt1);
  EXPECT_NEAR(c.a0 + c.a1 + c.a2, 0.0, 1e-14);
  EXPECT_NEAR((c.a0 * q(t3) + c.a1 * q(t2) + c.a2 * q(t1)) / dt, dq(t3), 1e-12);
  const auto w = solvers::extrapolation(TimeScheme::bdf2, dt, dt1, dt2);
  EXPECT_NEAR(w.w0 * q(t2) + w.w1 * q(t1) + w.w2 * q(t0), q(t3), 1e-12);

  auto l = [](double t) { return 1.0 - 4.0 * t; };
  const auto be = solvers::bdf_coefficients(TimeScheme::backward_euler, dt, dt1);
  EXPECT_NEAR((be.a0 * l(t3) + be.a1 * l(t2) + be.a2 * l(t1)) / dt, -4.0, 1e-12);
  const auto lin = solvers::extrapolation(TimeScheme::backward_euler, dt, dt1, dt2);
  EXPECT_NEAR(lin.w0 * l(t2) + lin.w1 * l(t1) + lin.w2 * l(t0), l(t3), 1e-12);
  // No history: BDF2 starts as backward Euler.
  const auto first = solvers::bdf_coefficients(TimeScheme::bdf2, dt, 0.0);
  EXPECT_EQ(first.a0, 1.0);
  EXPECT_EQ(first.a2, 0.0);

  const solvers::StepControl control;
  EXPECT_NEAR(control.next(1.0, 1.0, 1), 0.9, 1e-14);
  EXPECT_EQ(control.next(1.0, 1e-12, 2), 2.0); // growth limited
  EXPECT_EQ(control.next(1.0, 1e12, 2), 0.2);  // cut limited
  EXPECT_EQ(solvers::parse_time_scheme("bdf2", "k"), TimeScheme::bdf2);
  expect_input_error([] { (void)solvers::parse_time_scheme("rk4", "[corrosion] scheme"); },
                     "[corrosion] scheme");
}

// A species entering through a Dirichlet boundary and turning into an immobile one: with
// both schemes, what entered equals what is there (free + bound) to the Newton tolerance,
// and the reaction moves amounts between species without creating any.
TEST(Transport, BookkeepingClosesWithBothSchemes) {
  const auto mesh = slab();
  for (const auto scheme : {TimeScheme::backward_euler, TimeScheme::bdf2}) {
    auto ion = species("ion", 0.0, 1e-9);
    ion.boundaries.push_back({"xmin", SpeciesBoundary::Kind::concentration, 10.0});
    ion.boundaries.push_back({"xmax", SpeciesBoundary::Kind::inflow, 2e-6});
    auto film = species("film", 0.0, 0.0);
    Reaction binding{"binding", 1e-3, {{"ion", 1.0}}, {{"ion", -1.0}, {"film", 1.0}}, {}};
    physics::TransportSettings settings;
    settings.scheme = scheme;
    settings.dt_initial = 100.0;
    settings.control.rtol = 1e-2;
    physics::ReactionDiffusion problem(mesh, {ion, film}, {binding}, settings);
    const double initial = problem.amount(0); // the Dirichlet nodes start at their value
    EXPECT_GT(initial, 0.0);
    int steps = 0;
    problem.advance_to(3600.0, [&](const physics::StepReport& r) {
      ++steps;
      EXPECT_LE(r.error, 1.0);
    });
    EXPECT_DOUBLE_EQ(problem.time(), 3600.0);
    const double ion_amount = problem.amount(0) - initial, film_amount = problem.amount(1);
    EXPECT_GT(film_amount, 0.0);
    EXPECT_GT(problem.inflow(0), 0.0);
    const double scale = ion_amount + film_amount;
    EXPECT_NEAR(ion_amount + film_amount, problem.inflow(0), 1e-9 * scale);
    EXPECT_NEAR(ion_amount, problem.inflow(0) + problem.produced(0), 1e-9 * scale);
    EXPECT_NEAR(film_amount, problem.produced(1), 1e-9 * scale);
    EXPECT_NEAR(problem.produced(0), -problem.produced(1), 1e-9 * scale);
    EXPECT_EQ(problem.inflow(1), 0.0);
    EXPECT_GT(steps, 3);
  }
}

// One rank and all ranks of MPI_COMM_WORLD give the same time series (same steps, amounts
// to the solver tolerance).
TEST(Transport, SameResultOnOneAndAllRanks) {
  auto run = [](MPI_Comm comm) {
    const auto mesh = slab(comm);
    auto a = species("A", 1.0, 2e-9);
    a.boundaries.push_back({"xmin", SpeciesBoundary::Kind::concentration, 5.0});
    auto b = species("B", 0.0, 1e-9);
    Reaction r{"A+A->B", 1e-4, {{"A", 2.0}}, {{"A", -2.0}, {"B", 1.0}}, {}};
    physics::TransportSettings settings;
    settings.dt_initial = 10.0;
    physics::ReactionDiffusion problem(mesh, {a, b}, {r}, settings);
    std::vector<double> series;
    problem.advance_to(2000.0, [&](const physics::StepReport& s) {
      series.push_back(s.time);
      series.push_back(problem.amount(0));
      series.push_back(problem.amount(1));
    });
    return series;
  };
  const auto all = run(MPI_COMM_WORLD);
  const auto one = run(MPI_COMM_SELF);
  ASSERT_EQ(all.size(), one.size());
  for (std::size_t i = 0; i < all.size(); ++i)
    EXPECT_NEAR(all[i], one[i], 1e-8 * std::abs(one[i])) << "entry " << i;
}

TEST(Transport, BadInputNamesTheCulprit) {
  const auto mesh = slab();
  expect_input_error([&] { physics::ReactionDiffusion p(mesh, {species("Mg2+", 0.0, -1e-9)}, {}); },
                     "Mg2+");
  expect_input_error([&] { physics::ReactionDiffusion p(mesh, {species("Mg2+", -1.0, 1e-9)}, {}); },
                     "initial concentration");
  expect_input_error(
      [&] {
        auto s = species("Cl-", 0.0, 1e-9);
        s.default_diffusivity.reset();
        physics::ReactionDiffusion p(mesh, {s}, {});
      },
      "no diffusivity for cell group 'box'");
  expect_input_error(
      [&] {
        Reaction r{"film formation", 1.0, {{"OH-", 2.0}}, {{"Mg2+", -1.0}}, {}};
        physics::ReactionDiffusion p(mesh, {species("Mg2+", 0.0, 1e-9)}, {r});
      },
      "unknown species 'OH-'");
  expect_input_error(
      [&] {
        auto s = species("Mg2+", 0.0, 1e-9);
        s.boundaries.push_back({"implant", SpeciesBoundary::Kind::concentration, 1.0});
        physics::ReactionDiffusion p(mesh, {s}, {});
      },
      "boundary 'implant'");
  expect_input_error(
      [&] {
        physics::ReactionDiffusion p(mesh, {species("A", 0.0, 1e-9), species("A", 0.0, 1e-9)}, {});
      },
      "listed twice");
  expect_input_error(
      [&] {
        physics::TransportSettings s;
        s.dt_min = 10.0;
        s.dt_initial = 1.0;
        physics::ReactionDiffusion p(mesh, {species("A", 0.0, 1e-9)}, {}, s);
      },
      "dt_min");
  expect_input_error(
      [&] {
        auto s = species("film", 0.0, 0.0);
        s.error_atol = -1.0;
        physics::ReactionDiffusion p(mesh, {species("A", 0.0, 1e-9), s}, {});
      },
      "species 'film': error tolerance");
  // A user's bad PETSc option under the transport prefix is bad input naming the option.
  ASSERT_EQ(PetscOptionsSetValue(nullptr, "-transport_pc_type", "no_such_pc"), 0);
  expect_input_error([&] { physics::ReactionDiffusion p(mesh, {species("A", 0.0, 1e-9)}, {}); },
                     "-transport_pc_type no_such_pc");
  ASSERT_EQ(PetscOptionsClearValue(nullptr, "-transport_pc_type"), 0);
}

// A species' own error tolerance: a fast-decaying one with a loose error_atol no longer
// sets the steps, and leaves the other species' error control (and its result to the
// tolerance) alone.
TEST(Transport, SpeciesErrorToleranceSetsWhoControlsTheSteps) {
  const auto mesh = slab();
  auto run = [&](std::optional<double> fast_atol) {
    auto fast = species("fast", 100.0, 0.0), slow = species("slow", 1.0, 0.0);
    fast.error_atol = fast_atol;
    Reaction decay{"fast decay", 1e-2, {{"fast", 1.0}}, {{"fast", -1.0}}, {}};
    Reaction slow_decay{"slow decay", 1e-4, {{"slow", 1.0}}, {{"slow", -1.0}}, {}};
    physics::TransportSettings settings;
    settings.dt_initial = 1.0;
    settings.atol = 1e-6;
    settings.control.rtol = 1e-3;
    physics::ReactionDiffusion problem(mesh, {fast, slow}, {decay, slow_decay}, settings);
    const double start = problem.amount(1);
    int steps = 0;
    problem.advance_to(3600.0, [&](const physics::StepReport&) { ++steps; });
    return std::pair{steps, problem.amount(1) / start};
  };
  const auto [tight_steps, tight_slow] = run(std::nullopt);
  const auto [loose_steps, loose_slow] = run(1e3);
  std::cerr << "steps: fast at atol " << tight_steps << ", fast at its own tolerance "
            << loose_steps << "\n";
  const double exact = std::exp(-1e-4 * 3600.0);
  EXPECT_LT(loose_steps, tight_steps / 2);
  EXPECT_GT(loose_steps, 3);
  EXPECT_NEAR(tight_slow, exact, 5e-3 * exact);
  EXPECT_NEAR(loose_slow, exact, 5e-3 * exact);
}

// When Newton cannot converge even on the smallest step, the run stops with a SolverError
// that says where and why, and the state stays the last accepted one (no NaNs).
TEST(Transport, NewtonFailureCutsTheStepThenStopsClearly) {
  const auto mesh = slab();
  auto a = species("A", 1.0, 1e-9);
  Reaction r{"A+A->", 1e-2, {{"A", 2.0}}, {{"A", -2.0}}, {}};
  physics::TransportSettings settings;
  settings.dt_initial = 100.0;
  settings.dt_min = 30.0; // allows one cut (100 -> 25 < 30 fails)
  settings.max_newton_iterations = 1;
  physics::ReactionDiffusion problem(mesh, {a}, {r}, settings);
  const double before = problem.amount(0);
  try {
    (void)problem.step(1000.0);
    ADD_FAILURE() << "expected a SolverError";
  } catch (const SolverError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("dt_min"), std::string::npos) << what;
    EXPECT_NE(what.find("Newton"), std::string::npos) << what;
  }
  EXPECT_EQ(problem.time(), 0.0);
  EXPECT_DOUBLE_EQ(problem.amount(0), before);
}

// In SI units a row of the Jacobian is a node's volume over dt: ~1e-16 here, far below
// PETSc's default absolute zero-pivot tolerance (2.2e-14). An LU of such a healthy matrix
// must not be declared singular (it was: every step failed and was cut until dt_min).
TEST(Transport, LuFactorsMatricesOfMicronCells) {
  const auto mesh = mesh::make_box(MPI_COMM_SELF, {4, 4, 4}, {0, 0, 0}, {80e-6, 80e-6, 80e-6});
  auto ion = species("ion", 1.0, 1e-12);
  ion.boundaries.push_back({"xmin", SpeciesBoundary::Kind::concentration, 10.0});
  physics::TransportSettings settings;
  settings.scheme = TimeScheme::backward_euler;
  settings.adaptive = false;
  settings.dt_initial = 10.0;
  settings.options_prefix = "micron_lu_";
  ASSERT_EQ(PetscOptionsSetValue(nullptr, "-micron_lu_ksp_type", "preonly"), 0);
  ASSERT_EQ(PetscOptionsSetValue(nullptr, "-micron_lu_pc_type", "lu"), 0);
  physics::ReactionDiffusion problem(mesh, {ion}, {}, settings);
  for (int step = 0; step < 3; ++step) {
    const auto r = problem.step(1e9);
    EXPECT_EQ(r.rejected, 0) << "step " << step;
    EXPECT_DOUBLE_EQ(r.dt, 10.0);
  }
  EXPECT_GT(problem.inflow(0), 0.0);
  ASSERT_EQ(PetscOptionsClearValue(nullptr, "-micron_lu_ksp_type"), 0);
  ASSERT_EQ(PetscOptionsClearValue(nullptr, "-micron_lu_pc_type"), 0);
}

namespace {

/// Amounts of three species after each of five fixed backward-Euler steps: a slow one held
/// on a face, a fast one fed through another, an immobile product, and reactions coupling
/// all three (A + B → C, C → A). @p prefix selects the solver options.
std::vector<double> three_species_amounts(const mesh::TetMesh& mesh, const std::string& prefix) {
  auto a = species("A", 1.0, 1e-11);
  a.boundaries.push_back({"xmin", SpeciesBoundary::Kind::concentration, 5.0});
  auto b = species("B", 0.5, 5e-9);
  b.boundaries.push_back({"xmax", SpeciesBoundary::Kind::inflow, 1e-6});
  auto c = species("C", 0.0, 0.0);
  Reaction bind{
      "A+B->C", 1e-3, {{"A", 1.0}, {"B", 1.0}}, {{"A", -1.0}, {"B", -1.0}, {"C", 1.0}}, {}};
  Reaction release{"C->A", 2e-3, {{"C", 1.0}}, {{"C", -1.0}, {"A", 1.0}}, {}};
  physics::TransportSettings settings;
  settings.scheme = TimeScheme::backward_euler;
  settings.adaptive = false;
  settings.dt_initial = 100.0;
  settings.options_prefix = prefix;
  physics::ReactionDiffusion problem(mesh, {a, b, c}, {bind, release}, settings);
  std::vector<double> amounts;
  for (int step = 0; step < 5; ++step) {
    EXPECT_EQ(problem.step(1e9).rejected, 0);
    for (int i = 0; i < 3; ++i)
      amounts.push_back(problem.amount(i));
  }
  return amounts;
}

/// The series of three_species_amounts() under prefix "reference_" and under "variant_" with
/// the option -variant_<@p option> @p value agree to the linear tolerance (GMRES rtol 1e-11).
void expect_same_amounts_with(const std::string& option, const std::string& value) {
  const auto mesh = slab();
  const auto reference = three_species_amounts(mesh, "reference_");
  const std::string name = "-variant_" + option;
  ASSERT_EQ(PetscOptionsSetValue(nullptr, name.c_str(), value.c_str()), 0);
  const auto variant = three_species_amounts(mesh, "variant_");
  ASSERT_EQ(PetscOptionsClearValue(nullptr, name.c_str()), 0);
  ASSERT_EQ(reference.size(), variant.size());
  for (std::size_t i = 0; i < reference.size(); ++i)
    EXPECT_NEAR(variant[i], reference[i], 1e-9 * std::abs(reference[i])) << "entry " << i;
}

} // namespace

// The Jacobian stores only the diagonal of the blocks between nodes (species diffuse on
// their own; see la::BlockCoupling). A block matrix type stores full blocks: both must give
// the same steps and amounts.
TEST(Transport, SpeciesDiagonalJacobianMatchesFullBlocks) {
  expect_same_amounts_with("mat_type", "baij");
}

// The field split (AMG on the fast species, ILU on the rest; the default on large meshes)
// solves the same steps as ILU on the whole system (the default on this small slab).
TEST(Transport, FieldSplitMatchesIluOnMixedSpecies) {
  expect_same_amounts_with("pc_type", "fieldsplit");
}
