#pragma once
// The device-resident part of a matrix-free operator: local-form vectors (owned + ghost
// entries, block_size values per node) in the execution space, the cell loop of one kernel
// action, the diagonal, the ghost exchange and dot products. MatrixFreeOperator wraps it for
// PETSc vectors; solvers::solve_device_cg iterates on it without leaving the device.

#include "execution.hpp"
#include "ghost_exchange.hpp"

#include "resorb/fem/dirichlet.hpp"
#include "resorb/fem/dof_map.hpp"

#include <memory>
#include <optional>
#include <utility>

namespace resorb::solvers::impl {

/// A linear operator on local-form vectors in an execution space.
class DeviceOperator {
public:
  /// Operator on @p dofmap's nodes with @p block_size values per node and @p constraints
  /// eliminated (may be null). Collective.
  DeviceOperator(const fem::DofMap& dofmap, int block_size,
                 const fem::DirichletConstraints* constraints, ExecutionSpace space);
  virtual ~DeviceOperator() = default;
  DeviceOperator(const DeviceOperator&) = delete;
  DeviceOperator& operator=(const DeviceOperator&) = delete;

  /// Owned DOFs (the entries dot products and solvers see).
  [[nodiscard]] LocalIndex owned_size() const { return owned_; }
  /// Owned and ghost DOFs (the length of a local-form vector).
  [[nodiscard]] LocalIndex local_size() const { return local_; }
  /// Values per node.
  [[nodiscard]] int block_size() const { return block_size_; }
  /// Where it runs.
  [[nodiscard]] ExecutionSpace space() const { return space_; }
  /// The node numbering.
  [[nodiscard]] const fem::DofMap& dofmap() const { return dofmap_; }
  /// Copies made so far.
  [[nodiscard]] TransferLog& log() { return log_; }
  /// Copies made so far.
  [[nodiscard]] const TransferLog& log() const { return log_; }
  /// True when local DOF @p i is constrained (eliminated).
  [[nodiscard]] bool fixed(LocalIndex i) const {
    return !fixed_host_.empty() && fixed_host_[static_cast<std::size_t>(i)] != 0;
  }

  /// A zero local-form vector in the operator's space.
  [[nodiscard]] DeviceArray<double> vector();
  /// Two local-form vectors kept for applies to PETSc vectors (made on first use).
  [[nodiscard]] std::pair<DeviceArray<double>, DeviceArray<double>>& work_vectors();
  /// y = A x on local forms; x's ghost entries are refreshed, y's owned entries are the
  /// result (its ghost entries hold partial sums). Collective.
  void apply(double* x, double* y, bool constrained = true);
  /// The diagonal (local form, owned and ghost entries valid).
  [[nodiscard]] const double* diagonal() const { return diagonal_.data(); }
  /// x · y over the owned entries of all ranks. Collective.
  [[nodiscard]] double dot(const double* x, const double* y);
  /// Replaces the two per-cell coefficient arrays of the operator (elasticity: λ and μ) in
  /// place and recomputes the diagonal; mesh data stay where they are. Collective.
  /// @throws Error for an operator without such coefficients
  virtual void set_cell_coefficients(std::span<const double> first, std::span<const double> second);
  /// Runs f(i) over the owned entries in the operator's space.
  template <class F>
  void for_each_owned(const F& f) const {
    for_each(space_, owned_, f);
  }

protected:
  /// Adds the cells' A_e x_e into y (fixed: constrained DOFs, or null).
  virtual void apply_cells(const double* x, double* y, const char* fixed) = 0;
  /// Adds the cells' diagonals into d.
  virtual void diagonal_cells(double* d) = 0;
  /// Computes the diagonal; derived constructors call it once their data are in place (and
  /// again when coefficients change).
  void finish_setup();

private:
  const fem::DofMap& dofmap_;
  int block_size_;
  ExecutionSpace space_;
  LocalIndex owned_, local_;
  TransferLog log_;
  std::optional<GhostExchange> exchange_;
  std::vector<char> fixed_host_; // empty without constraints
  DeviceArray<char> fixed_;
  bool constrained_ = false;
  DeviceArray<double> diagonal_;
  std::optional<std::pair<DeviceArray<double>, DeviceArray<double>>> work_;
};

} // namespace resorb::solvers::impl
