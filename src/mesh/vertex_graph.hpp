#pragma once
/// @file
/// The vertex graph of a mesh held by the root, and what distribution derives from it:
/// the partition and a locality-preserving global vertex numbering (internal).

#include "resorb/mesh/tet_mesh.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace resorb::mesh::detail {

/// Vertices joined by a mesh edge, in CSR form with both directions stored (METIS's layout:
/// 32-bit indices, as Debian's METIS uses).
struct VertexGraph {
  std::vector<std::int32_t> offsets;    ///< size num_vertices + 1
  std::vector<std::int32_t> neighbours; ///< neighbours of v: [offsets[v], offsets[v+1])
  [[nodiscard]] std::size_t num_vertices() const { return offsets.size() - 1; }
};

/// Builds the vertex graph in time linear in the number of cells.
/// @throws Error when the mesh is too large for 32-bit graph indices
[[nodiscard]] VertexGraph vertex_graph(const MeshData& data);

/// Global vertex numbers: each rank's owned vertices form a contiguous range (rank order),
/// and within it they follow reverse Cuthill–McKee order of the graph restricted to the
/// vertices of that rank.
///
/// Why: the numbering becomes the matrix row order, and file order (a mesher's insertion
/// order) scatters neighbours across the vector. RCM keeps each row's columns close, which
/// is what sparse matrix–vector products and AMG's Galerkin products need from the caches;
/// DOLFINx and deal.II reorder for the same reason.
///
/// @param owner rank owning each vertex, or @p parts for a vertex no cell uses
/// @param parts number of ranks
/// @param rank_offsets set to the first global number of each rank (size parts + 1)
/// @return global number of each vertex, -1 for unused vertices
[[nodiscard]] std::vector<GlobalIndex> number_vertices(const VertexGraph& graph,
                                                       std::span<const int> owner, int parts,
                                                       std::vector<GlobalIndex>& rank_offsets);

/// Cells in the order a rank should store them: sorted by their smallest vertex number
/// (stable), so that consecutive cells touch nearby matrix rows during assembly.
[[nodiscard]] std::vector<std::size_t> order_cells(const MeshData& data,
                                                   std::span<const GlobalIndex> vertex_number);

} // namespace resorb::mesh::detail
