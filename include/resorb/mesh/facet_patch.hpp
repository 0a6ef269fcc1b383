#pragma once
/// @file
/// Named boundary patches cut out of a facet group: the supports and load surfaces of a mesh
/// made from a segmentation, whose facet groups are whole label boundaries.
#include "resorb/mesh/tet_mesh.hpp"

#include <array>
#include <functional>
#include <string>
#include <string_view>

namespace resorb::mesh {

/// Where a patch is: true for a facet centroid (m) inside it.
using PatchRegion = std::function<bool(const std::array<double, 3>&)>;

/// Moves the facets of group @p from (name) whose centroid lies in @p region into a new facet
/// group @p name, tagged one above the largest facet tag; returns that tag. Works on the
/// root's data before distribution.
/// @throws InputError naming @p data's source when @p from is not a facet group, @p name is
///         already a group, or the region holds none of @p from's facets
int split_facet_group(MeshData& data, std::string_view from, const std::string& name,
                      const PatchRegion& region);

} // namespace resorb::mesh
