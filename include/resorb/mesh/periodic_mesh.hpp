#pragma once
/// @file
/// A mesh of one period of a periodic medium (a lattice's unit cell), for cell problems
/// with periodic boundary conditions.

#include "resorb/mesh/tet_mesh.hpp"

#include <array>
#include <vector>

namespace resorb::mesh {

/// One period of a periodic mesh, unwrapped: every cell lies whole in space (cells that cross
/// the period's faces stick out past them), and vertices that are periodic images of each
/// other (differ by a whole number of periods) share one periodic vertex. The faces that the
/// cut leaves exposed therefore match their images node for node, which is what periodic
/// boundary conditions need: an unknown per periodic vertex.
///
/// Invariant: coordinates of data vertex v = position of periodic_vertex[v] + image[v] ⊙
/// period, where the periodic vertices' positions lie in [origin, origin + period).
struct PeriodicMesh {
  MeshData data;                               ///< the unwrapped cells (4 data vertices each)
  std::vector<GlobalIndex> periodic_vertex;    ///< per data vertex: its periodic vertex
  std::vector<std::array<int, 3>> image;       ///< per data vertex: periods it is shifted by
  GlobalIndex num_periodic_vertices = 0;       ///< distinct periodic vertices
  std::array<double, 3> origin{0.0, 0.0, 0.0}; ///< corner of the period, m
  std::array<double, 3> period{1.0, 1.0, 1.0}; ///< side lengths of the period, m

  /// Volume of one period (solid and pore), m³.
  [[nodiscard]] double period_volume() const { return period[0] * period[1] * period[2]; }
  /// Checks the invariant, the cells' orientation and the index ranges.
  /// @throws InputError naming data.source and the first offending vertex or cell
  void validate() const;
};

/// The periodic structured mesh of the box [@p lo, @p hi] with @p n hexahedra of 6
/// tetrahedra per axis (the Kuhn subdivision of mesh::box_mesh_data, which is translation
/// invariant, so opposite faces match). The box is the period. Cell tag 1 "box".
/// @throws InputError for fewer than 1 division or an empty extent
[[nodiscard]] PeriodicMesh periodic_box_mesh(std::array<int, 3> n, std::array<double, 3> lo,
                                             std::array<double, 3> hi);

} // namespace resorb::mesh
