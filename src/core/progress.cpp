#include "resorb/core/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace resorb {

std::string format_duration(double seconds) {
  if (seconds < 90)
    return fmt::format("{:.0f} s", seconds);
  if (seconds < 5400)
    return fmt::format("{:.1f} min", seconds / 60);
  if (seconds < 172800)
    return fmt::format("{:.1f} h", seconds / 3600);
  return fmt::format("{:.1f} d", seconds / 86400);
}

Progress::Progress(MPI_Comm comm, double end_time, std::FILE* out, double start_time)
    : out_(out), end_time_(end_time), start_time_(start_time),
      start_(std::chrono::steady_clock::now()), last_print_(start_) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  rank0_ = rank == 0;
  // Under mpiexec, rank 0's stdout is a pseudo-terminal wherever the output goes; the
  // launcher can say what it really is.
  const char* mode = std::getenv("RESORB_PROGRESS");
  const bool tty = mode != nullptr && *mode != '\0' ? std::string_view(mode) == "terminal"
                                                    : out_ != nullptr && isatty(fileno(out_)) == 1;
  terminal_ = rank0_ && out_ != nullptr && tty;
}

Progress::~Progress() {
  finish();
}

void Progress::update(double time, std::string_view details) {
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double fraction = end_time_ > 0 ? time / end_time_ : 1.0;
  const double done = end_time_ > 0 ? (time - start_time_) / end_time_ : 0.0;
  const std::string eta = fraction > 0 && fraction < 1 && done > 0
                              ? format_duration(elapsed * (1 - fraction) / done)
                              : (fraction >= 1 ? "0 s" : "?");
  line_ = fmt::format("t = {} ({:3.0f} %)  {}  ETA {}", format_duration(time), 100 * fraction,
                      details, eta);
  if (!rank0_ || out_ == nullptr)
    return;
  last_print_ = std::chrono::steady_clock::now();
  if (terminal_) {
    fmt::print(out_, "\r\033[K{}", line_); // return, clear the line, rewrite
    open_ = true;
  } else {
    fmt::print(out_, "{}\n", line_);
  }
  std::fflush(out_);
}

bool Progress::due() const {
  const double since =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - last_print_).count();
  return rank0_ && out_ != nullptr && since >= (terminal_ ? 0.25 : 30.0);
}

void Progress::finish() {
  if (open_ && out_ != nullptr) {
    std::fputc('\n', out_);
    std::fflush(out_);
  }
  open_ = false;
}

} // namespace resorb
