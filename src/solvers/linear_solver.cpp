#include "resorb/solvers/linear_solver.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/solvers/petsc_options.hpp"

#include <fmt/format.h>

#include <chrono>

namespace resorb::solvers {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
} // namespace

LinearSolver::LinearSolver(MPI_Comm comm, const LinearSolverSettings& s) {
  RESORB_PETSC(KSPCreate(comm, ksp_.out()));
  if (!s.options_prefix.empty())
    RESORB_PETSC(KSPSetOptionsPrefix(ksp_.get(), s.options_prefix.c_str()));
  RESORB_PETSC(KSPSetType(ksp_.get(), s.ksp_type.c_str()));
  PC pc = nullptr;
  RESORB_PETSC(KSPGetPC(ksp_.get(), &pc));
  RESORB_PETSC(PCSetType(pc, s.pc_type.empty() ? PCGAMG : s.pc_type.c_str()));
  if (s.ksp_type == "cg")
    RESORB_PETSC(KSPSetNormType(ksp_.get(), KSP_NORM_UNPRECONDITIONED));
  RESORB_PETSC(KSPSetTolerances(ksp_.get(), s.rtol, s.atol, PETSC_DEFAULT, s.max_iterations));
  set_default_options(s.options_prefix, s.default_options);
  read_options_checked(s.options_prefix, [&] { RESORB_PETSC(KSPSetFromOptions(ksp_.get())); });
}

void LinearSolver::set_operator(Mat a) {
  a_ = a;
  RESORB_PETSC(KSPSetOperators(ksp_.get(), a, a));
  set_up_ = false;
}

void LinearSolver::setup() {
  const auto t0 = std::chrono::steady_clock::now();
  RESORB_PETSC(KSPSetUp(ksp_.get()));
  setup_seconds_ = seconds_since(t0);
  set_up_ = true;
}

SolveReport LinearSolver::solve(Vec b, Vec x) {
  RESORB_REQUIRE(a_ != nullptr, SolverError, "LinearSolver::solve called before set_operator");
  if (!set_up_)
    setup();
  MPI_Comm comm = MPI_COMM_NULL;
  RESORB_PETSC(PetscObjectGetComm(reinterpret_cast<PetscObject>(ksp_.get()), &comm));
  SolveReport report;
  report.setup_seconds = mpi::max(comm, setup_seconds_);
  const auto t0 = std::chrono::steady_clock::now();
  RESORB_PETSC(KSPSolve(ksp_.get(), b, x));
  report.solve_seconds = mpi::max(comm, seconds_since(t0));
  KSPConvergedReason reason{};
  RESORB_PETSC(KSPGetConvergedReason(ksp_.get(), &reason));
  PetscInt its = 0;
  RESORB_PETSC(KSPGetIterationNumber(ksp_.get(), &its));
  report.iterations = static_cast<int>(its);
  report.reason = KSPConvergedReasons[reason];

  la::Vector r;
  RESORB_PETSC(VecDuplicate(b, r.out()));
  RESORB_PETSC(MatMult(a_, x, r.get()));
  RESORB_PETSC(VecAYPX(r.get(), -1.0, b));
  PetscReal rnorm = 0.0, bnorm = 0.0;
  RESORB_PETSC(VecNorm(r.get(), NORM_2, &rnorm));
  RESORB_PETSC(VecNorm(b, NORM_2, &bnorm));
  report.relative_residual = bnorm > 0 ? rnorm / bnorm : rnorm;
  RESORB_REQUIRE(
      reason >= 0, SolverError,
      fmt::format(
          "linear solver did not converge: {} after {} iterations (relative residual {:.3e}); "
          "try -ksp_max_it, another -pc_type, or check the boundary conditions (a body free to "
          "move has no unique solution)",
          report.reason, report.iterations, report.relative_residual));
  return report;
}

} // namespace resorb::solvers
