#pragma once
/// @file
/// P1 and P2 Lagrange elements on the reference tetrahedron, and the concept they satisfy.
///
/// Reference tetrahedron: vertices (0,0,0), (1,0,0), (0,1,0), (0,0,1). P2 nodes are the four
/// vertices followed by the six edge midpoints in mesh::edge_vertices order (VTK order).

#include "resorb/core/device.hpp"
#include "resorb/core/error.hpp"
#include "resorb/mesh/reference_cell.hpp"

#include <concepts>
#include <string>
#include <utility>

namespace resorb::fem {

/// Contract of a Lagrange element type usable by the assemblers and kernels.
template <class E>
concept LagrangeElement = requires(const double* xi, double* n, double (*dn)[3]) {
  { E::degree } -> std::convertible_to<int>;
  { E::num_nodes } -> std::convertible_to<int>;
  E::tabulate(xi, n, dn);
};

/// Linear Lagrange element: one node per vertex.
struct P1 {
  static constexpr int degree = 1;    ///< polynomial degree
  static constexpr int num_nodes = 4; ///< nodes per tetrahedron
  /// Values @p n[4] and reference gradients @p dn[4][3] at reference point @p xi.
  RESORB_HOST_DEVICE static void tabulate(const double* xi, double* n, double (*dn)[3]) {
    n[0] = 1.0 - xi[0] - xi[1] - xi[2];
    n[1] = xi[0];
    n[2] = xi[1];
    n[3] = xi[2];
    for (int d = 0; d < 3; ++d) {
      dn[0][d] = -1.0;
      for (int a = 1; a < 4; ++a)
        dn[a][d] = (a - 1 == d) ? 1.0 : 0.0;
    }
  }
};

/// Quadratic Lagrange element: vertex nodes then edge-midpoint nodes.
struct P2 {
  static constexpr int degree = 2;     ///< polynomial degree
  static constexpr int num_nodes = 10; ///< nodes per tetrahedron
  /// Values @p n[10] and reference gradients @p dn[10][3] at reference point @p xi.
  RESORB_HOST_DEVICE static void tabulate(const double* xi, double* n, double (*dn)[3]) {
    const double l[4] = {1.0 - xi[0] - xi[1] - xi[2], xi[0], xi[1], xi[2]};
    double dl[4][3] = {{-1.0, -1.0, -1.0}, {1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.0, 0.0, 1.0}};
    constexpr auto edges = mesh::edge_vertices; // a local copy: usable in device code
    for (int a = 0; a < 4; ++a) {
      n[a] = l[a] * (2.0 * l[a] - 1.0);
      for (int d = 0; d < 3; ++d)
        dn[a][d] = (4.0 * l[a] - 1.0) * dl[a][d];
    }
    for (int e = 0; e < 6; ++e) {
      const int i = edges[e][0], j = edges[e][1];
      n[4 + e] = 4.0 * l[i] * l[j];
      for (int d = 0; d < 3; ++d)
        dn[4 + e][d] = 4.0 * (dl[i][d] * l[j] + l[i] * dl[j][d]);
    }
  }
};

static_assert(LagrangeElement<P1> && LagrangeElement<P2>);

/// The one place where a run-time degree becomes an element type: calls
/// `body.template operator()<P1>()` or `<P2>()` and returns what it returns.
/// Use with a templated lambda: `with_element(degree, [&]<class E>() { ... })`.
/// @throws InputError for a degree other than 1 or 2
template <class Body>
decltype(auto) with_element(int degree, Body&& body) {
  RESORB_REQUIRE(degree == 1 || degree == 2, InputError,
                 "Lagrange degree " + std::to_string(degree) + " is not supported (1 or 2)");
  if (degree == 1)
    return std::forward<Body>(body).template operator()<P1>();
  return std::forward<Body>(body).template operator()<P2>();
}

} // namespace resorb::fem
