#pragma once
/// @file
/// Node (DOF) numbering of P1/P2 Lagrange spaces on a distributed mesh.

#include "resorb/la/node_layout.hpp"
#include "resorb/mesh/tet_mesh.hpp"

#include <span>
#include <vector>

namespace resorb::fem {

/// Numbering of the nodes of a Lagrange space of degree 1 or 2.
///
/// One node per vertex (and per edge for P2). Local order: owned vertex nodes, owned edge
/// nodes, ghost vertex nodes, ghost edge nodes. Each rank owns a contiguous global range.
/// A vector-valued space has block size 3 on top of this node numbering: DOF = 3 node + c.
class DofMap {
public:
  /// Builds the numbering for polynomial degree 1 or 2. Collective. The mesh must outlive
  /// the DofMap.
  DofMap(const mesh::TetMesh& mesh, int degree);

  /// The mesh the nodes live on.
  [[nodiscard]] const mesh::TetMesh& mesh() const { return *mesh_; }
  /// Polynomial degree (1 or 2).
  [[nodiscard]] int degree() const { return degree_; }
  /// Nodes per cell (4 or 10).
  [[nodiscard]] int nodes_per_cell() const { return nodes_per_cell_; }
  /// Owned/ghost numbering of the nodes.
  [[nodiscard]] const IndexMap& index_map() const { return map_; }
  /// Node indices of all cells, nodes_per_cell() per cell (element node order).
  [[nodiscard]] std::span<const LocalIndex> cell_nodes() const { return cell_nodes_; }
  /// Node indices of cell @p c.
  [[nodiscard]] std::span<const LocalIndex> cell_nodes(LocalIndex c) const {
    return std::span(cell_nodes_)
        .subspan(static_cast<std::size_t>(c) * nodes_per_cell_,
                 static_cast<std::size_t>(nodes_per_cell_));
  }
  /// Physical coordinates of the local nodes, 3 per node, metres.
  [[nodiscard]] std::span<const double> node_coordinates() const { return node_coordinates_; }
  /// The node numbering and cell nodes, as PETSc objects are laid out by them (la/).
  // NOLINTNEXTLINE(google-explicit-constructor): a DofMap is a node layout and more
  operator la::NodeLayout() const { return {map_, cell_nodes_, nodes_per_cell_}; }
  /// Node of local mesh vertex @p v.
  [[nodiscard]] LocalIndex vertex_node(LocalIndex v) const {
    return vertex_to_node_[static_cast<std::size_t>(v)];
  }

private:
  const mesh::TetMesh* mesh_;
  int degree_;
  int nodes_per_cell_;
  IndexMap map_;
  std::vector<LocalIndex> cell_nodes_;
  std::vector<double> node_coordinates_;
  std::vector<LocalIndex> vertex_to_node_;
};

/// Local nodes of facet @p local_facet of a cell: 3 for P1, 6 for P2 (vertices, then edges).
[[nodiscard]] std::span<const int> facet_nodes(int degree, int local_facet);

} // namespace resorb::fem
