#pragma once
/// @file
/// The progress line of a long run: simulated time, percentage of the end time, the run's
/// own figures and the estimated time to go.

#include <mpi.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

namespace resorb {

/// Prints progress on rank 0 of a communicator. On a terminal the line is rewritten in
/// place (carriage return); anywhere else (a log file, a pipe, CI) every update is a line
/// of its own without control characters. The environment variable RESORB_PROGRESS
/// ("terminal" or "lines") overrides the check: under mpiexec, rank 0's output is a
/// pseudo-terminal even when the launcher's goes to a file.
class Progress {
public:
  /// A run from simulated time @p start_time to @p end_time (s), reporting to @p out
  /// (stdout); the ETA extrapolates the rate since @p start_time (a resumed run starts
  /// late).
  Progress(MPI_Comm comm, double end_time, std::FILE* out = stdout, double start_time = 0.0);
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Reports simulated time @p time (s) with @p details (e.g. "mass loss 1.2 %").
  void update(double time, std::string_view details);
  /// Whether an update now would be worth printing, for callers that could update at every
  /// time step: on a terminal at most every 0.25 s, in a log file at most every 30 s (an
  /// update at each output time needs no check). Rank 0 decides; the answer is not
  /// collective, so use it only to decide what to print.
  [[nodiscard]] bool due() const;
  /// Ends a rewritten line with a newline (nothing to do when not on a terminal).
  void finish();
  /// The text of the last update (without control characters), for tests and logs.
  [[nodiscard]] const std::string& last_line() const { return line_; }

private:
  std::FILE* out_;
  bool rank0_ = false;
  bool terminal_ = false;
  bool open_ = false; // a rewritten line is on screen
  double end_time_;
  double start_time_;
  std::chrono::steady_clock::time_point start_, last_print_;
  std::string line_;
};

/// Formats a duration in s as "42 s", "3.5 min", "2.1 h" or "4.0 d".
[[nodiscard]] std::string format_duration(double seconds);

} // namespace resorb
