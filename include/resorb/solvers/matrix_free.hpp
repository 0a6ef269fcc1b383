#pragma once
/// @file
/// Matrix-free operators: y = A x computed cell by cell at the quadrature points, without an
/// assembled matrix, on the host or on a CUDA device, from the same kernels (kernels/).
///
/// Elasticity (P1, P2) and the scalar P1 reaction–diffusion operator. Dirichlet DOFs are
/// eliminated symmetrically as in the assembled matrices (fem::DirichletConstraints), so
/// apply() equals MatMult with the assembled, eliminated matrix. Data (cell nodes, geometric
/// factors, coefficients, work vectors) stay in the operator's execution space; ghost
/// entries are exchanged between ranks through the host. The PETSc interface (apply(),
/// petsc_shell()) copies the owned values in and out; solvers::solve_device_cg works on
/// the device-resident vectors.

#include "resorb/core/execution_space.hpp"
#include "resorb/fem/dirichlet.hpp"
#include "resorb/fem/dof_map.hpp"
#include "resorb/la/petsc.hpp"

#include <memory>
#include <span>

namespace resorb::solvers {

namespace impl {
class DeviceOperator;
}

/// How a matrix-free operator runs.
struct MatrixFreeSettings {
  ExecutionSpace space = ExecutionSpace::host; ///< where data live and kernels run
  /// Store J⁻¹ and |det J| per cell (80 bytes) instead of recomputing them from the vertex
  /// coordinates at every apply (benchmarks/RESULTS.md, "Matrix-free operators").
  bool precompute_geometry = true;
};

/// Coefficients of the scalar P1 reaction–diffusion operator
/// A = σ M + div(d ∇·) − lumped reaction (kernels/reaction_diffusion_action.hpp).
struct ReactionDiffusionCoefficients {
  double shift = 0.0;                        ///< σ (time-stepping shift a0/dt), 1/s
  bool lumped_mass = true;                   ///< lumped (row-sum) or consistent mass
  std::span<const double> diffusivity;       ///< per local cell, m²/s (> 0)
  std::span<const double> reaction_rate;     ///< ∂R/∂u per local node, 1/s (empty: none)
  std::span<const double> reaction_fraction; ///< per local cell, 0..1 (empty: 1)
};

/// A matrix-free linear operator on the DOFs of a fem::DofMap (block_size() values per node).
class MatrixFreeOperator {
public:
  /// Elasticity with per-cell Lamé parameters @p lambda and @p mu (Pa, one per local cell)
  /// on @p dofmap (P1 or P2), with @p constraints eliminated (none when null). The dofmap
  /// and constraints must outlive the operator; the coefficients are copied. Collective.
  /// @throws InputError for a non-positive μ or a space that is not available
  [[nodiscard]] static MatrixFreeOperator
  elasticity(const fem::DofMap& dofmap, std::span<const double> lambda, std::span<const double> mu,
             const fem::DirichletConstraints* constraints, const MatrixFreeSettings& settings = {});
  /// The scalar reaction–diffusion operator on a P1 @p dofmap. Collective.
  /// @throws InputError for a negative diffusivity, a P2 space or a space that is not available
  [[nodiscard]] static MatrixFreeOperator
  reaction_diffusion(const fem::DofMap& dofmap, const ReactionDiffusionCoefficients& coefficients,
                     const fem::DirichletConstraints* constraints,
                     const MatrixFreeSettings& settings = {});

  MatrixFreeOperator(MatrixFreeOperator&&) noexcept;
  MatrixFreeOperator& operator=(MatrixFreeOperator&&) noexcept;
  ~MatrixFreeOperator();

  /// New Lamé parameters of an elasticity operator (a degrading implant's next solve): only
  /// the two per-cell arrays are copied to the device; mesh data and work vectors stay.
  /// Collective. @throws InputError as elasticity(); Error for another operator
  void set_lame_parameters(std::span<const double> lambda, std::span<const double> mu);

  /// Values per node (3 for elasticity, 1 for reaction–diffusion).
  [[nodiscard]] int block_size() const;
  /// Where the operator runs.
  [[nodiscard]] ExecutionSpace space() const;
  /// The node numbering.
  [[nodiscard]] const fem::DofMap& dofmap() const;

  /// y = A x. @p x and @p y are PETSc vectors with the owned layout of the fem::DofMap (ghosted
  /// or not). Collective.
  void apply(Vec x, Vec y);
  /// y = A x without the Dirichlet elimination. Collective.
  void apply_unconstrained(Vec x, Vec y);
  /// d = diag(A), the assembled matrix's diagonal (at constrained DOFs the unconstrained
  /// one, which the eliminated row keeps). Collective.
  void diagonal(Vec d);
  /// The right-hand side of the eliminated system: b_i −= (A_full g)_i at free DOFs and
  /// b_i = d_i g_i at constrained ones, where @p g holds the prescribed values (zero
  /// elsewhere, e.g. from DirichletConstraints::initial_guess). Collective.
  void lift(Vec g, Vec b);
  /// A PETSc MATSHELL whose MatMult and MatGetDiagonal call this operator, for KSP and the
  /// point-wise preconditioners (`-pc_type jacobi`, `-pc_type none`, Chebyshev smoothing).
  /// The operator must outlive it.
  [[nodiscard]] la::Matrix petsc_shell();
  /// Host↔device copies made so far (all zero on the host).
  [[nodiscard]] const TransferLog& transfers() const;

  /// The device-resident operator (library solvers).
  [[nodiscard]] impl::DeviceOperator& device() { return *op_; }

private:
  explicit MatrixFreeOperator(std::unique_ptr<impl::DeviceOperator> op);
  std::unique_ptr<impl::DeviceOperator> op_;
};

} // namespace resorb::solvers
