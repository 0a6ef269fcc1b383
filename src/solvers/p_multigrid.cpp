#include "resorb/solvers/p_multigrid.hpp"

#include "resorb/core/error.hpp"

namespace resorb::solvers {

void configure_p_multigrid(KSP ksp, const std::string& prefix, Mat interpolation,
                           Mat coarse_operator, const PMultigridSettings& settings) {
  PC pc = nullptr;
  RESORB_PETSC(KSPGetPC(ksp, &pc));
  RESORB_PETSC(PCSetType(pc, PCMG));
  RESORB_PETSC(PCMGSetLevels(pc, 2, nullptr));
  RESORB_PETSC(PCMGSetType(pc, PC_MG_MULTIPLICATIVE));
  RESORB_PETSC(PCMGSetGalerkin(pc, PC_MG_GALERKIN_NONE));
  RESORB_PETSC(PCMGSetInterpolation(pc, 1, interpolation));

  // Fine level: Chebyshev on [0.1, 1.1] λ_max of the point-block-Jacobi-scaled operator
  // (λ_max estimated once per set-up), which damps what the P1 level cannot represent.
  KSP smoother = nullptr;
  RESORB_PETSC(PCMGGetSmoother(pc, 1, &smoother));
  const std::string fine = prefix + "p2_";
  RESORB_PETSC(KSPSetOptionsPrefix(smoother, fine.c_str()));
  RESORB_PETSC(KSPSetType(smoother, KSPCHEBYSHEV));
  RESORB_PETSC(KSPChebyshevEstEigSet(smoother, 0.0, 0.1, 0.0, 1.1));
  RESORB_PETSC(KSPSetTolerances(smoother, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT,
                                settings.smoothing_steps));
  PC smoother_pc = nullptr;
  RESORB_PETSC(KSPGetPC(smoother, &smoother_pc));
  RESORB_PETSC(PCSetType(smoother_pc, PCPBJACOBI));
  read_options_checked(fine, [&] { RESORB_PETSC(KSPSetFromOptions(smoother)); });

  // Coarse level: the P1 operator, one preconditioner application (a W-cycle of GAMG by
  // default), not an inner Krylov solve: the outer CG sees a fixed linear operator.
  KSP coarse = nullptr;
  RESORB_PETSC(PCMGGetCoarseSolve(pc, &coarse));
  const std::string p1 = prefix + "p1_";
  RESORB_PETSC(KSPSetOptionsPrefix(coarse, p1.c_str()));
  RESORB_PETSC(KSPSetOperators(coarse, coarse_operator, coarse_operator));
  RESORB_PETSC(KSPSetType(coarse, KSPPREONLY));
  PC coarse_pc = nullptr;
  RESORB_PETSC(KSPGetPC(coarse, &coarse_pc));
  RESORB_PETSC(PCSetType(coarse_pc, settings.coarse_pc_type.c_str()));
  set_default_options(p1, settings.coarse_defaults);
  read_options_checked(p1, [&] { RESORB_PETSC(KSPSetFromOptions(coarse)); });
}

} // namespace resorb::solvers
