#include "resorb/fem/dirichlet.hpp"

#include "resorb/core/error.hpp"
#include "resorb/fem/facets.hpp"
#include "resorb/la/petsc.hpp"

#include <fmt/format.h>

namespace resorb::fem {

DirichletConstraints::DirichletConstraints(const DofMap& dofmap, int block_size)
    : dofmap_(&dofmap), block_size_(block_size),
      constrained_(static_cast<std::size_t>(block_size) *
                       static_cast<std::size_t>(dofmap.index_map().size_local()),
                   0),
      values_(constrained_.size(), 0.0) {
}

void DirichletConstraints::add(int facet_tag, std::span<const bool> components,
                               const Value& value) {
  const auto b = static_cast<std::size_t>(block_size_);
  RESORB_REQUIRE(components.size() == b, Error,
                 fmt::format("Dirichlet condition: {} components given for block size {}",
                             components.size(), b));
  const auto xn = dofmap_->node_coordinates();
  std::vector<double> g(b, 0.0);
  for (LocalIndex node : facet_group_nodes(*dofmap_, facet_tag)) {
    const auto n = static_cast<std::size_t>(node);
    if (value)
      value({xn[3 * n], xn[3 * n + 1], xn[3 * n + 2]}, g.data());
    for (std::size_t i = 0; i < b; ++i)
      if (components[i]) {
        constrained_[b * n + i] = 1;
        values_[b * n + i] = g[i];
      }
  }
}

bool DirichletConstraints::touches(std::span<const LocalIndex> nodes) const {
  const auto b = static_cast<std::size_t>(block_size_);
  for (LocalIndex node : nodes)
    for (std::size_t i = 0; i < b; ++i)
      if (constrained_[b * static_cast<std::size_t>(node) + i])
        return true;
  return false;
}

void DirichletConstraints::eliminate(std::span<const LocalIndex> nodes, double* ke,
                                     double* be) const {
  const auto b = static_cast<std::size_t>(block_size_);
  const std::size_t m = b * nodes.size();
  auto dof = [&](std::size_t r) { return b * static_cast<std::size_t>(nodes[r / b]) + r % b; };
  for (std::size_t r = 0; r < m; ++r)
    be[r] = 0.0;
  // Lift first (it needs the columns before they are zeroed), then zero rows and columns.
  for (std::size_t r = 0; r < m; ++r) {
    if (!constrained_[dof(r)])
      continue;
    const double g = values_[dof(r)];
    for (std::size_t s = 0; s < m; ++s)
      if (!constrained_[dof(s)])
        be[s] -= ke[s * m + r] * g;
  }
  for (std::size_t r = 0; r < m; ++r) {
    if (!constrained_[dof(r)])
      continue;
    const double diag = ke[r * m + r];
    for (std::size_t s = 0; s < m; ++s) {
      ke[r * m + s] = 0.0;
      ke[s * m + r] = 0.0;
    }
    ke[r * m + r] = diag;
    be[r] = diag * values_[dof(r)];
  }
}

void DirichletConstraints::zero_constrained(std::span<const LocalIndex> nodes, double* fe) const {
  const auto b = static_cast<std::size_t>(block_size_);
  for (std::size_t a = 0; a < nodes.size(); ++a)
    for (std::size_t i = 0; i < b; ++i)
      if (constrained_[b * static_cast<std::size_t>(nodes[a]) + i])
        fe[b * a + i] = 0.0;
}

void DirichletConstraints::initial_guess(Vec u) const {
  la::LocalWrite values(u);
  for (std::size_t i = 0; i < values_.size(); ++i)
    values[static_cast<PetscInt>(i)] = constrained_[i] ? values_[i] : 0.0;
}

void DirichletConstraints::impose(Vec u) const {
  la::LocalWrite values(u);
  for (std::size_t i = 0; i < values_.size(); ++i)
    if (constrained_[i])
      values[static_cast<PetscInt>(i)] = values_[i];
}

} // namespace resorb::fem
