#pragma once
// Element matrices of scalar P1 reaction–diffusion: the diffusion (stiffness) matrix and the
// consistent or lumped mass matrix of one tetrahedron. Device-portable; the transport cell
// loop combines them per species with the cell's diffusivity and the time-stepping shift.

#include "resorb/core/device.hpp"
#include "resorb/mesh/tet_geometry.hpp"

namespace resorb::kernels {

/// Gradients of the four P1 basis functions (constant on the cell), g[a][i] in 1/m, and the
/// cell volume in m³ as the return value.
RESORB_HOST_DEVICE inline double p1_gradients(const mesh::CellCoordinates& x, double (&g)[4][3]) {
  double kinv[3][3];
  const double det = mesh::inverse_jacobian(x, kinv);
  for (int i = 0; i < 3; ++i) {
    g[1][i] = kinv[0][i];
    g[2][i] = kinv[1][i];
    g[3][i] = kinv[2][i];
    g[0][i] = -(g[1][i] + g[2][i] + g[3][i]);
  }
  return det / 6.0;
}

/// P1 diffusion matrix k[a][b] = V ∇N_a · ∇N_b (m) of a cell with gradients @p g and
/// volume @p volume.
RESORB_HOST_DEVICE inline void p1_laplacian(const double (&g)[4][3], double volume,
                                            double (&k)[4][4]) {
  for (int a = 0; a < 4; ++a)
    for (int b = a; b < 4; ++b) {
      const double v = volume * (g[a][0] * g[b][0] + g[a][1] * g[b][1] + g[a][2] * g[b][2]);
      k[a][b] = v;
      k[b][a] = v;
    }
}

/// P1 mass matrix entry M_ab (m³): consistent V (1 + δ_ab) / 20, or lumped V δ_ab / 4 (the
/// row sums, which keep ∫u dx and make the nodal values a monotone update).
RESORB_HOST_DEVICE inline double p1_mass(double volume, int a, int b, bool lumped) {
  if (lumped)
    return a == b ? 0.25 * volume : 0.0;
  return (a == b ? 0.1 : 0.05) * volume;
}

} // namespace resorb::kernels
