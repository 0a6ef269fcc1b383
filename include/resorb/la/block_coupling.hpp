#pragma once
/// @file
/// Which components of neighbouring nodes a matrix with several values per node couples.

#include <cstdint>
#include <utility>
#include <vector>

namespace resorb::la {

/// The coupling pattern of a matrix with b components per node: a node's own b × b block is
/// always stored in full; between two distinct nodes only the pairs (i, j) flagged here are.
///
/// Reaction–diffusion is the reason: species react within a node (full node block) but
/// diffuse independently (component i of a node couples with component i of its
/// neighbours), so storing only the diagonal of the blocks between nodes cuts a 4-species
/// Jacobian from 16 to 4 values per node pair, and MatMult and ILU move that much less.
class BlockCoupling {
public:
  /// Every component couples with every component of the neighbours (dense blocks).
  [[nodiscard]] static BlockCoupling full(int components);
  /// Component i couples only with component i of the neighbours.
  [[nodiscard]] static BlockCoupling diagonal(int components);

  /// Values per node, b.
  [[nodiscard]] int components() const { return components_; }
  /// Whether component @p i of a node couples with component @p j of a distinct node.
  [[nodiscard]] bool couples(int i, int j) const {
    return between_nodes_[static_cast<std::size_t>(i * components_ + j)] != 0;
  }
  /// Number of components of a distinct node that component @p i couples with.
  [[nodiscard]] int count(int i) const;
  /// True when every pair couples (the pattern is a block pattern).
  [[nodiscard]] bool is_full() const;

private:
  BlockCoupling(int components, std::vector<std::uint8_t> between_nodes)
      : components_(components), between_nodes_(std::move(between_nodes)) {}
  int components_;
  std::vector<std::uint8_t> between_nodes_; // b × b, row-major
};

} // namespace resorb::la
