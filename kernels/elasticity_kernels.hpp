#pragma once
// Device-portable per-element kernels of isotropic linear elasticity (P1/P2 tetrahedra).
// Pure functions on fixed-size arrays: the same code runs inside Kokkos kernels on any
// backend and in the CUDA variants; nothing here allocates or touches PETSc.

#include "gradient_tabulation.hpp"

#include "resorb/core/index_map.hpp"

#include <math.h>

namespace resorb::kernels {

/// Element stiffness matrix, (3n x 3n) row-major with DOF 3 * node + component:
/// K_(ai)(bj) = ∫ λ ∂_i N_a ∂_j N_b + μ (δ_ij ∇N_a·∇N_b + ∂_j N_a ∂_i N_b) dx.
template <class Element>
RESORB_HOST_DEVICE inline void elasticity_stiffness(const GradientTabulation<Element>& tab,
                                                    const double (&x)[4][3], double lambda,
                                                    double mu, double* ke) {
  constexpr int n = Element::num_nodes;
  constexpr int m = 3 * n;
  for (int i = 0; i < m * m; ++i)
    ke[i] = 0.0;
  double kinv[3][3];
  const double detj = mesh::inverse_jacobian(x, kinv);
  for (int q = 0; q < GradientTabulation<Element>::num_points; ++q) {
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
RESORB_HOST_DEVICE inline void stress_invariants(const GradientTabulation<Element>& tab,
                                                 const double (&x)[4][3], double lambda, double mu,
                                                 const double* u, double* out) {
  constexpr int n = Element::num_nodes;
  double kinv[3][3];
  mesh::inverse_jacobian(x, kinv);
  double vm = 0.0, hydro = 0.0, wsum = 0.0;
  for (int q = 0; q < GradientTabulation<Element>::num_points; ++q) {
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

/// Cell-matrix kernel of isotropic elasticity with per-cell Lamé parameters (the contract of
/// src/fem/cell_loop.hpp). The coefficient arrays are not owned and must outlive the kernel.
template <class Element>
struct ElasticityStiffness {
  static constexpr int block_size = 3;                 ///< displacement components per node
  static constexpr int num_nodes = Element::num_nodes; ///< nodes per cell
  GradientTabulation<Element> tab;                     ///< reference gradients
  const double* lambda;                                ///< first Lamé parameter per cell, Pa
  const double* mu;                                    ///< shear modulus per cell, Pa

  /// Element stiffness matrix of cell @p c with vertex coordinates @p x.
  RESORB_HOST_DEVICE void operator()(LocalIndex c, const mesh::CellCoordinates& x,
                                     double* ke) const {
    elasticity_stiffness<Element>(tab, x, lambda[c], mu[c], ke);
  }
};

} // namespace resorb::kernels
