#pragma once
/// @file
/// Geometry of an affine tetrahedron given by its four vertex coordinates: Jacobian, its
/// inverse and determinant, points mapped from the reference cell, facet area vectors. The
/// one place for this arithmetic; device-portable (kernels call it on the GPU).
///
/// The affine map is x(ξ) = x₀ + J ξ with J_ik = x_{k+1,i} − x_{0,i}; det J = 6 × the signed
/// volume.

#include "resorb/core/device.hpp"
#include "resorb/mesh/reference_cell.hpp"

#include <math.h>

namespace resorb::mesh {

/// Vertex coordinates of one tetrahedron, x[vertex][component], metres.
using CellCoordinates = double[4][3];

/// Jacobian J of the affine map from the reference cell; returns det J.
RESORB_HOST_DEVICE inline double jacobian(const CellCoordinates& x, double (&j)[3][3]) {
  for (int i = 0; i < 3; ++i)
    for (int k = 0; k < 3; ++k)
      j[i][k] = x[k + 1][i] - x[0][i];
  return j[0][0] * (j[1][1] * j[2][2] - j[1][2] * j[2][1]) -
         j[0][1] * (j[1][0] * j[2][2] - j[1][2] * j[2][0]) +
         j[0][2] * (j[1][0] * j[2][1] - j[1][1] * j[2][0]);
}

/// Inverse Jacobian kinv = J⁻¹ (physical gradient g_i = Σ_k kinv[k][i] ∂N/∂ξ_k); returns
/// |det J| (6 × volume).
RESORB_HOST_DEVICE inline double inverse_jacobian(const CellCoordinates& x, double (&kinv)[3][3]) {
  double j[3][3];
  const double det = jacobian(x, j);
  const double inv = 1.0 / det;
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

/// Physical point p = x(ξ) of reference point @p xi.
RESORB_HOST_DEVICE inline void physical_point(const CellCoordinates& x, const double* xi,
                                              double (&p)[3]) {
  for (int d = 0; d < 3; ++d)
    p[d] = x[0][d] + xi[0] * (x[1][d] - x[0][d]) + xi[1] * (x[2][d] - x[0][d]) +
           xi[2] * (x[3][d] - x[0][d]);
}

/// Reference coordinates @p xi of the point (s, t) of facet @p f's own reference triangle
/// (vertex 0 of the facet at (0,0), vertex 1 at (1,0), vertex 2 at (0,1)).
RESORB_HOST_DEVICE inline void reference_facet_point(int f, double s, double t, double (&xi)[3]) {
  constexpr auto fv = facet_vertices;
  constexpr auto rv = reference_vertices;
  const auto& v = fv[static_cast<unsigned>(f)];
  for (int d = 0; d < 3; ++d)
    xi[d] = rv[v[0]][d] + s * (rv[v[1]][d] - rv[v[0]][d]) + t * (rv[v[2]][d] - rv[v[0]][d]);
}

/// Outward area vector (unit normal × area) of facet @p f; returns the area.
RESORB_HOST_DEVICE inline double facet_area_vector(const CellCoordinates& x, int f,
                                                   double (&area)[3]) {
  constexpr auto fv = facet_vertices;
  const auto& v = fv[static_cast<unsigned>(f)];
  double a[3], b[3];
  for (int d = 0; d < 3; ++d) {
    a[d] = x[v[1]][d] - x[v[0]][d];
    b[d] = x[v[2]][d] - x[v[0]][d];
  }
  area[0] = 0.5 * (a[1] * b[2] - a[2] * b[1]);
  area[1] = 0.5 * (a[2] * b[0] - a[0] * b[2]);
  area[2] = 0.5 * (a[0] * b[1] - a[1] * b[0]);
  const double s = area[0] * area[0] + area[1] * area[1] + area[2] * area[2];
  return ::sqrt(s);
}

} // namespace resorb::mesh
