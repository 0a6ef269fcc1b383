#pragma once
// Shared test fixtures of the corrosion tests: box meshes tagged by cell centroid, and the
// Stefan-problem chemistry (no film, Stefan number 1).
#include <resorb/mesh/box.hpp>
#include <resorb/physics/corrosion.hpp>

#include <array>
#include <utility>

namespace resorb::test_support {

/// Mesh data of the box [0, hi] with n cells per direction, each cell tagged by
/// tag(centroid) (the caller names the tags as groups and distributes).
template <class Tag>
mesh::MeshData tagged_box(MPI_Comm comm, std::array<int, 3> n, std::array<double, 3> hi,
                          const Tag& tag) {
  auto data = mesh::box_mesh_data(comm, n, {0, 0, 0}, hi);
  for (std::size_t c = 0; c < data.cell_tags.size(); ++c) {
    std::array<double, 3> centroid{0.0, 0.0, 0.0};
    for (std::size_t k = 0; k < 4; ++k)
      for (std::size_t d = 0; d < 3; ++d)
        centroid[d] +=
            0.25 * data.coordinates[3 * static_cast<std::size_t>(data.cells[4 * c + k]) + d];
    data.cell_tags[c] = tag(centroid);
  }
  return data;
}

/// Dissolution without a film: all diffusivities 1e-9 m²/s, [Mg]_sat 1000 and metal 2000
/// mol/m³ (Stefan number [Mg]_sat / (ρ − [Mg]_sat) = 1).
inline physics::CorrosionParameters stefan_parameters() {
  physics::CorrosionParameters p;
  p.name = "Stefan test";
  p.diffusivity_mg = p.diffusivity_oh = p.diffusivity_cl = 1e-9;
  p.film_capacity = 1e4;
  p.mg_saturation = 1000.0;
  p.metal_mg = 2000.0;
  p.initial_oh = 1e-4;
  p.initial_cl = 100.0;
  return p;
}

} // namespace resorb::test_support
