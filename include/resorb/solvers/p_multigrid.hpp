#pragma once
/// @file
/// Two-level p-multigrid: a high-order operator smoothed on its own level, corrected by a
/// solve of the P1 operator on the same mesh.

#include "resorb/la/petsc.hpp"
#include "resorb/solvers/petsc_options.hpp"

#include <string>

namespace resorb::solvers {

/// Settings of configure_p_multigrid().
struct PMultigridSettings {
  int smoothing_steps = 1;             ///< Chebyshev steps before and after the coarse correction
  std::string coarse_pc_type = "gamg"; ///< preconditioner applied once to the P1 level
  OptionList coarse_defaults;          ///< defaults under `<prefix>p1_` (e.g. tuned GAMG options)
};

/// Makes the preconditioner of @p ksp (whose options prefix is @p prefix) a two-level
/// multiplicative PCMG: on the fine level @p settings.smoothing_steps of Chebyshev with
/// point-block Jacobi (options prefix `<prefix>p2_`: `-elasticity_p2_ksp_max_it 3`), the
/// coarse level @p coarse_operator (P1) with one application of @p settings.coarse_pc_type
/// (prefix `<prefix>p1_`: `-elasticity_p1_pc_type hypre`), the two joined by
/// @p interpolation (fine × coarse; restriction is its transpose). The coarse operator is
/// given, not formed as a Galerkin product: for nested Lagrange spaces and exact quadrature
/// the rediscretised P1 operator is Pᵀ A P. Call after the KSP has read its options and
/// before its set-up. Options of the two levels are read here.
/// @throws InputError naming the option when PETSc rejects one of the levels' options
void configure_p_multigrid(KSP ksp, const std::string& prefix, Mat interpolation,
                           Mat coarse_operator, const PMultigridSettings& settings);

} // namespace resorb::solvers
