#pragma once
/// @file
/// Implicit multistep time integration with adaptive steps: BDF coefficients on variable
/// steps, the local-error estimate and the step-size controller.

#include <string_view>

namespace resorb::solvers {

/// Implicit time scheme.
enum class TimeScheme {
  backward_euler, ///< BDF1: first order, L-stable, monotone with a lumped mass
  bdf2            ///< BDF2 on variable steps: second order, L-stable (first step is BDF1)
};

/// Parses "backward_euler" (or "bdf1") and "bdf2". @throws InputError naming @p key
[[nodiscard]] TimeScheme parse_time_scheme(std::string_view text, std::string_view key);
/// Order of accuracy of @p scheme.
[[nodiscard]] int order(TimeScheme scheme);

/// Coefficients of u̇(t_{n+1}) ≈ (a0 u^{n+1} + a1 u^n + a2 u^{n-1}) / dt. They sum to zero.
struct BdfCoefficients {
  double a0 = 1.0;  ///< weight of the new value
  double a1 = -1.0; ///< weight of u^n
  double a2 = 0.0;  ///< weight of u^{n-1} (0 for backward Euler)
};

/// Coefficients for a step @p dt after a step @p dt_previous (BDF2 with ω = dt/dt_previous:
/// a0 = (1+2ω)/(1+ω), a1 = −(1+ω), a2 = ω²/(1+ω); exact for quadratics on any steps).
/// With @p dt_previous <= 0 (no history yet) BDF2 falls back to backward Euler.
[[nodiscard]] BdfCoefficients bdf_coefficients(TimeScheme scheme, double dt, double dt_previous);

/// Milne's estimate of the local error: LTE ≈ factor · (u^{n+1} − u_pred), where u_pred is
/// the polynomial extrapolation of the last order+1 values (linear for backward Euler,
/// quadratic for BDF2). Constants of constant steps: 1/3 (BE), 2/7 (BDF2).
[[nodiscard]] double milne_factor(TimeScheme scheme);

/// Extrapolation weights (w0, w1, w2) of the predictor u_pred = w0 u^n + w1 u^{n-1} +
/// w2 u^{n-2} at t_n + dt, from steps dt_1 = t_n − t_{n-1} and dt_2 = t_{n-1} − t_{n-2}
/// (linear when @p scheme is backward Euler or dt_2 <= 0).
struct Extrapolation {
  double w0 = 1.0, w1 = 0.0, w2 = 0.0; ///< weights of u^n, u^{n-1}, u^{n-2}
};
/// See Extrapolation.
[[nodiscard]] Extrapolation extrapolation(TimeScheme scheme, double dt, double dt_1, double dt_2);

/// Adaptive step-size control on a weighted local-error norm.
///
/// The error of a step is the max (or the root mean square, see Norm) over free nodes and
/// species of |LTE| / (atol + rtol |u|): a step with error <= 1 is accepted. The next step is dt ·
/// clamp(safety · error^(−1/(p+1)), min_factor, max_factor) (p = order). The growth limit 2 keeps
/// variable-step BDF2 zero- stable (ω < 1 + √2).
struct StepControl {
  /// How the weighted errors of all unknowns combine.
  enum class Norm {
    max, ///< the largest: every node meets the tolerance (strict)
    rms  ///< root mean square (SUNDIALS' choice): the tolerance holds on average
  };
  Norm norm = Norm::max;   ///< error norm
  double rtol = 1e-3;      ///< relative tolerance of the local error
  double safety = 0.9;     ///< aim below the tolerance
  double min_factor = 0.2; ///< strongest reduction per step
  double max_factor = 2.0; ///< strongest growth per step
  /// Step after a step @p dt with weighted error @p error of a scheme of order @p order.
  [[nodiscard]] double next(double dt, double error, int order) const;
};

} // namespace resorb::solvers
