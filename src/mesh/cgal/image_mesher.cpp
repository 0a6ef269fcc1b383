// mesh_label_image(): CGAL Mesh_3 on a labelled image with label weights (smooth boundaries),
// seeded from every connected component of every label. Built in the resorb_cgal object
// library; CGAL's label weights use ITK's Gaussian filters.
#include "mesh/implicit_labels.hpp"
#include "resorb/core/error.hpp"
#include "resorb/imaging/label_mesher.hpp"

#include <CGAL/Image_3.h>
#include <CGAL/Mesh_3/generate_label_weights.h>
#include <CGAL/Mesh_3/initialize_triangulation_from_labeled_image.h>
#include <CGAL/Mesh_constant_domain_field_3.h>
#include <CGAL/make_mesh_3.h>

#include "mesh/cgal/complex_to_mesh_data.hpp"
#include "mesh/cgal/labeled_mesh_types.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <iostream>
#include <map>
#include <sstream>

namespace resorb::imaging {
namespace {

using namespace mesh::impl::labeled;
using CellSizeField = CGAL::Mesh_constant_domain_field_3<Kernel, Domain::Index>;

} // namespace

mesh::MeshData mesh_label_image(const io::LabelImage& image, const LabelMeshSettings& settings) {
  const auto& g = image.geometry;
  const std::string& source = image.source;
  settings.sizing.validate(source);
  RESORB_REQUIRE(!settings.labels.empty(), InputError,
                 fmt::format("{}: no labels to mesh", source));
  RESORB_REQUIRE(settings.labels.size() <= 254, InputError,
                 fmt::format("{}: {} labels to mesh, at most 254", source, settings.labels.size()));
  RESORB_REQUIRE(std::isfinite(settings.smoothing_voxels) && settings.smoothing_voxels >= 0,
                 InputError,
                 fmt::format("{}: smoothing {} voxels must not be negative", source,
                             settings.smoothing_voxels));
  RESORB_REQUIRE(
      image.values.size() == static_cast<std::size_t>(g.voxel_count()), InputError,
      fmt::format("{}: {} values for {} voxels", source, image.values.size(), g.voxel_count()));
  // Image label → tag (its position + 1); everything else is background 0.
  std::map<std::int32_t, unsigned char> tag_of;
  std::vector<mesh::PhysicalGroup> groups;
  for (std::size_t i = 0; i < settings.labels.size(); ++i) {
    const auto& l = settings.labels[i];
    RESORB_REQUIRE(l.value > 0, InputError,
                   fmt::format("{}: label {} ('{}') must be positive (0 is background)", source,
                               l.value, l.name));
    RESORB_REQUIRE(tag_of.emplace(l.value, static_cast<unsigned char>(i + 1)).second, InputError,
                   fmt::format("{}: label {} is listed twice", source, l.value));
    RESORB_REQUIRE(std::isfinite(l.cell_size) && l.cell_size >= 0, InputError,
                   fmt::format("{}: cell size {} m of label '{}' must not be negative", source,
                               l.cell_size, l.name));
    groups.push_back({3, static_cast<int>(i + 1), l.name});
  }
  const mesh::impl::LabelTags tags(groups, source);

  // The image in a unit frame (CGAL's tolerances are partly absolute): voxel (i, j, k) at
  // (i, j, k) · spacing / scale, scale the longest side of the image.
  double scale = 0.0;
  for (std::size_t d = 0; d < 3; ++d)
    scale = std::max(scale, static_cast<double>(g.size[d]) * g.spacing[d]);
  _image* raw =
      _createImage(static_cast<std::size_t>(g.size[0]), static_cast<std::size_t>(g.size[1]),
                   static_cast<std::size_t>(g.size[2]), 1, g.spacing[0] / scale,
                   g.spacing[1] / scale, g.spacing[2] / scale, 1, WK_FIXED, SGN_UNSIGNED);
  RESORB_REQUIRE(raw != nullptr, Error, fmt::format("{}: CGAL image not created", source));
  CGAL::Image_3 labels(raw); // owns raw
  auto* word = static_cast<unsigned char*>(raw->data);
  std::vector<std::int64_t> voxels(settings.labels.size() + 1, 0);
  for (std::size_t v = 0; v < image.values.size(); ++v) {
    const auto it = tag_of.find(image.values[v]);
    word[v] = it == tag_of.end() ? 0 : it->second;
    ++voxels[word[v]];
  }
  for (std::size_t i = 0; i < settings.labels.size(); ++i)
    RESORB_REQUIRE(voxels[i + 1] > 0, InputError,
                   fmt::format("{}: label {} ('{}') is in no voxel", source,
                               settings.labels[i].value, settings.labels[i].name));

  namespace p = CGAL::parameters;
  CGAL::get_default_random() = CGAL::Random(0);
  const double voxel = std::max({g.spacing[0], g.spacing[1], g.spacing[2]}) / scale;
  CGAL::Image_3 weights;
  if (settings.smoothing_voxels > 0)
    weights = CGAL::Mesh_3::generate_label_weights(
        labels, static_cast<float>(settings.smoothing_voxels * voxel));
  const Domain domain = Domain::create_labeled_image_mesh_domain(
      labels, p::weights = weights, p::relative_error_bound = settings.sizing.relative_error_bound);

  const auto& s = settings.sizing;
  CellSizeField cell_size(s.cell_size / scale);
  for (std::size_t i = 0; i < settings.labels.size(); ++i)
    if (settings.labels[i].cell_size > 0)
      cell_size.set_size(settings.labels[i].cell_size / scale, 3,
                         domain.index_from_subdomain_index(static_cast<int>(i + 1)));
  const Criteria criteria(p::facet_angle = s.facet_angle_deg, p::facet_size = s.facet_size / scale,
                          p::facet_distance = s.facet_distance / scale,
                          p::cell_radius_edge_ratio = s.radius_edge_ratio,
                          p::cell_size = cell_size);
  // Seeds on every connected component of every label, so that small or disjoint parts (a
  // vertebra, a thin shell) are not missed by the mesher's random initial points.
  Complex complex;
  {
    // CGAL reports its component search on std::cout; resorb's output is its own progress.
    std::ostringstream chatter;
    auto* const out = std::cout.rdbuf(chatter.rdbuf());
    try {
      initialize_triangulation_from_labeled_image(complex, domain, labels, criteria,
                                                  static_cast<unsigned char>(0));
    } catch (...) {
      std::cout.rdbuf(out);
      throw;
    }
    std::cout.rdbuf(out);
  }
  if (settings.optimise)
    CGAL::refine_mesh_3(complex, domain, criteria, p::perturb(), p::exude());
  else
    CGAL::refine_mesh_3(complex, domain, criteria, p::no_perturb(), p::no_exude());
  RESORB_REQUIRE(complex.number_of_cells_in_complex() > 0, InputError,
                 fmt::format("{}: the mesher found no cells of the labels given", source));

  const bool mirrored = g.handedness() < 0;
  return mesh::impl::complex_to_mesh_data(
      complex, tags,
      [&](double x, double y, double z) {
        const auto w = g.to_world(
            {x * scale / g.spacing[0], y * scale / g.spacing[1], z * scale / g.spacing[2]});
        return std::array<double, 3>{w[0], w[1], w[2]};
      },
      source, mirrored);
}

} // namespace resorb::imaging
