#pragma once
/// @file
/// Label-volume phantoms for tests and examples: analytic shapes sampled at voxel centres,
/// so that meshes of them can be compared with the exact geometry (implemented in the
/// top-level meshes/ folder).
#include "resorb/io/image.hpp"

#include <functional>

namespace resorb::meshes {

/// The label of a world point (RAS, m); 0 is background.
using PhantomLabel = std::function<std::int32_t(const io::Vector3&)>;

/// A label volume on @p geometry with each voxel labelled @p label at its centre.
[[nodiscard]] io::LabelImage sample_phantom(const io::ImageGeometry& geometry,
                                            const PhantomLabel& label);

/// A cubic image geometry of @p voxels per side and voxel size @p spacing (m), centred on
/// @p centre, with axes along the world's.
[[nodiscard]] io::ImageGeometry cube_geometry(std::int64_t voxels, double spacing,
                                              const io::Vector3& centre = {0, 0, 0});

} // namespace resorb::meshes
