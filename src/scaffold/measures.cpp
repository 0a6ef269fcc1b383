#include "resorb/scaffold/measures.hpp"

#include "resorb/core/error.hpp"
#include "resorb/fem/dof_map.hpp"
#include "resorb/fem/field.hpp"
#include "resorb/fem/level_set.hpp"
#include "resorb/la/petsc.hpp"
#include "resorb/mesh/box.hpp"

#include <boost/math/tools/roots.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>

namespace resorb::scaffold {

namespace {

/// @p level interpolated on the box mesh (n cells along the longest side). The mesh is
/// returned with the field, which refers to it.
struct LevelOnBox {
  std::unique_ptr<mesh::TetMesh> mesh; // held by pointer: the DofMap refers to it
  std::unique_ptr<fem::DofMap> dofmap;
  std::unique_ptr<fem::Field> psi;
};

LevelOnBox level_on_box(MPI_Comm comm, const ScalarField& level, const Point& lo, const Point& hi,
                        int cells_per_side, std::string_view what) {
  RESORB_REQUIRE(cells_per_side >= 2, InputError,
                 fmt::format("{}: {} cells per side (at least 2)", what, cells_per_side));
  double longest = 0.0;
  for (std::size_t i = 0; i < 3; ++i) {
    RESORB_REQUIRE(lo[i] < hi[i], InputError,
                   fmt::format("{}: empty box on axis {} ({} >= {} m)", what, i, lo[i], hi[i]));
    longest = std::max(longest, hi[i] - lo[i]);
  }
  std::array<int, 3> n{};
  for (std::size_t i = 0; i < 3; ++i)
    n[i] = std::max(1, static_cast<int>(std::lround(cells_per_side * (hi[i] - lo[i]) / longest)));
  LevelOnBox out{std::make_unique<mesh::TetMesh>(mesh::make_box(comm, n, lo, hi)), nullptr,
                 nullptr};
  out.dofmap = std::make_unique<fem::DofMap>(*out.mesh, 1);
  out.psi = std::make_unique<fem::Field>(*out.dofmap, 1, "solid level", "m");
  // Owned and ghost nodes alike: each rank evaluates the same function at the same point.
  const auto x = out.dofmap->node_coordinates();
  {
    la::LocalWrite v(out.psi->vec());
    for (LocalIndex a = 0; a < out.dofmap->index_map().size_local(); ++a) {
      const auto k = 3 * static_cast<std::size_t>(a);
      v[a] = level({x[k], x[k + 1], x[k + 2]});
    }
  }
  return out;
}

} // namespace

SolidMeasures measure_solid(MPI_Comm comm, const ScalarField& level, const Point& lo,
                            const Point& hi, int cells_per_side) {
  const auto box = level_on_box(comm, level, lo, hi, cells_per_side, "measure_solid");
  SolidMeasures m;
  m.region_volume = (hi[0] - lo[0]) * (hi[1] - lo[1]) * (hi[2] - lo[2]);
  m.solid_volume = fem::positive_volume(*box.psi);
  m.surface_area = fem::zero_set_area(*box.psi);
  m.solid_fraction = m.solid_volume / m.region_volume;
  m.porosity = 1.0 - m.solid_fraction;
  m.specific_surface = m.solid_volume > 0 ? m.surface_area / m.solid_volume : 0.0;
  m.surface_density = m.surface_area / m.region_volume;
  return m;
}

mesh::TriangleSurface solid_surface(MPI_Comm comm, const ScalarField& level, const Point& lo,
                                    const Point& hi, int cells_per_side) {
  const auto box = level_on_box(comm, level, lo, hi, cells_per_side, "solid_surface");
  return mesh::weld(fem::gather_zero_set(*box.psi));
}

Record print_record(const PrintDesign& design, const SolidMeasures& measured) {
  RESORB_REQUIRE(
      design.shape_volume > 0.0, InputError,
      fmt::format("print_record: shape volume {} m^3 must be positive", design.shape_volume));
  Record r;
  r.set("cell_type", std::string(name(design.type)))
      .set("variant", std::string(name(design.variant)))
      .set("cell_size_mm", design.cell_size * 1e3)
      .set("threshold", design.threshold)
      .set("bounding_shape", design.shape)
      .set("shape_volume_mm3", design.shape_volume * 1e9)
      .set("porosity", 1.0 - measured.solid_volume / design.shape_volume)
      .set("solid_volume_mm3", measured.solid_volume * 1e9)
      .set("surface_area_mm2", measured.surface_area * 1e6)
      .set("specific_surface_1_per_mm", measured.specific_surface * 1e-3)
      .set("stl_length_unit", std::string("mm"));
  return r;
}

SolidMeasures measure_unit_cell(MPI_Comm comm, CellType type, Variant variant, double threshold,
                                int cells_per_side) {
  const Lattice lattice(type, variant, 1.0, threshold);
  return measure_solid(
      comm, [&lattice](const Point& x) { return lattice.level(x); }, {0.0, 0.0, 0.0},
      {1.0, 1.0, 1.0}, cells_per_side);
}

double threshold_for_porosity(MPI_Comm comm, CellType type, Variant variant, double porosity,
                              int cells_per_side, double tolerance) {
  RESORB_REQUIRE(porosity > 0.0 && porosity < 1.0, InputError,
                 fmt::format("threshold_for_porosity: porosity {} must lie in (0, 1)", porosity));
  RESORB_REQUIRE(tolerance > 0.0, InputError,
                 fmt::format("threshold_for_porosity: tolerance {} must be positive", tolerance));
  const auto range = cell_function_range(type);
  // All pore at the low end, all solid at the high end of t.
  const double low = variant == Variant::sheet ? 0.0 : range[0];
  const double high = variant == Variant::sheet ? std::max(-range[0], range[1]) : range[1];
  // The measured porosity minus the target; remembers the closest threshold seen.
  double best_t = low, best_abs = std::numeric_limits<double>::infinity();
  auto excess = [&](double t) {
    const double e = measure_unit_cell(comm, type, variant, t, cells_per_side).porosity - porosity;
    if (std::abs(e) < best_abs) {
      best_abs = std::abs(e);
      best_t = t;
    }
    return e;
  };
  const double f_low = excess(low), f_high = excess(high);
  RESORB_REQUIRE(f_low > 0.0 && f_high < 0.0, InputError,
                 fmt::format("threshold_for_porosity: porosity {} is outside what the {} {} cell "
                             "reaches on {} cells per side ({} … {})",
                             porosity, name(variant), name(type), cells_per_side, porosity + f_high,
                             porosity + f_low));
  // The root finder's decisions depend only on reduced values: every rank takes the same.
  std::uintmax_t iterations = 100;
  (void)boost::math::tools::toms748_solve(
      excess, low, high, f_low, f_high,
      [&](double a, double b) { return best_abs <= tolerance || b - a <= 1e-14; }, iterations);
  RESORB_REQUIRE(best_abs <= tolerance, SolverError,
                 fmt::format("threshold_for_porosity: porosity {} of the {} {} cell not found to "
                             "{} in {} evaluations (closest: {} off)",
                             porosity, name(variant), name(type), tolerance, iterations, best_abs));
  return best_t;
}

} // namespace resorb::scaffold
