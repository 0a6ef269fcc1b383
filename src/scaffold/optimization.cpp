#include "resorb/scaffold/optimization.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>
#include <nlopt.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

namespace resorb::scaffold {
namespace {

/// A family: the categorical variables of a design.
struct Family {
  CellType type;
  Variant variant;
  std::size_t alloy; // index in DesignSpace::alloys
};

/// A candidate as bytes, for the exchange between ranks.
struct PackedCandidate {
  int family = 0, sequence = 0;
  double porosity = 0.0, cell_size = 0.0;
  DesignProperties properties;
  int feasible = 0;
  double violation = 0.0;
  char error[256] = {};
};
static_assert(std::is_trivially_copyable_v<PackedCandidate>);

/// Relative shortfalls of @p p against @p targets (≤ 0 where a target is met).
std::array<double, 4> shortfalls(const DesignProperties& p, const DesignTargets& targets) {
  const double hydrogen =
      std::isfinite(targets.max_hydrogen_rate)
          ? (p.hydrogen_rate_mean - targets.max_hydrogen_rate) / targets.max_hydrogen_rate
          : -1.0;
  return {(targets.young[0] - p.young) / targets.young[0],
          (p.young - targets.young[1]) / targets.young[1],
          targets.min_stiffness_retention - p.stiffness_retention, hydrogen};
}

/// COBYLA in one family over x = (porosity, cell size), scaled to [0, 1]².
class FamilySearch {
public:
  FamilySearch(const Family& family, const DesignSpace& space, const DesignMaterial& material,
               const DesignTargets& targets, const OptimizationSettings& settings,
               const CandidateObserver& observer)
      : family_(family), space_(space), material_(material), targets_(targets), settings_(settings),
        observer_(observer), porosity_low_(std::max(space.porosity[0], targets.min_porosity)) {}

  std::vector<Candidate> run() {
    if (porosity_low_ > space_.porosity[1])
      return {}; // the space holds no porosity the targets allow
    nlopt::opt opt(nlopt::LN_COBYLA, 2);
    opt.set_lower_bounds({0.0, 0.0});
    opt.set_upper_bounds({1.0, 1.0});
    opt.set_max_objective(&FamilySearch::objective, this);
    for (std::size_t i = 0; i < constraints_.size(); ++i) {
      constraints_[i] = {this, i};
      opt.add_inequality_constraint(&FamilySearch::constraint, &constraints_[i], 1e-4);
    }
    opt.set_maxeval(settings_.max_evaluations_per_family);
    opt.set_xtol_abs(settings_.variable_tolerance);
    opt.set_initial_step(0.25);
    std::vector<double> x{0.5, 0.5};
    double value = 0.0;
    try {
      opt.optimize(x, value);
    } catch (const nlopt::roundoff_limited&) { // a converged search, for COBYLA's purposes
    } catch (const std::runtime_error&) {      // nlopt::failure: keep what was evaluated
    }
    return std::move(candidates_);
  }

private:
  static double objective(unsigned, const double* x, double*, void* data) {
    auto* self = static_cast<FamilySearch*>(data);
    const auto& c = self->evaluate(x);
    return c.error.empty() ? c.properties.porosity : 0.0;
  }
  static double constraint(unsigned, const double* x, double*, void* data) {
    const auto* which = static_cast<const Constraint*>(data);
    const auto& c = which->search->evaluate(x);
    return c.error.empty() ? shortfalls(c.properties, which->search->targets_)[which->index] : 1.0;
  }

  /// The candidate at scaled @p x: NLopt asks for the objective and each constraint at the
  /// same point, so the last one is reused.
  const Candidate& evaluate(const double* x) {
    if (!candidates_.empty() && x[0] == last_[0] && x[1] == last_[1])
      return candidates_.back();
    last_ = {x[0], x[1]};
    Candidate c;
    c.design.type = family_.type;
    c.design.variant = family_.variant;
    c.design.alloy = space_.alloys[family_.alloy];
    c.design.porosity = porosity_low_ + x[0] * (space_.porosity[1] - porosity_low_);
    c.design.cell_size = space_.cell_size[0] + x[1] * (space_.cell_size[1] - space_.cell_size[0]);
    try {
      c.properties = evaluate_design(c.design, material_, settings_.evaluation);
      const auto s = shortfalls(c.properties, targets_);
      c.violation = std::max(0.0, *std::max_element(s.begin(), s.end()));
      c.feasible = c.violation == 0.0 && c.properties.porosity >= targets_.min_porosity - 1e-9;
    } catch (const Error& e) { // e.g. a porosity the cell cannot reach: recorded, not fatal
      c.error = e.what();
      c.violation = 1.0;
    }
    candidates_.push_back(std::move(c));
    if (observer_)
      observer_(candidates_.back());
    return candidates_.back();
  }

  Family family_;
  const DesignSpace& space_;
  const DesignMaterial& material_;
  const DesignTargets& targets_;
  const OptimizationSettings& settings_;
  const CandidateObserver& observer_;
  double porosity_low_;
  std::array<double, 2> last_{-1.0, -1.0};
  std::vector<Candidate> candidates_;
  struct Constraint { // what NLopt hands back to constraint()
    FamilySearch* search = nullptr;
    std::size_t index = 0; // into shortfalls()
  };
  std::array<Constraint, 4> constraints_{};
};

} // namespace

void DesignSpace::validate() const {
  RESORB_REQUIRE(!types.empty(), InputError, "design space: no cell type");
  RESORB_REQUIRE(!variants.empty(), InputError, "design space: no variant");
  RESORB_REQUIRE(!alloys.empty(), InputError, "design space: no alloy");
  RESORB_REQUIRE(porosity[0] > 0.0 && porosity[0] <= porosity[1] && porosity[1] < 1.0, InputError,
                 fmt::format("design space: porosity bounds [{}, {}] must be ordered in (0, 1)",
                             porosity[0], porosity[1]));
  RESORB_REQUIRE(cell_size[0] > 0.0 && cell_size[0] <= cell_size[1] && std::isfinite(cell_size[1]),
                 InputError,
                 fmt::format("design space: cell size bounds [{}, {}] m must be ordered and "
                             "positive",
                             cell_size[0], cell_size[1]));
}

void DesignTargets::validate() const {
  RESORB_REQUIRE(young[0] > 0.0 && young[0] <= young[1] && std::isfinite(young[1]), InputError,
                 fmt::format("design targets: modulus range [{}, {}] Pa must be ordered and "
                             "positive",
                             young[0], young[1]));
  RESORB_REQUIRE(min_porosity >= 0.0 && min_porosity < 1.0, InputError,
                 fmt::format("design targets: minimum porosity {} is not in [0, 1)", min_porosity));
  RESORB_REQUIRE(min_stiffness_retention >= 0.0 && min_stiffness_retention <= 1.0, InputError,
                 fmt::format("design targets: minimum stiffness retention {} is not in [0, 1]",
                             min_stiffness_retention));
  RESORB_REQUIRE(
      max_hydrogen_rate > 0.0, InputError,
      fmt::format("design targets: maximum H2 rate {} 1/s must be positive", max_hydrogen_rate));
}

std::vector<std::size_t> pareto_front(const std::vector<std::array<double, 2>>& points) {
  std::vector<std::size_t> front;
  for (std::size_t i = 0; i < points.size(); ++i) {
    bool dominated = false;
    for (std::size_t j = 0; j < points.size() && !dominated; ++j)
      dominated = j != i && points[j][0] >= points[i][0] && points[j][1] >= points[i][1] &&
                  (points[j][0] > points[i][0] || points[j][1] > points[i][1]);
    if (!dominated)
      front.push_back(i);
  }
  return front;
}

OptimizationResult optimize_designs(MPI_Comm comm, const DesignSpace& space,
                                    const std::map<std::string, DesignMaterial>& materials,
                                    const DesignTargets& targets,
                                    const OptimizationSettings& settings,
                                    const CandidateObserver& observer) {
  space.validate();
  targets.validate();
  settings.evaluation.validate();
  RESORB_REQUIRE(settings.max_evaluations_per_family >= 1, InputError,
                 fmt::format("design search: {} evaluations per family (at least 1)",
                             settings.max_evaluations_per_family));
  for (const auto& alloy : space.alloys) {
    const auto it = materials.find(alloy);
    RESORB_REQUIRE(it != materials.end(), InputError,
                   fmt::format("design search: alloy '{}' has no material", alloy));
    it->second.validate(fmt::format("design search: alloy '{}'", alloy));
  }
  std::vector<Family> families;
  for (const auto type : space.types)
    for (const auto variant : space.variants)
      for (std::size_t a = 0; a < space.alloys.size(); ++a)
        families.push_back({type, variant, a});

  // Families dealt round-robin; each rank's candidates go to every rank.
  const int rank = mpi::rank(comm), size = mpi::size(comm);
  std::vector<PackedCandidate> mine;
  for (std::size_t f = static_cast<std::size_t>(rank); f < families.size();
       f += static_cast<std::size_t>(size)) {
    FamilySearch search(families[f], space, materials.at(space.alloys[families[f].alloy]), targets,
                        settings, observer);
    int sequence = 0;
    for (const auto& c : search.run()) {
      PackedCandidate p;
      p.family = static_cast<int>(f);
      p.sequence = sequence++;
      p.porosity = c.design.porosity;
      p.cell_size = c.design.cell_size;
      p.properties = c.properties;
      p.feasible = c.feasible ? 1 : 0;
      p.violation = c.violation;
      std::strncpy(p.error, c.error.c_str(), sizeof(p.error) - 1);
      mine.push_back(p);
    }
  }
  const auto all = mpi::exchange(
      comm, std::vector<std::vector<PackedCandidate>>(static_cast<std::size_t>(size), mine));
  std::vector<PackedCandidate> packed;
  for (const auto& from : all)
    packed.insert(packed.end(), from.begin(), from.end());
  std::sort(packed.begin(), packed.end(), [](const auto& a, const auto& b) {
    return std::pair(a.family, a.sequence) < std::pair(b.family, b.sequence);
  });

  OptimizationResult result;
  std::vector<std::array<double, 2>> objectives;
  std::vector<std::size_t> feasible;
  for (const auto& p : packed) {
    const auto& family = families[static_cast<std::size_t>(p.family)];
    Candidate c;
    c.design = {family.type, family.variant, p.porosity, p.cell_size, space.alloys[family.alloy]};
    c.properties = p.properties;
    c.feasible = p.feasible != 0;
    c.violation = p.violation;
    c.error = p.error;
    if (c.feasible) {
      feasible.push_back(result.candidates.size());
      objectives.push_back({c.properties.porosity, c.properties.stiffness_retention});
    }
    result.candidates.push_back(std::move(c));
  }
  for (const auto i : pareto_front(objectives))
    result.pareto.push_back(feasible[i]);
  for (const auto i : feasible) {
    const auto& p = result.candidates[i].properties;
    if (!result.best ||
        std::pair(p.porosity, p.stiffness_retention) >
            std::pair(result.candidates[*result.best].properties.porosity,
                      result.candidates[*result.best].properties.stiffness_retention))
      result.best = i;
  }
  return result;
}

} // namespace resorb::scaffold
