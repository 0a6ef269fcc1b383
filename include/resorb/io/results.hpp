#pragma once
/// @file
/// Writing the results of an elasticity run: XDMF+HDF5 fields and summary.json.

#include "resorb/core/timer.hpp"
#include "resorb/physics/elasticity.hpp"

#include <array>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace resorb::io {

/// Figures of one elasticity run, as written to summary.json (units in the key names).
struct ElasticitySummary {
  std::string mesh_source;                                       ///< mesh file or generator
  int ranks = 1;                                                 ///< MPI ranks
  int degree = 1;                                                ///< Lagrange degree
  GlobalIndex dofs = 0;                                          ///< global DOFs
  GlobalIndex cells = 0;                                         ///< global tetrahedra
  GlobalIndex vertices = 0;                                      ///< global vertices
  double strain_energy_J = 0.0;                                  ///< ½ uᵀ K u, J
  double max_displacement_m = 0.0;                               ///< max |u| over nodes, m
  std::map<std::string, double> axial_stiffness_N_per_m;         ///< per force-loaded surface
  std::map<std::string, std::array<double, 3>> reaction_force_N; ///< per fixed surface
  int iterations = 0;                                            ///< Krylov iterations
  double relative_residual = 0.0;                                ///< true ||b − A u|| / ||b||
  std::vector<std::pair<std::string, double>> phase_seconds;     ///< max over ranks, s
  double peak_memory_bytes_max_rank = 0.0;                       ///< largest rank's peak RSS
  double peak_memory_bytes_total = 0.0;                          ///< sum over ranks
};

/// Computes the summary figures of a solved problem. @p force_groups / @p fixed_groups name
/// the surfaces whose axial stiffness / reaction force is reported. @p timer holds the
/// caller's phases (read, partition, ...); the problem's own phases are appended. Collective.
template <fem::LagrangeElement Element>
[[nodiscard]] ElasticitySummary
summarize(const physics::Elasticity<Element>& problem, const solvers::SolveReport& report,
          const std::vector<std::string>& force_groups,
          const std::vector<std::string>& fixed_groups, const PhaseTimer& timer);

/// Writes `<directory>/elasticity.xdmf` + `.h5` (displacement at the vertices in m, von
/// Mises and hydrostatic stress per cell in Pa, cell tags). Collective.
template <fem::LagrangeElement Element>
void write_fields(const physics::Elasticity<Element>& problem,
                  const std::filesystem::path& directory);

/// Writes `summary.json` into @p directory on rank 0 (temporary file, then rename).
void write_summary(MPI_Comm comm, const ElasticitySummary& summary,
                   const std::filesystem::path& directory);

/// Prints the key figures of a summary on rank 0.
void print_summary(MPI_Comm comm, const ElasticitySummary& summary);

} // namespace resorb::io
