#include "resorb/scaffold/unit_cell.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <cmath>
#include <vector>

namespace resorb::scaffold {

namespace {

mesh::PeriodicMesh cell_mesh(CellType type, Variant variant, double threshold, double cell_size,
                             double recession, const mesh::ImplicitMeshSizing& sizing,
                             bool with_pores) {
  RESORB_REQUIRE(std::isfinite(cell_size) && cell_size > 0.0, InputError,
                 fmt::format("unit cell mesh: cell size {} m must be positive", cell_size));
  RESORB_REQUIRE(std::isfinite(recession) && recession >= 0.0, InputError,
                 fmt::format("unit cell mesh: recession {} m must not be negative", recession));
  const Lattice lattice(type, variant, cell_size, threshold);
  const std::string source =
      fmt::format("{} {} unit cell (t = {}, L = {} m{})", name(type), name(variant), threshold,
                  cell_size, recession > 0.0 ? fmt::format(", receded {} m", recession) : "");
  std::vector<mesh::PhysicalGroup> labels{{3, solid_tag, "solid"}};
  if (with_pores)
    labels.push_back({3, pore_tag, "pore"});
  const int outside = with_pores ? pore_tag : 0;
  return mesh::mesh_periodic_domain(
      [&](const Point& x) { return lattice.level(x) >= recession ? solid_tag : outside; },
      {0.0, 0.0, 0.0}, cell_size, sizing, labels, source);
}

} // namespace

mesh::PeriodicMesh unit_cell_mesh(CellType type, Variant variant, double threshold,
                                  double cell_size, const mesh::ImplicitMeshSizing& sizing,
                                  bool with_pores) {
  return cell_mesh(type, variant, threshold, cell_size, 0.0, sizing, with_pores);
}

mesh::PeriodicMesh receded_unit_cell_mesh(CellType type, Variant variant, double threshold,
                                          double cell_size, double recession,
                                          const mesh::ImplicitMeshSizing& sizing) {
  return cell_mesh(type, variant, threshold, cell_size, recession, sizing, false);
}

mesh::MeshData scaffold_mesh(const Lattice& lattice, const BoundingShape& shape, const Point& lo,
                             const Point& hi, const mesh::ImplicitMeshSizing& sizing) {
  const std::vector<mesh::PhysicalGroup> labels{{3, solid_tag, "solid"}, {3, pore_tag, "pore"}};
  return mesh::mesh_labeled_domain(
      [&](const Point& x) {
        if (shape.distance(x) < 0.0)
          return 0;
        return lattice.level(x) >= 0.0 ? solid_tag : pore_tag;
      },
      lo, hi, sizing, labels, "scaffold mesh");
}

} // namespace resorb::scaffold
