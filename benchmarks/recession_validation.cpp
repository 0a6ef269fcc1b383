// The scaffold design's recession model against the full corrosion model on one unit cell
// (scaffold::check_recession_model): metal fraction lost by each, per day.
//
//   recession_validation ALLOY MEDIUM CELL_SIZE_MM POROSITY H_UM DAYS
//   recession_validation we43 in_vivo 1.5 0.7 150 4
// RESORB_VERBOSE=1 prints every corrosion step (dt, Newton and Krylov iterations) to stderr.
#include <resorb/core/environment.hpp>
#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/io/corrosion_data.hpp>
#include <resorb/scaffold/recession_check.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int run(char** argv) {
  using namespace resorb;
  const MPI_Comm comm = MPI_COMM_WORLD;
  const bool root = mpi::rank(comm) == 0;
  const auto alloy = io::read_alloy(argv[1]);
  const auto parameters = io::corrosion_parameters(alloy, argv[2]);
  scaffold::Design design;
  design.cell_size = std::atof(argv[3]) * 1e-3;
  design.porosity = std::atof(argv[4]);
  const double h = std::atof(argv[5]) * 1e-6;
  std::vector<double> times;
  for (int day = 1; day <= std::atoi(argv[6]); ++day)
    times.push_back(day * 86400.0);
  const bool verbose = std::getenv("RESORB_VERBOSE") != nullptr;
  const auto start = std::chrono::steady_clock::now();
  int step = 0;
  const auto check = scaffold::check_recession_model(
      comm, design, parameters, h, times, [&](const physics::CorrosionReport& r) {
        if (root && verbose)
          std::fprintf(stderr, "step %d t %.0f s dt %.3g s newton %d linear %d rejected %d\n", step,
                       r.time, r.dt, r.transport.newton_iterations, r.transport.linear_iterations,
                       r.transport.rejected);
        ++step;
      });
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!root)
    return 0;
  std::printf("# %s in %s, gyroid skeletal L %.2f mm porosity %.2f (t %.4f), h %.0f um: %lld "
              "tets, metal %.4g m^3, surface %.4g m^2, %d ranks, %.0f s\n"
              "# day  lost_corrosion  lost_recession  ratio  coupon_depth_um  film_mol  ph_max  "
              "steps\n",
              argv[1], argv[2], design.cell_size * 1e3, design.porosity, check.threshold, h * 1e6,
              static_cast<long long>(check.cells), check.metal_volume, check.interface_area,
              mpi::size(comm), wall);
  for (const auto& p : check.points)
    std::printf("%5.1f  %.5f  %.5f  %.4f  %.2f  %.4g  %.2f  %d\n", p.time / 86400, p.lost_corrosion,
                p.lost_recession, p.lost_corrosion / p.lost_recession, p.coupon_depth * 1e6, p.film,
                p.ph_max, p.steps);
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  resorb::Environment env(argc, argv);
  if (argc < 7) {
    std::fprintf(stderr, "usage: %s ALLOY MEDIUM CELL_SIZE_MM POROSITY H_UM DAYS\n", argv[0]);
    return 2;
  }
  try {
    return run(argv);
  } catch (const resorb::Error& e) {
    std::fprintf(stderr, "recession_validation: %s\n", e.what());
    return 2;
  }
}
