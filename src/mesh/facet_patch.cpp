#include "resorb/mesh/facet_patch.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace resorb::mesh {

int split_facet_group(MeshData& data, std::string_view from, const std::string& name,
                      const PatchRegion& region) {
  const auto source = data.source;
  const auto group = std::find_if(data.groups.begin(), data.groups.end(),
                                  [&](const auto& g) { return g.dim == 2 && g.name == from; });
  RESORB_REQUIRE(group != data.groups.end(), InputError,
                 fmt::format("{}: patch '{}': no facet group '{}'", source, name, from));
  RESORB_REQUIRE(std::none_of(data.groups.begin(), data.groups.end(),
                              [&](const auto& g) { return g.name == name; }),
                 InputError,
                 fmt::format("{}: patch '{}': a group of that name exists", source, name));
  int tag = 0;
  for (const auto& g : data.groups)
    tag = std::max(tag, g.dim == 2 ? g.tag : 0);
  for (int t : data.facet_tags)
    tag = std::max(tag, t);
  ++tag;
  const int from_tag = group->tag;
  std::size_t moved = 0;
  for (std::size_t f = 0; f < data.facet_tags.size(); ++f) {
    if (data.facet_tags[f] != from_tag)
      continue;
    std::array<double, 3> centroid{0, 0, 0};
    for (std::size_t k = 0; k < 3; ++k)
      for (std::size_t d = 0; d < 3; ++d)
        centroid[d] +=
            data.coordinates[3 * static_cast<std::size_t>(data.facets[3 * f + k]) + d] / 3;
    if (region(centroid)) {
      data.facet_tags[f] = tag;
      ++moved;
    }
  }
  RESORB_REQUIRE(
      moved > 0, InputError,
      fmt::format("{}: patch '{}' holds none of the facets of '{}'", source, name, from));
  data.groups.push_back({2, tag, name});
  return tag;
}

} // namespace resorb::mesh
