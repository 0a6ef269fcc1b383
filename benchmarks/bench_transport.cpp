// One time step of the corrosion chemistry (4 species, film reactions, Barzegari NaCl
// parameters) on a box, the metal face held at [Mg]_sat: assembly + Newton + GMRES/ILU.
// Counters: MDof/s (unknowns = 4 × vertices per second of step), Newton and GMRES
// iterations per step.
//   bench_transport --benchmark_counters_tabular=true
//   mpirun -np 2 bench_transport      (fixed iteration counts, rank 0 reports)
#include <resorb/core/environment.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/physics/alloy.hpp>
#include <resorb/physics/corrosion.hpp>

#include <benchmark/benchmark.h>

#include "mpi_benchmark.hpp"

#include <initializer_list>
#include <utility>
#include <vector>

using namespace resorb;

namespace {

void corrosion_step(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {n, n, n}, {0, 0, 0}, {2e-3, 2e-3, 2e-3});
  const auto p = physics::corrosion_parameters(physics::read_alloy("pure_mg"), "nacl");
  std::vector<physics::Species> species;
  auto add = [&](const char* name, double initial, double d) {
    physics::Species s;
    s.name = name;
    s.initial = initial;
    s.default_diffusivity = d;
    species.push_back(s);
  };
  add("Mg2+", 0.0, p.diffusivity_mg);
  add("OH-", p.initial_oh, p.diffusivity_oh);
  add("Cl-", p.initial_cl, p.diffusivity_cl);
  add("Mg(OH)2", 0.0, 0.0);
  species[0].boundaries.push_back(
      {"xmin", physics::SpeciesBoundary::Kind::concentration, p.mg_saturation});
  const double ds = p.film_beta / (p.film_capacity * (1.0 - p.film_porosity));
  std::vector<physics::Reaction> reactions{{"film formation",
                                            p.film_formation_rate,
                                            {{"Mg2+", 1.0}},
                                            {{"Mg2+", -1.0}, {"Mg(OH)2", 1.0}},
                                            [ds](const double* u, double* g) {
                                              g[3] = -ds;
                                              return std::max(0.0, 1.0 - ds * u[3]);
                                            }},
                                           {"film breakdown",
                                            p.film_breakdown_rate,
                                            {{"Mg(OH)2", 1.0}, {"Cl-", 2.0}},
                                            {{"Mg(OH)2", -1.0}, {"Mg2+", 1.0}, {"OH-", 2.0}},
                                            {}}};
  physics::TransportSettings settings;
  settings.scheme = solvers::TimeScheme::backward_euler;
  settings.adaptive = false;
  settings.dt_initial = 60.0;
  physics::ReactionDiffusion problem(mesh, species, reactions, settings);
  (void)problem.step(1e9); // first step builds the preconditioner structures
  double newton = 0, linear = 0, steps = 0;
  for (auto _ : state) {
    const auto r = problem.step(1e9);
    newton += r.newton_iterations;
    linear += r.linear_iterations;
    steps += 1;
  }
  const double unknowns = 4.0 * static_cast<double>(mesh.vertex_map().size_global());
  state.counters["vertices"] = static_cast<double>(mesh.vertex_map().size_global());
  state.counters["Newton/step"] = newton / steps;
  state.counters["GMRES/step"] = linear / steps;
  state.counters["MDof/s"] =
      benchmark::Counter(unknowns * 1e-6, benchmark::Counter::kIsIterationInvariantRate);
}

} // namespace

int main(int argc, char** argv) {
  Environment env(argc, argv);
  const bool parallel = mpi::size(MPI_COMM_WORLD) > 1;
  for (const auto& [n, iterations] :
       std::initializer_list<std::pair<int, int>>{{16, 20}, {32, 5}, {53, 3}, {99, 1}}) {
    auto* b = benchmark::RegisterBenchmark("corrosion_step", corrosion_step)
                  ->Arg(n)
                  ->Unit(benchmark::kMillisecond);
    if (parallel)
      b->Iterations(iterations);
  }
  return bench::run_on_all_ranks(argc, argv);
}
