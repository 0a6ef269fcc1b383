#pragma once
// Geometric factors of an affine tetrahedron for matrix-free kernels: J⁻¹ and |det J|, either
// read from an array precomputed once per mesh (10 doubles, 80 bytes per cell) or recomputed
// from the vertex coordinates at every apply (4 indices + 12 doubles gathered, more
// arithmetic). benchmarks/RESULTS.md ("Matrix-free operators") measures both.

#include "resorb/core/index_map.hpp"
#include "resorb/mesh/tet_geometry.hpp"

namespace resorb::kernels {

/// J⁻¹ (kinv[k][i] = ∂ξ_k/∂x_i) and |det J| = 6 V of one cell.
struct AffineFactors {
  double kinv[3][3]; ///< inverse Jacobian, 1/m
  double detj;       ///< |det J|, m³
};

/// Number of doubles per cell in a precomputed factor array.
inline constexpr int affine_factor_size = 10;

/// Computes the factors of a cell with vertex coordinates @p x.
RESORB_HOST_DEVICE inline AffineFactors affine_factors(const mesh::CellCoordinates& x) {
  AffineFactors f;
  f.detj = mesh::inverse_jacobian(x, f.kinv);
  return f;
}

/// Packs @p f into @p out[affine_factor_size].
RESORB_HOST_DEVICE inline void store_factors(const AffineFactors& f, double* out) {
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < 3; ++i)
      out[3 * k + i] = f.kinv[k][i];
  out[9] = f.detj;
}

/// Factors read from an array of affine_factor_size doubles per cell.
struct PrecomputedGeometry {
  const double* factors; ///< affine_factor_size values per cell

  /// Factors of cell @p c.
  RESORB_HOST_DEVICE AffineFactors operator()(LocalIndex c) const {
    const double* p = factors + static_cast<long>(affine_factor_size) * c;
    AffineFactors f;
    for (int k = 0; k < 3; ++k)
      for (int i = 0; i < 3; ++i)
        f.kinv[k][i] = p[3 * k + i];
    f.detj = p[9];
    return f;
  }
};

/// Factors recomputed from the mesh's vertex coordinates.
struct RecomputedGeometry {
  const LocalIndex* cell_vertices; ///< 4 local vertices per cell
  const double* coordinates;       ///< 3 per local vertex, m

  /// Factors of cell @p c.
  RESORB_HOST_DEVICE AffineFactors operator()(LocalIndex c) const {
    double x[4][3];
    for (int v = 0; v < 4; ++v) {
      const long vertex = cell_vertices[4L * c + v];
      for (int d = 0; d < 3; ++d)
        x[v][d] = coordinates[3 * vertex + d];
    }
    return affine_factors(x);
  }
};

} // namespace resorb::kernels
