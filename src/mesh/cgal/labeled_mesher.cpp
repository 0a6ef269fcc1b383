// mesh_labeled_domain(): CGAL Mesh_3 on a labelled implicit domain. Built in the resorb_cgal
// object library (CGAL's -frounding-math stays out of the rest).
#include "mesh/implicit_labels.hpp"
#include "resorb/core/error.hpp"
#include "resorb/mesh/implicit_mesher.hpp"

#include <CGAL/make_mesh_3.h>

#include "mesh/cgal/complex_to_mesh_data.hpp"
#include "mesh/cgal/labeled_mesh_types.hpp"
#include "mesh/cgal/unit_frame.hpp"

#include <fmt/format.h>

namespace resorb::mesh {
namespace {

using namespace impl::labeled;

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
