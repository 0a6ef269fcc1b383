#include "resorb/core/index_map.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"

namespace resorb {

IndexMap::IndexMap(MPI_Comm comm, LocalIndex num_owned, std::vector<GlobalIndex> ghosts,
                   std::vector<int> ghost_owners)
    : comm_(comm), num_owned_(num_owned), ghosts_(std::move(ghosts)),
      ghost_owners_(std::move(ghost_owners)) {
  RESORB_REQUIRE(ghosts_.size() == ghost_owners_.size(), Error,
                 "IndexMap: one owner per ghost required");
  const int p = mpi::size(comm);
  std::vector<GlobalIndex> owned_counts(static_cast<std::size_t>(p));
  const GlobalIndex mine = num_owned;
  MPI_Allgather(&mine, 1, MPI_INT64_T, owned_counts.data(), 1, MPI_INT64_T, comm);
  rank_offsets_.assign(static_cast<std::size_t>(p) + 1, 0);
  for (int r = 0; r < p; ++r)
    rank_offsets_[r + 1] = rank_offsets_[r] + owned_counts[r];
  offset_ = rank_offsets_[static_cast<std::size_t>(mpi::rank(comm))];
  size_global_ = rank_offsets_.back();
}

} // namespace resorb
