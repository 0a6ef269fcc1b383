#pragma once
/// @file
/// Error norms of finite-element fields against exact solutions (verification).

#include "resorb/fem/field.hpp"

#include <array>
#include <functional>

namespace resorb::fem {

/// Exact vector field and its gradient (row i = ∇u_i), both functions of position.
struct ExactVectorField {
  std::function<std::array<double, 3>(const std::array<double, 3>&)> value; ///< u(x)
  std::function<std::array<std::array<double, 3>, 3>(const std::array<double, 3>&)>
      gradient; ///< ∂u_i/∂x_j
};

/// L2 norm and H1 seminorm of (u_h − u) for a 3-component field @p u (ghosts up to date),
/// integrated with a rule of degree 2p + 4. Collective.
[[nodiscard]] std::array<double, 2> error_norms(const Field& u, const ExactVectorField& exact);

} // namespace resorb::fem
