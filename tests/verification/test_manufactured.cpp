// Method of manufactured solutions on the unit cube: u = a φ(x), φ = sin πx sin πy sin πz,
// u = 0 on the boundary, body force f = −div σ(u). Checks the convergence rates of the L2
// error (p + 1) and H1 seminorm error (p) over a refinement sequence, within ±0.15.
#include <resorb/fem/norms.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/physics/elasticity.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

using namespace resorb;

namespace {
constexpr double pi = std::numbers::pi;
constexpr double E = 1.0, nu = 0.3; // scale-free: rates do not depend on units
const std::array<double, 3> a{1.0, 0.5, -0.75};

physics::Vec3 exact(const physics::Vec3& x) {
  const double phi = std::sin(pi * x[0]) * std::sin(pi * x[1]) * std::sin(pi * x[2]);
  return {a[0] * phi, a[1] * phi, a[2] * phi};
}
std::array<std::array<double, 3>, 3> exact_gradient(const physics::Vec3& x) {
  const double s[3] = {std::sin(pi * x[0]), std::sin(pi * x[1]), std::sin(pi * x[2])};
  const double c[3] = {std::cos(pi * x[0]), std::cos(pi * x[1]), std::cos(pi * x[2])};
  const double dphi[3] = {pi * c[0] * s[1] * s[2], pi * s[0] * c[1] * s[2],
                          pi * s[0] * s[1] * c[2]};
  std::array<std::array<double, 3>, 3> g{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      g[i][j] = a[i] * dphi[j];
  return g;
}
physics::Vec3 body_force(const physics::Vec3& x) {
  // f = −[(λ + μ) ∇(div u) + μ Δu], ∇(div u)_i = Σ_j a_j ∂_i∂_j φ, Δu_i = −3π² a_i φ.
  const physics::IsotropicMaterial m{E, nu};
  const double s[3] = {std::sin(pi * x[0]), std::sin(pi * x[1]), std::sin(pi * x[2])};
  const double c[3] = {std::cos(pi * x[0]), std::cos(pi * x[1]), std::cos(pi * x[2])};
  const double phi = s[0] * s[1] * s[2];
  double hess[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      if (i == j) {
        hess[i][j] = -pi * pi * phi;
      } else {
        const int k = 3 - i - j;
        hess[i][j] = pi * pi * c[i] * c[j] * s[k];
      }
    }
  physics::Vec3 f{};
  for (int i = 0; i < 3; ++i) {
    double grad_div = 0.0;
    for (int j = 0; j < 3; ++j)
      grad_div += a[j] * hess[i][j];
    f[i] = -((m.lambda() + m.mu()) * grad_div + m.mu() * (-3.0 * pi * pi * a[i] * phi));
  }
  return f;
}

template <class Element>
std::array<double, 2> errors(int n) {
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {n, n, n}, {0, 0, 0}, {1, 1, 1});
  physics::Elasticity<Element> problem(mesh);
  problem.set_material("box", {E, nu});
  for (const char* side : {"xmin", "xmax", "ymin", "ymax", "zmin", "zmax"})
    problem.fix(side);
  problem.set_body_force(body_force);
  solvers::LinearSolverSettings settings;
  settings.rtol = 1e-12;
  (void)problem.solve(settings);
  return fem::error_norms(problem.displacement(), {exact, exact_gradient});
}

template <class Element>
void check_rates(std::array<int, 3> sizes) {
  std::array<std::array<double, 2>, 3> e{};
  for (int k = 0; k < 3; ++k)
    e[k] = errors<Element>(sizes[k]);
  for (int k = 1; k < 3; ++k) {
    const double h_ratio = static_cast<double>(sizes[k]) / sizes[k - 1];
    const double l2_rate = std::log(e[k - 1][0] / e[k][0]) / std::log(h_ratio);
    const double h1_rate = std::log(e[k - 1][1] / e[k][1]) / std::log(h_ratio);
    ::testing::Test::RecordProperty("l2_rate_" + std::to_string(k), std::to_string(l2_rate));
    std::printf("P%d n=%d: L2 %.4e (rate %.3f), H1 %.4e (rate %.3f)\n", Element::degree, sizes[k],
                e[k][0], l2_rate, e[k][1], h1_rate);
    if (k == 2) { // asymptotic pair
      EXPECT_NEAR(l2_rate, Element::degree + 1, 0.15);
      EXPECT_NEAR(h1_rate, Element::degree, 0.15);
    }
  }
}
} // namespace

TEST(ManufacturedSolution, P1RatesAreTwoAndOne) {
  check_rates<fem::P1>({4, 8, 16});
}
TEST(ManufacturedSolution, P2RatesAreThreeAndTwo) {
  check_rates<fem::P2>({3, 6, 12});
}
