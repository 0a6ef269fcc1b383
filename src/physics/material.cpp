#include "resorb/physics/material.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <cmath>

namespace resorb::physics {

void IsotropicMaterial::validate(std::string_view context) const {
  RESORB_REQUIRE(std::isfinite(E) && E > 0.0, InputError,
                 fmt::format("{}: Young's modulus E = {} Pa is not positive", context, E));
  RESORB_REQUIRE(
      !(!std::isfinite(nu) || nu >= 0.5 || nu <= -1.0), InputError,
      fmt::format("{}: Poisson's ratio nu = {} is outside (-1, 0.5) (0.5 is incompressible, which "
                  "displacement-only elements cannot represent)",
                  context, nu));
}

} // namespace resorb::physics
