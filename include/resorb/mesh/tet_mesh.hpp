#pragma once
/// @file
/// Distributed tetrahedral mesh with cell (material) and facet (boundary/interface) tags.

#include "resorb/core/index_map.hpp"
#include "resorb/mesh/reference_cell.hpp"
#include "resorb/mesh/tet_geometry.hpp"

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace resorb::mesh {

/// A named physical group: a Gmsh physical group or a generator's region.
struct PhysicalGroup {
  int dim = 3;      ///< 3 for cell groups (materials), 2 for facet groups (surfaces)
  int tag = 0;      ///< integer tag as stored in the file
  std::string name; ///< name; may be empty when the file gives none
};

/// A complete mesh held by one rank (the root) before it is distributed.
/// Coordinates are in metres; the vertex list may contain vertices no cell uses
/// (they are dropped on distribution).
struct MeshData {
  std::vector<double> coordinates;   ///< 3 per vertex, metres
  std::vector<GlobalIndex> cells;    ///< 4 vertex indices per tetrahedron
  std::vector<int> cell_tags;        ///< one material tag per tetrahedron
  std::vector<GlobalIndex> cell_ids; ///< optional: the file's element ids, for messages
  std::vector<GlobalIndex> facets;   ///< 3 vertex indices per tagged triangle
  std::vector<int> facet_tags;       ///< one tag per tagged triangle
  std::vector<PhysicalGroup> groups; ///< names of the tags
  std::string source;                ///< file name or generator, for error messages
};

/// A tagged facet stored with the owned cell it bounds. A facet between two cells
/// (an interface) is stored once, with one of them.
struct TaggedFacet {
  LocalIndex cell = 0; ///< local cell index
  int local_facet = 0; ///< facet opposite local vertex `local_facet` (0..3)
  int tag = 0;         ///< facet tag
};

/// Distributed tetrahedral mesh.
///
/// Each rank holds its owned cells (no ghost cells) and the vertices they use: owned
/// vertices first, then ghost vertices owned by other ranks. Vertices are numbered
/// globally through an IndexMap (each rank owns a contiguous range). Cells are positively
/// oriented (checked on construction).
class TetMesh {
public:
  /// Distributes a mesh held by rank @p root of @p comm (other ranks pass an empty MeshData).
  /// Validates the cells (indices, orientation, volume), partitions them with METIS (vertex
  /// graph), numbers each rank's vertices in reverse Cuthill–McKee order and its cells by
  /// their smallest vertex (locality for assembly and solvers; the file's order is not
  /// kept), and attaches each tagged facet to a cell. Collective.
  /// @throws InputError naming data.source and the offending cell or facet
  static TetMesh distribute(MPI_Comm comm, MeshData data, int root = 0);

  /// Communicator the mesh lives on.
  [[nodiscard]] MPI_Comm comm() const { return vertex_map_.comm(); }
  /// Owned + ghost vertex numbering.
  [[nodiscard]] const IndexMap& vertex_map() const { return vertex_map_; }
  /// Number of local (owned + ghost) vertices.
  [[nodiscard]] LocalIndex num_vertices() const { return vertex_map_.size_local(); }
  /// Number of cells owned by this rank.
  [[nodiscard]] LocalIndex num_cells() const { return static_cast<LocalIndex>(cell_tags_.size()); }
  /// Number of cells over all ranks.
  [[nodiscard]] GlobalIndex num_global_cells() const { return num_global_cells_; }
  /// Vertex coordinates, 3 per local vertex, metres.
  [[nodiscard]] std::span<const double> coordinates() const { return coordinates_; }
  /// Cell-to-vertex connectivity, 4 local vertex indices per cell.
  [[nodiscard]] std::span<const LocalIndex> cells() const { return cells_; }
  /// Material tag of each owned cell.
  [[nodiscard]] std::span<const int> cell_tags() const { return cell_tags_; }
  /// Tagged facets attached to owned cells.
  [[nodiscard]] std::span<const TaggedFacet> facets() const { return facets_; }
  /// Physical group names (identical on all ranks).
  [[nodiscard]] std::span<const PhysicalGroup> groups() const { return groups_; }
  /// Where the mesh came from (file name or generator).
  [[nodiscard]] const std::string& source() const { return source_; }

  /// Tag of the cell group called @p name. A name may also be the tag number as text.
  /// @throws InputError listing the available cell groups
  [[nodiscard]] int cell_tag(std::string_view name) const;
  /// Tag of the facet group called @p name (or its number as text).
  /// @throws InputError listing the available facet groups
  [[nodiscard]] int facet_tag(std::string_view name) const;
  /// Name of group (@p dim, @p tag), or the tag number as text when unnamed.
  [[nodiscard]] std::string group_name(int dim, int tag) const;

  /// Coordinates of the 4 vertices of local cell @p c.
  [[nodiscard]] std::array<std::array<double, 3>, 4> cell_coordinates(LocalIndex c) const;
  /// Gathers the coordinates of the 4 vertices of local cell @p c into @p x (kernel layout).
  void cell_coordinates(LocalIndex c, CellCoordinates& x) const {
    for (std::size_t k = 0; k < 4; ++k) {
      const auto v = static_cast<std::size_t>(cells_[4 * static_cast<std::size_t>(c) + k]);
      for (std::size_t d = 0; d < 3; ++d)
        x[k][d] = coordinates_[3 * v + d];
    }
  }

private:
  [[nodiscard]] int find_tag(int dim, std::string_view name) const;

  IndexMap vertex_map_;
  GlobalIndex num_global_cells_ = 0;
  std::vector<double> coordinates_;
  std::vector<LocalIndex> cells_;
  std::vector<int> cell_tags_;
  std::vector<TaggedFacet> facets_;
  std::vector<PhysicalGroup> groups_;
  std::string source_;
};

/// Signed volume of a tetrahedron (positive when vertex 3 lies on the side of the
/// right-hand normal of (0,1,2)).
[[nodiscard]] double signed_volume(const std::array<std::array<double, 3>, 4>& x);

} // namespace resorb::mesh
