#include "resorb/io/results.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/log.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/io/xdmf.hpp"
#include "resorb/la/petsc.hpp"

#include <nlohmann/json.hpp>

#include <fstream>

namespace resorb::io {

template <fem::LagrangeElement Element>
ElasticitySummary summarize(const physics::Elasticity<Element>& problem,
                            const solvers::SolveReport& report,
                            const std::vector<std::string>& force_groups,
                            const std::vector<std::string>& fixed_groups, const PhaseTimer& timer) {
  const auto& mesh = problem.mesh();
  const MPI_Comm comm = mesh.comm();
  ElasticitySummary s;
  s.mesh_source = mesh.source();
  s.ranks = mpi::size(comm);
  s.degree = Element::degree;
  s.dofs = problem.num_dofs();
  s.cells = mesh.num_global_cells();
  s.vertices = mesh.vertex_map().size_global();
  s.strain_energy_J = problem.strain_energy();
  s.max_displacement_m = problem.max_displacement();
  for (const auto& g : force_groups)
    s.axial_stiffness_N_per_m[g] = problem.axial_stiffness(g);
  for (const auto& g : fixed_groups)
    s.reaction_force_N[g] = problem.reaction_force(g);
  s.iterations = report.iterations;
  s.relative_residual = report.relative_residual;
  PhaseTimer all = timer;
  for (const auto& [name, seconds] : problem.timer().phases())
    all.add(name, seconds);
  s.phase_seconds = all.max_over_ranks(comm);
  const double peak = peak_memory_bytes();
  s.peak_memory_bytes_max_rank = mpi::max(comm, peak);
  s.peak_memory_bytes_total = mpi::sum(comm, peak);
  return s;
}

template <fem::LagrangeElement Element>
void write_fields(const physics::Elasticity<Element>& problem,
                  const std::filesystem::path& directory) {
  const auto& mesh = problem.mesh();
  const LocalIndex nv = mesh.vertex_map().num_owned();
  PointField u{"displacement", 3, std::vector<double>(3 * static_cast<std::size_t>(nv)), "m"};
  {
    const la::LocalRead values(problem.displacement());
    for (LocalIndex v = 0; v < nv; ++v)
      for (int d = 0; d < 3; ++d)
        u.values[3 * static_cast<std::size_t>(v) + d] =
            values[3 * problem.dofmap().vertex_node(v) + d];
  }
  auto [von_mises, hydrostatic] = problem.stress_invariants();
  const std::vector<PointField> points{std::move(u)};
  const std::vector<CellField> cells{{"von_mises_stress", 1, std::move(von_mises), "Pa"},
                                     {"hydrostatic_stress", 1, std::move(hydrostatic), "Pa"}};
  write_xdmf(mesh, directory, "elasticity", points, cells);
}

void write_summary(MPI_Comm comm, const ElasticitySummary& s,
                   const std::filesystem::path& directory) {
  if (mpi::rank(comm) != 0)
    return;
  nlohmann::ordered_json j;
  j["mesh"] = s.mesh_source;
  j["ranks"] = s.ranks;
  j["degree"] = s.degree;
  j["dofs"] = s.dofs;
  j["cells"] = s.cells;
  j["vertices"] = s.vertices;
  j["strain_energy_J"] = s.strain_energy_J;
  j["max_displacement_m"] = s.max_displacement_m;
  j["axial_stiffness_N_per_m"] = s.axial_stiffness_N_per_m;
  j["reaction_force_N"] = s.reaction_force_N;
  j["solver"] = {{"iterations", s.iterations}, {"relative_residual", s.relative_residual}};
  nlohmann::ordered_json phases;
  for (const auto& [name, seconds] : s.phase_seconds)
    phases[name] = seconds;
  j["wall_time_s"] = phases;
  j["peak_memory_bytes"] = {{"max_rank", s.peak_memory_bytes_max_rank},
                            {"total", s.peak_memory_bytes_total}};
  std::filesystem::create_directories(directory);
  const auto final_path = directory / "summary.json";
  const auto tmp = directory / "summary.json.tmp";
  {
    std::ofstream out(tmp);
    out << j.dump(2) << '\n';
    if (!out)
      throw Error(fmt::format("cannot write {}", tmp.string()));
  }
  std::filesystem::rename(tmp, final_path);
}

void print_summary(MPI_Comm comm, const ElasticitySummary& s) {
  log::info(comm, "results: {} DOFs on {} rank(s), {} CG iterations (relative residual {:.2e})",
            s.dofs, s.ranks, s.iterations, s.relative_residual);
  log::info(comm, "  strain energy        {:.6e} J", s.strain_energy_J);
  log::info(comm, "  max displacement     {:.6e} m", s.max_displacement_m);
  for (const auto& [g, k] : s.axial_stiffness_N_per_m)
    log::info(comm, "  axial stiffness of '{}'  {:.6e} N/m ({:.4g} kN/mm)", g, k, k * 1e-6);
  for (const auto& [g, r] : s.reaction_force_N)
    log::info(comm, "  reaction on '{}'  ({:.4g}, {:.4g}, {:.4g}) N", g, r[0], r[1], r[2]);
  std::string phases;
  for (const auto& [name, seconds] : s.phase_seconds)
    phases += fmt::format("{} {:.3f} s, ", name, seconds);
  log::info(comm, "  wall time: {}peak memory {:.1f} MiB (largest rank)", phases,
            s.peak_memory_bytes_max_rank / 1048576.0);
}

#define RESORB_INSTANTIATE(E)                                                                      \
  template ElasticitySummary summarize(const physics::Elasticity<E>&, const solvers::SolveReport&, \
                                       const std::vector<std::string>&,                            \
                                       const std::vector<std::string>&, const PhaseTimer&);        \
  template void write_fields(const physics::Elasticity<E>&, const std::filesystem::path&);
RESORB_INSTANTIATE(fem::P1)
RESORB_INSTANTIATE(fem::P2)
#undef RESORB_INSTANTIATE

} // namespace resorb::io
