#pragma once
// Matrix-free action of isotropic linear elasticity on one P1/P2 tetrahedron: y_e = K_e u_e
// evaluated at the quadrature points (never forming K_e), and the diagonal of K_e. The
// same weak form as elasticity_stiffness() in elasticity_kernels.hpp:
//   y_(a i) = Σ_q w_q |det J| σ_ij(u)(x_q) ∂_j N_a(x_q),  σ = λ tr ε I + 2 μ ε.
// Per point: the reference gradient of u (3 x 3 from n nodes), mapped by J⁻¹, the stress,
// mapped back, and contracted with the reference gradients: 2 · 9 n + 2 · 27 flops instead
// of the (3n)² of a stored element matrix (900 for P2).

#include "cell_geometry.hpp"
#include "gradient_tabulation.hpp"

namespace resorb::kernels {

/// Cell action of elasticity with per-cell Lamé parameters; @p Geometry supplies the affine
/// factors (PrecomputedGeometry or RecomputedGeometry). Pointers are not owned.
template <class Element, class Geometry>
struct ElasticityAction {
  static constexpr int block_size = 3;                 ///< displacement components per node
  static constexpr int num_nodes = Element::num_nodes; ///< nodes per cell
  GradientTabulation<Element> tab;                     ///< reference gradients and weights
  Geometry geometry;                                   ///< J⁻¹ and |det J| per cell
  const double* lambda;                                ///< first Lamé parameter per cell, Pa
  const double* mu;                                    ///< shear modulus per cell, Pa

  /// Writes ye = K_e ue (3 n values, node-major) for cell @p c.
  RESORB_HOST_DEVICE void apply(LocalIndex c, const double* ue, double* ye) const {
    constexpr int n = num_nodes;
    const AffineFactors f = geometry(c);
    const double l = lambda[c], m = mu[c];
    for (int r = 0; r < 3 * n; ++r)
      ye[r] = 0.0;
    for (int q = 0; q < GradientTabulation<Element>::num_points; ++q) {
      double gref[3][3] = {}; // ∂u_i/∂ξ_k
      for (int a = 0; a < n; ++a)
        for (int i = 0; i < 3; ++i)
          for (int k = 0; k < 3; ++k)
            gref[i][k] += ue[3 * a + i] * tab.dn[q][a][k];
      double grad[3][3]; // ∂u_i/∂x_j
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
          grad[i][j] =
              gref[i][0] * f.kinv[0][j] + gref[i][1] * f.kinv[1][j] + gref[i][2] * f.kinv[2][j];
      const double w = tab.weight[q] * f.detj;
      const double pressure = l * (grad[0][0] + grad[1][1] + grad[2][2]);
      double s[3][3]; // w σ
      for (int i = 0; i < 3; ++i)
        for (int j = 0; j < 3; ++j)
          s[i][j] = w * (m * (grad[i][j] + grad[j][i]) + (i == j ? pressure : 0.0));
      double p[3][3]; // w σ J⁻ᵀ: the stress against reference gradients
      for (int i = 0; i < 3; ++i)
        for (int k = 0; k < 3; ++k)
          p[i][k] = s[i][0] * f.kinv[k][0] + s[i][1] * f.kinv[k][1] + s[i][2] * f.kinv[k][2];
      for (int a = 0; a < n; ++a)
        for (int i = 0; i < 3; ++i)
          ye[3 * a + i] +=
              p[i][0] * tab.dn[q][a][0] + p[i][1] * tab.dn[q][a][1] + p[i][2] * tab.dn[q][a][2];
    }
  }

  /// Writes the diagonal of K_e (3 n values) for cell @p c:
  /// K_(ai)(ai) = Σ_q w |det J| (λ g_ai² + μ (|g_a|² + g_ai²)).
  RESORB_HOST_DEVICE void diagonal(LocalIndex c, double* de) const {
    constexpr int n = num_nodes;
    const AffineFactors f = geometry(c);
    const double l = lambda[c], m = mu[c];
    for (int r = 0; r < 3 * n; ++r)
      de[r] = 0.0;
    for (int q = 0; q < GradientTabulation<Element>::num_points; ++q) {
      double g[n][3];
      physical_gradients<Element>(tab, q, f.kinv, g);
      const double w = tab.weight[q] * f.detj;
      for (int a = 0; a < n; ++a) {
        const double norm2 = g[a][0] * g[a][0] + g[a][1] * g[a][1] + g[a][2] * g[a][2];
        for (int i = 0; i < 3; ++i)
          de[3 * a + i] += w * ((l + m) * g[a][i] * g[a][i] + m * norm2);
      }
    }
  }
};

} // namespace resorb::kernels
