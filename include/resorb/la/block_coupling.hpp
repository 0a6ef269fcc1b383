#pragma once
/// @file
/// Which components of neighbouring nodes a matrix with several values per node couples.

#include <algorithm>
#include <span>
#include <vector>

namespace resorb::la {

/// The coupling pattern of a matrix with b components per node: a node's own b × b block is
/// always stored in full; between two distinct nodes only the pairs (i, j) listed here are.
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
  [[nodiscard]] int components() const { return static_cast<int>(start_.size()) - 1; }
  /// The components of a distinct node that component @p i couples with, ascending.
  [[nodiscard]] std::span<const int> partners(int i) const {
    const auto k = static_cast<std::size_t>(i);
    return {partners_.data() + start_[k], static_cast<std::size_t>(start_[k + 1] - start_[k])};
  }
  /// Whether component @p i of a node couples with component @p j of a distinct node.
  [[nodiscard]] bool couples(int i, int j) const {
    const auto p = partners(i);
    return std::binary_search(p.begin(), p.end(), j);
  }
  /// True when every pair couples (the pattern is a block pattern).
  [[nodiscard]] bool is_full() const {
    return partners_.size() == static_cast<std::size_t>(components() * components());
  }

private:
  BlockCoupling() = default;
  std::vector<int> start_{0}; // partners of component i: partners_[start_[i], start_[i + 1])
  std::vector<int> partners_;
};

} // namespace resorb::la
