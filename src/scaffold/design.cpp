#include "resorb/scaffold/design.hpp"

#include "resorb/core/error.hpp"
#include "resorb/physics/alloy.hpp"
#include "resorb/physics/calibration.hpp"
#include "resorb/physics/corrosion_model.hpp"
#include "resorb/scaffold/measures.hpp"
#include "resorb/scaffold/porous_models.hpp"
#include "resorb/scaffold/unit_cell.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace resorb::scaffold {
namespace {

/// Below this solid fraction a receded cell is taken as gone (CGAL's mesh of a dust of
/// struts would cost more than it tells).
constexpr double vanishing_solid_fraction = 0.01;

/// Mean of E₁, E₂, E₃ of @p stiffness; 0 when it is a mechanism (no piece spans the cell).
double mean_young(const VoigtMatrix& stiffness) {
  try {
    const auto e = engineering_constants(stiffness);
    return (e.young[0] + e.young[1] + e.young[2]) / 3.0;
  } catch (const InputError&) { // singular: the cell carries no load in some direction
    return 0.0;
  }
}

} // namespace

void DesignMaterial::validate(std::string_view context) const {
  metal.validate(context);
  RESORB_REQUIRE(
      std::isfinite(recession_speed) && recession_speed >= 0.0, InputError,
      fmt::format("{}: recession speed {} m/s must not be negative", context, recession_speed));
  RESORB_REQUIRE(std::isfinite(metal_mg) && metal_mg > 0.0, InputError,
                 fmt::format("{}: Mg content {} mol/m^3 must be positive", context, metal_mg));
  double time = 0.0, depth = 0.0;
  for (const auto& p : recession_history) {
    RESORB_REQUIRE(std::isfinite(p.time) && p.time > time && std::isfinite(p.depth) &&
                       p.depth >= depth,
                   InputError,
                   fmt::format("{}: recession history point ({} s, {} m) must come after ({} s, "
                               "{} m): times increasing, depths not decreasing",
                               context, p.time, p.depth, time, depth));
    time = p.time;
    depth = p.depth;
  }
}

double DesignMaterial::recession_depth(double time) const {
  if (recession_history.empty())
    return recession_speed * time;
  RecessionPoint before{};
  for (const auto& p : recession_history) {
    if (time <= p.time)
      return before.depth +
             (p.depth - before.depth) * (time - before.time) / (p.time - before.time);
    before = p;
  }
  return before.depth * std::sqrt(time / before.time);
}

DesignMaterial design_material(MPI_Comm comm, const std::string& alloy_name,
                               const std::string& medium, double horizon) {
  RESORB_REQUIRE(std::isfinite(horizon) && horizon >= 0.0, InputError,
                 fmt::format("design material: horizon {} s must not be negative", horizon));
  const auto alloy = physics::read_alloy(alloy_name);
  auto parameters = physics::corrosion_parameters(alloy, medium);
  parameters.metal_mg = alloy.metal_mg();
  physics::CalibrationCoupon coupon; // the calibration's own duration and resolution
  for (const auto& c : alloy.calibrations)
    if (c.medium == medium && c.duration > 0.0) {
      coupon.duration = c.duration;
      coupon.cell_size = c.cell_size;
    }
  DesignMaterial m;
  m.metal = {alloy.youngs_modulus, alloy.poisson_ratio};
  m.metal_mg = alloy.metal_mg();
  m.recession_speed = physics::coupon_recession_speed(comm, parameters, coupon);
  // The history: one run to the horizon. Past the first hours the steps sit at dt_max, and
  // 6 h instead of 1 h moves the 12-week depth by 0.03 % at a third of the cost (RESULTS.md).
  constexpr double day = 86400.0, week = 7 * day;
  std::vector<double> times{day};
  for (double t = week; t < horizon + week; t += week)
    times.push_back(std::min(t, horizon));
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  auto history_coupon = coupon;
  history_coupon.dt_max = 6 * 3600.0;
  const auto depths = physics::coupon_recession_depths(comm, parameters, history_coupon, times);
  for (std::size_t k = 0; k < times.size(); ++k)
    m.recession_history.push_back({times[k], depths[k]});
  m.validate(fmt::format("alloy '{}' in '{}'", alloy_name, medium));
  return m;
}

void EvaluationSettings::validate() const {
  RESORB_REQUIRE(std::isfinite(horizon) && horizon >= 0.0, InputError,
                 fmt::format("design evaluation: horizon {} s must not be negative", horizon));
  // Below about 8 cells per period a strut of a 70 % porous cell is one tet across: the
  // mesh lost 7 % of the solid at L/h = 6 (1 % at 10), more than a week's recession.
  RESORB_REQUIRE(
      cells_per_period >= 8.0 && cells_per_period <= 200.0, InputError,
      fmt::format("design evaluation: cells per period {} is not in [8, 200]", cells_per_period));
  RESORB_REQUIRE(
      measure_cells >= 8 && measure_cells <= 512, InputError,
      fmt::format("design evaluation: measure cells {} is not in [8, 512]", measure_cells));
  RESORB_REQUIRE(degree == 1 || degree == 2, InputError,
                 fmt::format("design evaluation: degree {} is not 1 or 2", degree));
}

DesignProperties evaluate_design(const Design& design, const DesignMaterial& material,
                                 const EvaluationSettings& settings) {
  const auto start = std::chrono::steady_clock::now();
  settings.validate();
  material.validate("design material");
  const double size = design.cell_size;
  RESORB_REQUIRE(std::isfinite(size) && size > 0.0, InputError,
                 fmt::format("design: cell size {} m must be positive", size));
  RESORB_REQUIRE(design.porosity > 0.0 && design.porosity < 1.0, InputError,
                 fmt::format("design: porosity {} is not in (0, 1)", design.porosity));
  DesignProperties out;
  // Measures on the cell of size 1 m, scaled: ψ_L(x) = L ψ₁(x / L).
  out.threshold = threshold_for_porosity(MPI_COMM_SELF, design.type, design.variant,
                                         design.porosity, settings.measure_cells, 1e-6);
  const Lattice unit(design.type, design.variant, 1.0, out.threshold);
  auto measure = [&](double depth) {
    return measure_solid(
        MPI_COMM_SELF, [&](const Point& x) { return unit.level(x) - depth / size; }, {0, 0, 0},
        {1, 1, 1}, settings.measure_cells);
  };
  const auto intact = measure(0.0);
  out.porosity = intact.porosity;
  out.specific_surface = intact.specific_surface / size;
  out.surface_density = intact.surface_density / size;
  out.permeability = kozeny_carman_permeability(out.porosity, out.surface_density);

  const auto sizing = mesh::ImplicitMeshSizing::uniform(size / settings.cells_per_period);
  HomogenizationSettings cell_problem;
  cell_problem.degree = settings.degree;
  const std::map<int, physics::IsotropicMaterial> metal{{solid_tag, material.metal}};
  const auto h = homogenize_elasticity(
      unit_cell_mesh(design.type, design.variant, out.threshold, size, sizing), metal,
      cell_problem);
  out.dofs = h.dofs;
  out.young = mean_young(h.stiffness);
  if (out.young > 0.0) { // else the solid falls apart into pieces (Schwarz P past its necks)
    const auto constants = engineering_constants(h.stiffness);
    out.shear = (constants.shear[0] + constants.shear[1] + constants.shear[2]) / 3.0;
    out.zener = constants.zener;
  }

  out.recession = material.recession_depth(settings.horizon);
  const auto receded = out.recession > 0.0 ? measure(out.recession) : intact;
  out.porosity_at_horizon = receded.porosity;
  if (out.recession == 0.0) {
    out.young_at_horizon = out.young;
  } else if (receded.solid_fraction > vanishing_solid_fraction) {
    out.young_at_horizon = mean_young(
        homogenize_elasticity(receded_unit_cell_mesh(design.type, design.variant, out.threshold,
                                                     size, out.recession, sizing),
                              metal, cell_problem)
            .stiffness);
  }
  out.stiffness_retention = out.young > 0.0 ? out.young_at_horizon / out.young : 0.0;
  // One H₂ per dissolved Mg: from the surface's speed now, from the metal lost on average.
  out.hydrogen_rate_initial = physics::hydrogen_volume_at_body_temperature(
      material.recession_speed * out.surface_density * material.metal_mg);
  if (settings.horizon > 0.0)
    out.hydrogen_rate_mean = physics::hydrogen_volume_at_body_temperature(
        (intact.solid_fraction - receded.solid_fraction) * material.metal_mg / settings.horizon);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

} // namespace resorb::scaffold
