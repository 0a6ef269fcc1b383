#pragma once
// Device-portable per-element kernels of isotropic linear elasticity (P1/P2 tetrahedra).
// Pure functions on fixed-size arrays: the same code runs inside Kokkos kernels on any
// backend and in the CUDA variants; nothing here allocates or touches PETSc.

#include "resorb/fem/lagrange.hpp"

#include <math.h>

namespace resorb::kernels {

/// Reference gradients of Element at the points of a quadrature rule exact for the
/// stiffness integrand (degree 2(p-1) on affine cells): 1 point for P1, 4 for P2.
template <class Element>
struct StiffnessTabulation {
  static constexpr int num_points = Element::degree == 1 ? 1 : 4; ///< quadrature points
  static constexpr int n = Element::num_nodes;                    ///< nodes per cell
  double weight[num_points];                                      ///< reference weights
  double dn[num_points][n][3];                                    ///< reference gradients

  /// Tabulates at the degree-1 (centroid) or degree-2 (4-point) rule.
  RESORB_HOST_DEVICE StiffnessTabulation() {
    constexpr double a = 0.1381966011250105, b = 0.5854101966249685;
    const double p1[1][3] = {{0.25, 0.25, 0.25}};
    const double p2[4][3] = {{a, a, a}, {b, a, a}, {a, b, a}, {a, a, b}};
    for (int q = 0; q < num_points; ++q) {
      const double* xi = num_points == 1 ? p1[0] : p2[q];
      double values[n];
      Element::tabulate(xi, values, dn[q]);
      weight[q] = num_points == 1 ? 1.0 / 6.0 : 1.0 / 24.0;
    }
  }
};

/// Inverse-transpose Jacobian of the affine map from the reference cell, and |det J|.
/// x: the 4 vertex coordinates. Returns |det J| (6 x volume).
RESORB_HOST_DEVICE inline double inverse_jacobian(const double (&x)[4][3], double (&kinv)[3][3]) {
  double j[3][3];
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k)
      j[i][k] = x[k + 1][i] - x[0][i]; // J_ik = d x_i / d xi_k
  const double det = j[0][0] * (j[1][1] * j[2][2] - j[1][2] * j[2][1]) -
                     j[0][1] * (j[1][0] * j[2][2] - j[1][2] * j[2][0]) +
                     j[0][2] * (j[1][0] * j[2][1] - j[1][1] * j[2][0]);
  const double inv = 1.0 / det;
  // kinv = J^{-1}; physical gradient g_i = sum_k kinv[k][i] * dn_k.
  kinv[0][0] = (j[1][1] * j[2][2] - j[1][2] * j[2][1]) * inv;
  kinv[0][1] = (j[0][2] * j[2][1] - j[0][1] * j[2][2]) * inv;
  kinv[0][2] = (j[0][1] * j[1][2] - j[0][2] * j[1][1]) * inv;
  kinv[1][0] = (j[1][2] * j[2][0] - j[1][0] * j[2][2]) * inv;
  kinv[1][1] = (j[0][0] * j[2][2] - j[0][2] * j[2][0]) * inv;
  kinv[1][2] = (j[0][2] * j[1][0] - j[0][0] * j[1][2]) * inv;
  kinv[2][0] = (j[1][0] * j[2][1] - j[1][1] * j[2][0]) * inv;
  kinv[2][1] = (j[0][1] * j[2][0] - j[0][0] * j[2][1]) * inv;
  kinv[2][2] = (j[0][0] * j[1][1] - j[0][1] * j[1][0]) * inv;
  return det < 0 ? -det : det;
}

/// Physical gradients g[a][i] of all nodes at quadrature point q.
template <class Element>
RESORB_HOST_DEVICE inline void physical_gradients(const StiffnessTabulation<Element>& tab, int q,
                                                  const double (&kinv)[3][3],
                                                  double (&g)[Element::num_nodes][3]) {
  for (int a = 0; a < Element::num_nodes; ++a)
    for (int i = 0; i < 3; ++i)
      g[a][i] = kinv[0][i] * tab.dn[q][a][0] + kinv[1][i] * tab.dn[q][a][1] +
                kinv[2][i] * tab.dn[q][a][2];
}

/// Element stiffness matrix, (3n x 3n) row-major with DOF 3 * node + component:
/// K_(ai)(bj) = ∫ λ ∂_i N_a ∂_j N_b + μ (δ_ij ∇N_a·∇N_b + ∂_j N_a ∂_i N_b) dx.
template <class Element>
RESORB_HOST_DEVICE inline void elasticity_stiffness(const StiffnessTabulation<Element>& tab,
                                                    const double (&x)[4][3], double lambda,
                                                    double mu, double* ke) {
  constexpr int n = Element::num_nodes;
  constexpr int m = 3 * n;
  for (int i = 0; i < m * m; ++i)
    ke[i] = 0.0;
  double kinv[3][3];
  const double detj = inverse_jacobian(x, kinv);
  for (int q = 0; q < StiffnessTabulation<Element>::num_points; ++q) {
    double g[n][3];
    physical_gradients<Element>(tab, q, kinv, g);
    const double w = tab.weight[q] * detj;
    const double wl = w * lambda, wm = w * mu;
    for (int a = 0; a < n; ++a)
      for (int b = a; b < n; ++b) {
        const double dot = g[a][0] * g[b][0] + g[a][1] * g[b][1] + g[a][2] * g[b][2];
        for (int i = 0; i < 3; ++i)
          for (int j = 0; j < 3; ++j) {
            const double v =
                wl * g[a][i] * g[b][j] + wm * g[a][j] * g[b][i] + (i == j ? wm * dot : 0.0);
            ke[(3 * a + i) * m + 3 * b + j] += v;
          }
      }
  }
  // Mirror the upper block triangle (the block (a,b) transposed is block (b,a)).
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; ++b)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
          ke[(3 * b + j) * m + 3 * a + i] = ke[(3 * a + i) * m + 3 * b + j];
}

/// Cell averages of the stress invariants from nodal displacements u[3n]:
/// out[0] = von Mises stress, out[1] = hydrostatic stress (tr σ / 3), both averaged over the
/// quadrature points (exact for P1, where the stress is constant).
template <class Element>
RESORB_HOST_DEVICE inline void stress_invariants(const StiffnessTabulation<Element>& tab,
                                                 const double (&x)[4][3], double lambda, double mu,
                                                 const double* u, double* out) {
  constexpr int n = Element::num_nodes;
  double kinv[3][3];
  inverse_jacobian(x, kinv);
  double vm = 0.0, hydro = 0.0, wsum = 0.0;
  for (int q = 0; q < StiffnessTabulation<Element>::num_points; ++q) {
    double g[n][3];
    physical_gradients<Element>(tab, q, kinv, g);
    double grad[3][3] = {};
    for (int a = 0; a < n; ++a)
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
          grad[i][j] += u[3 * a + i] * g[a][j];
    const double tr = grad[0][0] + grad[1][1] + grad[2][2];
    double s[3][3];
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j)
        s[i][j] = mu * (grad[i][j] + grad[j][i]) + (i == j ? lambda * tr : 0.0);
    const double p = (s[0][0] + s[1][1] + s[2][2]) / 3.0;
    double j2 = 0.0;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        const double dev = s[i][j] - (i == j ? p : 0.0);
        j2 += dev * dev;
      }
    const double w = tab.weight[q];
    const double r = ::sqrt(1.5 * j2);
    vm += w * r;
    hydro += w * p;
    wsum += w;
  }
  out[0] = vm / wsum;
  out[1] = hydro / wsum;
}

} // namespace resorb::kernels
