#include "resorb/solvers/matrix_free.hpp"

#include "cell_apply.hpp"
#include "device_operator.hpp"
#include "elasticity_action.hpp"
#include "reaction_diffusion_action.hpp"
#include "vector_kernels.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <string>

namespace resorb::solvers {

namespace impl {
namespace {

/// Geometry policy of an action and the arrays behind it.
template <class Geometry>
struct GeometryStorage;

template <>
struct GeometryStorage<kernels::PrecomputedGeometry> {
  DeviceArray<double> factors;
  GeometryStorage(const mesh::TetMesh& mesh, ExecutionSpace space, TransferLog& log) {
    std::vector<double> f(static_cast<std::size_t>(kernels::affine_factor_size) *
                          static_cast<std::size_t>(mesh.num_cells()));
    for (LocalIndex c = 0; c < mesh.num_cells(); ++c) {
      mesh::CellCoordinates x;
      mesh.cell_coordinates(c, x);
      kernels::store_factors(kernels::affine_factors(x),
                             f.data() +
                                 static_cast<std::ptrdiff_t>(kernels::affine_factor_size) * c);
    }
    factors = DeviceArray<double>(space, f, log);
  }
  [[nodiscard]] kernels::PrecomputedGeometry policy() const { return {factors.data()}; }
};

template <>
struct GeometryStorage<kernels::RecomputedGeometry> {
  DeviceArray<LocalIndex> cells;
  DeviceArray<double> coordinates;
  GeometryStorage(const mesh::TetMesh& mesh, ExecutionSpace space, TransferLog& log)
      : cells(space, mesh.cells(), log), coordinates(space, mesh.coordinates(), log) {}
  [[nodiscard]] kernels::RecomputedGeometry policy() const {
    return {cells.data(), coordinates.data()};
  }
};

/// The cell loops of one kernel action over the operator's cells.
template <class Action>
class CellActionOperator : public DeviceOperator {
protected:
  CellActionOperator(const fem::DofMap& dofmap, const fem::DirichletConstraints* constraints,
                     ExecutionSpace space)
      : DeviceOperator(dofmap, Action::block_size, constraints, space),
        nodes_(space, dofmap.cell_nodes(), log()) {}

  DeviceArray<LocalIndex> nodes_; ///< cell nodes
  Action action_{};               ///< set by the derived constructor

private:
  void apply_cells(const double* x, double* y, const char* fixed) final {
    for_each(space(), dofmap().mesh().num_cells(),
             kernels::CellApply<Action>{action_, nodes_.data(), fixed, x, y});
  }
  void diagonal_cells(double* d) final {
    for_each(space(), dofmap().mesh().num_cells(),
             kernels::CellDiagonal<Action>{action_, nodes_.data(), d});
  }
};

/// Elasticity on device arrays.
template <class Element, class Geometry>
class ElasticityOperator final
    : public CellActionOperator<kernels::ElasticityAction<Element, Geometry>> {
public:
  ElasticityOperator(const fem::DofMap& dofmap, std::span<const double> lambda,
                     std::span<const double> mu, const fem::DirichletConstraints* constraints,
                     ExecutionSpace space)
      : CellActionOperator<kernels::ElasticityAction<Element, Geometry>>(dofmap, constraints,
                                                                         space),
        geometry_(dofmap.mesh(), space, this->log()), lambda_(space, lambda, this->log()),
        mu_(space, mu, this->log()) {
    this->action_ = {{}, geometry_.policy(), lambda_.data(), mu_.data()};
    this->finish_setup();
  }

  void set_cell_coefficients(std::span<const double> lambda, std::span<const double> mu) override {
    lambda_.upload(lambda, this->log());
    mu_.upload(mu, this->log());
    this->finish_setup();
  }

private:
  GeometryStorage<Geometry> geometry_;
  DeviceArray<double> lambda_, mu_;
};

/// Scalar P1 reaction–diffusion on device arrays.
template <class Geometry>
class ReactionDiffusionOperator final
    : public CellActionOperator<kernels::ReactionDiffusionAction<Geometry>> {
public:
  ReactionDiffusionOperator(const fem::DofMap& dofmap, const ReactionDiffusionCoefficients& k,
                            const fem::DirichletConstraints* constraints, ExecutionSpace space)
      : CellActionOperator<kernels::ReactionDiffusionAction<Geometry>>(dofmap, constraints, space),
        geometry_(dofmap.mesh(), space, this->log()),
        diffusivity_(space, k.diffusivity, this->log()), rate_(space, k.reaction_rate, this->log()),
        fraction_(space, k.reaction_fraction, this->log()) {
    kernels::ReactionDiffusionCoefficients coefficients;
    coefficients.shift = k.shift;
    coefficients.lumped_mass = k.lumped_mass;
    coefficients.diffusivity = diffusivity_.data();
    coefficients.reaction_rate = k.reaction_rate.empty() ? nullptr : rate_.data();
    coefficients.reaction_fraction = k.reaction_fraction.empty() ? nullptr : fraction_.data();
    this->action_ = {geometry_.policy(), this->nodes_.data(), coefficients};
    this->finish_setup();
  }

private:
  GeometryStorage<Geometry> geometry_;
  DeviceArray<double> diffusivity_, rate_, fraction_;
};

// Checks that the space can run here; on CUDA, binds this rank to the GPU of its rank within
// the node (ranks sharing a node share its GPUs round-robin). Collective.
void check_space(const fem::DofMap& dofmap, ExecutionSpace space) {
  if (space != ExecutionSpace::cuda)
    return;
  const MPI_Comm comm = dofmap.index_map().comm();
  std::optional<std::string> error;
  if (!cuda_available())
    error = fmt::format("device = \"cuda\" was asked for, but {}", cuda_unavailable_reason());
  mpi::throw_first_error<InputError>(comm, error);
#if RESORB_HAVE_CUDA
  MPI_Comm node = MPI_COMM_NULL;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, mpi::rank(comm), MPI_INFO_NULL, &node);
  const int node_rank = mpi::rank(node);
  MPI_Comm_free(&node);
  cuda_select_device(node_rank);
#endif
}

template <class Element>
std::unique_ptr<DeviceOperator>
make_elasticity(const fem::DofMap& dofmap, std::span<const double> lambda,
                std::span<const double> mu, const fem::DirichletConstraints* constraints,
                const MatrixFreeSettings& s) {
  if (s.precompute_geometry)
    return std::make_unique<ElasticityOperator<Element, kernels::PrecomputedGeometry>>(
        dofmap, lambda, mu, constraints, s.space);
  return std::make_unique<ElasticityOperator<Element, kernels::RecomputedGeometry>>(
      dofmap, lambda, mu, constraints, s.space);
}

// Owned values of PETSc vector v (ghosted or not) into/out of local-form device arrays.
void upload_owned(Vec v, DeviceArray<double>& to, LocalIndex owned, TransferLog& log) {
  const PetscScalar* a = nullptr;
  PetscInt n = 0;
  RESORB_PETSC(VecGetLocalSize(v, &n));
  RESORB_REQUIRE(n == owned, Error,
                 fmt::format("matrix-free operator: a vector with {} owned entries where {} are "
                             "expected",
                             n, owned));
  RESORB_PETSC(VecGetArrayRead(v, &a));
  to.upload(std::span<const double>(a, static_cast<std::size_t>(owned)), log);
  RESORB_PETSC(VecRestoreArrayRead(v, &a));
}

void download_owned(const DeviceArray<double>& from, Vec v, LocalIndex owned, TransferLog& log) {
  PetscScalar* a = nullptr;
  RESORB_PETSC(VecGetArray(v, &a));
  from.download(std::span<double>(a, static_cast<std::size_t>(owned)), log);
  RESORB_PETSC(VecRestoreArray(v, &a));
}

} // namespace
} // namespace impl

namespace {

// Runs the per-rank input checks of @p check; an error on any rank is thrown on every rank
// (what follows is collective: a rank left alone in it would hang). Collective.
template <class Check>
void check_on_all_ranks(const fem::DofMap& dofmap, const Check& check) {
  std::optional<std::string> error;
  try {
    check();
  } catch (const InputError& e) {
    error = e.what();
  }
  mpi::throw_first_error<InputError>(dofmap.index_map().comm(), error);
}

void check_lame(const fem::DofMap& dofmap, std::span<const double> lambda,
                std::span<const double> mu) {
  const auto cells = static_cast<std::size_t>(dofmap.mesh().num_cells());
  RESORB_REQUIRE(lambda.size() == cells && mu.size() == cells, InputError,
                 fmt::format("matrix-free elasticity: {} and {} Lamé parameters for {} cells",
                             lambda.size(), mu.size(), cells));
  for (std::size_t c = 0; c < cells; ++c)
    RESORB_REQUIRE(mu[c] > 0.0 && lambda[c] > -2.0 / 3.0 * mu[c], InputError,
                   fmt::format("matrix-free elasticity: cell {} has λ = {} Pa, μ = {} Pa (need "
                               "μ > 0 and a positive bulk modulus)",
                               c, lambda[c], mu[c]));
}

} // namespace

MatrixFreeOperator MatrixFreeOperator::elasticity(const fem::DofMap& dofmap,
                                                  std::span<const double> lambda,
                                                  std::span<const double> mu,
                                                  const fem::DirichletConstraints* constraints,
                                                  const MatrixFreeSettings& settings) {
  impl::check_space(dofmap, settings.space);
  check_on_all_ranks(dofmap, [&] { check_lame(dofmap, lambda, mu); });
  if (dofmap.degree() == 1)
    return MatrixFreeOperator(
        impl::make_elasticity<fem::P1>(dofmap, lambda, mu, constraints, settings));
  return MatrixFreeOperator(
      impl::make_elasticity<fem::P2>(dofmap, lambda, mu, constraints, settings));
}

MatrixFreeOperator MatrixFreeOperator::reaction_diffusion(
    const fem::DofMap& dofmap, const ReactionDiffusionCoefficients& coefficients,
    const fem::DirichletConstraints* constraints, const MatrixFreeSettings& settings) {
  impl::check_space(dofmap, settings.space);
  check_on_all_ranks(dofmap, [&] {
    RESORB_REQUIRE(dofmap.degree() == 1, InputError,
                   "matrix-free reaction–diffusion: the operator is P1 (as the transport solver)");
    const auto cells = static_cast<std::size_t>(dofmap.mesh().num_cells());
    const auto nodes = static_cast<std::size_t>(dofmap.index_map().size_local());
    RESORB_REQUIRE(coefficients.diffusivity.size() == cells, InputError,
                   fmt::format("matrix-free reaction–diffusion: {} diffusivities for {} cells",
                               coefficients.diffusivity.size(), cells));
    RESORB_REQUIRE(coefficients.reaction_rate.empty() || coefficients.reaction_rate.size() == nodes,
                   InputError,
                   fmt::format("matrix-free reaction–diffusion: {} reaction rates for {} nodes",
                               coefficients.reaction_rate.size(), nodes));
    RESORB_REQUIRE(coefficients.reaction_fraction.empty() ||
                       coefficients.reaction_fraction.size() == cells,
                   InputError,
                   fmt::format("matrix-free reaction–diffusion: {} reaction fractions for {} cells",
                               coefficients.reaction_fraction.size(), cells));
    for (std::size_t c = 0; c < cells; ++c)
      RESORB_REQUIRE(coefficients.diffusivity[c] >= 0.0, InputError,
                     fmt::format("matrix-free reaction–diffusion: cell {} has a negative "
                                 "diffusivity {} m^2/s",
                                 c, coefficients.diffusivity[c]));
    RESORB_REQUIRE(coefficients.shift >= 0.0, InputError,
                   fmt::format("matrix-free reaction–diffusion: negative mass shift {} 1/s",
                               coefficients.shift));
  });
  if (settings.precompute_geometry)
    return MatrixFreeOperator(
        std::make_unique<impl::ReactionDiffusionOperator<kernels::PrecomputedGeometry>>(
            dofmap, coefficients, constraints, settings.space));
  return MatrixFreeOperator(
      std::make_unique<impl::ReactionDiffusionOperator<kernels::RecomputedGeometry>>(
          dofmap, coefficients, constraints, settings.space));
}

MatrixFreeOperator::MatrixFreeOperator(std::unique_ptr<impl::DeviceOperator> op)
    : op_(std::move(op)) {
}
MatrixFreeOperator::MatrixFreeOperator(MatrixFreeOperator&&) noexcept = default;
MatrixFreeOperator& MatrixFreeOperator::operator=(MatrixFreeOperator&&) noexcept = default;
MatrixFreeOperator::~MatrixFreeOperator() = default;

void MatrixFreeOperator::set_lame_parameters(std::span<const double> lambda,
                                             std::span<const double> mu) {
  check_on_all_ranks(op_->dofmap(), [&] { check_lame(op_->dofmap(), lambda, mu); });
  op_->set_cell_coefficients(lambda, mu);
}

int MatrixFreeOperator::block_size() const {
  return op_->block_size();
}
ExecutionSpace MatrixFreeOperator::space() const {
  return op_->space();
}
const fem::DofMap& MatrixFreeOperator::dofmap() const {
  return op_->dofmap();
}
const TransferLog& MatrixFreeOperator::transfers() const {
  return op_->log();
}

namespace {

void apply_through(impl::DeviceOperator& op, Vec x, Vec y, bool constrained) {
  auto& [xd, yd] = op.work_vectors();
  impl::upload_owned(x, xd, op.owned_size(), op.log());
  op.apply(xd.data(), yd.data(), constrained);
  impl::download_owned(yd, y, op.owned_size(), op.log());
}

void diagonal_into(impl::DeviceOperator& op, Vec d) {
  PetscScalar* a = nullptr;
  RESORB_PETSC(VecGetArray(d, &a));
  const auto owned = std::span<double>(a, static_cast<std::size_t>(op.owned_size()));
  if (op.space() == ExecutionSpace::host) {
    std::copy(op.diagonal(), op.diagonal() + op.owned_size(), owned.begin());
  } else { // staged through a device array of the operator's length
    auto copy = op.vector();
    op.for_each_owned(kernels::Axpby{1.0, op.diagonal(), 0.0, copy.data()});
    copy.download(owned, op.log());
  }
  RESORB_PETSC(VecRestoreArray(d, &a));
}

// MATSHELL callbacks: exceptions must not cross PETSc's C frames.
PetscErrorCode shell_mult(Mat a, Vec x, Vec y) {
  impl::DeviceOperator* op = nullptr;
  PetscCall(MatShellGetContext(a, &op));
  try {
    apply_through(*op, x, y, true);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "matrix-free apply: %s", e.what());
  }
  return 0;
}

PetscErrorCode shell_diagonal(Mat a, Vec d) {
  impl::DeviceOperator* op = nullptr;
  PetscCall(MatShellGetContext(a, &op));
  try {
    diagonal_into(*op, d);
  } catch (const std::exception& e) {
    SETERRQ(PETSC_COMM_SELF, PETSC_ERR_LIB, "matrix-free diagonal: %s", e.what());
  }
  return 0;
}

} // namespace

la::Matrix MatrixFreeOperator::petsc_shell() {
  const PetscInt n = op_->owned_size();
  la::Matrix a;
  RESORB_PETSC(MatCreateShell(op_->dofmap().index_map().comm(), n, n, PETSC_DETERMINE,
                              PETSC_DETERMINE, op_.get(), a.out()));
  RESORB_PETSC(
      MatShellSetOperation(a.get(), MATOP_MULT, reinterpret_cast<void (*)(void)>(shell_mult)));
  RESORB_PETSC(MatShellSetOperation(a.get(), MATOP_GET_DIAGONAL,
                                    reinterpret_cast<void (*)(void)>(shell_diagonal)));
  RESORB_PETSC(MatSetOption(a.get(), MAT_SYMMETRIC, PETSC_TRUE));
  return a;
}

void MatrixFreeOperator::apply(Vec x, Vec y) {
  apply_through(*op_, x, y, true);
}

void MatrixFreeOperator::apply_unconstrained(Vec x, Vec y) {
  apply_through(*op_, x, y, false);
}

void MatrixFreeOperator::diagonal(Vec d) {
  diagonal_into(*op_, d);
}

void MatrixFreeOperator::lift(Vec g, Vec b) {
  la::Vector ag, d;
  RESORB_PETSC(VecDuplicate(b, ag.out()));
  RESORB_PETSC(VecDuplicate(b, d.out()));
  apply_unconstrained(g, ag.get());
  diagonal(d.get());
  const PetscScalar *agv = nullptr, *gv = nullptr, *dv = nullptr;
  PetscScalar* bv = nullptr;
  RESORB_PETSC(VecGetArrayRead(ag.get(), &agv));
  RESORB_PETSC(VecGetArrayRead(g, &gv));
  RESORB_PETSC(VecGetArrayRead(d.get(), &dv));
  RESORB_PETSC(VecGetArray(b, &bv));
  for (LocalIndex i = 0; i < op_->owned_size(); ++i)
    bv[i] = op_->fixed(i) ? dv[i] * gv[i] : bv[i] - agv[i];
  RESORB_PETSC(VecRestoreArray(b, &bv));
  RESORB_PETSC(VecRestoreArrayRead(d.get(), &dv));
  RESORB_PETSC(VecRestoreArrayRead(g, &gv));
  RESORB_PETSC(VecRestoreArrayRead(ag.get(), &agv));
}

} // namespace resorb::solvers
