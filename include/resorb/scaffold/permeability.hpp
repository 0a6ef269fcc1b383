#pragma once
/// @file
/// Permeability of a periodic pore space from the Stokes cell problem: in one period, the
/// creeping flow driven by a unit mean pressure gradient along each axis, periodic, no slip
/// on the pore walls; Darcy's permeability is the mean velocity, k_ij = η ⟨u_i⟩ / |∇p| for
/// flow driven along j (Sanchez-Palencia 1980; Auriault).
/// Taylor–Hood elements (P2 velocity, P1 pressure) on the pore cells, solved directly.

#include "resorb/mesh/periodic_mesh.hpp"

#include <array>
#include <string>

namespace resorb::scaffold {

/// Settings of stokes_permeability().
struct PermeabilitySettings {
  /// PETSc options prefix of the saddle-point solve (default: MUMPS LDLᵀ; options such as
  /// `-permeability_pc_type lu` override it).
  std::string options_prefix = "permeability_";
};

/// What stokes_permeability() found.
struct StokesPermeability {
  std::array<std::array<double, 3>, 3> tensor{}; ///< k_ij, m² (symmetric)
  double fluid_fraction = 0.0;                   ///< pore volume / period volume
  GlobalIndex dofs = 0;                          ///< velocity and pressure unknowns
  int closed_pores = 0; ///< pore pieces that touch no periodic image (no through flow)
  double seconds = 0.0; ///< assembly, factorisation and the three solves
};

/// Permeability of the pores (cells tagged @p fluid_tag) of the periodic medium @p mesh; every
/// other cell is solid. Runs on one process (MPI_COMM_SELF).
/// @throws InputError for an invalid mesh or one without fluid cells; SolverError when the
///         factorisation fails
[[nodiscard]] StokesPermeability stokes_permeability(const mesh::PeriodicMesh& mesh, int fluid_tag,
                                                     const PermeabilitySettings& settings = {});

} // namespace resorb::scaffold
