#pragma once
/// @file
/// Conjugate gradients with a Chebyshev–Jacobi preconditioner on a matrix-free operator,
/// iterating where the operator lives (host or CUDA device): the right-hand side and the
/// initial guess go to the device once, the solution comes back once; in between only dot
/// products (8 bytes each) and the ghost entries neighbours share cross to the host.
///
/// Preconditioner: k steps of Chebyshev iteration on D⁻¹A (D = diag A, computed
/// matrix-free) from zero, with the interval [λ_max / smoothing_range, 1.1 λ_max]; λ_max of
/// D⁻¹A is estimated once per solve from a short Jacobi-preconditioned CG (Lanczos). A fixed
/// polynomial in D⁻¹A times D⁻¹ is symmetric and positive definite on the spectrum, so CG
/// stays valid. chebyshev_degree = 0 gives plain Jacobi.
///
/// Defaults (benchmarks/RESULTS.md, "Matrix-free operators"): on example 01 the operator
/// applications to converge hardly depend on the degree (580–630 for P1 at degree 2–8), while
/// the iterations, each with two global dot products (a host synchronisation and an
/// all-reduce), fall from 186 to 68; degree 4 with a range of 100 takes the fewest
/// applications per iteration saved.

#include "resorb/core/execution_space.hpp"
#include "resorb/solvers/linear_solver.hpp"
#include "resorb/solvers/matrix_free.hpp"

namespace resorb::solvers {

/// Settings of solve_device_cg().
struct DeviceCgSettings {
  double rtol = 1e-8;        ///< on ||b − A x|| / ||b|| (the recursive residual; checked after)
  double atol = 0.0;         ///< absolute tolerance on ||b − A x||
  int max_iterations = 5000; ///< reaching it is an error
  int chebyshev_degree = 4;  ///< operator applications per preconditioner step (0: Jacobi)
  double smoothing_range = 100.0; ///< λ_max / λ_min of the Chebyshev interval
  int eigenvalue_iterations = 20; ///< CG steps of the λ_max estimate
};

/// Outcome of solve_device_cg().
struct DeviceCgReport {
  SolveReport solve;                      ///< iterations, true relative residual, times
  double lambda_max = 0.0;                ///< estimated largest eigenvalue of D⁻¹A
  std::int64_t operator_applications = 0; ///< A x products, the estimate included
  TransferLog transfers;                  ///< host↔device copies of this solve
};

/// Solves A x = b with @p op; @p x holds the initial guess on entry (PETSc vectors with the
/// operator's owned layout). Collective.
/// @throws SolverError when the residual does not reach the tolerance in max_iterations, or
///   when the operator is not positive definite along a search direction
DeviceCgReport solve_device_cg(solvers::MatrixFreeOperator& op, Vec b, Vec x,
                               const DeviceCgSettings& settings = {});

} // namespace resorb::solvers
