#pragma once
/// @file
/// Calibration of the reaction–diffusion corrosion model to a measured corrosion rate.
///
/// Alloys are mostly known by a corrosion rate (mm/year from mass loss, H₂ or micro-CT), not
/// by model constants. The model's rate is governed by D_Mg·[Mg]_sat (Barzegari's film
/// redissolves at once in chloride media), so one factor on the Mg²⁺ diffusivity matches a
/// target rate while the chemistry and the exact bookkeeping stay as they are. The factor is
/// fitted on a reference coupon: a planar metal surface facing a deep layer of medium (a bar
/// with closed walls, resolved finely at the surface), whose mean recession speed over a
/// reference duration is the rate that immersion tests report.
#include "resorb/physics/corrosion.hpp"

#include <mpi.h>

#include <vector>

namespace resorb::physics {

/// The reference coupon and how finely it is resolved.
struct CalibrationCoupon {
  double metal_thickness = 1e-3;    ///< m
  double medium_depth = 10e-3;      ///< m of medium in front of the surface (closed at its end)
  double cell_size = 20e-6;         ///< m, along the bar
  double duration = 7 * 86400.0;    ///< s: the rate is the mean over this time
  double relative_tolerance = 1e-3; ///< on the rate, for calibrate_rate_factor()
  double dt_max = 3600.0;           ///< s: the longest time step (MagnesiumCorrosion's default)
};

/// Mean recession speed (m/s) of the coupon's surface over coupon.duration with parameters
/// @p p: dissolved metal volume / (surface area × duration). Collective on @p comm.
/// Solved with a sparse LU under the options prefix `coupon_transport_`.
[[nodiscard]] double coupon_recession_speed(MPI_Comm comm, const CorrosionParameters& p,
                                            const CalibrationCoupon& coupon = {});

/// Depth (m) the coupon's surface has receded to at each of @p times (s, positive and
/// increasing; coupon.duration is not used), dissolved metal volume / surface area, from
/// one run. Collective on @p comm. @throws InputError for bad sizes or times
[[nodiscard]] std::vector<double> coupon_recession_depths(MPI_Comm comm,
                                                          const CorrosionParameters& p,
                                                          const CalibrationCoupon& coupon,
                                                          const std::vector<double>& times);

/// What calibrate_rate_factor() found.
struct Calibration {
  double rate_factor = 1.0; ///< factor on the Mg²⁺ diffusivity of the parameters given
  double speed = 0.0;       ///< the coupon's recession speed with it, m/s
  int runs = 0;             ///< coupon runs it took
};

/// Finds the factor f on p.diffusivity_mg such that the coupon's mean recession speed equals
/// @p target_speed (m/s) to coupon.relative_tolerance: secant steps on log f ↦ log speed
/// (a diffusion-limited rate grows as √f). Collective on @p comm.
/// @throws InputError for a non-positive target; SolverError when it does not converge
[[nodiscard]] Calibration calibrate_rate_factor(MPI_Comm comm, const CorrosionParameters& p,
                                                double target_speed,
                                                const CalibrationCoupon& coupon = {});

} // namespace resorb::physics
