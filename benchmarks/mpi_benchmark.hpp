#pragma once
// Running Google Benchmark under mpirun: every rank runs the same benchmarks (they are
// collective), rank 0 reports and the others stay silent.
#include <resorb/core/mpi.hpp>

#include <benchmark/benchmark.h>

#include <vector>

namespace resorb::bench {

/// Swallows the reports of ranks other than 0.
class SilentReporter : public benchmark::BenchmarkReporter {
public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>&) override {}
};

/// Initialises Google Benchmark, runs the registered benchmarks on every rank and reports
/// on rank 0. Registered benchmarks must use fixed iteration counts on several ranks.
inline int run_on_all_ranks(int& argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (mpi::rank(MPI_COMM_WORLD) == 0) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    SilentReporter silent;
    benchmark::RunSpecifiedBenchmarks(&silent);
  }
  benchmark::Shutdown();
  return 0;
}

} // namespace resorb::bench
