#include <resorb/fem/lagrange.hpp>
#include <resorb/fem/quadrature.hpp>

#include <gtest/gtest.h>

#include <cmath>

using namespace resorb::fem;

namespace {
double factorial(int n) {
  return n <= 1 ? 1.0 : n * factorial(n - 1);
}
// ∫_T x^a y^b z^c = a! b! c! / (a + b + c + 3)! on the reference tetrahedron.
double exact_tet(int a, int b, int c) {
  return factorial(a) * factorial(b) * factorial(c) / factorial(a + b + c + 3);
}
} // namespace

TEST(Quadrature, TetrahedronRulesIntegrateMonomialsExactly) {
  for (int degree = 1; degree <= 8; ++degree) {
    const auto& rule = tetrahedron_rule(degree);
    for (int a = 0; a <= degree; ++a)
      for (int b = 0; a + b <= degree; ++b)
        for (int c = 0; a + b + c <= degree; ++c) {
          double sum = 0.0;
          for (std::size_t q = 0; q < rule.size(); ++q)
            sum += rule.weights[q] * std::pow(rule.points[q][0], a) *
                   std::pow(rule.points[q][1], b) * std::pow(rule.points[q][2], c);
          EXPECT_NEAR(sum, exact_tet(a, b, c), 1e-14) << degree << ": " << a << b << c;
        }
  }
}

TEST(Quadrature, TriangleRulesIntegrateMonomialsExactly) {
  for (int degree = 1; degree <= 8; ++degree) {
    const auto& rule = triangle_rule(degree);
    for (int a = 0; a <= degree; ++a)
      for (int b = 0; a + b <= degree; ++b) {
        double sum = 0.0;
        for (std::size_t q = 0; q < rule.size(); ++q)
          sum += rule.weights[q] * std::pow(rule.points[q][0], a) * std::pow(rule.points[q][1], b);
        EXPECT_NEAR(sum, factorial(a) * factorial(b) / factorial(a + b + 2), 1e-14);
      }
  }
}

template <class E>
void check_partition_of_unity_and_nodality() {
  // Nodes: vertices, then (for P2) edge midpoints.
  constexpr int edges[6][2] = {{0, 1}, {1, 2}, {0, 2}, {0, 3}, {1, 3}, {2, 3}};
  for (int node = 0; node < E::num_nodes; ++node) {
    double xi[3];
    for (int d = 0; d < 3; ++d)
      xi[d] = node < 4 ? resorb::mesh::reference_vertices[node][d]
                       : 0.5 * (resorb::mesh::reference_vertices[edges[node - 4][0]][d] +
                                resorb::mesh::reference_vertices[edges[node - 4][1]][d]);
    double n[E::num_nodes], dn[E::num_nodes][3];
    E::tabulate(xi, n, dn);
    for (int a = 0; a < E::num_nodes; ++a)
      EXPECT_NEAR(n[a], a == node ? 1.0 : 0.0, 1e-14);
    for (int d = 0; d < 3; ++d) {
      double s = 0.0;
      for (int a = 0; a < E::num_nodes; ++a)
        s += dn[a][d];
      EXPECT_NEAR(s, 0.0, 1e-13);
    }
  }
}

TEST(Lagrange, P1AndP2AreNodalWithGradientsSummingToZero) {
  check_partition_of_unity_and_nodality<P1>();
  check_partition_of_unity_and_nodality<P2>();
}
