// Micro-benchmarks of the elasticity element kernel and of the full assembly into PETSc.
// Counters: MDof/s = element DOFs (kernel) or global DOFs (assembly) processed per second.
//   bench_elasticity --benchmark_counters_tabular=true
//   mpirun -np 2 bench_elasticity --benchmark_filter=assembly
// On several ranks every rank must run the same number of (collective) assemblies, so the
// assembly benchmarks then use fixed iteration counts instead of Google Benchmark's adaptive
// ones, and only rank 0 reports.
#include <resorb/core/environment.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/physics/elasticity.hpp>

#include "elasticity_kernels.hpp"

#include <benchmark/benchmark.h>

#include "mpi_benchmark.hpp"

#include <initializer_list>
#include <utility>
#include <vector>

using namespace resorb;

namespace {

template <class Element>
void element_stiffness(benchmark::State& state) {
  constexpr int m = 3 * Element::num_nodes;
  const kernels::GradientTabulation<Element> tab;
  const double x[4][3] = {{0, 0, 0}, {1e-3, 0, 0}, {0.1e-3, 1e-3, 0}, {0.2e-3, 0.3e-3, 1e-3}};
  std::vector<double> ke(m * m);
  for (auto _ : state) {
    kernels::elasticity_stiffness<Element>(tab, x, 1e10, 5e9, ke.data());
    benchmark::DoNotOptimize(ke.data());
    benchmark::ClobberMemory();
  }
  state.counters["MDof/s"] = benchmark::Counter(static_cast<double>(m) * 1e-6,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

template <class Element>
void assembly(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {n, n, n}, {0, 0, 0}, {1e-2, 1e-2, 1e-2});
  physics::Elasticity<Element> problem(mesh);
  problem.set_material("box", {17e9, 0.3});
  problem.fix("zmin");
  problem.apply_force("zmax", {0, 0, 100});
  problem.assemble(); // first call creates the matrix (preallocation), later calls refill it
  for (auto _ : state)
    problem.assemble();
  // Bytes one assembly must move at least: zero the matrix values, read-modify-write each
  // at least once, read the per-cell block offsets (4 B per node pair), connectivity and
  // coordinates. In cache for small meshes; RESULTS.md quotes the fraction of STREAM.
  MatInfo info{};
  MatGetInfo(problem.stiffness_matrix(), MAT_LOCAL, &info);
  const double cells = static_cast<double>(mesh.num_cells());
  constexpr double nodes = Element::num_nodes;
  const double bytes =
      3.0 * 8.0 * info.nz_used + cells * (4.0 * nodes * nodes + 4.0 * nodes + 4.0 * 24.0);
  state.counters["dofs"] = static_cast<double>(problem.num_dofs());
  state.counters["GB/s"] =
      benchmark::Counter(bytes * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["MDof/s"] = benchmark::Counter(static_cast<double>(problem.num_dofs()) * 1e-6,
                                                benchmark::Counter::kIsIterationInvariantRate);
}

// Re-solves of a degrading implant: a box whose half x < 5 mm ("metal") loses 1 % of its
// modulus per solve, as the coupled run's mechanics does at each output time. range(0):
// cells per side; range(1): 1 = reuse (solvers::LinearSolverSettings::reuse: KSP, GAMG
// coarse spaces, last displacement as initial guess), 0 = everything afresh. Counters:
// CG iterations and set-up seconds per solve.
void resolve(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {n, n, n}, {0, 0, 0}, {1e-2, 1e-2, 1e-2});
  physics::Elasticity<fem::P1> problem(mesh);
  problem.fix("zmin");
  problem.apply_force("zmax", {0, 0, 100});
  const auto cells = static_cast<std::size_t>(mesh.num_cells());
  std::vector<double> E(cells), nu(cells, 0.3);
  std::vector<char> metal(cells);
  for (LocalIndex c = 0; c < mesh.num_cells(); ++c) {
    const auto x = mesh.cell_coordinates(c);
    metal[static_cast<std::size_t>(c)] = x[0][0] + x[1][0] + x[2][0] + x[3][0] < 4 * 5e-3;
  }
  solvers::LinearSolverSettings settings;
  settings.reuse = state.range(1) != 0;
  double modulus = 44e9, iterations = 0.0, setup = 0.0, solves = 0.0;
  auto solve = [&] {
    for (std::size_t c = 0; c < cells; ++c)
      E[c] = metal[c] ? modulus : 1e9;
    problem.set_cell_materials(E, nu);
    const auto r = problem.solve(settings);
    modulus *= 0.99;
    return r;
  };
  (void)solve(); // the first solve builds what later ones may reuse
  for (auto _ : state) {
    const auto r = solve();
    iterations += r.iterations;
    setup += r.setup_seconds;
    solves += 1.0;
  }
  state.counters["dofs"] = static_cast<double>(problem.num_dofs());
  state.counters["cg_its"] = iterations / solves;
  state.counters["setup_s"] = setup / solves;
}

} // namespace

BENCHMARK(element_stiffness<fem::P1>);
BENCHMARK(element_stiffness<fem::P2>);
namespace {

// Registers assembly<Element> on boxes of n³ cells; on several ranks with `iterations`
// (chosen for ~0.3 s per repetition on 2 cores) instead of adaptive counts.
template <class Element>
void register_assembly(const char* name, std::initializer_list<std::pair<int, int>> sizes,
                       bool parallel) {
  for (const auto& [n, iterations] : sizes) {
    auto* b = benchmark::RegisterBenchmark(name, assembly<Element>)
                  ->Arg(n)
                  ->Unit(benchmark::kMillisecond);
    if (parallel)
      b->Iterations(iterations);
  }
}

} // namespace

int main(int argc, char** argv) {
  Environment env(argc, argv);
  const bool parallel = mpi::size(MPI_COMM_WORLD) > 1;
  register_assembly<fem::P1>("assembly<fem::P1>", {{16, 100}, {32, 10}, {64, 3}}, parallel);
  register_assembly<fem::P2>("assembly<fem::P2>", {{8, 60}, {16, 8}}, parallel);
  for (const int reuse : {1, 0}) {
    auto* b = benchmark::RegisterBenchmark("resolve<fem::P1>", resolve)
                  ->Args({40, reuse})
                  ->Unit(benchmark::kMillisecond);
    if (parallel)
      b->Iterations(10);
  }
  return bench::run_on_all_ranks(argc, argv);
}
