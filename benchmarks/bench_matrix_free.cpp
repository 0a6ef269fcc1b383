// Operator apply throughput of matrix-free elasticity (issue 12) against MatMult with the
// assembled matrix resorb's solvers use (AIJ for P1, BAIJ bs 3 for P2), on a box of n³ hexes
// (6 tets each), 1 rank, host execution space (the same kernels run on a CUDA device when
// resorb is built with nvcc and --benchmark_filter=cuda finds one).
//   bench_matrix_free --benchmark_counters_tabular=true
// Counters: MDof/s (global DOFs per second), GB/s by the bytes models below.
//
// Bytes one apply must move at least (each entry read or written once from memory):
//   matrix-free: per cell the geometric factors (80 B, or 4 vertex ids + 12 coordinates
//     when recomputed; coordinates mostly in cache: counted as 16 B + 4·4 B), λ and μ
//     (16 B) and the cell's node ids (4 n B); per DOF x read, y zeroed and y read-modified-
//     written (32 B).
//   assembled: every stored value (8 B) and column index (4 B per value for AIJ, per 3×3
//     block for BAIJ), row offsets, x read and y written (16 B per DOF).
#include <resorb/core/environment.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/la/petsc.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/physics/elasticity.hpp>
#include <resorb/solvers/matrix_free.hpp>

#include "solvers/matrix_free/device_operator.hpp"
#include "vector_kernels.hpp"

#include <benchmark/benchmark.h>

#include <vector>

using namespace resorb;

namespace {

template <class Element>
struct Problem {
  mesh::TetMesh mesh;
  physics::Elasticity<Element> elasticity;
  fem::DirichletConstraints constraints;
  std::vector<double> lambda, mu;
  explicit Problem(int n)
      : mesh(mesh::make_box(MPI_COMM_WORLD, {n, n, n}, {0, 0, 0}, {1e-2, 1e-2, 1e-2})),
        elasticity(mesh), constraints(elasticity.dofmap(), 3) {
    elasticity.set_material("box", {17e9, 0.3});
    elasticity.fix("zmin");
    const std::array<bool, 3> all{true, true, true};
    constraints.add(mesh.facet_tag("zmin"), all);
    const double E = 17e9, nu = 0.3;
    lambda.assign(static_cast<std::size_t>(mesh.num_cells()), E * nu / ((1 + nu) * (1 - 2 * nu)));
    mu.assign(lambda.size(), E / (2 * (1 + nu)));
  }
};

void set_counters(benchmark::State& state, double dofs, double bytes) {
  state.counters["dofs"] = dofs;
  state.counters["MDof/s"] =
      benchmark::Counter(dofs * 1e-6, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["GB/s"] =
      benchmark::Counter(bytes * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// range(0): n; range(1): 1 = precomputed geometric factors, 0 = recomputed; range(2): space.
template <class Element>
void matrix_free_apply(benchmark::State& state) {
  Problem<Element> p(static_cast<int>(state.range(0)));
  solvers::MatrixFreeSettings settings;
  settings.precompute_geometry = state.range(1) != 0;
  settings.space = state.range(2) != 0 ? ExecutionSpace::cuda : ExecutionSpace::host;
  if (settings.space == ExecutionSpace::cuda && !cuda_available()) {
    state.SkipWithError(cuda_unavailable_reason().c_str());
    return;
  }
  auto op = solvers::MatrixFreeOperator::elasticity(p.elasticity.dofmap(), p.lambda, p.mu,
                                                    &p.constraints, settings);
  auto& device = op.device();
  auto x = device.vector(), y = device.vector();
  device.for_each_owned(kernels::Fill{1.0, x.data()});
  for (auto _ : state) {
    device.apply(x.data(), y.data());
    solvers::impl::synchronize(settings.space); // time the kernels, not their launches
  }
  const double cells = static_cast<double>(p.mesh.num_cells());
  const double dofs = static_cast<double>(p.elasticity.num_dofs());
  const double per_cell =
      (settings.precompute_geometry ? 80.0 : 32.0) + 16.0 + 4.0 * Element::num_nodes;
  set_counters(state, dofs, cells * per_cell + 32.0 * dofs);
}

template <class Element>
void assembled_apply(benchmark::State& state) {
  Problem<Element> p(static_cast<int>(state.range(0)));
  p.elasticity.assemble();
  const Mat k = p.elasticity.stiffness_matrix();
  la::Vector x, y;
  MatCreateVecs(k, x.out(), y.out());
  VecSet(x.get(), 1.0);
  for (auto _ : state)
    MatMult(k, x.get(), y.get());
  MatInfo info{};
  MatGetInfo(k, MAT_LOCAL, &info);
  PetscInt bs = 1;
  MatGetBlockSize(k, &bs);
  MatType type = nullptr;
  MatGetType(k, &type);
  const bool blocked = std::string(type).find("baij") != std::string::npos;
  const double dofs = static_cast<double>(p.elasticity.num_dofs());
  const double bytes = 8.0 * info.nz_used + 4.0 * info.nz_used / (blocked ? 9.0 : 1.0) +
                       16.0 * dofs + 4.0 * dofs / (blocked ? 3.0 : 1.0);
  state.SetLabel(type);
  set_counters(state, dofs, bytes);
}

} // namespace

int main(int argc, char** argv) {
  Environment env(argc, argv);
  // P1 and P2 on the same nodes (P2 on half the cells per side): 3·49³ = 353k DOFs.
  for (const int space : {0, 1}) {
    const char* suffix = space != 0 ? "/cuda" : "";
    for (const int precompute : {1, 0}) {
      benchmark::RegisterBenchmark((std::string("matrix_free<P1>") + suffix).c_str(),
                                   matrix_free_apply<fem::P1>)
          ->Args({48, precompute, space})
          ->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark((std::string("matrix_free<P2>") + suffix).c_str(),
                                   matrix_free_apply<fem::P2>)
          ->Args({24, precompute, space})
          ->Unit(benchmark::kMillisecond);
    }
  }
  benchmark::RegisterBenchmark("assembled<P1>", assembled_apply<fem::P1>)
      ->Arg(48)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("assembled<P2>", assembled_apply<fem::P2>)
      ->Arg(24)
      ->Unit(benchmark::kMillisecond);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
