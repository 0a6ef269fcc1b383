#pragma once
/// @file
/// Chemistry as data: the species a transport problem carries and the reactions between
/// them. Nothing in the solver names a species, so another chemistry (Ca²⁺, phosphate,
/// buffers) is another list of these, not another solver.

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace resorb::physics {

/// A boundary condition of one species on a facet group.
struct SpeciesBoundary {
  /// What is prescribed.
  enum class Kind {
    concentration, ///< Dirichlet: the concentration on the facets' nodes, mol/m³
    inflow         ///< Neumann: flux into the domain through the facets, mol/(m²·s)
  };
  std::string facet_group; ///< facet group name (or tag number as text)
  Kind kind = Kind::concentration;
  double value = 0.0; ///< mol/m³ (concentration) or mol/(m²·s) (inflow)
};

/// One transported (or immobile) species. Facets without a condition are closed (no flux).
struct Species {
  std::string name;   ///< e.g. "Mg2+": unique, used in output files and messages
  int charge = 0;     ///< elementary charges (for electroneutrality checks and output)
  double initial = 0; ///< initial concentration everywhere, mol/m³ (>= 0)
  /// Diffusivity in m²/s per cell group (name or tag number as text); groups not listed take
  /// default_diffusivity. A species with zero diffusivity everywhere is immobile (a film).
  std::vector<std::pair<std::string, double>> diffusivity;
  std::optional<double> default_diffusivity; ///< m²/s for cell groups not in diffusivity
  std::vector<SpeciesBoundary> boundaries;   ///< boundary conditions
  /// Absolute error scale of this species in the local-error estimate, mol/m³ (empty:
  /// TransportSettings::atol). For a species whose effect is through a derived quantity
  /// (a film through its volume fraction), the tolerance of that quantity in mol/m³.
  std::optional<double> error_atol;
};

/// Value and gradient of a dimensionless factor g(u) that multiplies a reaction's rate
/// (e.g. the free surface fraction 1 − s of a film): returns g and writes ∂g/∂u_j into
/// gradient[j] for every species j (in the order of the species list).
using RateFactor = std::function<double(const double* u, double* gradient)>;

/// A reaction with rate w = k · Π_j u_j^{p_j} · g(u) (mol/(m³·s)) that changes species i at
/// ν_i · w. Mass-action laws are data; any other dependence goes into the factor g.
struct Reaction {
  std::string name;     ///< for messages, e.g. "film formation"
  double rate_constant; ///< k in SI units consistent with the orders
  /// Order p_j of each species in the rate law (species name, p >= 0); others have order 0.
  std::vector<std::pair<std::string, double>> orders;
  /// Stoichiometric coefficient ν_i of each species it changes (negative when consumed).
  std::vector<std::pair<std::string, double>> stoichiometry;
  RateFactor factor; ///< optional extra factor g(u) (empty: 1)
};

} // namespace resorb::physics
