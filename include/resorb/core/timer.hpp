#pragma once
/// @file
/// Wall-clock timing of named phases and peak memory, reduced over ranks.

#include <mpi.h>

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace resorb {

/// Accumulates wall time per named phase ("read", "assemble", "solve", ...), in insertion order.
class PhaseTimer {
public:
  /// Times one phase for the lifetime of the object and adds it to the timer.
  class Scope {
  public:
    Scope(PhaseTimer& timer, std::string name);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

  private:
    PhaseTimer& timer_;
    std::string name_;
    std::chrono::steady_clock::time_point start_;
  };

  /// Starts timing @p name until the returned scope ends.
  [[nodiscard]] Scope time(std::string name) { return Scope(*this, std::move(name)); }
  /// Adds @p seconds to phase @p name (creating it at the end of the list if new).
  void add(const std::string& name, double seconds);
  /// Phases with their seconds on this rank.
  [[nodiscard]] const std::vector<std::pair<std::string, double>>& phases() const {
    return phases_;
  }
  /// Phases with the maximum over ranks of @p comm (collective; all ranks must have the
  /// same phases in the same order).
  [[nodiscard]] std::vector<std::pair<std::string, double>> max_over_ranks(MPI_Comm comm) const;

private:
  std::vector<std::pair<std::string, double>> phases_;
};

/// Peak resident memory of this process in bytes (getrusage).
[[nodiscard]] double peak_memory_bytes();

} // namespace resorb
