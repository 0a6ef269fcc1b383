#pragma once
/// @file
/// Isotropic linear-elastic material.

#include <string_view>

namespace resorb::physics {

/// Isotropic linear-elastic material in SI units.
struct IsotropicMaterial {
  double E = 0.0;  ///< Young's modulus, Pa
  double nu = 0.0; ///< Poisson's ratio, dimensionless

  /// First Lamé parameter λ = E ν / ((1 + ν)(1 − 2ν)), Pa.
  [[nodiscard]] double lambda() const { return E * nu / ((1.0 + nu) * (1.0 - 2.0 * nu)); }
  /// Shear modulus μ = E / (2 (1 + ν)), Pa.
  [[nodiscard]] double mu() const { return E / (2.0 * (1.0 + nu)); }
  /// Checks E > 0 and −1 < ν < 0.5 (finite).
  /// @throws InputError naming @p context and the offending value
  void validate(std::string_view context) const;
};

} // namespace resorb::physics
