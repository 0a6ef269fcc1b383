#pragma once
/// @file
/// Rank-0 logging with fmt formatting.

#include <fmt/format.h>
#include <mpi.h>

#include <string_view>

namespace resorb::log {

/// Sets the verbosity: 0 = errors only, 1 = progress (default), 2 = details.
void set_level(int level);
/// Current verbosity.
[[nodiscard]] int level();

namespace impl {
void write_rank0(MPI_Comm comm, int level, std::string_view message);
} // namespace impl

/// Prints a progress line on rank 0 of @p comm (collective-free: other ranks print nothing).
template <class... Args>
void info(MPI_Comm comm, fmt::format_string<Args...> format, Args&&... args) {
  impl::write_rank0(comm, 1, fmt::format(format, std::forward<Args>(args)...));
}

/// Prints a detail line on rank 0 when the level is at least 2.
template <class... Args>
void detail(MPI_Comm comm, fmt::format_string<Args...> format, Args&&... args) {
  impl::write_rank0(comm, 2, fmt::format(format, std::forward<Args>(args)...));
}

} // namespace resorb::log
