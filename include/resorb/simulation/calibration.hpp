#pragma once
/// @file
/// `resorb calibrate` as a library call: an alloy's rate factor in a medium fitted to a
/// measured corrosion rate on the calibration coupon (physics::calibrate_rate_factor), and
/// the result written back into the alloy's data file as its `[calibration.<medium>]` table.
#include "resorb/physics/alloy.hpp"

#include <mpi.h>

#include <filesystem>
#include <string>

namespace resorb::simulation {

/// What to fit.
struct CalibrationRequest {
  std::string alloy = "pure_mg"; ///< a data/alloys name or file (its density and Mg content)
  std::string medium = "sbf";    ///< a data/media name or file
  double target_speed = 0.0;     ///< the measured corrosion rate, m/s (> 0)
  double duration = 7 * 86400.0; ///< the coupon run the rate is the mean over, s
  double cell_size = 50e-6;      ///< the coupon's cell size at the surface, m
  std::string source;            ///< where the measured rate comes from (required to write)
};

/// What a calibration found.
struct CalibrationResult {
  std::filesystem::path alloy_file;      ///< the alloy's data file
  std::string alloy_name;                ///< its `name`
  physics::AlloyCalibration calibration; ///< the table to record (medium, target, factor, ...)
  double speed = 0.0;                    ///< the coupon's recession speed with the factor, m/s
  int runs = 0;                          ///< coupon runs it took
};

/// Fits the rate factor. Collective.
/// @throws InputError for an unknown alloy or medium or a non-positive target, duration or
///         cell size; SolverError when no factor reproduces the target
[[nodiscard]] CalibrationResult calibrate_alloy(MPI_Comm comm, const CalibrationRequest& request);

/// The `[calibration.<medium>]` table of @p result as the alloy file records it (without the
/// header line), units in every value.
[[nodiscard]] std::string calibration_table(const CalibrationResult& result);

/// Writes @p result into its alloy file (rank 0), replacing that medium's table or adding it;
/// the rest of the file, comments included, stays. Collective.
/// @throws InputError when the result has no source; Error naming the file when it cannot be
///         written
void write_calibration(MPI_Comm comm, const CalibrationResult& result);

} // namespace resorb::simulation
