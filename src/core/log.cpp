#include "resorb/core/log.hpp"

#include <cstdio>

namespace resorb::log {

namespace {
int verbosity = 1;
}

void set_level(int level) {
  verbosity = level;
}
int level() {
  return verbosity;
}

void impl::write_rank0(MPI_Comm comm, int level, std::string_view message) {
  if (level > verbosity)
    return;
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank != 0)
    return;
  std::fwrite(message.data(), 1, message.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

} // namespace resorb::log
