#pragma once
/// @file
/// The nodes that PETSc matrices and vectors are laid out by: an owned/ghost numbering and
/// each cell's nodes. A fem::DofMap converts to one; la/ needs no more of a function space.
#include "resorb/core/index_map.hpp"

#include <cstddef>
#include <span>

namespace resorb::la {

/// A view of a node numbering and the cells' nodes (fem::DofMap converts to it). The
/// numbering and the cell nodes it views must outlive it.
class NodeLayout {
public:
  /// Views @p nodes and @p cell_nodes, @p nodes_per_cell per cell.
  NodeLayout(const IndexMap& nodes, std::span<const LocalIndex> cell_nodes, int nodes_per_cell)
      : nodes_(&nodes), cell_nodes_(cell_nodes), nodes_per_cell_(nodes_per_cell) {}
  /// Owned/ghost numbering of the nodes.
  [[nodiscard]] const IndexMap& index_map() const { return *nodes_; }
  /// Nodes per cell.
  [[nodiscard]] int nodes_per_cell() const { return nodes_per_cell_; }
  /// Node indices of all cells, nodes_per_cell() per cell.
  [[nodiscard]] std::span<const LocalIndex> cell_nodes() const { return cell_nodes_; }
  /// Node indices of cell @p c.
  [[nodiscard]] std::span<const LocalIndex> cell_nodes(LocalIndex c) const {
    return cell_nodes_.subspan(static_cast<std::size_t>(c) * nodes_per_cell_,
                               static_cast<std::size_t>(nodes_per_cell_));
  }

private:
  const IndexMap* nodes_;
  std::span<const LocalIndex> cell_nodes_;
  int nodes_per_cell_;
};

} // namespace resorb::la
