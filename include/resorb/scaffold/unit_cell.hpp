#pragma once
/// @file
/// Conforming tetrahedral meshes of lattices: one periodic unit cell (cell problems,
/// homogenization) and a scaffold in its bounding shape (simulation), by CGAL's meshers
/// (mesh/implicit_mesher.hpp).

#include "resorb/mesh/implicit_mesher.hpp"
#include "resorb/scaffold/lattice.hpp"

namespace resorb::scaffold {

/// Cell tag of the solid in the meshes below.
inline constexpr int solid_tag = 1;
/// Cell tag of the pore space in the meshes below.
inline constexpr int pore_tag = 2;

/// Periodic mesh of one cell [0, L)³ of the uniform lattice (@p type, @p variant,
/// @p threshold) with L = @p cell_size: the solid {level ≥ 0} (tag 1 "solid") and, when
/// @p with_pores, the pore space (tag 2 "pore"); the surface between them is facet group
/// "solid|pore" ("solid|outside" without pores).
/// Known defect: CGAL 5.5's periodic refinement did not finish (minutes, then stopped) for
/// the pore space of skeletal gyroids with t < 0 at L/h = 10 (t = −0.5 and −0.617, with or
/// without the solid), while the solid alone and t ≥ 0 mesh in a second.
/// @throws InputError for bad sizing, a cell size ≤ 0 or a threshold that leaves no solid
[[nodiscard]] mesh::PeriodicMesh unit_cell_mesh(CellType type, Variant variant, double threshold,
                                                double cell_size,
                                                const mesh::ImplicitMeshSizing& sizing,
                                                bool with_pores = false);

/// Periodic mesh of the solid of unit_cell_mesh() after its surface has receded by
/// @p recession (m, ≥ 0) along its normal: {ψ ≥ recession}, ψ = Lattice::level.
/// @throws InputError as unit_cell_mesh(), for a negative recession, or when nothing is left
[[nodiscard]] mesh::PeriodicMesh receded_unit_cell_mesh(CellType type, Variant variant,
                                                        double threshold, double cell_size,
                                                        double recession,
                                                        const mesh::ImplicitMeshSizing& sizing);

/// Conforming mesh of a scaffold: @p lattice clipped by @p shape, meshed in the box
/// [@p lo, @p hi] that holds the shape, solid (tag 1 "solid") and pore space inside the shape
/// (tag 2 "pore"); facet groups "solid|pore", "solid|outside" and "pore|outside". The
/// shape's sharp edges are not protected: they are rounded to about the facet distance.
/// @throws InputError as mesh::mesh_labeled_domain()
[[nodiscard]] mesh::MeshData scaffold_mesh(const Lattice& lattice, const BoundingShape& shape,
                                           const Point& lo, const Point& hi,
                                           const mesh::ImplicitMeshSizing& sizing);

} // namespace resorb::scaffold
