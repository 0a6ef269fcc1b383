#include "resorb/solvers/time_stepping.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace resorb::solvers {

TimeScheme parse_time_scheme(std::string_view text, std::string_view key) {
  if (text == "backward_euler" || text == "bdf1")
    return TimeScheme::backward_euler;
  if (text == "bdf2")
    return TimeScheme::bdf2;
  throw InputError(
      fmt::format("{}: unknown time scheme '{}' (use \"backward_euler\" or \"bdf2\")", key, text));
}

int order(TimeScheme scheme) {
  return scheme == TimeScheme::bdf2 ? 2 : 1;
}

BdfCoefficients bdf_coefficients(TimeScheme scheme, double dt, double dt_previous) {
  if (scheme == TimeScheme::backward_euler || dt_previous <= 0.0)
    return {};
  const double w = dt / dt_previous;
  return {(1.0 + 2.0 * w) / (1.0 + w), -(1.0 + w), w * w / (1.0 + w)};
}

double milne_factor(TimeScheme scheme) {
  return scheme == TimeScheme::bdf2 ? 2.0 / 7.0 : 1.0 / 3.0;
}

Extrapolation extrapolation(TimeScheme scheme, double dt, double dt_1, double dt_2) {
  // Lagrange interpolation through (t_n, t_{n-1}[, t_{n-2}]) evaluated at t_n + dt,
  // with t_n = 0.
  const double t = dt, t1 = -dt_1;
  if (scheme == TimeScheme::backward_euler || dt_2 <= 0.0)
    return {(t - t1) / (0.0 - t1), (t - 0.0) / (t1 - 0.0), 0.0};
  const double t2 = -dt_1 - dt_2;
  return {(t - t1) * (t - t2) / ((0.0 - t1) * (0.0 - t2)),
          (t - 0.0) * (t - t2) / ((t1 - 0.0) * (t1 - t2)),
          (t - 0.0) * (t - t1) / ((t2 - 0.0) * (t2 - t1))};
}

double StepControl::next(double dt, double error, int p) const {
  if (!(error > 0.0))
    return dt * max_factor;
  const double factor = safety * std::pow(error, -1.0 / (p + 1));
  return dt * std::clamp(factor, min_factor, max_factor);
}

} // namespace resorb::solvers
