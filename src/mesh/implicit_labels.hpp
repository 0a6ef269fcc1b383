#pragma once
// Tags of the meshes made from label functions (mesh_labeled_domain, mesh_periodic_domain):
// cell tags are the labels; facet tags number the label pairs. Private to the library.

#include "resorb/mesh/tet_mesh.hpp"

#include <array>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace resorb::mesh::impl {

/// The cell groups a label function may produce and the facet groups of their pairs.
class LabelTags {
public:
  /// Checks @p labels (positive, distinct tags, dimension 3) and numbers every pair of
  /// {outside = 0} ∪ labels. @throws InputError naming @p source
  LabelTags(std::span<const PhysicalGroup> labels, std::string source);

  /// Throws InputError unless @p label is 0 or one of the named labels.
  void check(int label) const;
  /// Facet tag of the boundary between labels @p a and @p b (any order, a ≠ b).
  [[nodiscard]] int facet_tag(int a, int b) const;
  /// Cell groups followed by the facet groups "<a>|<b>".
  [[nodiscard]] std::vector<PhysicalGroup> groups() const;

private:
  [[nodiscard]] std::size_t position(int label) const; // 0 = outside, 1 + index in labels_

  std::vector<PhysicalGroup> labels_;
  std::string source_;
};

/// Samples @p label on a regular grid of the box [@p lo, @p hi] before CGAL runs: every
/// value must be named in @p tags, some must be positive, and the label must change (CGAL's
/// search for initial surface points does not end on a domain without a boundary).
/// @throws InputError naming @p source
void check_label_samples(const std::function<int(const std::array<double, 3>&)>& label,
                         const std::array<double, 3>& lo, const std::array<double, 3>& hi,
                         const LabelTags& tags, const std::string& source);

} // namespace resorb::mesh::impl
