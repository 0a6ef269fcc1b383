#include "resorb/fem/quadrature.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <map>
#include <mutex>
#include <numbers>

namespace resorb::fem {

namespace {

/// Gauss–Legendre nodes and weights on [0, 1] by Newton iteration on P_n.
std::pair<std::vector<double>, std::vector<double>> gauss_legendre(int n) {
  std::vector<double> x(static_cast<std::size_t>(n)), w(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    double z = std::cos(std::numbers::pi * (i + 0.75) / (n + 0.5));
    double dp = 0.0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1.0, p1 = z;
      for (int k = 2; k <= n; ++k) {
        const double p2 = ((2.0 * k - 1.0) * z * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      if (n == 1)
        p0 = 1.0, p1 = z;
      dp = n * (z * p1 - p0) / (z * z - 1.0);
      const double dz = p1 / dp;
      z -= dz;
      if (std::abs(dz) < 1e-16)
        break;
    }
    x[static_cast<std::size_t>(i)] = 0.5 * (1.0 - z);
    w[static_cast<std::size_t>(i)] = 1.0 / ((1.0 - z * z) * dp * dp);
  }
  return {x, w};
}

QuadratureRule collapsed_tetrahedron(int degree) {
  // x = a, y = b (1 - a), z = c (1 - a)(1 - b); Jacobian (1 - a)^2 (1 - b) raises the degree
  // in a by 2 and in b by 1, hence n points with 2n - 1 >= degree + 2.
  const int n = (degree + 4) / 2;
  const auto [g, w] = gauss_legendre(n);
  QuadratureRule rule;
  rule.degree = degree;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k) {
        const double a = g[i], b = g[j], c = g[k];
        rule.points.push_back({a, b * (1.0 - a), c * (1.0 - a) * (1.0 - b)});
        rule.weights.push_back(w[i] * w[j] * w[k] * (1.0 - a) * (1.0 - a) * (1.0 - b));
      }
  return rule;
}

QuadratureRule collapsed_triangle(int degree) {
  const int n = (degree + 3) / 2;
  const auto [g, w] = gauss_legendre(n);
  QuadratureRule rule;
  rule.degree = degree;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const double a = g[i], b = g[j];
      rule.points.push_back({a, b * (1.0 - a), 0.0});
      rule.weights.push_back(w[i] * w[j] * (1.0 - a));
    }
  return rule;
}

template <int N>
QuadratureRule from_fixed(const FixedRule<N>& fixed, int degree) {
  QuadratureRule rule;
  rule.degree = degree;
  for (int q = 0; q < N; ++q) {
    rule.points.push_back({fixed.points[q][0], fixed.points[q][1], fixed.points[q][2]});
    rule.weights.push_back(fixed.weights[q]);
  }
  return rule;
}

QuadratureRule make_tetrahedron(int degree) {
  if (degree <= 1)
    return from_fixed(tetrahedron_centroid_rule, 1);
  if (degree == 2)
    return from_fixed(tetrahedron_four_point_rule, 2);
  return collapsed_tetrahedron(degree);
}

QuadratureRule make_triangle(int degree) {
  if (degree <= 1)
    return {{{1.0 / 3, 1.0 / 3, 0.0}}, {0.5}, 1};
  if (degree == 2)
    return {{{1.0 / 6, 1.0 / 6, 0.0}, {2.0 / 3, 1.0 / 6, 0.0}, {1.0 / 6, 2.0 / 3, 0.0}},
            {1.0 / 6, 1.0 / 6, 1.0 / 6},
            2};
  return collapsed_triangle(degree);
}

template <class Make>
const QuadratureRule& cached(int degree, Make make) {
  RESORB_REQUIRE(degree >= 0 && degree <= 30, Error,
                 fmt::format("quadrature degree {} is out of range 0..30", degree));
  static std::mutex mutex;
  static std::map<int, QuadratureRule> cache;
  const std::lock_guard lock(mutex);
  auto it = cache.find(degree);
  if (it == cache.end())
    it = cache.emplace(degree, make(degree)).first;
  return it->second;
}

} // namespace

const QuadratureRule& tetrahedron_rule(int degree) {
  return cached(degree, make_tetrahedron);
}
const QuadratureRule& triangle_rule(int degree) {
  // A separate cache from the tetrahedron's: the lambda type differs, so does the static.
  return cached(degree, [](int d) { return make_triangle(d); });
}

} // namespace resorb::fem
