#include "device_operator.hpp"

#include "cell_apply.hpp"
#include "vector_kernels.hpp"

#include "resorb/core/mpi.hpp"

#include <algorithm>

namespace resorb::solvers::impl {

DeviceOperator::DeviceOperator(const fem::DofMap& dofmap, int block_size,
                               const fem::DirichletConstraints* constraints, ExecutionSpace space)
    : dofmap_(dofmap), block_size_(block_size), space_(space),
      owned_(block_size * dofmap.index_map().num_owned()),
      local_(block_size * dofmap.index_map().size_local()) {
  if (mpi::size(dofmap.index_map().comm()) > 1)
    exchange_.emplace(dofmap.index_map(), block_size, space, log_);
  if (constraints != nullptr) {
    RESORB_REQUIRE(constraints->block_size() == block_size, Error,
                   "matrix-free operator: the constraints' block size differs from the operator's");
    std::vector<char> fixed(static_cast<std::size_t>(local_));
    for (std::size_t i = 0; i < fixed.size(); ++i)
      fixed[i] = constraints->constrained(i) ? 1 : 0;
    constrained_ = std::any_of(fixed.begin(), fixed.end(), [](char c) { return c != 0; });
    if (constrained_) {
      fixed_ = DeviceArray<char>(space, fixed, log_);
      fixed_host_ = std::move(fixed);
    }
  }
}

DeviceArray<double> DeviceOperator::vector() {
  DeviceArray<double> v(space_, static_cast<std::size_t>(local_));
  for_each(space_, local_, kernels::Fill{0.0, v.data()});
  return v;
}

std::pair<DeviceArray<double>, DeviceArray<double>>& DeviceOperator::work_vectors() {
  if (!work_)
    work_.emplace(vector(), vector());
  return *work_;
}

void DeviceOperator::set_cell_coefficients(std::span<const double>, std::span<const double>) {
  throw Error("matrix-free operator: this operator has no per-cell coefficient pair to replace");
}

void DeviceOperator::finish_setup() {
  if (diagonal_.size() != static_cast<std::size_t>(local_))
    diagonal_ = vector();
  else
    for_each(space_, local_, kernels::Fill{0.0, diagonal_.data()});
  diagonal_cells(diagonal_.data());
  if (exchange_) {
    exchange_->reverse(diagonal_.data(), log_);
    exchange_->forward(diagonal_.data(), log_);
  }
}

void DeviceOperator::apply(double* x, double* y, bool constrained) {
  const bool eliminate = constrained && constrained_;
  if (exchange_)
    exchange_->forward(x, log_);
  for_each(space_, local_, kernels::Fill{0.0, y});
  apply_cells(x, y, eliminate ? fixed_.data() : nullptr);
  if (exchange_)
    exchange_->reverse(y, log_);
  if (eliminate)
    for_each(space_, owned_, kernels::ConstrainedRows{fixed_.data(), diagonal_.data(), x, y});
}

double DeviceOperator::dot(const double* x, const double* y) {
  const double local = sum(space_, owned_, kernels::DotTerm{x, y});
  if (space_ == ExecutionSpace::cuda) {
    ++log_.to_host;
    log_.bytes_to_host += sizeof(double);
  }
  return mpi::sum(dofmap_.index_map().comm(), local);
}

} // namespace resorb::solvers::impl
