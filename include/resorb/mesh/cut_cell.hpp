#pragma once
/// @file
/// A tetrahedron cut by the zero set of a linear function φ (given by its four vertex
/// values): the exact volume of the part where φ > 0 and the planar piece of the zero set
/// inside the cell. Used for level-set interfaces (metal volume, interface area, distances).

#include "resorb/core/device.hpp"
#include "resorb/mesh/tet_geometry.hpp"

#include <cmath>

namespace resorb::mesh {

namespace impl {

/// Vertices with φ > 0 into @p pos, the others (φ <= 0) into @p neg; returns how many are
/// positive.
RESORB_HOST_DEVICE inline int split_by_sign(const double (&phi)[4], int (&pos)[4], int (&neg)[4]) {
  int np = 0, nn = 0;
  for (int k = 0; k < 4; ++k) {
    if (phi[k] > 0)
      pos[np++] = k;
    else
      neg[nn++] = k;
  }
  return np;
}

RESORB_HOST_DEVICE inline double tet_volume(const double* a, const double* b, const double* c,
                                            const double* d) {
  const double u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
  const double v[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
  const double w[3] = {d[0] - a[0], d[1] - a[1], d[2] - a[2]};
  const double det = u[0] * (v[1] * w[2] - v[2] * w[1]) - u[1] * (v[0] * w[2] - v[2] * w[0]) +
                     u[2] * (v[0] * w[1] - v[1] * w[0]);
  return (det < 0 ? -det : det) / 6.0;
}

/// Point where φ changes sign on the edge between vertex a (φ_a) and vertex b (φ_b), computed
/// from the positive end whichever way round it is asked: the cells sharing an edge get the
/// same point to the last bit (the zero set's triangles then share exact vertices).
RESORB_HOST_DEVICE inline void edge_root(const double* a, const double* b, double phi_a,
                                         double phi_b, double* p) {
  const bool forward = phi_a > 0.0;
  const double* from = forward ? a : b;
  const double* to = forward ? b : a;
  const double phi_from = forward ? phi_a : phi_b, phi_to = forward ? phi_b : phi_a;
  const double t = phi_from / (phi_from - phi_to);
  for (int i = 0; i < 3; ++i)
    p[i] = from[i] + t * (to[i] - from[i]);
}

/// Flips triangle @p t (9 values) so that its normal (corner 1 − 0) × (corner 2 − 0) points
/// away from the point @p inside.
RESORB_HOST_DEVICE inline void orient_away_from(const double* inside, double* t) {
  const double u[3] = {t[3] - t[0], t[4] - t[1], t[5] - t[2]};
  const double v[3] = {t[6] - t[0], t[7] - t[1], t[8] - t[2]};
  const double n[3] = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2],
                       u[0] * v[1] - u[1] * v[0]};
  const double away =
      n[0] * (t[0] - inside[0]) + n[1] * (t[1] - inside[1]) + n[2] * (t[2] - inside[2]);
  if (away < 0.0)
    for (int i = 0; i < 3; ++i) {
      const double swap = t[3 + i];
      t[3 + i] = t[6 + i];
      t[6 + i] = swap;
    }
}

} // namespace impl

/// Volume (m³) of the part of the tetrahedron @p x where the linear interpolant of the
/// vertex values @p phi is positive: exact (the part is a tetrahedron, a prism or the cell
/// minus a tetrahedron). Vertices with φ = 0 count as outside.
RESORB_HOST_DEVICE inline double positive_volume(const CellCoordinates& x, const double (&phi)[4]) {
  int pos[4], neg[4];
  const int np = impl::split_by_sign(phi, pos, neg);
  const double volume = impl::tet_volume(x[0], x[1], x[2], x[3]);
  if (np == 0)
    return 0.0;
  if (np == 4)
    return volume;
  if (np == 1 || np == 3) {
    // A corner tetrahedron at the lone vertex: volume × Π of the edge fractions.
    const int lone = np == 1 ? pos[0] : neg[0];
    double fraction = 1.0;
    for (int k = 0; k < 4; ++k)
      if (k != lone)
        fraction *= phi[lone] / (phi[lone] - phi[k]);
    return np == 1 ? volume * fraction : volume * (1.0 - fraction);
  }
  // Two on each side: the positive part is a prism a, P_ac, P_ad | b, P_bc, P_bd (convex,
  // planar faces), split into three tetrahedra.
  const int a = pos[0], b = pos[1], c = neg[0], d = neg[1];
  double pac[3], pad[3], pbc[3], pbd[3];
  impl::edge_root(x[a], x[c], phi[a], phi[c], pac);
  impl::edge_root(x[a], x[d], phi[a], phi[d], pad);
  impl::edge_root(x[b], x[c], phi[b], phi[c], pbc);
  impl::edge_root(x[b], x[d], phi[b], phi[d], pbd);
  return impl::tet_volume(x[a], pac, pad, pbd) + impl::tet_volume(x[a], pac, pbc, pbd) +
         impl::tet_volume(x[a], x[b], pbc, pbd);
}

/// The zero set of φ inside the cell as up to two triangles: writes their corners to
/// @p triangles (triangle t, corner k, coordinate i at [9t + 3k + i]) and returns how many
/// (0, 1 or 2). Vertices with φ = 0 count as outside (φ <= 0), as in positive_volume().
/// Oriented: (corner 1 − corner 0) × (corner 2 − corner 0) points out of {φ > 0}, so the
/// triangles of all cells form a consistently oriented surface (STL export).
RESORB_HOST_DEVICE inline int zero_set_triangles(const CellCoordinates& x, const double (&phi)[4],
                                                 double* triangles) {
  int pos[4], neg[4];
  const int np = impl::split_by_sign(phi, pos, neg);
  if (np == 0 || np == 4)
    return 0;
  if (np == 1 || np == 3) {
    const int lone = np == 1 ? pos[0] : neg[0];
    int t = 0;
    for (int k = 0; k < 4; ++k)
      if (k != lone)
        impl::edge_root(x[lone], x[k], phi[lone], phi[k], triangles + 3 * t++);
    impl::orient_away_from(x[pos[0]], triangles);
    return 1;
  }
  const int a = pos[0], b = pos[1], c = neg[0], d = neg[1];
  double q[4][3]; // a quadrilateral P_ac, P_bc, P_bd, P_ad in cyclic order
  impl::edge_root(x[a], x[c], phi[a], phi[c], q[0]);
  impl::edge_root(x[b], x[c], phi[b], phi[c], q[1]);
  impl::edge_root(x[b], x[d], phi[b], phi[d], q[2]);
  impl::edge_root(x[a], x[d], phi[a], phi[d], q[3]);
  const int corners[6] = {0, 1, 2, 0, 2, 3};
  for (int k = 0; k < 6; ++k)
    for (int i = 0; i < 3; ++i)
      triangles[3 * k + i] = q[corners[k]][i];
  impl::orient_away_from(x[a], triangles);
  impl::orient_away_from(x[a], triangles + 9);
  return 2;
}

/// Area of triangle @p t (9 values: three corners).
RESORB_HOST_DEVICE inline double triangle_area(const double* t) {
  const double u[3] = {t[3] - t[0], t[4] - t[1], t[5] - t[2]};
  const double v[3] = {t[6] - t[0], t[7] - t[1], t[8] - t[2]};
  const double c[3] = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2],
                       u[0] * v[1] - u[1] * v[0]};
  return 0.5 * std::sqrt(c[0] * c[0] + c[1] * c[1] + c[2] * c[2]);
}

} // namespace resorb::mesh
