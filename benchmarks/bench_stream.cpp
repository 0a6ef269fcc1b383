// STREAM-style memory bandwidth (copy and triad) of this machine, the yardstick for the
// bandwidth fractions quoted in RESULTS.md. Arrays of 2^27 doubles (1 GiB each) are far
// larger than any cache (this VM reports a 480 MiB L3); with N threads each thread streams
// its own contiguous slice. Read bytes_per_second (the time column is per thread-iteration).
// Bytes counted as STREAM does (copy 16 B, triad 24 B per element; no write-allocate).
//   bench_stream --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstddef>
#include <vector>

namespace {

constexpr std::size_t length = std::size_t{1} << 27;

struct Arrays {
  std::vector<double> a = std::vector<double>(length, 1.0);
  std::vector<double> b = std::vector<double>(length, 2.0);
  std::vector<double> c = std::vector<double>(length, 0.5);
};

Arrays& arrays() {
  static Arrays data;
  return data;
}

std::pair<std::size_t, std::size_t> slice(const benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.threads());
  const auto t = static_cast<std::size_t>(state.thread_index());
  return {length * t / n, length * (t + 1) / n};
}

void stream_copy(benchmark::State& state) {
  auto& [a, b, c] = arrays();
  const auto [lo, hi] = slice(state);
  for (auto _ : state) {
    for (std::size_t i = lo; i < hi; ++i)
      c[i] = a[i];
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * 16 * (hi - lo)));
}

void stream_triad(benchmark::State& state) {
  auto& [a, b, c] = arrays();
  const auto [lo, hi] = slice(state);
  const double s = 3.0;
  for (auto _ : state) {
    for (std::size_t i = lo; i < hi; ++i)
      a[i] = b[i] + s * c[i];
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * 24 * (hi - lo)));
}

} // namespace

BENCHMARK(stream_copy)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(stream_triad)->Threads(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
