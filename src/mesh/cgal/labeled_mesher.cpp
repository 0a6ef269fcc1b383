// mesh_labeled_domain(): CGAL Mesh_3 on a labelled implicit domain. Built in the resorb_cgal
// object library (CGAL's -frounding-math stays out of the rest).
#include "mesh/implicit_labels.hpp"
#include "resorb/core/error.hpp"
#include "resorb/mesh/implicit_mesher.hpp"

#include <CGAL/Exact_predicates_inexact_constructions_kernel.h>
#include <CGAL/Labeled_mesh_domain_3.h>
#include <CGAL/Mesh_complex_3_in_triangulation_3.h>
#include <CGAL/Mesh_criteria_3.h>
#include <CGAL/Mesh_triangulation_3.h>
#include <CGAL/make_mesh_3.h>

#include "mesh/cgal/complex_to_mesh_data.hpp"
#include "mesh/cgal/unit_frame.hpp"

#include <fmt/format.h>

namespace resorb::mesh {
namespace {

using Kernel = CGAL::Exact_predicates_inexact_constructions_kernel;
using Domain = CGAL::Labeled_mesh_domain_3<Kernel>;
using Triangulation = CGAL::Mesh_triangulation_3<Domain, CGAL::Default, CGAL::Sequential_tag>::type;
using Complex = CGAL::Mesh_complex_3_in_triangulation_3<Triangulation>;
using Criteria = CGAL::Mesh_criteria_3<Triangulation>;

} // namespace

MeshData mesh_labeled_domain(const LabelFunction& label, std::array<double, 3> lo,
                             std::array<double, 3> hi, const ImplicitMeshSizing& sizing,
                             std::span<const PhysicalGroup> labels, const std::string& source) {
  sizing.validate(source);
  for (std::size_t d = 0; d < 3; ++d)
    RESORB_REQUIRE(
        hi[d] > lo[d], InputError,
        fmt::format("{}: empty box along axis {} ({} to {} m)", source, d, lo[d], hi[d]));
  const impl::LabelTags tags(labels, source);
  impl::check_label_samples(label, lo, hi, tags, source);

  const impl::UnitFrame frame(lo, hi);
  const impl::CheckedLabel<Kernel::Point_3> checked(label, frame, tags);
  CGAL::get_default_random() = CGAL::Random(
      0); // seeds the perturbation (the mesh is still not bitwise repeatable: see the notes)
  namespace p = CGAL::parameters;
  const Domain domain(std::function<int(const Kernel::Point_3&)>(checked),
                      Kernel::Iso_cuboid_3(0.0, 0.0, 0.0, frame.to_unit(hi, 0),
                                           frame.to_unit(hi, 1), frame.to_unit(hi, 2)),
                      p::relative_error_bound = sizing.relative_error_bound);
  const auto criteria = impl::unit_criteria<Criteria>(sizing, frame);
  const Complex complex = CGAL::make_mesh_3<Complex>(domain, criteria, p::perturb(), p::exude());
  checked.rethrow_unknown();
  RESORB_REQUIRE(complex.number_of_cells_in_complex() > 0, InputError,
                 fmt::format("{}: the label function has no subdomain the mesher found in the box "
                             "(every sampled point is outside, label 0)",
                             source));

  return impl::complex_to_mesh_data(
      complex, tags, [&](double x, double y, double z) { return frame.to_world(x, y, z); }, source);
}

} // namespace resorb::mesh
