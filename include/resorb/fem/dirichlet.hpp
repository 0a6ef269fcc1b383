#pragma once
/// @file
/// Dirichlet constraints on the DOFs of a DofMap, applied by symmetric elimination.

#include "resorb/fem/dof_map.hpp"

#include <petscvec.h>

#include <array>
#include <functional>
#include <span>
#include <vector>

namespace resorb::fem {

/// Prescribed values of some DOFs (DOF = block_size · node + component) of a DofMap.
///
/// Applied by symmetric elimination inside each element: the constrained row and column of
/// the element matrix are zeroed except the diagonal, which keeps its value so that the
/// assembled row reads d_i u_i = d_i g_i (well scaled for AMG), and the known values times
/// the eliminated column are lifted to the right-hand side. The assembled operator stays
/// symmetric positive definite, so CG and AMG apply unchanged. Owned and ghost DOFs are
/// marked alike, so every rank eliminates the same DOFs in its cells. A later add() wins
/// where two conditions constrain the same DOF. Periodic constraints will join here.
class DirichletConstraints {
public:
  /// Prescribed value(s) at a node: writes block_size values for the node at position x (m).
  using Value = std::function<void(const std::array<double, 3>& x, double* values)>;

  /// No DOF constrained yet.
  DirichletConstraints(const DofMap& dofmap, int block_size);

  /// Constrains the components with components[i] set (i < block_size) of every node on
  /// facet group @p facet_tag to @p value (zero when empty). Collective.
  void add(int facet_tag, std::span<const bool> components, const Value& value = {});

  /// Constrains local DOF @p dof to @p value (the caller marks owned and ghost DOFs alike,
  /// e.g. from a ghost-consistent nodal field).
  void set(std::size_t dof, double value) {
    constrained_[dof] = 1;
    values_[dof] = value;
  }
  /// Frees local DOF @p dof.
  void release(std::size_t dof) {
    constrained_[dof] = 0;
    values_[dof] = 0.0;
  }
  /// True when local DOF @p dof is constrained.
  [[nodiscard]] bool constrained(std::size_t dof) const { return constrained_[dof] != 0; }
  /// Prescribed value of local DOF @p dof (0 where unconstrained).
  [[nodiscard]] double value(std::size_t dof) const { return values_[dof]; }
  /// True when any DOF of the element with nodes @p nodes is constrained.
  [[nodiscard]] bool touches(std::span<const LocalIndex> nodes) const;
  /// Symmetric elimination of element matrix @p ke ((b·n)² row-major, n = nodes.size()),
  /// in place; writes the lifted element vector to @p be (b·n values).
  void eliminate(std::span<const LocalIndex> nodes, double* ke, double* be) const;
  /// Zeroes the entries of element vector @p fe at constrained DOFs (loads there are replaced
  /// by the prescribed values).
  void zero_constrained(std::span<const LocalIndex> nodes, double* fe) const;
  /// Writes the prescribed values into the constrained entries of the ghosted vector @p u
  /// and zero elsewhere (a starting guess that satisfies the constraints).
  void initial_guess(Vec u) const;
  /// Writes the prescribed values into the constrained entries of the local form of the
  /// ghosted vector @p u and leaves the others as they are.
  void impose(Vec u) const;
  /// Block size (values per node).
  [[nodiscard]] int block_size() const { return block_size_; }

private:
  const DofMap* dofmap_;
  int block_size_;
  std::vector<char> constrained_; // per local DOF
  std::vector<double> values_;    // per local DOF
};

} // namespace resorb::fem
