#pragma once
/// @file
/// Small MPI helpers: type mapping and a personalized all-to-all of vectors.

#include <mpi.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace resorb::mpi {

/// Rank of this process in @p comm.
[[nodiscard]] int rank(MPI_Comm comm);
/// Number of ranks in @p comm.
[[nodiscard]] int size(MPI_Comm comm);

/// MPI datatype of a fundamental type.
template <class T>
MPI_Datatype datatype() {
  if constexpr (std::is_same_v<T, double>)
    return MPI_DOUBLE;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return MPI_INT64_T;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return MPI_INT32_T;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return MPI_UINT64_T;
  else if constexpr (std::is_same_v<T, char>)
    return MPI_CHAR;
  else
    static_assert(sizeof(T) == 0, "no MPI datatype for this type");
}

/// Sum of @p value over ranks.
template <class T>
[[nodiscard]] T sum(MPI_Comm comm, T value) {
  T out{};
  MPI_Allreduce(&value, &out, 1, datatype<T>(), MPI_SUM, comm);
  return out;
}
/// Maximum of @p value over ranks.
template <class T>
[[nodiscard]] T max(MPI_Comm comm, T value) {
  T out{};
  MPI_Allreduce(&value, &out, 1, datatype<T>(), MPI_MAX, comm);
  return out;
}
/// Minimum of @p value over ranks.
template <class T>
[[nodiscard]] T min(MPI_Comm comm, T value) {
  T out{};
  MPI_Allreduce(&value, &out, 1, datatype<T>(), MPI_MIN, comm);
  return out;
}

/// The error message of the lowest rank of @p comm that has one (@p local set), on every
/// rank; nullopt when no rank has one. Collective, and a barrier: the way a failure found on
/// one rank (the root reading a file, one rank's HDF5 write) reaches all ranks.
[[nodiscard]] std::optional<std::string> first_error(MPI_Comm comm,
                                                     const std::optional<std::string>& local);

/// Throws ErrorType(message) on every rank when any rank has an error (first_error()).
/// Collective.
template <class ErrorType>
void throw_first_error(MPI_Comm comm, const std::optional<std::string>& local) {
  if (auto error = first_error(comm, local))
    throw ErrorType(*error);
}

/// Sends send[r] to rank r and returns what every rank sent to this one (index = source).
/// T must be trivially copyable. Collective.
template <class T>
std::vector<std::vector<T>> exchange(MPI_Comm comm, const std::vector<std::vector<T>>& send) {
  static_assert(std::is_trivially_copyable_v<T>);
  const int p = size(comm);
  std::vector<int> send_counts(p), recv_counts(p), send_displs(p + 1, 0), recv_displs(p + 1, 0);
  for (int r = 0; r < p; ++r)
    send_counts[r] = static_cast<int>(send[r].size() * sizeof(T));
  MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, comm);
  for (int r = 0; r < p; ++r) {
    send_displs[r + 1] = send_displs[r] + send_counts[r];
    recv_displs[r + 1] = recv_displs[r] + recv_counts[r];
  }
  std::vector<char> send_buffer(static_cast<std::size_t>(send_displs[p]));
  for (int r = 0; r < p; ++r)
    if (!send[r].empty())
      std::memcpy(send_buffer.data() + send_displs[r], send[r].data(),
                  static_cast<std::size_t>(send_counts[r]));
  std::vector<char> recv_buffer(static_cast<std::size_t>(recv_displs[p]));
  MPI_Alltoallv(send_buffer.data(), send_counts.data(), send_displs.data(), MPI_BYTE,
                recv_buffer.data(), recv_counts.data(), recv_displs.data(), MPI_BYTE, comm);
  std::vector<std::vector<T>> recv(p);
  for (int r = 0; r < p; ++r) {
    recv[r].resize(static_cast<std::size_t>(recv_counts[r]) / sizeof(T));
    if (!recv[r].empty())
      std::memcpy(recv[r].data(), recv_buffer.data() + recv_displs[r],
                  static_cast<std::size_t>(recv_counts[r]));
  }
  return recv;
}

} // namespace resorb::mpi
