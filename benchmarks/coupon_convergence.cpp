// Mesh convergence of the calibration coupon: the mean recession speed (mm/year) of a planar
// Mg surface over a duration, for a sequence of cell sizes, with an alloy's fitted rate
// factor in a medium (or pure Mg with the medium's own constants).
//
//   coupon_convergence ALLOY MEDIUM DURATION_S CELL_UM [CELL_UM ...] [PETSc options]
//   coupon_convergence we43 in_vivo 86400 200 100 50 25 12.5
//
// Prints one line per cell size: cell size, speed, wall time. Used for benchmarks/RESULTS.md.
#include <resorb/core/conversions.hpp>
#include <resorb/core/environment.hpp>
#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/physics/alloy.hpp>
#include <resorb/physics/calibration.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {
int run(const resorb::Environment& env, char** argv, int argc);
} // namespace

int main(int argc, char** argv) {
  resorb::Environment env(argc, argv);
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s ALLOY MEDIUM DURATION_S CELL_UM [CELL_UM ...]\n", argv[0]);
    return 2;
  }
  try {
    return run(env, argv, argc);
  } catch (const resorb::Error& e) { // bad alloy, medium or size: named, not a crash
    std::fprintf(stderr, "coupon_convergence: %s\n", e.what());
    return 2;
  }
}

namespace {
int run(const resorb::Environment& env, char** argv, int argc) {
  const auto alloy = resorb::physics::read_alloy(argv[1]);
  const std::string medium = argv[2];
  // The alloy's fitted factor in the medium where it has one, the medium's constants else.
  auto p = resorb::physics::read_medium(medium);
  try {
    p = resorb::physics::corrosion_parameters(alloy, medium);
  } catch (const resorb::InputError&) {
  }
  p.metal_mg = alloy.metal_mg();
  resorb::physics::CalibrationCoupon coupon;
  coupon.duration = std::atof(argv[3]);
  for (int i = 4; i < argc && argv[i][0] != '-'; ++i) { // PETSc options follow
    coupon.cell_size = std::atof(argv[i]) * 1e-6;       // not a number: 0, rejected by the coupon
    const auto start = std::chrono::steady_clock::now();
    const double speed = resorb::physics::coupon_recession_speed(env.comm(), p, coupon);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (resorb::mpi::rank(env.comm()) == 0)
      std::printf("cell %8.2f um  speed %.5f mm/year  wall %.1f s\n", coupon.cell_size * 1e6,
                  resorb::units::to_mm_per_year(speed), seconds);
  }
  return 0;
}
} // namespace
