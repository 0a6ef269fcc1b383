#include "resorb/scaffold/porous_models.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace resorb::scaffold {

GibsonAshbyFit fit_gibson_ashby(std::span<const double> relative_density,
                                std::span<const double> relative_modulus) {
  RESORB_REQUIRE(relative_density.size() == relative_modulus.size(), InputError,
                 fmt::format("Gibson-Ashby fit: {} densities but {} moduli",
                             relative_density.size(), relative_modulus.size()));
  const std::size_t n = relative_density.size();
  RESORB_REQUIRE(n >= 2, InputError, "Gibson-Ashby fit: needs at least two samples");
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double rho = relative_density[i], e = relative_modulus[i];
    RESORB_REQUIRE(rho > 0.0 && rho <= 1.0, InputError,
                   fmt::format("Gibson-Ashby fit: relative density {} of sample {} is not in "
                               "(0, 1]",
                               rho, i));
    RESORB_REQUIRE(
        e > 0.0 && std::isfinite(e), InputError,
        fmt::format("Gibson-Ashby fit: relative modulus {} of sample {} is not positive", e, i));
    const double x = std::log(rho), y = std::log(e);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const double dn = static_cast<double>(n);
  const double spread = sxx - sx * sx / dn;
  RESORB_REQUIRE(spread > 1e-12 * std::max(1.0, sxx), InputError,
                 "Gibson-Ashby fit: every sample is at the same density");
  GibsonAshbyFit fit;
  fit.exponent = (sxy - sx * sy / dn) / spread;
  fit.coefficient = std::exp((sy - fit.exponent * sx) / dn);
  for (std::size_t i = 0; i < n; ++i)
    fit.max_relative_residual =
        std::max(fit.max_relative_residual,
                 std::abs(fit.coefficient * std::pow(relative_density[i], fit.exponent) /
                              relative_modulus[i] -
                          1.0));
  return fit;
}

double kozeny_carman_permeability(double porosity, double surface_density, double kozeny_constant) {
  RESORB_REQUIRE(porosity > 0.0 && porosity < 1.0, InputError,
                 fmt::format("Kozeny-Carman permeability: porosity {} is not in (0, 1)", porosity));
  RESORB_REQUIRE(surface_density > 0.0 && std::isfinite(surface_density), InputError,
                 fmt::format("Kozeny-Carman permeability: surface density {} 1/m is not positive",
                             surface_density));
  RESORB_REQUIRE(
      kozeny_constant > 0.0, InputError,
      fmt::format("Kozeny-Carman permeability: constant {} is not positive", kozeny_constant));
  return porosity * porosity * porosity / (kozeny_constant * surface_density * surface_density);
}

} // namespace resorb::scaffold
