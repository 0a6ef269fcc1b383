#include "resorb/solvers/device_cg.hpp"

#include "solvers/matrix_free/device_operator.hpp"
#include "vector_kernels.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"

#include <Eigen/Eigenvalues>
#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <vector>

namespace resorb::solvers {

namespace {

using impl::DeviceArray;
using impl::DeviceOperator;

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// A pseudo-random value in [-1, 1] per global DOF: the same start vector on any number of
// ranks, so the eigenvalue estimate and the iterates do not depend on the partition.
double hashed_value(std::uint64_t i) {
  i += 0x9e3779b97f4a7c15ULL;
  i = (i ^ (i >> 30)) * 0xbf58476d1ce4e5b9ULL;
  i = (i ^ (i >> 27)) * 0x94d049bb133111ebULL;
  i ^= i >> 31;
  return static_cast<double>(i >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

/// The Chebyshev–Jacobi preconditioner z = p(D⁻¹A) D⁻¹ r and its work vectors.
class ChebyshevJacobi {
public:
  ChebyshevJacobi(DeviceOperator& op, int degree)
      : op_(op), degree_(degree), dinv_(op.vector()), d_(op.vector()), az_(op.vector()) {
    const double bad = impl::sum(op.space(), op.owned_size(), kernels::NonPositive{op.diagonal()});
    const double bad_total = mpi::sum(op.dofmap().index_map().comm(), bad);
    RESORB_REQUIRE(bad_total == 0.0, SolverError,
                   fmt::format("device CG: {} diagonal entries of the operator are not positive: "
                               "Jacobi scaling needs a positive diagonal (a node without "
                               "diffusion, mass or stiffness?)",
                               bad_total));
    op.for_each_owned(kernels::Reciprocal{op.diagonal(), dinv_.data()});
  }

  [[nodiscard]] const double* inverse_diagonal() const { return dinv_.data(); }

  void set_interval(double lambda_min, double lambda_max) {
    theta_ = 0.5 * (lambda_max + lambda_min);
    delta_ = 0.5 * (lambda_max - lambda_min);
  }

  // z = P r (z's ghost entries are overwritten by the operator's exchange).
  std::int64_t apply(const double* r, double* z) {
    op_.for_each_owned(kernels::Multiply{dinv_.data(), r, z});
    if (degree_ == 0)
      return 0;
    // Saad, Alg. 12.1 from z₀ = 0: d₀ = D⁻¹r / θ, then d = ρρ' d + 2ρ/δ D⁻¹(r − A z).
    op_.for_each_owned(kernels::Axpby{0.0, z, 1.0 / theta_, z});
    op_.for_each_owned(kernels::Axpby{1.0, z, 0.0, d_.data()});
    const double sigma = theta_ / delta_;
    double rho = 1.0 / sigma;
    for (int k = 0; k < degree_; ++k) {
      op_.apply(z, az_.data());
      const double next = 1.0 / (2.0 * sigma - rho);
      op_.for_each_owned(kernels::ChebyshevStep{r, az_.data(), dinv_.data(), next * rho,
                                                2.0 * next / delta_, d_.data(), z});
      rho = next;
    }
    return degree_;
  }

private:
  DeviceOperator& op_;
  int degree_;
  DeviceArray<double> dinv_, d_, az_;
  double theta_ = 1.0, delta_ = 0.5;
};

// Largest eigenvalue of D⁻¹A from the Lanczos tridiagonal of a Jacobi-preconditioned CG
// on A y = v with a hashed v.
double estimate_lambda_max(DeviceOperator& op, const double* dinv, int steps,
                           std::int64_t& applications) {
  const auto n = static_cast<std::size_t>(op.owned_size());
  std::vector<double> v(n);
  const auto& map = op.dofmap().index_map();
  for (std::size_t i = 0; i < n; ++i)
    v[i] = hashed_value(static_cast<std::uint64_t>(op.block_size() * map.offset()) + i);
  auto r = op.vector(), z = op.vector(), p = op.vector(), q = op.vector();
  r.upload(v, op.log());
  op.for_each_owned(kernels::Multiply{dinv, r.data(), z.data()});
  op.for_each_owned(kernels::Axpby{1.0, z.data(), 0.0, p.data()});
  double rz = op.dot(r.data(), z.data());
  std::vector<double> alphas, betas;
  for (int k = 0; k < steps && rz > 0.0; ++k) {
    op.apply(p.data(), q.data());
    ++applications;
    const double pq = op.dot(p.data(), q.data());
    if (!(pq > 0.0))
      break;
    const double alpha = rz / pq;
    alphas.push_back(alpha);
    op.for_each_owned(kernels::Axpby{-alpha, q.data(), 1.0, r.data()});
    op.for_each_owned(kernels::Multiply{dinv, r.data(), z.data()});
    const double rz_next = op.dot(r.data(), z.data());
    const double beta = rz_next / rz;
    betas.push_back(beta);
    op.for_each_owned(kernels::Axpby{1.0, z.data(), beta, p.data()});
    rz = rz_next;
  }
  RESORB_REQUIRE(!alphas.empty(), SolverError,
                 "device CG: the operator is not positive definite (eigenvalue estimate)");
  const auto m = static_cast<Eigen::Index>(alphas.size());
  Eigen::MatrixXd t = Eigen::MatrixXd::Zero(m, m);
  for (Eigen::Index j = 0; j < m; ++j) {
    const auto uj = static_cast<std::size_t>(j);
    t(j, j) = 1.0 / alphas[uj] + (j > 0 ? betas[uj - 1] / alphas[uj - 1] : 0.0);
    if (j + 1 < m)
      t(j, j + 1) = t(j + 1, j) = std::sqrt(betas[uj]) / alphas[uj];
  }
  return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(t, Eigen::EigenvaluesOnly)
      .eigenvalues()
      .maxCoeff();
}

} // namespace

DeviceCgReport solve_device_cg(solvers::MatrixFreeOperator& op_wrapper, Vec b, Vec x,
                               const DeviceCgSettings& s) {
  RESORB_REQUIRE(s.chebyshev_degree >= 0 && s.smoothing_range > 1.0 && s.max_iterations > 0 &&
                     s.eigenvalue_iterations >= 1 && s.rtol >= 0.0 && s.atol >= 0.0,
                 InputError,
                 fmt::format("device CG: bad settings (chebyshev_degree {}, smoothing_range {}, "
                             "max_iterations {}, eigenvalue_iterations {}, rtol {}, atol {})",
                             s.chebyshev_degree, s.smoothing_range, s.max_iterations,
                             s.eigenvalue_iterations, s.rtol, s.atol));
  DeviceOperator& op = op_wrapper.device();
  const TransferLog start_log = op.log();
  DeviceCgReport report;
  const auto t_setup = std::chrono::steady_clock::now();
  const auto n = static_cast<std::size_t>(op.owned_size());

  auto bd = op.vector(), xd = op.vector(), r = op.vector(), z = op.vector(), p = op.vector(),
       q = op.vector();
  {
    const PetscScalar* a = nullptr;
    RESORB_PETSC(VecGetArrayRead(b, &a));
    bd.upload(std::span<const double>(a, n), op.log());
    RESORB_PETSC(VecRestoreArrayRead(b, &a));
    RESORB_PETSC(VecGetArrayRead(x, &a));
    xd.upload(std::span<const double>(a, n), op.log());
    RESORB_PETSC(VecRestoreArrayRead(x, &a));
  }
  ChebyshevJacobi preconditioner(op, s.chebyshev_degree);
  if (s.chebyshev_degree > 0) {
    report.lambda_max = estimate_lambda_max(op, preconditioner.inverse_diagonal(),
                                            s.eigenvalue_iterations, report.operator_applications);
    const double upper = 1.1 * report.lambda_max;
    preconditioner.set_interval(upper / s.smoothing_range, upper);
  }
  report.solve.setup_seconds = seconds_since(t_setup);

  const auto t_solve = std::chrono::steady_clock::now();
  // r = b − A x
  op.apply(xd.data(), r.data());
  ++report.operator_applications;
  op.for_each_owned(kernels::Axpby{1.0, bd.data(), -1.0, r.data()});
  const double bnorm = std::sqrt(op.dot(bd.data(), bd.data()));
  const double target = std::max(s.rtol * bnorm, s.atol);
  double rnorm = std::sqrt(op.dot(r.data(), r.data()));
  int iterations = 0;
  if (rnorm > target) {
    report.operator_applications += preconditioner.apply(r.data(), z.data());
    op.for_each_owned(kernels::Axpby{1.0, z.data(), 0.0, p.data()});
    double rz = op.dot(r.data(), z.data());
    while (rnorm > target) {
      if (iterations == s.max_iterations)
        throw SolverError(fmt::format(
            "device CG did not converge in {} iterations: residual {:.3e} of ||b|| = {:.3e} "
            "(rtol {:.1e}); raise [solver] max_iterations or the Chebyshev degree",
            iterations, rnorm, bnorm, s.rtol));
      op.apply(p.data(), q.data());
      ++report.operator_applications;
      const double pq = op.dot(p.data(), q.data());
      if (!(pq > 0.0))
        throw SolverError(fmt::format("device CG: p·Ap = {:.3e} at iteration {}: the operator "
                                      "is not positive definite",
                                      pq, iterations));
      const double alpha = rz / pq;
      op.for_each_owned(kernels::Axpby{alpha, p.data(), 1.0, xd.data()});
      op.for_each_owned(kernels::Axpby{-alpha, q.data(), 1.0, r.data()});
      rnorm = std::sqrt(op.dot(r.data(), r.data()));
      ++iterations;
      if (rnorm <= target)
        break;
      report.operator_applications += preconditioner.apply(r.data(), z.data());
      const double rz_next = op.dot(r.data(), z.data());
      if (!(rz_next > 0.0))
        throw SolverError(fmt::format(
            "device CG: r·Pr = {:.3e} at iteration {}: the Chebyshev preconditioner is not "
            "positive definite (λ_max estimate {:.4g} too low?); raise "
            "eigenvalue_iterations",
            rz_next, iterations, report.lambda_max));
      op.for_each_owned(kernels::Axpby{1.0, z.data(), rz_next / rz, p.data()});
      rz = rz_next;
    }
  }
  // The true residual, as LinearSolver reports it.
  op.apply(xd.data(), r.data());
  ++report.operator_applications;
  op.for_each_owned(kernels::Axpby{1.0, bd.data(), -1.0, r.data()});
  const double true_norm = std::sqrt(op.dot(r.data(), r.data()));
  {
    PetscScalar* a = nullptr;
    RESORB_PETSC(VecGetArray(x, &a));
    xd.download(std::span<double>(a, n), op.log());
    RESORB_PETSC(VecRestoreArray(x, &a));
  }
  report.solve.iterations = iterations;
  report.solve.relative_residual = bnorm > 0.0 ? true_norm / bnorm : true_norm;
  report.solve.reason = "CONVERGED_RTOL (device CG)";
  report.solve.solve_seconds = seconds_since(t_solve);
  report.transfers = op.log().since(start_log);
  return report;
}

} // namespace resorb::solvers
