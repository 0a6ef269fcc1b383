#include "resorb/core/mpi.hpp"

#include <cstdint>

namespace resorb::mpi {

int rank(MPI_Comm comm) {
  int r = 0;
  MPI_Comm_rank(comm, &r);
  return r;
}

int size(MPI_Comm comm) {
  int s = 0;
  MPI_Comm_size(comm, &s);
  return s;
}

std::optional<std::string> first_error(MPI_Comm comm, const std::optional<std::string>& local) {
  const int p = size(comm);
  const int r = rank(comm);
  const int first = min(comm, local ? r : p);
  if (first == p)
    return std::nullopt;
  std::string message = r == first ? *local : std::string();
  auto length = static_cast<std::int64_t>(message.size());
  MPI_Bcast(&length, 1, MPI_INT64_T, first, comm);
  message.resize(static_cast<std::size_t>(length));
  MPI_Bcast(message.data(), static_cast<int>(length), MPI_CHAR, first, comm);
  return message;
}

} // namespace resorb::mpi
