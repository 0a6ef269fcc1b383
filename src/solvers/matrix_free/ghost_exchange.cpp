#include "ghost_exchange.hpp"

#include "vector_kernels.hpp"

#include "resorb/core/mpi.hpp"

#include <algorithm>
#include <map>

namespace resorb::solvers::impl {

GhostExchange::GhostExchange(const IndexMap& map, int block_size, ExecutionSpace space,
                             TransferLog& log)
    : comm_(map.comm()), space_(space) {
  const int p = mpi::size(comm_);
  // What this rank ghosts, grouped by owner, in the order the owner will send it.
  std::map<int, std::vector<LocalIndex>> ghosts_by_owner;
  for (LocalIndex j = 0; j < map.num_ghosts(); ++j)
    ghosts_by_owner[map.ghost_owners()[static_cast<std::size_t>(j)]].push_back(j);
  std::vector<std::vector<GlobalIndex>> requests(static_cast<std::size_t>(p));
  for (const auto& [owner, list] : ghosts_by_owner)
    for (const LocalIndex j : list)
      requests[static_cast<std::size_t>(owner)].push_back(
          map.ghosts()[static_cast<std::size_t>(j)]);
  const auto requested = mpi::exchange(comm_, requests);

  std::vector<LocalIndex> owned_index, ghost_index;
  owned_offsets_.push_back(0);
  ghost_offsets_.push_back(0);
  for (int r = 0; r < p; ++r) {
    const auto& theirs = requested[static_cast<std::size_t>(r)];
    const auto mine = ghosts_by_owner.find(r);
    if (theirs.empty() && mine == ghosts_by_owner.end())
      continue;
    neighbours_.push_back(r);
    for (const GlobalIndex g : theirs) {
      const auto local = static_cast<LocalIndex>(g - map.offset());
      RESORB_ASSERT(local >= 0 && local < map.num_owned());
      for (int i = 0; i < block_size; ++i)
        owned_index.push_back(block_size * local + i);
    }
    if (mine != ghosts_by_owner.end())
      for (const LocalIndex j : mine->second)
        for (int i = 0; i < block_size; ++i)
          ghost_index.push_back(block_size * (map.num_owned() + j) + i);
    owned_offsets_.push_back(static_cast<int>(owned_index.size()));
    ghost_offsets_.push_back(static_cast<int>(ghost_index.size()));
  }
  owned_index_ = DeviceArray<LocalIndex>(space, owned_index, log);
  ghost_index_ = DeviceArray<LocalIndex>(space, ghost_index, log);
  owned_buffer_ = DeviceArray<double>(space, owned_index.size());
  ghost_buffer_ = DeviceArray<double>(space, ghost_index.size());
  owned_host_.resize(owned_index.size());
  ghost_host_.resize(ghost_index.size());
}

void GhostExchange::communicate(const std::vector<int>& out_offsets, const std::vector<double>& out,
                                const std::vector<int>& in_offsets, std::vector<double>& in) {
  std::vector<MPI_Request> requests;
  requests.reserve(2 * neighbours_.size());
  for (std::size_t k = 0; k < neighbours_.size(); ++k) {
    const int count = in_offsets[k + 1] - in_offsets[k];
    if (count > 0)
      MPI_Irecv(in.data() + in_offsets[k], count, MPI_DOUBLE, neighbours_[k], 7301, comm_,
                &requests.emplace_back());
  }
  for (std::size_t k = 0; k < neighbours_.size(); ++k) {
    const int count = out_offsets[k + 1] - out_offsets[k];
    if (count > 0)
      MPI_Isend(out.data() + out_offsets[k], count, MPI_DOUBLE, neighbours_[k], 7301, comm_,
                &requests.emplace_back());
  }
  MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE);
}

void GhostExchange::forward(double* values, TransferLog& log) {
  if (neighbours_.empty())
    return;
  const auto n_owned = static_cast<LocalIndex>(owned_host_.size());
  const auto n_ghost = static_cast<LocalIndex>(ghost_host_.size());
  for_each(space_, n_owned, kernels::Pack{owned_index_.data(), values, owned_buffer_.data()});
  owned_buffer_.download(owned_host_, log);
  communicate(owned_offsets_, owned_host_, ghost_offsets_, ghost_host_);
  ghost_buffer_.upload(ghost_host_, log);
  for_each(space_, n_ghost,
           kernels::UnpackInsert{ghost_index_.data(), ghost_buffer_.data(), values});
}

void GhostExchange::reverse(double* values, TransferLog& log) {
  if (neighbours_.empty())
    return;
  const auto n_owned = static_cast<LocalIndex>(owned_host_.size());
  const auto n_ghost = static_cast<LocalIndex>(ghost_host_.size());
  for_each(space_, n_ghost, kernels::Pack{ghost_index_.data(), values, ghost_buffer_.data()});
  ghost_buffer_.download(ghost_host_, log);
  communicate(ghost_offsets_, ghost_host_, owned_offsets_, owned_host_);
  owned_buffer_.upload(owned_host_, log);
  for_each(space_, n_owned, kernels::UnpackAdd{owned_index_.data(), owned_buffer_.data(), values});
}

} // namespace resorb::solvers::impl
