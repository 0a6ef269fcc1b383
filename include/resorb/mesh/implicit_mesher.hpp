#pragma once
/// @file
/// Conforming multi-material tetrahedral meshes of implicitly defined regions (lattices,
/// scaffolds in a bounding shape, unit cells), by CGAL's Mesh_3 and Periodic_3_mesh_3:
/// Delaunay refinement of the label boundaries, then sliver perturbation and exudation.

#include "resorb/mesh/periodic_mesh.hpp"
#include "resorb/mesh/tet_mesh.hpp"

#include <array>
#include <functional>
#include <span>
#include <string>

namespace resorb::mesh {

/// Size and accuracy targets of the refinement (CGAL's mesh criteria), in metres.
struct ImplicitMeshSizing {
  double cell_size = 0.0;         ///< largest circumradius of a tetrahedron
  double facet_size = 0.0;        ///< largest surface Delaunay ball of a boundary triangle
  double facet_distance = 0.0;    ///< largest distance between a boundary triangle and the surface
  double facet_angle_deg = 30.0;  ///< smallest angle of a boundary triangle, degrees (≤ 30)
  double radius_edge_ratio = 2.0; ///< largest circumradius / shortest edge of a tetrahedron
  /// Accuracy of the surface location found by bisection of the label function, relative
  /// to the box's diagonal.
  double relative_error_bound = 1e-6;

  /// Cells and boundary triangles of size @p h, boundary within h / 10 of the surface.
  [[nodiscard]] static ImplicitMeshSizing uniform(double h) { return {h, h, h / 10.0}; }
  /// Checks that every size is positive and finite and the angle in (0, 30].
  /// @throws InputError naming @p context and the offending field
  void validate(std::string_view context) const;
};

/// Label of a point: a positive label is a subdomain (meshed, its cells tagged with it);
/// 0 is outside (not meshed). Boundaries are where the label changes.
using LabelFunction = std::function<int(const std::array<double, 3>&)>;

/// Meshes the labelled subdomains of @p label inside the box [@p lo, @p hi]. Cells carry
/// their label as tag; boundary triangles carry one tag per label pair, named
/// "<a>|<b>" (or "<a>|outside") from @p labels, the cell groups' names. Labels the function
/// returns must all be named there.
/// @throws InputError for bad sizing, an unnamed label, or a domain with no cells
[[nodiscard]] MeshData mesh_labeled_domain(const LabelFunction& label, std::array<double, 3> lo,
                                           std::array<double, 3> hi,
                                           const ImplicitMeshSizing& sizing,
                                           std::span<const PhysicalGroup> labels,
                                           const std::string& source);

/// Meshes one period, the cube [@p origin, @p origin + @p period)³, of a periodic label
/// function (label(x + k · period) = label(x) for integer vectors k) with CGAL's periodic
/// mesher, tagged as mesh_labeled_domain() does. CGAL's periodic triangulations are cubic,
/// hence one period length.
/// @throws InputError as mesh_labeled_domain(), and when the mesh is too coarse to be a
///         1-cover of the flat torus (cells that would wrap onto themselves)
[[nodiscard]] PeriodicMesh mesh_periodic_domain(const LabelFunction& label,
                                                std::array<double, 3> origin, double period,
                                                const ImplicitMeshSizing& sizing,
                                                std::span<const PhysicalGroup> labels,
                                                const std::string& source);

} // namespace resorb::mesh
