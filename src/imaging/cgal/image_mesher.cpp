// mesh_label_image(): CGAL Mesh_3 on a labelled image with label weights (smooth boundaries),
// seeded from every connected component of every label. Built in the resorb_cgal object
// library; CGAL's label weights use ITK's Gaussian filters.
#include "mesh/implicit_labels.hpp"
#include "resorb/core/error.hpp"
#include "resorb/core/log.hpp"
#include "resorb/imaging/label_mesher.hpp"

#include <CGAL/Image_3.h>
#include <CGAL/Mesh_3/Image_plus_weights_to_labeled_function_wrapper.h>
#include <CGAL/Mesh_3/Image_to_labeled_function_wrapper.h>
#include <CGAL/Mesh_3/generate_label_weights.h>
#include <CGAL/Mesh_3/initialize_triangulation_from_labeled_image.h>
#include <CGAL/Mesh_constant_domain_field_3.h>
#include <CGAL/exude_mesh_3.h>
#include <CGAL/make_mesh_3.h>
#include <CGAL/perturb_mesh_3.h>

#include "mesh/cgal/complex_to_mesh_data.hpp"
#include "mesh/cgal/labeled_mesh_types.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <map>
#include <sstream>

namespace resorb::imaging {
namespace {

using mesh::impl::labeled::Domain;
using mesh::impl::labeled::Kernel;
// Refinement and optimisation run on every core TBB is given (the image mesher only: the
// implicit meshers' label functions and the periodic mesher stay sequential).
#ifdef CGAL_LINKED_WITH_TBB
using Concurrency = CGAL::Parallel_tag;
#else
using Concurrency = CGAL::Sequential_tag;
#endif
using Triangulation = CGAL::Mesh_triangulation_3<Domain, CGAL::Default, Concurrency>::type;
using Complex = CGAL::Mesh_complex_3_in_triangulation_3<Triangulation>;
using Criteria = CGAL::Mesh_criteria_3<Triangulation>;
using CellSizeField = CGAL::Mesh_constant_domain_field_3<Kernel, Domain::Index>;

} // namespace

mesh::MeshData mesh_label_image(const io::LabelImage& image, const LabelMeshSettings& settings) {
  const auto& g = image.geometry;
  const std::string& source = image.source;
  settings.sizing.validate(source);
  RESORB_REQUIRE(
      std::isfinite(settings.min_dihedral_deg) && settings.min_dihedral_deg >= 0 &&
          settings.min_dihedral_deg < 30 && std::isfinite(settings.optimisation_time_limit_s) &&
          settings.optimisation_time_limit_s > 0 && settings.optimisation_rounds >= 1,
      InputError,
      fmt::format("{}: the dihedral angle target {} deg must lie in [0, 30), the "
                  "optimisation time limit {} s be positive and its rounds ({}) at least 1",
                  source, settings.min_dihedral_deg, settings.optimisation_time_limit_s,
                  settings.optimisation_rounds));
  RESORB_REQUIRE(!settings.labels.empty(), InputError,
                 fmt::format("{}: no labels to mesh", source));
  RESORB_REQUIRE(settings.labels.size() <= 253, InputError,
                 fmt::format("{}: {} labels to mesh, at most 253", source, settings.labels.size()));
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
  const auto& implant = settings.implant;
  const auto implant_tag = static_cast<unsigned char>(settings.labels.size() + 1);
  if (implant) {
    implant->pose.validate(fmt::format("{}: implant '{}'", source, implant->name));
    RESORB_REQUIRE(std::isfinite(implant->cell_size) && implant->cell_size >= 0, InputError,
                   fmt::format("{}: cell size {} m of implant '{}' must not be negative", source,
                               implant->cell_size, implant->name));
    groups.push_back({3, implant_tag, implant->name});
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
  // The seeds must know the implant, but the label function must not: outside the implant's
  // exact region the tissue labels hold, smoothed as if no implant were there.
  _image* raw_seeds = implant ? _createImage(static_cast<std::size_t>(g.size[0]),
                                             static_cast<std::size_t>(g.size[1]),
                                             static_cast<std::size_t>(g.size[2]), 1, raw->vx,
                                             raw->vy, raw->vz, 1, WK_FIXED, SGN_UNSIGNED)
                              : nullptr;
  RESORB_REQUIRE(!implant || raw_seeds != nullptr, Error,
                 fmt::format("{}: CGAL image not created", source));
  CGAL::Image_3 seed_labels = implant ? CGAL::Image_3(raw_seeds) : labels;
  auto* seed_word = static_cast<unsigned char*>(seed_labels.image()->data);
  // Wall time of each stage, shown at verbosity 2 (`resorb -v 2 mesh ...`).
  auto last = std::chrono::steady_clock::now();
  const auto lap = [&](const char* stage) {
    const auto now = std::chrono::steady_clock::now();
    log::detail(MPI_COMM_SELF, "      {}: {} in {:.2f} s", source, stage,
                std::chrono::duration<double>(now - last).count());
    last = now;
  };
  std::vector<std::int64_t> voxels(groups.size() + 1, 0);
  const auto n = static_cast<std::size_t>(g.size[0]), m = static_cast<std::size_t>(g.size[1]);
  for (std::size_t v = 0; v < image.values.size(); ++v) {
    const auto it = tag_of.find(image.values[v]);
    word[v] = it == tag_of.end() ? 0 : it->second;
    seed_word[v] = word[v];
    if (implant) {
      const io::Vector3 ijk{static_cast<double>(v % n), static_cast<double>(v / n % m),
                            static_cast<double>(v / (n * m))};
      if (implant->shape.distance(g.to_world(ijk), implant->pose) > 0)
        seed_word[v] = implant_tag;
    }
    ++voxels[seed_word[v]];
  }
  if (implant)
    RESORB_REQUIRE(
        voxels[implant_tag] > 0, InputError,
        fmt::format("{}: implant '{}' covers no voxel centre of the image", source, implant->name));
  for (std::size_t i = 0; i < settings.labels.size(); ++i)
    RESORB_REQUIRE(voxels[i + 1] > 0, InputError,
                   fmt::format("{}: label {} ('{}') is in no voxel", source,
                               settings.labels[i].value, settings.labels[i].name));

  lap("labels (and the implant burnt into the seeds)");
  namespace p = CGAL::parameters;
  CGAL::get_default_random() = CGAL::Random(0);
  const double voxel = std::max({g.spacing[0], g.spacing[1], g.spacing[2]}) / scale;
  CGAL::Image_3 weights;
  if (settings.smoothing_voxels > 0)
    weights = CGAL::Mesh_3::generate_label_weights(
        labels, static_cast<float>(settings.smoothing_voxels * voxel));
  lap("label weights");
  // The label at a point: the implant where its exact region is, else the image's (weighted
  // trilinear interpolation of the labels when smoothed).
  const auto unit_to_index = [&](double x, double y, double z) {
    return io::Vector3{x * scale / g.spacing[0], y * scale / g.spacing[1],
                       z * scale / g.spacing[2]};
  };
  // The interpolation type must be int as in CGAL's own factory: with unsigned char the
  // weighted wrapper returns 0 everywhere (measured, CGAL 5.5).
  std::function<int(const Kernel::Point_3&)> image_label;
  if (weights.is_valid())
    image_label = CGAL::Mesh_3::Image_plus_weights_to_labeled_function_wrapper<unsigned char, int,
                                                                               unsigned char, int>(
        labels, weights);
  else
    image_label = CGAL::Mesh_3::Image_to_labeled_function_wrapper<unsigned char, int, int>(labels);
  const std::function<int(const Kernel::Point_3&)> implant_or_image =
      [&](const Kernel::Point_3& x) {
        // Only where the image's labels are defined: between the first and last voxel
        // centres (CGAL's domain box is larger).
        const auto u = unit_to_index(x.x(), x.y(), x.z());
        for (std::size_t d = 0; d < 3; ++d)
          if (u[d] < 0 || u[d] > static_cast<double>(g.size[d] - 1))
            return 0;
        return implant->shape.distance(g.to_world(u), implant->pose) > 0
                   ? static_cast<int>(implant_tag)
                   : image_label(x);
      };
  const Domain domain(implant ? implant_or_image : image_label,
                      CGAL::Mesh_3::internal::compute_bounding_box(labels),
                      p::relative_error_bound = settings.sizing.relative_error_bound);

  const auto& s = settings.sizing;
  CellSizeField cell_size(s.cell_size / scale);
  for (std::size_t i = 0; i < settings.labels.size(); ++i)
    if (settings.labels[i].cell_size > 0)
      cell_size.set_size(settings.labels[i].cell_size / scale, 3,
                         domain.index_from_subdomain_index(static_cast<int>(i + 1)));
  if (implant && implant->cell_size > 0)
    cell_size.set_size(implant->cell_size / scale, 3,
                       domain.index_from_subdomain_index(static_cast<int>(implant_tag)));
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
      initialize_triangulation_from_labeled_image(complex, domain, seed_labels, criteria,
                                                  static_cast<unsigned char>(0));
    } catch (...) {
      std::cout.rdbuf(out);
      throw;
    }
    std::cout.rdbuf(out);
  }
  // Refinement runs in parallel (Parallel_tag): on the ten TotalSegmentator bones (640k tets)
  // 2.8 s on 2 threads where the sequential mesher took 12 s. Perturbation and exudation aim
  // at the smallest dihedral angle asked for and stop there: unbounded exudation improves the
  // worst angles little more at several times the cost (benchmarks/RESULTS.md, "Label
  // meshing").
  lap("seeds");
  CGAL::refine_mesh_3(complex, domain, criteria, p::no_perturb(), p::no_exude());
  lap("refinement");
  if (settings.optimise) {
    // A second round removes the odd sliver the first one leaves (perturbation is
    // randomised; exudation then has other vertices to weight) for 0.3–0.5 s per million
    // cells when there is little left (benchmarks/RESULTS.md, "Label meshing").
    for (int round = 0; round < settings.optimisation_rounds; ++round) {
      CGAL::perturb_mesh_3(complex, domain, p::sliver_bound = settings.min_dihedral_deg,
                           p::time_limit = settings.optimisation_time_limit_s);
      lap("perturbation");
      CGAL::exude_mesh_3(complex, p::sliver_bound = settings.min_dihedral_deg,
                         p::time_limit = settings.optimisation_time_limit_s);
      lap("exudation");
    }
  }
  RESORB_REQUIRE(complex.number_of_cells_in_complex() > 0, InputError,
                 fmt::format("{}: the mesher found no cells of the labels given", source));

  const bool mirrored = g.handedness() < 0;
  return mesh::impl::complex_to_mesh_data(
      complex, tags,
      [&](double x, double y, double z) {
        const auto w = g.to_world(unit_to_index(x, y, z));
        return std::array<double, 3>{w[0], w[1], w[2]};
      },
      source, mirrored);
}

} // namespace resorb::imaging
