#pragma once
/// @file
/// Closed-form models of porous solids that summarise what the cell problems compute:
/// the Gibson–Ashby power law of stiffness against density (fitted), and the Kozeny–Carman
/// estimate of permeability from porosity and surface area.

#include <span>

namespace resorb::scaffold {

/// E*/E_s = C (ρ*/ρ_s)^n (Gibson & Ashby, Cellular Solids, 1997): n ≈ 2 for bending-
/// dominated lattices, n ≈ 1 for stretching-dominated ones.
struct GibsonAshbyFit {
  double coefficient = 0.0; ///< C
  double exponent = 0.0;    ///< n
  /// Largest |fit / data − 1| over the samples: how well one power law describes them.
  double max_relative_residual = 0.0;
};

/// Least-squares fit of log(E*/E_s) = log C + n log(ρ*/ρ_s) to the samples
/// (@p relative_density[i], @p relative_modulus[i]).
/// @throws InputError for fewer than two samples, sizes that differ, a density outside
///         (0, 1], a modulus that is not positive, or samples all at one density
[[nodiscard]] GibsonAshbyFit fit_gibson_ashby(std::span<const double> relative_density,
                                              std::span<const double> relative_modulus);

/// Carman's constant of the Kozeny–Carman relation (5, for beds of grains).
inline constexpr double carman_constant = 5.0;

/// Kozeny–Carman permeability k = φ³ / (K S²), m², of a porous medium of porosity @p porosity
/// whose pore walls have area @p surface_density per volume of medium (1/m): Darcy's
/// q = −(k / η) ∇p. An estimate: it treats the pores as tortuous tubes of hydraulic radius
/// φ / S; for a bundle of straight tubes K = 2 is exact, and the Carman constant 5 accounts
/// for tortuosity in granular beds. For a TPMS it is a scale (∝ L² at fixed shape), not a
/// solution of the Stokes cell problem.
/// @throws InputError for a porosity outside (0, 1) or a surface density that is not positive
[[nodiscard]] double kozeny_carman_permeability(double porosity, double surface_density,
                                                double kozeny_constant = carman_constant);

} // namespace resorb::scaffold
