#pragma once
/// @file
/// Krylov solver set-up (PETSc KSP) with resorb's defaults and PETSc options pass-through.

#include "resorb/core/execution_space.hpp"
#include "resorb/la/petsc.hpp"
#include "resorb/solvers/petsc_options.hpp"

#include <string>
#include <utility>
#include <vector>

namespace resorb::solvers {

/// Defaults of a linear solve. Command-line PETSc options (`-ksp_type`, `-pc_type`,
/// `-ksp_rtol`, ...) with the solver's prefix override every field.
struct LinearSolverSettings {
  std::string ksp_type = "cg"; ///< Krylov method
  /// Preconditioner; "" lets the physics choose (elasticity: GAMG for P1, p-multigrid for
  /// P2), and LinearSolver itself takes GAMG.
  std::string pc_type;
  double rtol = 1e-8;         ///< relative tolerance on the true (unpreconditioned) residual
  double atol = 0.0;          ///< absolute tolerance
  int max_iterations = 5000;  ///< iteration limit; reaching it is an error
  std::string options_prefix; ///< PETSc options prefix ("" = no prefix)
  /// PETSc options (name with its leading '-' and without the prefix, value; "" for a flag)
  /// that apply unless the options database already has them: a physics' tuned defaults
  /// that the command line and `[solver] petsc_options` can still override. They stay in
  /// the database under options_prefix, so later solvers with the same prefix share them.
  OptionList default_options;
  /// Re-solves of the same problem (new coefficients, same sparsity) keep the Krylov solver
  /// and the preconditioner's structure (GAMG: aggregates and prolongators, with
  /// `-pc_gamg_reuse_interpolation`) and start from the last solution; false builds
  /// everything afresh and starts from zero (benchmarks/RESULTS.md: what reuse saves).
  bool reuse = true;
  /// Where the operator is applied (`[solver] device`): "cpu", or "cuda" (matrix-free on the
  /// GPU, one per rank). Physics without a matrix-free operator ignore it.
  ExecutionSpace device = ExecutionSpace::host;
  /// Apply the operator matrix-free instead of assembling it (`[solver] matrix_free`; always
  /// on "cuda"). With pc_type "" or "chebyshev" the solve is solvers::solve_device_cg
  /// (CG + Chebyshev–Jacobi, resident where the operator is); any other pc_type goes through
  /// PETSc's KSP with the operator as a MATSHELL (point-wise PCs: jacobi, none).
  bool matrix_free = false;
};

/// Outcome of one solve.
struct SolveReport {
  int iterations = 0;             ///< Krylov iterations
  double relative_residual = 0.0; ///< ||b - A x|| / ||b||, recomputed after the solve
  std::string reason;             ///< PETSc's converged reason
  double setup_seconds = 0.0;     ///< preconditioner set-up wall time (max over ranks)
  double solve_seconds = 0.0;     ///< iteration wall time (max over ranks)
  TransferLog transfers;          ///< host↔device copies (matrix-free on a device)
};

/// A configured KSP. The operator can be replaced (e.g. new coefficients) and the solver
/// reused; the preconditioner is rebuilt on the next solve.
class LinearSolver {
public:
  /// Creates the KSP on @p comm with @p settings; PETSc options are read here.
  LinearSolver(MPI_Comm comm, const LinearSolverSettings& settings);
  /// Sets the operator (and preconditioning matrix). Does not take ownership.
  void set_operator(Mat a);
  /// Builds the preconditioner for the current operator.
  void setup();
  /// Solves A x = b. x is the initial guess on entry.
  /// @throws SolverError naming PETSc's reason when the iteration diverges or stalls
  SolveReport solve(Vec b, Vec x);
  /// The underlying KSP, for advanced configuration.
  [[nodiscard]] KSP ksp() const { return ksp_.get(); }

private:
  la::Krylov ksp_;
  Mat a_ = nullptr;
  bool set_up_ = false;
  double setup_seconds_ = 0.0;
};

} // namespace resorb::solvers
