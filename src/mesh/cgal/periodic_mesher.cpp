// mesh_periodic_domain(): CGAL Periodic_3_mesh_3 on a labelled periodic implicit domain,
// unwrapped into a PeriodicMesh. Built in the resorb_cgal object library.
#include "mesh/implicit_labels.hpp"
#include "resorb/core/error.hpp"
#include "resorb/mesh/implicit_mesher.hpp"

// First: it switches off Triangulation_3's structural filtering, which periodic
// triangulations cannot use, and must precede every other CGAL header.
#include <CGAL/Periodic_3_mesh_3/config.h>

#include <CGAL/Exact_predicates_inexact_constructions_kernel.h>
#include <CGAL/Labeled_mesh_domain_3.h>
#include <CGAL/Mesh_complex_3_in_triangulation_3.h>
#include <CGAL/Mesh_criteria_3.h>
#include <CGAL/Periodic_3_mesh_triangulation_3.h>
#include <CGAL/make_periodic_3_mesh_3.h>

#include "mesh/cgal/unit_frame.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <unordered_map>

namespace resorb::mesh {
namespace {

using Kernel = CGAL::Exact_predicates_inexact_constructions_kernel;
using Domain = CGAL::Labeled_mesh_domain_3<Kernel>;
using Triangulation = CGAL::Periodic_3_mesh_triangulation_3<Domain>::type;
using Complex = CGAL::Mesh_complex_3_in_triangulation_3<Triangulation>;
using Criteria = CGAL::Mesh_criteria_3<Triangulation>;

} // namespace

PeriodicMesh mesh_periodic_domain(const LabelFunction& label, std::array<double, 3> origin,
                                  double period, const ImplicitMeshSizing& sizing,
                                  std::span<const PhysicalGroup> labels,
                                  const std::string& source) {
  sizing.validate(source);
  RESORB_REQUIRE(std::isfinite(period) && period > 0.0, InputError,
                 fmt::format("{}: period {} m must be positive", source, period));
  const impl::LabelTags tags(labels, source);
  impl::check_label_samples(
      label, origin, {origin[0] + period, origin[1] + period, origin[2] + period}, tags, source);

  const impl::UnitFrame frame(origin, {origin[0] + period, origin[1] + period, origin[2] + period});
  const impl::CheckedLabel<Kernel::Point_3> checked(label, frame, tags);
  CGAL::get_default_random() = CGAL::Random(
      0); // seeds the perturbation (the mesh is still not bitwise repeatable: see the notes)
  namespace p = CGAL::parameters;
  const Domain domain(std::function<int(const Kernel::Point_3&)>(checked),
                      Kernel::Iso_cuboid_3(0.0, 0.0, 0.0, 1.0, 1.0, 1.0),
                      p::relative_error_bound = sizing.relative_error_bound);
  const auto criteria = impl::unit_criteria<Criteria>(sizing, frame);
  const Complex complex =
      CGAL::make_periodic_3_mesh_3<Complex>(domain, criteria, p::perturb(), p::exude());
  checked.rethrow_unknown();
  RESORB_REQUIRE(complex.number_of_cells_in_complex() > 0, InputError,
                 fmt::format("{}: the label function has no subdomain the mesher found in the "
                             "period (every sampled point is outside, label 0)",
                             source));
  const auto& tr = complex.triangulation();
  RESORB_REQUIRE(tr.is_1_cover(), InputError,
                 fmt::format("{}: the mesh is too coarse for its period of {} m (not a 1-cover of "
                             "the flat torus); lower cell_size and facet_size",
                             source, period));

  PeriodicMesh mesh;
  mesh.data.source = source;
  mesh.data.groups = tags.groups();
  mesh.origin = origin;
  mesh.period = {period, period, period};
  std::unordered_map<Triangulation::Vertex_handle, GlobalIndex> periodic_index;
  std::map<std::pair<GlobalIndex, std::array<int, 3>>, GlobalIndex> unwrapped_index;
  // Data vertex of triangulation vertex v shifted by offset o.
  auto vertex = [&](Triangulation::Vertex_handle v, const std::array<int, 3>& o) {
    const auto [pit, new_periodic] =
        periodic_index.try_emplace(v, static_cast<GlobalIndex>(periodic_index.size()));
    (void)new_periodic;
    const auto [it, inserted] = unwrapped_index.try_emplace(
        {pit->second, o}, static_cast<GlobalIndex>(unwrapped_index.size()));
    if (inserted) {
      const auto x = tr.construct_point(tr.point(v), Triangulation::Offset(o[0], o[1], o[2]));
      const auto w = frame.to_world(x.x(), x.y(), x.z());
      mesh.data.coordinates.insert(mesh.data.coordinates.end(), w.begin(), w.end());
      mesh.periodic_vertex.push_back(pit->second);
      mesh.image.push_back(o);
    }
    return it->second;
  };
  // Offsets of a cell's vertices, shifted so that the smallest is 0 along each axis: the
  // cell's placement touching the period (CGAL's canonical one).
  auto placement = [&](Triangulation::Cell_handle c) {
    std::array<std::array<int, 3>, 4> o{};
    for (int k = 0; k < 4; ++k) {
      const auto off = tr.int_to_off(c->offset(k));
      o[static_cast<std::size_t>(k)] = {off.x(), off.y(), off.z()};
    }
    for (std::size_t d = 0; d < 3; ++d) {
      const int low = std::min({o[0][d], o[1][d], o[2][d], o[3][d]});
      for (auto& ok : o)
        ok[d] -= low;
    }
    return o;
  };
  for (auto c = complex.cells_in_complex_begin(); c != complex.cells_in_complex_end(); ++c) {
    const auto o = placement(c);
    for (int k = 0; k < 4; ++k)
      mesh.data.cells.push_back(vertex(c->vertex(k), o[static_cast<std::size_t>(k)]));
    mesh.data.cell_tags.push_back(complex.subdomain_index(c));
  }
  for (auto f = complex.facets_in_complex_begin(); f != complex.facets_in_complex_end(); ++f) {
    // Placed with a meshed cell on its side, so that it uses that cell's data vertices.
    // CGAL can leave a surface facet between two unmeshed cells (seen on a coarse sphere):
    // it bounds nothing and is dropped.
    auto facet = *f;
    if (!complex.is_in_complex(facet.first))
      facet = tr.mirror_facet(facet);
    if (!complex.is_in_complex(facet.first))
      continue;
    const auto [a, b] = complex.surface_patch_index(*f);
    const auto o = placement(facet.first);
    for (int k = 0; k < 4; ++k)
      if (k != facet.second)
        mesh.data.facets.push_back(vertex(facet.first->vertex(k), o[static_cast<std::size_t>(k)]));
    mesh.data.facet_tags.push_back(tags.facet_tag(a, b));
  }
  mesh.num_periodic_vertices = static_cast<GlobalIndex>(periodic_index.size());
  return mesh;
}

} // namespace resorb::mesh
