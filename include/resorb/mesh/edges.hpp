#pragma once
/// @file
/// Globally numbered mesh edges (needed by P2 elements).

#include "resorb/mesh/tet_mesh.hpp"

#include <array>
#include <vector>

namespace resorb::mesh {

/// Edges of a distributed mesh with a consistent global numbering across ranks.
/// Local order: owned edges first, then ghosts (edges owned by another rank).
/// An edge shared by several ranks is owned by the lowest of them.
struct EdgeTopology {
  IndexMap map;                       ///< owned/ghost numbering of edges
  std::vector<LocalIndex> vertices;   ///< 2 local vertex indices per local edge
  std::vector<LocalIndex> cell_edges; ///< 6 local edge indices per cell (edge_vertices order)
};

/// Builds the edge numbering. Collective; two rounds of neighbour communication.
[[nodiscard]] EdgeTopology build_edges(const TetMesh& mesh);

} // namespace resorb::mesh
