#pragma once
// Ghost exchange of local-form arrays (owned entries, then ghosts; block_size values per
// index) that live in an execution space. Neighbour-to-neighbour messages built once from
// the IndexMap. On the device the messages are staged through the host: only the entries
// neighbours share are packed on the device and copied, not the whole vector.

#include "execution.hpp"

#include <mpi.h>

#include <vector>

namespace resorb::solvers::impl {

/// Owned → ghost copies and ghost → owner sums of local-form arrays.
class GhostExchange {
public:
  /// Builds the messages of @p map with @p block_size values per index. Collective.
  GhostExchange(const IndexMap& map, int block_size, ExecutionSpace space, TransferLog& log);

  /// Copies owned values into the ghost entries of every rank that has them. Collective.
  void forward(double* values, TransferLog& log);
  /// Adds ghost entries into their owners (the ghost entries are left as they were).
  /// Collective.
  void reverse(double* values, TransferLog& log);

private:
  // Sends send_count(k) values from `out` to neighbour k and receives into `in`.
  void communicate(const std::vector<int>& out_offsets, const std::vector<double>& out,
                   const std::vector<int>& in_offsets, std::vector<double>& in);

  MPI_Comm comm_;
  ExecutionSpace space_;
  std::vector<int> neighbours_;
  std::vector<int> owned_offsets_; // per neighbour: range in owned_index_ (entries it ghosts)
  std::vector<int> ghost_offsets_; // per neighbour: range in ghost_index_ (entries it owns)
  DeviceArray<LocalIndex> owned_index_, ghost_index_;
  DeviceArray<double> owned_buffer_, ghost_buffer_;
  std::vector<double> owned_host_, ghost_host_;
};

} // namespace resorb::solvers::impl
