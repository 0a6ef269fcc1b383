#include "resorb/mesh/periodic_mesh.hpp"

#include "resorb/core/error.hpp"
#include "resorb/mesh/box.hpp"

#include <fmt/format.h>

#include <cmath>

namespace resorb::mesh {

void PeriodicMesh::validate() const {
  const auto nv = data.coordinates.size() / 3;
  RESORB_REQUIRE(periodic_vertex.size() == nv && image.size() == nv, InputError,
                 fmt::format("{}: periodic mesh has {} vertices but {} periodic ids and {} images",
                             data.source, nv, periodic_vertex.size(), image.size()));
  for (int d = 0; d < 3; ++d)
    RESORB_REQUIRE(std::isfinite(period[d]) && period[d] > 0.0, InputError,
                   fmt::format("{}: period {} along axis {}", data.source, period[d], d));
  // Every periodic vertex has one position in the period, whichever image shows it.
  std::vector<std::array<double, 3>> position(static_cast<std::size_t>(num_periodic_vertices));
  std::vector<bool> seen(position.size(), false);
  for (std::size_t v = 0; v < nv; ++v) {
    const auto p = periodic_vertex[v];
    RESORB_REQUIRE(p >= 0 && p < num_periodic_vertices, InputError,
                   fmt::format("{}: vertex {} has periodic id {} outside [0, {})", data.source, v,
                               p, num_periodic_vertices));
    std::array<double, 3> x{};
    for (std::size_t d = 0; d < 3; ++d)
      x[d] = data.coordinates[3 * v + d] - image[v][d] * period[d];
    auto& ref = position[static_cast<std::size_t>(p)];
    if (!seen[static_cast<std::size_t>(p)]) {
      ref = x;
      seen[static_cast<std::size_t>(p)] = true;
      continue;
    }
    for (std::size_t d = 0; d < 3; ++d)
      RESORB_REQUIRE(std::abs(x[d] - ref[d]) <= 1e-9 * period[d], InputError,
                     fmt::format("{}: vertex {} is not a periodic image of periodic vertex {} "
                                 "(axis {} differs by {} m)",
                                 data.source, v, p, d, x[d] - ref[d]));
  }
  const auto nc = data.cells.size() / 4;
  for (std::size_t c = 0; c < nc; ++c) {
    std::array<std::array<double, 3>, 4> x{};
    for (std::size_t k = 0; k < 4; ++k) {
      const auto v = data.cells[4 * c + k];
      RESORB_REQUIRE(v >= 0 && static_cast<std::size_t>(v) < nv, InputError,
                     fmt::format("{}: cell {} uses vertex {} of {}", data.source, c, v, nv));
      for (std::size_t d = 0; d < 3; ++d)
        x[k][d] = data.coordinates[3 * static_cast<std::size_t>(v) + d];
    }
    RESORB_REQUIRE(signed_volume(x) > 0.0, InputError,
                   fmt::format("{}: cell {} is inverted or degenerate (volume {} m³)", data.source,
                               c, signed_volume(x)));
  }
}

PeriodicMesh periodic_box_mesh(std::array<int, 3> n, std::array<double, 3> lo,
                               std::array<double, 3> hi) {
  PeriodicMesh mesh;
  mesh.data = box_mesh_data(MPI_COMM_SELF, n, lo, hi);
  mesh.data.source = fmt::format("periodic box {}x{}x{}", n[0], n[1], n[2]);
  // The box's faces are not boundaries of a periodic medium.
  mesh.data.facets.clear();
  mesh.data.facet_tags.clear();
  std::erase_if(mesh.data.groups, [](const PhysicalGroup& g) { return g.dim != 3; });
  mesh.origin = lo;
  for (std::size_t d = 0; d < 3; ++d)
    mesh.period[d] = hi[d] - lo[d];
  const auto nx = static_cast<GlobalIndex>(n[0]), ny = static_cast<GlobalIndex>(n[1]),
             nz = static_cast<GlobalIndex>(n[2]);
  mesh.num_periodic_vertices = nx * ny * nz;
  const auto nv = mesh.data.coordinates.size() / 3;
  mesh.periodic_vertex.resize(nv);
  mesh.image.resize(nv);
  // box_mesh_data numbers vertex (i, j, k) as i + (nx + 1) (j + (ny + 1) k).
  for (std::size_t v = 0; v < nv; ++v) {
    const auto g = static_cast<GlobalIndex>(v);
    const GlobalIndex i = g % (nx + 1), j = (g / (nx + 1)) % (ny + 1),
                      k = g / ((nx + 1) * (ny + 1));
    mesh.periodic_vertex[v] = i % nx + nx * (j % ny + ny * (k % nz));
    mesh.image[v] = {static_cast<int>(i / nx), static_cast<int>(j / ny), static_cast<int>(k / nz)};
  }
  return mesh;
}

} // namespace resorb::mesh
