// The scaffold design's recession model against the full corrosion model on one unit cell
// (scaffold::check_recession_model): metal fraction lost by each, per day.
//
//   recession_validation ALLOY MEDIUM CELL_SIZE_MM POROSITY H_UM DAYS [EVERY_DAYS [DT_MAX_H]]
//   recession_validation we43 in_vivo 1.5 0.7 150 4
//   recession_validation we43 in_vivo 1.5 0.7 250 84 7 6
// Columns: the corrosion model's loss; the loss at the depth d(t) of the coupon at the mesh's
// resolution, and at the design's (DesignMaterial::recession_depth: the coupon at the
// calibration's resolution); and v t, the calibration week's mean speed times t.
// Prints a row per day as it is reached. RESORB_VERBOSE=1 prints every corrosion step (dt,
// Newton and Krylov iterations, film, pH) and what limited it to stderr.
#include <resorb/core/conversions.hpp>
#include <resorb/core/environment.hpp>
#include <resorb/core/error.hpp>
#include <resorb/core/log.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/physics/alloy.hpp>
#include <resorb/scaffold/design.hpp>
#include <resorb/scaffold/recession_check.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int run(int argc, char** argv) {
  using namespace resorb;
  const MPI_Comm comm = MPI_COMM_WORLD;
  const bool root = mpi::rank(comm) == 0;
  const auto alloy = physics::read_alloy(argv[1]);
  const auto parameters = physics::corrosion_parameters(alloy, argv[2]);
  scaffold::Design design;
  design.cell_size = std::atof(argv[3]) * 1e-3;
  design.porosity = std::atof(argv[4]);
  const double h = std::atof(argv[5]) * 1e-6;
  const int days = std::atoi(argv[6]);
  const int every = argc > 7 ? std::max(1, std::atoi(argv[7])) : 1;
  std::vector<double> times;
  for (int day = 1; day <= days; ++day)
    if (day == 1 || day % every == 0 || day == days)
      times.push_back(day * 86400.0);
  scaffold::RecessionCheckOptions options;
  options.material = scaffold::design_material(comm, argv[1], argv[2], times.back());
  if (argc > 8)
    options.transport.dt_max = std::atof(argv[8]) * 3600.0;
  const bool verbose = std::getenv("RESORB_VERBOSE") != nullptr;
  if (verbose)
    log::set_level(2); // the corrosion model says what limits each step
  const auto start = std::chrono::steady_clock::now();
  const auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  if (root)
    std::printf("# %s in %s, gyroid skeletal L %.2f mm porosity %.2f, h %.0f um, dt_max %.0f s, "
                "calibration speed %.4g mm/year, %d ranks\n"
                "# day  lost_corrosion  lost_coupon  ratio_coupon  lost_design  ratio_design  "
                "coupon_depth_um  design_depth_um  speed_times_t_um  film_mol  ph_max  "
                "steps  wall_s\n",
                argv[1], argv[2], design.cell_size * 1e3, design.porosity, h * 1e6,
                options.transport.dt_max, units::to_mm_per_year(options.material->recession_speed),
                mpi::size(comm));
  int step = 0;
  const auto check = scaffold::check_recession_model(
      comm, design, parameters, h, times, options,
      [&](const physics::CorrosionReport& r) {
        if (root && verbose)
          std::fprintf(stderr,
                       "step %d t %.0f s dt %.3g s newton %d linear %d rejected %d error %.3g "
                       "metal %.6g m^3 film %.4g mol pH %.2f/%.2f/%.2f\n",
                       step, r.time, r.dt, r.transport.newton_iterations,
                       r.transport.linear_iterations, r.transport.rejected, r.transport.error,
                       r.metal_volume, r.film, r.ph_min, r.ph_mean, r.ph_max);
        ++step;
      },
      [&](const scaffold::RecessionCheckPoint& p) {
        if (!root)
          return;
        std::printf("%5.1f  %.5f  %.5f  %.4f  %.5f  %.4f  %.2f  %.2f  %.2f  %.4g  %.2f  %d  %.0f\n",
                    p.time / 86400, p.lost_corrosion, p.lost_recession,
                    p.lost_corrosion / p.lost_recession, p.lost_design,
                    p.lost_corrosion / p.lost_design, p.coupon_depth * 1e6, p.design_depth * 1e6,
                    options.material->recession_speed * p.time * 1e6, p.film, p.ph_max, p.steps,
                    elapsed());
        std::fflush(stdout);
      });
  if (root)
    std::printf("# threshold %.4f, %lld tets, metal %.4g m^3, surface %.4g m^2, %.0f s\n",
                check.threshold, static_cast<long long>(check.cells), check.metal_volume,
                check.interface_area, elapsed());
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  resorb::Environment env(argc, argv);
  if (argc < 7) {
    std::fprintf(stderr,
                 "usage: %s ALLOY MEDIUM CELL_SIZE_MM POROSITY H_UM DAYS [EVERY_DAYS [DT_MAX_H]]\n",
                 argv[0]);
    return 2;
  }
  try {
    return run(argc, argv);
  } catch (const resorb::Error& e) {
    std::fprintf(stderr, "recession_validation: %s\n", e.what());
    return 2;
  }
}
