#pragma once
// Matrix-free action of the scalar P1 reaction–diffusion operator of one tetrahedron, the
// linear operator of a transport step (ReactionDiffusion's Jacobian for one species):
//   y_a = σ Σ_b M_ab u_b + d_c V ∇N_a · ∇u − (V/4) f_c r_a u_a,
// with σ the time-stepping shift (BDF a0/dt, 1/s), M the consistent or lumped mass (as
// kernels::p1_mass), d_c the cell's diffusivity (m²/s), r_a the node's reaction derivative
// ∂R/∂u (1/s, lumped to the nodes) and f_c the fraction of the cell where it reacts.

#include "cell_geometry.hpp"
#include "transport_kernels.hpp"

namespace resorb::kernels {

/// Coefficients of the scalar reaction–diffusion operator. Pointers are not owned; a null
/// reaction_rate means no reaction, a null reaction_fraction a fraction of 1.
struct ReactionDiffusionCoefficients {
  double shift = 0.0;                        ///< σ, 1/s
  bool lumped_mass = true;                   ///< lumped (row-sum) or consistent mass
  const double* diffusivity = nullptr;       ///< per cell, m²/s
  const double* reaction_rate = nullptr;     ///< ∂R/∂u per local node, 1/s
  const double* reaction_fraction = nullptr; ///< per cell, 0 to 1
};

/// P1 gradients g[a][i] from the affine factors (the reference gradients of P1 are the
/// unit vectors and −(1, 1, 1)).
RESORB_HOST_DEVICE inline void p1_gradients(const AffineFactors& f, double (&g)[4][3]) {
  for (int i = 0; i < 3; ++i) {
    g[1][i] = f.kinv[0][i];
    g[2][i] = f.kinv[1][i];
    g[3][i] = f.kinv[2][i];
    g[0][i] = -(g[1][i] + g[2][i] + g[3][i]);
  }
}

/// Cell action of the scalar P1 reaction–diffusion operator.
template <class Geometry>
struct ReactionDiffusionAction {
  static constexpr int block_size = 1; ///< one species
  static constexpr int num_nodes = 4;  ///< P1
  Geometry geometry;                   ///< J⁻¹ and |det J| per cell
  const LocalIndex* cell_nodes;        ///< 4 nodes per cell (for the nodal reaction rates)
  ReactionDiffusionCoefficients k;     ///< coefficients

  /// Writes ye = A_e ue (4 values) for cell @p c.
  RESORB_HOST_DEVICE void apply(LocalIndex c, const double* ue, double* ye) const {
    const AffineFactors f = geometry(c);
    double g[4][3];
    p1_gradients(f, g);
    const double volume = f.detj / 6.0;
    double grad[3] = {};
    for (int b = 0; b < 4; ++b)
      for (int i = 0; i < 3; ++i)
        grad[i] += ue[b] * g[b][i];
    const double sum = ue[0] + ue[1] + ue[2] + ue[3];
    const double dv = k.diffusivity[c] * volume;
    const double fraction = k.reaction_fraction ? k.reaction_fraction[c] : 1.0;
    for (int a = 0; a < 4; ++a) {
      const double mass = k.lumped_mass ? 0.25 * volume * ue[a] : 0.05 * volume * (ue[a] + sum);
      const double rate = k.reaction_rate ? k.reaction_rate[cell_nodes[4L * c + a]] : 0.0;
      ye[a] = k.shift * mass + dv * (g[a][0] * grad[0] + g[a][1] * grad[1] + g[a][2] * grad[2]) -
              0.25 * volume * fraction * rate * ue[a];
    }
  }

  /// Writes the diagonal of A_e (4 values) for cell @p c.
  RESORB_HOST_DEVICE void diagonal(LocalIndex c, double* de) const {
    const AffineFactors f = geometry(c);
    double g[4][3];
    p1_gradients(f, g);
    const double volume = f.detj / 6.0;
    const double fraction = k.reaction_fraction ? k.reaction_fraction[c] : 1.0;
    for (int a = 0; a < 4; ++a) {
      const double rate = k.reaction_rate ? k.reaction_rate[cell_nodes[4L * c + a]] : 0.0;
      de[a] =
          k.shift * p1_mass(volume, a, a, k.lumped_mass) +
          k.diffusivity[c] * volume * (g[a][0] * g[a][0] + g[a][1] * g[a][1] + g[a][2] * g[a][2]) -
          0.25 * volume * fraction * rate;
    }
  }

  /// Writes the element matrix A_e (4 x 4, row-major) of cell @p c: the assembled reference
  /// that the action is tested against.
  RESORB_HOST_DEVICE void matrix(LocalIndex c, double* ae) const {
    const AffineFactors f = geometry(c);
    double g[4][3], lap[4][4];
    p1_gradients(f, g);
    const double volume = f.detj / 6.0;
    p1_laplacian(g, volume, lap);
    const double fraction = k.reaction_fraction ? k.reaction_fraction[c] : 1.0;
    for (int a = 0; a < 4; ++a)
      for (int b = 0; b < 4; ++b)
        ae[4 * a + b] =
            k.shift * p1_mass(volume, a, b, k.lumped_mass) + k.diffusivity[c] * lap[a][b];
    for (int a = 0; a < 4; ++a) {
      const double rate = k.reaction_rate ? k.reaction_rate[cell_nodes[4L * c + a]] : 0.0;
      ae[5 * a] -= 0.25 * volume * fraction * rate;
    }
  }
};

} // namespace resorb::kernels
