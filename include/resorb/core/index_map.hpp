#pragma once
/// @file
/// Distributed index map: owned and ghost entries with a global numbering.

#include <mpi.h>

#include <cstdint>
#include <span>
#include <vector>

namespace resorb {

/// Global index type (vertices, DOFs, cells).
using GlobalIndex = std::int64_t;
/// Rank-local index type.
using LocalIndex = std::int32_t;

/// Maps a rank's local indices [0, num_owned) ∪ [num_owned, num_owned + num_ghosts) to a
/// global numbering in which each rank owns the contiguous range [offset, offset + num_owned).
/// Ghosts are entries owned by another rank that this rank references.
class IndexMap {
public:
  IndexMap() = default;
  /// Collective: computes the offset of this rank's owned range.
  IndexMap(MPI_Comm comm, LocalIndex num_owned, std::vector<GlobalIndex> ghosts,
           std::vector<int> ghost_owners);

  /// Communicator the numbering lives on.
  [[nodiscard]] MPI_Comm comm() const { return comm_; }
  /// Number of entries owned by this rank.
  [[nodiscard]] LocalIndex num_owned() const { return num_owned_; }
  /// Number of ghost entries on this rank.
  [[nodiscard]] LocalIndex num_ghosts() const { return static_cast<LocalIndex>(ghosts_.size()); }
  /// Owned plus ghost entries.
  [[nodiscard]] LocalIndex size_local() const { return num_owned_ + num_ghosts(); }
  /// Global index of this rank's first owned entry.
  [[nodiscard]] GlobalIndex offset() const { return offset_; }
  /// Number of entries over all ranks.
  [[nodiscard]] GlobalIndex size_global() const { return size_global_; }
  /// Global indices of the ghosts, in local order.
  [[nodiscard]] std::span<const GlobalIndex> ghosts() const { return ghosts_; }
  /// Owning rank of each ghost.
  [[nodiscard]] std::span<const int> ghost_owners() const { return ghost_owners_; }
  /// Global index of local entry @p i.
  [[nodiscard]] GlobalIndex local_to_global(LocalIndex i) const {
    return i < num_owned_ ? offset_ + i : ghosts_[static_cast<std::size_t>(i - num_owned_)];
  }
  /// Offsets of all ranks' owned ranges (size = ranks + 1).
  [[nodiscard]] std::span<const GlobalIndex> rank_offsets() const { return rank_offsets_; }

private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  LocalIndex num_owned_ = 0;
  GlobalIndex offset_ = 0;
  GlobalIndex size_global_ = 0;
  std::vector<GlobalIndex> ghosts_;
  std::vector<int> ghost_owners_;
  std::vector<GlobalIndex> rank_offsets_;
};

} // namespace resorb
