#include "resorb/scaffold/recession_check.hpp"

#include "resorb/core/error.hpp"
#include "resorb/physics/calibration.hpp"
#include "resorb/scaffold/measures.hpp"
#include "resorb/scaffold/unit_cell.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace resorb::scaffold {

RecessionCheck
check_recession_model(MPI_Comm comm, const Design& design,
                      const physics::CorrosionParameters& parameters, double cell_size,
                      const std::vector<double>& times, const RecessionCheckOptions& options,
                      const std::function<void(const physics::CorrosionReport&)>& on_step,
                      const std::function<void(const RecessionCheckPoint&)>& on_point) {
  const double size = design.cell_size;
  RESORB_REQUIRE(std::isfinite(size) && size > 0.0, InputError,
                 fmt::format("recession check: cell size {} m must be positive", size));
  RESORB_REQUIRE(std::isfinite(cell_size) && cell_size > 0.0 && cell_size <= size / 4, InputError,
                 fmt::format("recession check: mesh size {} m must be positive and at most a "
                             "quarter of the cell ({} m)",
                             cell_size, size));
  RESORB_REQUIRE(!times.empty() && std::is_sorted(times.begin(), times.end()) && times[0] > 0,
                 InputError, "recession check: times must be positive and increasing");
  if (options.material)
    options.material->validate("recession check: design material");
  parameters.validate();

  RecessionCheck out;
  constexpr int measure_cells = 96;
  out.threshold =
      threshold_for_porosity(comm, design.type, design.variant, design.porosity, 64, 1e-5);
  const Lattice lattice(design.type, design.variant, size, out.threshold);
  const auto box = BoundingShape::box({0, 0, 0}, {size, size, size});
  const double margin = 0.05 * size;
  const Point lo{-margin, -margin, -margin}, hi{size + margin, size + margin, size + margin};
  auto data = mpi::rank(comm) == 0 ? scaffold_mesh(lattice, box, lo, hi,
                                                   mesh::ImplicitMeshSizing::uniform(cell_size))
                                   : mesh::MeshData{};
  const auto mesh = mesh::TetMesh::distribute(comm, std::move(data));
  out.cells = mesh.num_global_cells();
  physics::MagnesiumCorrosion model(mesh, "solid", parameters, options.transport);
  const auto start = model.report();
  out.metal_volume = start.metal_volume;
  out.interface_area = start.interface_area;

  // The recession model's solid: the lattice receded by d, the box faces (no medium beyond
  // them) in place, measured on the exact geometry.
  const auto solid = [&](double depth) {
    return measure_solid(
               comm,
               [&](const Point& x) { return std::min(lattice.level(x) - depth, box.distance(x)); },
               lo, hi, measure_cells)
        .solid_volume;
  };
  const double intact = solid(0.0);
  physics::CalibrationCoupon coupon;
  coupon.cell_size = cell_size;
  const auto coupon_depths = physics::coupon_recession_depths(comm, parameters, coupon, times);
  int steps = 0;
  for (std::size_t k = 0; k < times.size(); ++k) {
    const double t = times[k];
    model.advance_to(t, [&](const physics::CorrosionReport& r) {
      ++steps;
      if (on_step)
        on_step(r);
    });
    const auto r = model.report();
    RecessionCheckPoint p;
    p.time = t;
    p.coupon_depth = coupon_depths[k];
    p.lost_recession = 1.0 - solid(p.coupon_depth) / intact;
    if (options.material) {
      p.design_depth = options.material->recession_depth(t);
      p.lost_design = 1.0 - solid(p.design_depth) / intact;
    }
    p.lost_corrosion = 1.0 - r.metal_volume / start.metal_volume;
    p.film = r.film;
    p.ph_max = r.ph_max;
    p.steps = steps;
    out.points.push_back(p);
    if (on_point)
      on_point(p);
  }
  return out;
}

} // namespace resorb::scaffold
