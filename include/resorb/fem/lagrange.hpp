#pragma once
/// @file
/// P1 and P2 Lagrange elements on the reference tetrahedron, and the concept they satisfy.
///
/// Reference tetrahedron: vertices (0,0,0), (1,0,0), (0,1,0), (0,0,1). P2 nodes are the four
/// vertices followed by the six edge midpoints in mesh::edge_vertices order (VTK order).

#include <array>
#include <concepts>

#if defined(__CUDACC__)
#define RESORB_HOST_DEVICE __host__ __device__
#else
/// Marks functions callable from host and device code.
#define RESORB_HOST_DEVICE
#endif

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
    constexpr int edges[6][2] = {{0, 1}, {1, 2}, {0, 2}, {0, 3}, {1, 3}, {2, 3}};
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

/// Reference coordinates of the four vertices.
inline constexpr std::array<std::array<double, 3>, 4> reference_vertices{
    {{0.0, 0.0, 0.0}, {1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.0, 0.0, 1.0}}};

} // namespace resorb::fem
