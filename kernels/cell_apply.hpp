#pragma once
// Gather → cell action → scatter, one functor call per cell: the loop body of every
// matrix-free operator. The same functor runs in the host's cell loop (in order, plain adds)
// and as one CUDA thread per cell (atomic adds into shared nodes); see
// src/solvers/matrix_free/execution.hpp.
//
// An Action provides block_size, num_nodes and
//   apply(c, ue, ye)   ye = A_e ue for cell c (block_size · num_nodes values, node-major)
//   diagonal(c, de)    the diagonal of A_e.
// Dirichlet DOFs (symmetric elimination, as fem::DirichletConstraints does for assembled
// matrices): the operator reads zero at a constrained DOF and writes nothing into its row;
// ConstrainedRows then sets y_i = d_i x_i there, with d the unconstrained diagonal, which is
// what the eliminated matrix's row holds.

#include "resorb/core/device.hpp"
#include "resorb/core/index_map.hpp"

namespace resorb::kernels {

/// y += A x over the cells (local forms, block_size values per node). A null @p fixed
/// applies the operator without constraints.
template <class Action>
struct CellApply {
  Action action;                ///< the cell operator
  const LocalIndex* cell_nodes; ///< num_nodes per cell
  const char* fixed;            ///< 1 per constrained local DOF, or null
  const double* x;              ///< input, local form
  double* y;                    ///< output, local form (accumulated)

  /// Applies cell @p c.
  RESORB_HOST_DEVICE void operator()(LocalIndex c) const {
    constexpr int b = Action::block_size;
    constexpr int n = Action::num_nodes;
    double ue[b * n], ye[b * n];
    for (int a = 0; a < n; ++a)
      for (int i = 0; i < b; ++i) {
        const long dof = static_cast<long>(b) * cell_nodes[static_cast<long>(n) * c + a] + i;
        ue[b * a + i] = fixed != nullptr && fixed[dof] != 0 ? 0.0 : x[dof];
      }
    action.apply(c, ue, ye);
    for (int a = 0; a < n; ++a)
      for (int i = 0; i < b; ++i) {
        const long dof = static_cast<long>(b) * cell_nodes[static_cast<long>(n) * c + a] + i;
        if (fixed == nullptr || fixed[dof] == 0)
          atomic_add(&y[dof], ye[b * a + i]);
      }
  }
};

/// d += diag(A) over the cells (local form, unconstrained).
template <class Action>
struct CellDiagonal {
  Action action;                ///< the cell operator
  const LocalIndex* cell_nodes; ///< num_nodes per cell
  double* d;                    ///< output, local form (accumulated)

  /// Adds the diagonal of cell @p c.
  RESORB_HOST_DEVICE void operator()(LocalIndex c) const {
    constexpr int b = Action::block_size;
    constexpr int n = Action::num_nodes;
    double de[b * n];
    action.diagonal(c, de);
    for (int a = 0; a < n; ++a)
      for (int i = 0; i < b; ++i)
        atomic_add(&d[static_cast<long>(b) * cell_nodes[static_cast<long>(n) * c + a] + i],
                   de[b * a + i]);
  }
};

/// Rows of constrained DOFs: y_i = d_i x_i where fixed_i (the eliminated matrix's row).
struct ConstrainedRows {
  const char* fixed;  ///< 1 per constrained DOF
  const double* diag; ///< unconstrained diagonal
  const double* x;    ///< input
  double* y;          ///< output

  /// Row @p i.
  RESORB_HOST_DEVICE void operator()(LocalIndex i) const {
    if (fixed[i] != 0)
      y[i] = diag[i] * x[i];
  }
};

} // namespace resorb::kernels
