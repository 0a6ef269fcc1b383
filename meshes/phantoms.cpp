#include "resorb/meshes/phantoms.hpp"

namespace resorb::meshes {

io::LabelImage sample_phantom(const io::ImageGeometry& geometry, const PhantomLabel& label) {
  io::LabelImage image{geometry, {}, "phantom"};
  image.values.reserve(static_cast<std::size_t>(geometry.voxel_count()));
  for (std::int64_t k = 0; k < geometry.size[2]; ++k)
    for (std::int64_t j = 0; j < geometry.size[1]; ++j)
      for (std::int64_t i = 0; i < geometry.size[0]; ++i)
        image.values.push_back(label(geometry.to_world(
            {static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)})));
  return image;
}

io::ImageGeometry cube_geometry(std::int64_t voxels, double spacing, const io::Vector3& centre) {
  io::ImageGeometry g;
  g.size = {voxels, voxels, voxels};
  g.spacing = {spacing, spacing, spacing};
  const double half = 0.5 * static_cast<double>(voxels - 1) * spacing;
  g.origin = {centre[0] - half, centre[1] - half, centre[2] - half};
  return g;
}

} // namespace resorb::meshes
