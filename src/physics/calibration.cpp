#include "resorb/physics/calibration.hpp"

#include "resorb/core/conversions.hpp"
#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/mesh/box.hpp"
#include "resorb/solvers/petsc_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace resorb::physics {

namespace {

constexpr int metal_tag = 2, medium_tag = 1;

/// A bar of square section (one cell across) along x: metal in x < thickness, medium beyond.
mesh::TetMesh coupon_mesh(MPI_Comm comm, const CalibrationCoupon& c) {
  const double length = c.metal_thickness + c.medium_depth;
  const int cells = std::max(4, static_cast<int>(std::lround(length / c.cell_size)));
  const double h = length / cells, side = h;
  auto data = mesh::box_mesh_data(comm, {cells, 1, 1}, {0, 0, 0}, {length, side, side});
  for (std::size_t cell = 0; cell < data.cell_tags.size(); ++cell) {
    double x = 0.0;
    for (std::size_t k = 0; k < 4; ++k)
      x += 0.25 * data.coordinates[3 * static_cast<std::size_t>(data.cells[4 * cell + k])];
    data.cell_tags[cell] = x < c.metal_thickness ? metal_tag : medium_tag;
  }
  data.groups.push_back({3, metal_tag, "metal"});
  data.groups.push_back({3, medium_tag, "medium"});
  data.source = "calibration coupon";
  return mesh::TetMesh::distribute(comm, std::move(data));
}

} // namespace

std::vector<double> coupon_recession_depths(MPI_Comm comm, const CorrosionParameters& p,
                                            const CalibrationCoupon& coupon,
                                            const std::vector<double>& times) {
  RESORB_REQUIRE(coupon.metal_thickness > 0 && coupon.medium_depth > 0 && coupon.cell_size > 0 &&
                     coupon.dt_max > 0,
                 InputError, "calibration coupon: sizes and dt_max must be positive");
  RESORB_REQUIRE(!times.empty() && times.front() > 0 && std::is_sorted(times.begin(), times.end()),
                 InputError, "calibration coupon: times must be positive and increasing");
  const auto mesh = coupon_mesh(comm, coupon);
  // The bar is nearly one-dimensional: a sparse LU costs little, and GMRES + ILU needs
  // 180-700 iterations per Newton step on it (10x the time, the same rates; RESULTS.md).
  // Its own options prefix keeps the model's `-transport_` options off the coupon.
  auto settings = MagnesiumCorrosion::defaults();
  settings.options_prefix = "coupon_transport_";
  settings.dt_max = coupon.dt_max;
  solvers::set_default_options(
      settings.options_prefix,
      {{"-ksp_type", "preonly"},
       {"-pc_type", "lu"},
       {"-pc_factor_mat_solver_type", mpi::size(comm) > 1 ? "mumps" : "petsc"}});
  MagnesiumCorrosion model(mesh, "metal", p, settings);
  const double area = model.report().interface_area;
  std::vector<double> depths;
  depths.reserve(times.size());
  for (const double t : times) {
    if (t > model.time())
      model.advance_to(t);
    depths.push_back(model.report().dissolved / p.metal_mg / area);
  }
  return depths;
}

double coupon_recession_speed(MPI_Comm comm, const CorrosionParameters& p,
                              const CalibrationCoupon& coupon) {
  RESORB_REQUIRE(coupon.metal_thickness > 0 && coupon.medium_depth > 0 && coupon.cell_size > 0 &&
                     coupon.duration > 0,
                 InputError, "calibration coupon: sizes and duration must be positive");
  return coupon_recession_depths(comm, p, coupon, {coupon.duration})[0] / coupon.duration;
}

Calibration calibrate_rate_factor(MPI_Comm comm, const CorrosionParameters& p, double target_speed,
                                  const CalibrationCoupon& coupon) {
  RESORB_REQUIRE(std::isfinite(target_speed) && target_speed > 0, InputError,
                 fmt::format("calibration of '{}': the target rate {} m/s must be positive", p.name,
                             target_speed));
  Calibration result;
  auto speed_at = [&](double log_factor) {
    auto q = p;
    q.diffusivity_mg *= std::exp(log_factor);
    ++result.runs;
    return std::log(coupon_recession_speed(comm, q, coupon));
  };
  const double goal = std::log(target_speed);
  // Start from the diffusion-limited guess f = (target / speed)², then secant steps.
  double x0 = 0.0, y0 = speed_at(x0);
  double x1 = 2.0 * (goal - y0), y1 = speed_at(x1);
  for (int iteration = 0; iteration < 20; ++iteration) {
    if (std::abs(y1 - goal) <= coupon.relative_tolerance) {
      result.rate_factor = std::exp(x1);
      result.speed = std::exp(y1);
      return result;
    }
    const double slope = std::abs(y1 - y0) > 1e-12 ? (y1 - y0) / (x1 - x0) : 0.5;
    const double step = std::clamp((goal - y1) / std::max(slope, 0.05), -5.0, 5.0);
    x0 = x1;
    y0 = y1;
    x1 += step;
    y1 = speed_at(x1);
  }
  throw SolverError(fmt::format("calibration of '{}': no factor reproduces {:.4g} mm/year within "
                                "{:g} (last {:.4g} mm/year with factor {:.4g})",
                                p.name, units::to_mm_per_year(target_speed),
                                coupon.relative_tolerance, units::to_mm_per_year(std::exp(y1)),
                                std::exp(x1)));
}

} // namespace resorb::physics
