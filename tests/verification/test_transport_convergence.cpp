// Verification of the reaction–diffusion engine against exact solutions:
//  * diffusion into a half-space from a constant-concentration boundary,
//    c = c0 erfc(x / (2 √(D t))): space and time refined together, P1 + BDF2 converge at
//    second order (observed rate >= 1.7);
//  * a decaying species u' = −k u (uniform, closed box): backward Euler converges at first
//    order and BDF2 at second (observed rates within ±0.15 of 1 and 2);
//  * the same with adaptive steps: the global error stays below (steps × tolerance) and falls
//    with the tolerance.
#include <resorb/core/mpi.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/physics/transport.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace resorb;
using physics::Species;
using physics::SpeciesBoundary;
using solvers::TimeScheme;

namespace {

constexpr double D = 1e-9;   // m²/s
constexpr double c0 = 100.0; // mol/m³
constexpr double t0 = 500.0; // s: start from the exact profile at this age
constexpr double T = 2000.0; // s: simulated after t0
constexpr double L = 10e-3;  // m: √(D (t0 + T)) = 1.6 mm ≪ L, so the far end sees nothing

double exact(double x, double t) {
  return c0 * std::erfc(x / (2.0 * std::sqrt(D * t)));
}

/// Lumped L2 error of the half-space problem at t0 + T on nx cells along x, nt steps.
double half_space_error(int nx, int steps) {
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {nx, 1, 1}, {0, 0, 0}, {L, 0.5e-3, 0.5e-3});
  Species s;
  s.name = "Mg2+";
  s.default_diffusivity = D;
  s.boundaries.push_back({"xmin", SpeciesBoundary::Kind::concentration, c0});
  physics::TransportSettings settings;
  settings.scheme = TimeScheme::bdf2;
  settings.adaptive = false;
  settings.dt_initial = T / steps;
  physics::ReactionDiffusion problem(mesh, {s}, {}, settings);
  problem.set_concentration(0, [](const std::array<double, 3>& x) { return exact(x[0], t0); });
  problem.advance_to(T);
  const auto& u = problem.concentrations();
  const la::LocalRead values(u.vec());
  const auto xn = problem.dofmap().node_coordinates();
  double sum = 0.0, volume = 0.0;
  for (LocalIndex a = 0; a < problem.dofmap().index_map().num_owned(); ++a) {
    const double e = values[a] - exact(xn[3 * static_cast<std::size_t>(a)], t0 + T);
    sum += e * e;
    volume += 1.0;
  }
  return std::sqrt(mpi::sum(MPI_COMM_WORLD, sum) / mpi::sum(MPI_COMM_WORLD, volume)) / c0;
}

/// Relative error of u' = −k u at time 1/k with fixed steps, or adaptive with tolerance rtol.
double decay_error(TimeScheme scheme, int steps, double rtol = 0.0, int* taken = nullptr) {
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {2, 2, 2}, {0, 0, 0}, {1e-3, 1e-3, 1e-3});
  constexpr double k = 1e-3, u0 = 50.0;
  Species s;
  s.name = "A";
  s.initial = u0;
  s.default_diffusivity = 1e-9;
  physics::Reaction decay{"decay", k, {{"A", 1.0}}, {{"A", -1.0}}, {}};
  physics::TransportSettings settings;
  settings.scheme = scheme;
  settings.adaptive = rtol > 0;
  settings.dt_initial = rtol > 0 ? 1.0 : 1.0 / k / steps;
  settings.control.rtol = rtol > 0 ? rtol : 1e-3;
  settings.atol = 1e-12;
  physics::ReactionDiffusion problem(mesh, {s}, {decay}, settings);
  int count = 0;
  problem.advance_to(1.0 / k, [&](const physics::StepReport&) { ++count; });
  if (taken != nullptr)
    *taken = count;
  const double volume = 1e-9;
  return std::abs(problem.amount(0) / volume - u0 * std::exp(-1.0)) / (u0 * std::exp(-1.0));
}

} // namespace

TEST(TransportVerification, HalfSpaceDiffusionConvergesAtSecondOrder) {
  std::vector<double> errors;
  for (const int level : {0, 1, 2})
    errors.push_back(half_space_error(20 << level, 10 << level));
  for (std::size_t i = 0; i < errors.size(); ++i)
    RecordProperty("error_" + std::to_string(i), std::to_string(errors[i]));
  const double rate = std::log2(errors[1] / errors[2]);
  EXPECT_GE(rate, 1.7) << "errors " << errors[0] << " " << errors[1] << " " << errors[2];
  EXPECT_LT(errors[2], 2e-3);
}

TEST(TransportVerification, DecayConvergesAtTheSchemeOrder) {
  for (const auto& [scheme, order] :
       {std::pair{TimeScheme::backward_euler, 1.0}, std::pair{TimeScheme::bdf2, 2.0}}) {
    const double e1 = decay_error(scheme, 20), e2 = decay_error(scheme, 40),
                 e3 = decay_error(scheme, 80);
    EXPECT_NEAR(std::log2(e2 / e3), order, 0.15) << e1 << " " << e2 << " " << e3;
    EXPECT_NEAR(std::log2(e1 / e2), order, 0.25) << e1 << " " << e2 << " " << e3;
  }
}

TEST(TransportVerification, AdaptiveStepsMeetTheTolerance) {
  // Local-error control: each step's error is at most rtol (relative), so the global error
  // is at most about steps × rtol, and it falls when the tolerance does (as tol^(p/(p+1))).
  for (const auto scheme : {TimeScheme::backward_euler, TimeScheme::bdf2}) {
    int steps = 0, steps_fine = 0;
    const double error = decay_error(scheme, 0, 1e-4, &steps);
    const double error_fine = decay_error(scheme, 0, 1e-5, &steps_fine);
    EXPECT_LT(error, 1.5 * steps * 1e-4) << "steps " << steps;
    EXPECT_LT(error_fine, 1.5 * steps_fine * 1e-5) << "steps " << steps_fine;
    EXPECT_LT(error_fine, 0.5 * error);
    // Far fewer steps than a fixed step of the same accuracy would need, and fewer for the
    // second-order scheme.
    EXPECT_LT(steps, scheme == TimeScheme::bdf2 ? 40 : 150) << "error " << error;
  }
}
