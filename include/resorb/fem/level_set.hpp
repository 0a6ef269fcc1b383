#pragma once
/// @file
/// Level sets on P1 fields: the region {φ > 0} (e.g. the metal of an implant), measured
/// exactly cell by cell, its zero set as triangles, and redistancing to a signed distance.

#include "resorb/fem/field.hpp"

#include <span>
#include <vector>

namespace resorb::fem {

/// Volume (m³) of {φ > 0} in each owned cell, exact for the P1 field @p phi (scalar, degree
/// 1, ghosts current).
[[nodiscard]] std::vector<double> positive_volumes(const Field& phi);
/// Volume (m³) of {φ > 0} over the whole mesh. Collective.
[[nodiscard]] double positive_volume(const Field& phi);
/// Area (m²) of the zero set of @p phi inside the mesh. Collective.
[[nodiscard]] double zero_set_area(const Field& phi);
/// The zero set of @p phi on all ranks, as triangles (9 values each: three corners, m).
/// Collective; every rank receives the same list in the same order.
[[nodiscard]] std::vector<double> gather_zero_set(const Field& phi);

/// Replaces @p phi by the signed distance (sign of φ) to its zero set at every node with
/// |distance| < @p band (m); nodes farther away get ±band (a narrow band: only the band
/// matters to the interface). Distances are exact to the piecewise planar zero set, the
/// same on any number of ranks. Cost: nodes in the zero set's bounding box × zero-set
/// triangles (brute force; a spatial tree, e.g. CGAL's AABB tree, is the next step for
/// large interfaces). Collective.
void redistance(Field& phi, double band);

/// Extends values given on the zero set of @p phi to the nodes near it: @p cell_values holds
/// one value per owned cell (read only where the zero set cuts the cell), and every local
/// node (owned and ghost) within @p band of the zero set takes the value of the closest
/// zero-set triangle; nodes farther away take @p far_value. The closest-point extension
/// keeps a speed constant along normals, so moving φ by it does not distort the distance.
/// Same result on any number of ranks; cost as redistance(). Collective.
[[nodiscard]] Field extend_from_zero_set(const Field& phi, std::span<const double> cell_values,
                                         double band, double far_value = 0.0);

/// Smooths amounts given at nodes into a density per area on the zero set of @p phi (e.g. the
/// Mg flux, mol/s, that a metal's surface nodes deliver → mol/(m²·s)). For every owned cell
/// the zero set cuts, with x_c the centroid of its zero-set part:
///   ρ_c = Σ_a q_a w(|x_c − x_a|) / Σ_t A_t w(|x_c − x_t|),  w(r) = (1 − r²/R²)² for r < R,
/// over the nodes a of all ranks (amounts q_a, @p node_amounts: one per owned node, zeros
/// allowed) and the zero-set triangles t (areas A_t, centroids x_t); 0 in other cells.
/// Why a kernel ratio: which node of a cut cell carries a flux depends on how the surface
/// cuts the cell, so amount per node scatters at the mesh scale; within a radius R of a few
/// cells both sums see the same patch of surface, and a uniform density comes back uniform
/// (to the kernel's quadrature error). Same result on any number of ranks up to round-off.
/// Cost: a gather of the nodes with q ≠ 0 and of the zero set, and a grid search. Collective.
[[nodiscard]] std::vector<double>
surface_density(const Field& phi, std::span<const double> node_amounts, double radius);

/// Adds the constant c to @p phi such that positive_volume(phi) == @p target (m³), found by
/// bisection on the monotone function c ↦ V(φ + c) to a relative volume tolerance of
/// @p rtol; returns c. The target must lie strictly between the volumes of φ − @p bracket
/// and φ + @p bracket. Collective.
/// @throws Error when it does not
double shift_to_volume(Field& phi, double target, double bracket, double rtol = 1e-13);

} // namespace resorb::fem
