#pragma once
/// @file
/// Degradation-aware scaffold design search: every family (cell type × variant × alloy) is
/// enumerated, and within it NLopt's COBYLA looks for the most porous design (porosity and
/// cell size continuous) that meets the targets: effective modulus in the bone's range,
/// porosity above a floor, stiffness retained at the horizon, H₂ release below a ceiling.
/// Every design evaluated is kept; the Pareto set is over (porosity, stiffness retention)
/// among the feasible ones. Families are spread over the ranks.

#include "resorb/scaffold/design.hpp"

#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <vector>

namespace resorb::scaffold {

/// Where to search.
struct DesignSpace {
  std::vector<CellType> types{CellType::gyroid};
  std::vector<Variant> variants{Variant::skeletal};
  std::vector<std::string> alloys;             ///< names, each with a DesignMaterial
  std::array<double, 2> porosity{0.5, 0.85};   ///< bounds
  std::array<double, 2> cell_size{1e-3, 3e-3}; ///< bounds, m
  /// Checks that the lists are not empty and the bounds ordered and physical.
  /// @throws InputError naming the field
  void validate() const;
};

/// What a design must do.
struct DesignTargets {
  std::array<double, 2> young{0.1e9, 2.0e9}; ///< effective modulus range, Pa (cancellous bone)
  double min_porosity = 0.6;                 ///< intact
  double min_stiffness_retention = 0.5;      ///< E(horizon) / E(0)
  /// Mean H₂ release over the horizon per scaffold volume, 1/s (m³ gas per m³ per s).
  double max_hydrogen_rate = std::numeric_limits<double>::infinity();
  /// @throws InputError naming the field for an empty or non-physical range
  void validate() const;
};

/// Settings of optimize_designs().
struct OptimizationSettings {
  EvaluationSettings evaluation;       ///< resolution and horizon of every evaluation
  int max_evaluations_per_family = 20; ///< COBYLA's budget in one family
  /// Stop when a COBYLA step changes both (scaled) variables by less than this
  double variable_tolerance = 1e-3;
};

/// One evaluated design.
struct Candidate {
  Design design;
  DesignProperties properties;
  bool feasible = false;  ///< meets every target
  double violation = 0.0; ///< largest relative shortfall over the targets (0 when feasible)
  std::string error;      ///< why it could not be evaluated ("" when it was)
};

/// What optimize_designs() found.
struct OptimizationResult {
  std::vector<Candidate> candidates; ///< every evaluation, family by family
  std::vector<std::size_t> pareto;   ///< indices of the feasible non-dominated ones
  std::optional<std::size_t> best;   ///< the most porous feasible design (ties: retention)
};

/// Called after every evaluation on the rank that made it (progress).
using CandidateObserver = std::function<void(const Candidate&)>;

/// Searches @p space for designs meeting @p targets, with @p materials giving each alloy of
/// the space its DesignMaterial. Collective on @p comm: families are dealt to ranks, each
/// evaluated on one process, and every rank returns the whole result.
/// @throws InputError for a bad space, targets or settings, or an alloy without material
[[nodiscard]] OptimizationResult
optimize_designs(MPI_Comm comm, const DesignSpace& space,
                 const std::map<std::string, DesignMaterial>& materials,
                 const DesignTargets& targets, const OptimizationSettings& settings = {},
                 const CandidateObserver& observer = {});

/// Indices of the non-dominated points among @p points (both objectives maximised): a point
/// is dominated when another is at least as good in both and better in one.
[[nodiscard]] std::vector<std::size_t>
pareto_front(const std::vector<std::array<double, 2>>& points);

} // namespace resorb::scaffold
