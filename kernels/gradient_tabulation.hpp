#pragma once
// Reference gradients of a Lagrange element at the points of the quadrature rule that
// integrates products of its gradients exactly on affine cells (degree 2(p − 1)): 1 point
// for P1, 4 for P2. Shared by every kernel built on ∇N_a · (…) ∇N_b (elasticity, diffusion).
// Device-portable: no allocation, fixed-size arrays.

#include "resorb/fem/lagrange.hpp"
#include "resorb/fem/quadrature.hpp"
#include "resorb/mesh/tet_geometry.hpp"

namespace resorb::kernels {

/// Reference gradients and weights of Element at its stiffness quadrature points.
template <class Element>
struct GradientTabulation {
  static constexpr int num_points = Element::degree == 1 ? 1 : 4; ///< quadrature points
  static constexpr int n = Element::num_nodes;                    ///< nodes per cell
  double weight[num_points];                                      ///< reference weights
  double dn[num_points][n][3];                                    ///< reference gradients

  /// Tabulates at the centroid rule (P1) or the 4-point rule (P2). Host only (it reads the
  /// rules' namespace-scope tables); kernels receive the tabulation by value.
  GradientTabulation() {
    if constexpr (num_points == 1)
      fill(fem::tetrahedron_centroid_rule);
    else
      fill(fem::tetrahedron_four_point_rule);
  }

private:
  template <class Rule>
  void fill(const Rule& rule) {
    for (int q = 0; q < num_points; ++q) {
      double values[n];
      Element::tabulate(rule.points[q], values, dn[q]);
      weight[q] = rule.weights[q];
    }
  }
};

/// Physical gradients g[a][i] of all nodes at quadrature point q, from kinv = J⁻¹.
template <class Element>
RESORB_HOST_DEVICE inline void physical_gradients(const GradientTabulation<Element>& tab, int q,
                                                  const double (&kinv)[3][3],
                                                  double (&g)[Element::num_nodes][3]) {
  for (int a = 0; a < Element::num_nodes; ++a)
    for (int i = 0; i < 3; ++i)
      g[a][i] = kinv[0][i] * tab.dn[q][a][0] + kinv[1][i] * tab.dn[q][a][1] +
                kinv[2][i] * tab.dn[q][a][2];
}

} // namespace resorb::kernels
