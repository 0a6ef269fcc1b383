#include "resorb/simulation/calibration.hpp"

#include "resorb/core/conversions.hpp"
#include "resorb/core/error.hpp"
#include "resorb/core/log.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/core/progress.hpp"
#include "resorb/io/data_files.hpp"
#include "resorb/io/toml_edit.hpp"
#include "resorb/physics/calibration.hpp"

#include <fmt/format.h>

#include <optional>

namespace resorb::simulation {

CalibrationResult calibrate_alloy(MPI_Comm comm, const CalibrationRequest& request) {
  RESORB_REQUIRE(request.target_speed > 0 && request.duration > 0 && request.cell_size > 0,
                 InputError,
                 "calibration: the target rate, the duration and the cell size must be positive");
  CalibrationResult result;
  result.alloy_file = io::locate_data_file(request.alloy, "alloys", "alloy");
  const auto alloy = physics::read_alloy(result.alloy_file.string());
  result.alloy_name = alloy.name;
  auto p = physics::read_medium(request.medium);
  p.metal_mg = alloy.metal_mg();
  physics::CalibrationCoupon coupon;
  coupon.duration = request.duration;
  coupon.cell_size = request.cell_size;
  const auto fit = physics::calibrate_rate_factor(comm, p, request.target_speed, coupon);
  auto& c = result.calibration;
  c.medium = std::filesystem::path(request.medium).stem().string();
  c.target_speed = request.target_speed;
  c.rate_factor = fit.rate_factor;
  c.duration = request.duration;
  c.cell_size = request.cell_size;
  c.source = request.source;
  result.speed = fit.speed;
  result.runs = fit.runs;
  return result;
}

namespace {

/// @p text as a TOML basic string's contents.
std::string escaped(const std::string& text) {
  std::string out;
  for (const char ch : text) {
    if (ch == '"' || ch == '\\')
      out.push_back('\\');
    out.push_back(ch == '\n' ? ' ' : ch);
  }
  return out;
}

} // namespace

std::string calibration_table(const CalibrationResult& result) {
  const auto& c = result.calibration;
  return fmt::format("# fitted by resorb calibrate: {} coupon runs; the coupon corrodes at {:.6g} "
                     "mm/year with this factor\n"
                     "target_rate = \"{:.6g} mm/year\"\nrate_factor = {:.6g}\n"
                     "duration = \"{:.6g} days\"\ncell_size = \"{:.6g} um\"\nsource = \"{}\"\n",
                     result.runs, units::to_mm_per_year(result.speed),
                     units::to_mm_per_year(c.target_speed), c.rate_factor, c.duration / units::day,
                     c.cell_size * 1e6,
                     c.source.empty() ? "<where the target rate comes from>" : escaped(c.source));
}

void write_calibration(MPI_Comm comm, const CalibrationResult& result) {
  RESORB_REQUIRE(!result.calibration.source.empty(), InputError,
                 fmt::format("calibration of '{}' in '{}': say where the target rate comes from "
                             "(the source) before writing it into '{}'",
                             result.alloy_name, result.calibration.medium,
                             result.alloy_file.string()));
  std::optional<std::string> error;
  if (mpi::rank(comm) == 0) {
    try {
      io::replace_toml_table(result.alloy_file, "calibration." + result.calibration.medium,
                             calibration_table(result));
      // The file must still read as an alloy, with the new factor.
      const auto check = physics::read_alloy(result.alloy_file.string());
      bool found = false;
      for (const auto& c : check.calibrations)
        found = found || (c.medium == result.calibration.medium &&
                          std::abs(c.rate_factor / result.calibration.rate_factor - 1) < 1e-5);
      RESORB_REQUIRE(found, Error,
                     fmt::format("'{}': the calibration written does not read back",
                                 result.alloy_file.string()));
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  mpi::throw_first_error<Error>(comm, error);
}

} // namespace resorb::simulation
