// The scaffold design's recession model against the full corrosion model on one unit cell.
//
// One cell [0, L]³ of a skeletal gyroid (solid = metal, pores = medium, closed box walls:
// a cell inside a large scaffold whose neighbours do the same) corrodes with
// physics::MagnesiumCorrosion for DAYS days. The recession model says the solid at time t
// is {ψ ≥ d(t)}, d(t) the depth the calibration coupon (same medium, same cell size)
// dissolved by t. Printed per day: the metal fraction lost by each.
//
//   recession_validation ALLOY MEDIUM CELL_SIZE_MM POROSITY H_UM DAYS
//   recession_validation we43 in_vivo 1.5 0.7 60 7
#include <resorb/core/environment.hpp>
#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/io/corrosion_data.hpp>
#include <resorb/physics/calibration.hpp>
#include <resorb/physics/corrosion.hpp>
#include <resorb/scaffold/measures.hpp>
#include <resorb/scaffold/unit_cell.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

int run(char** argv) {
  using namespace resorb;
  const MPI_Comm comm = MPI_COMM_WORLD;
  const bool root = mpi::rank(comm) == 0;
  const std::string alloy_name = argv[1], medium = argv[2];
  const double cell = std::atof(argv[3]) * 1e-3, porosity = std::atof(argv[4]),
               h = std::atof(argv[5]) * 1e-6;
  const int days = std::atoi(argv[6]);
  const auto alloy = io::read_alloy(alloy_name);
  auto p = io::corrosion_parameters(alloy, medium);

  using scaffold::CellType, scaffold::Variant;
  const double t = scaffold::threshold_for_porosity(comm, CellType::gyroid, Variant::skeletal,
                                                    porosity, 64, 1e-4);
  const scaffold::Lattice lattice(CellType::gyroid, Variant::skeletal, cell, t);
  const auto box = scaffold::BoundingShape::box({0, 0, 0}, {cell, cell, cell});
  const double margin = 0.05 * cell;
  const scaffold::Point lo{-margin, -margin, -margin},
      hi{cell + margin, cell + margin, cell + margin};
  auto start = std::chrono::steady_clock::now();
  auto data = mpi::rank(comm) == 0 ? scaffold::scaffold_mesh(lattice, box, lo, hi,
                                                             mesh::ImplicitMeshSizing::uniform(h))
                                   : mesh::MeshData{};
  const auto mesh = mesh::TetMesh::distribute(comm, std::move(data));
  physics::MagnesiumCorrosion model(mesh, "solid", p);
  const auto r0 = model.report();
  const double mesh_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto measured = [&](double depth) {
    const auto level = [&](const scaffold::Point& x) {
      return std::min(lattice.level(x) - depth, box.distance(x));
    };
    return scaffold::measure_solid(comm, level, lo, hi, 96).solid_volume;
  };
  const double v0 = measured(0.0);
  if (root)
    std::printf("# %s in %s, gyroid skeletal L %.2f mm porosity %.2f (t %.4f), h %.0f um: "
                "%lld tets (%.1f s), metal %.4g m^3 (measured %.4g), surface %.4g m^2\n"
                "# day  lost_model  lost_recession  ratio  coupon_depth_um  film_mol  ph_max  "
                "steps  wall_s\n",
                alloy_name.c_str(), medium.c_str(), cell * 1e3, porosity, t, h * 1e6,
                static_cast<long long>(mesh.num_global_cells()), mesh_s, r0.metal_volume, v0,
                r0.interface_area);
  physics::CalibrationCoupon coupon;
  coupon.cell_size = h;
  int steps = 0;
  for (int day = 1; day <= days; ++day) {
    model.advance_to(day * 86400.0, [&](const physics::CorrosionReport& r) {
      if (root && std::getenv("RESORB_VERBOSE") != nullptr)
        std::fprintf(stderr, "step %d t %.0f s dt %.3g s newton %d linear %d rejected %d\n", steps,
                     r.time, r.dt, r.transport.newton_iterations, r.transport.linear_iterations,
                     r.transport.rejected);
      ++steps;
    });
    const auto r = model.report();
    coupon.duration = day * 86400.0;
    const double depth = physics::coupon_recession_speed(comm, p, coupon) * coupon.duration;
    const double lost_recession = 1.0 - measured(depth) / v0;
    const double lost_model = 1.0 - r.metal_volume / r0.metal_volume;
    if (root)
      std::printf("%5d  %.5f  %.5f  %.4f  %.2f  %.4g  %.2f  %d  %.0f\n", day, lost_model,
                  lost_recession, lost_model / lost_recession, depth * 1e6, r.film, r.ph_max, steps,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    std::fflush(stdout);
  }
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
