#pragma once
// What both CGAL meshers share: the frame they mesh in, the checked label oracle and the
// criteria. Included after the CGAL headers of its translation unit (the periodic one must
// include Periodic_3_mesh_3/config.h before any other), so it includes none itself.
//
// CGAL meshes in a unit frame: the box [lo, hi] is moved to the origin and scaled so that
// its longest side is 1. Periodic_3_mesh_3 (CGAL 5.5) does not finish refining a 1 mm cell
// finer than about L/9 in metres, while the same cell in units of its period meshes in a
// second; some of its tolerances are absolute. Scaling makes every input size-independent.
#include "mesh/implicit_labels.hpp"
#include "resorb/core/error.hpp"
#include "resorb/mesh/implicit_mesher.hpp"

#include <algorithm>
#include <array>
#include <memory>

namespace resorb::mesh::impl {

/// x_world = origin + scale · x_unit.
struct UnitFrame {
  std::array<double, 3> origin{};
  double scale = 1.0;

  UnitFrame(const std::array<double, 3>& lo, const std::array<double, 3>& hi)
      : origin(lo), scale(std::max({hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]})) {}

  [[nodiscard]] std::array<double, 3> to_world(double x, double y, double z) const {
    return {origin[0] + scale * x, origin[1] + scale * y, origin[2] + scale * z};
  }
  [[nodiscard]] double to_unit(const std::array<double, 3>& world, std::size_t d) const {
    return (world[d] - origin[d]) / scale;
  }
};

/// The label function as CGAL calls it: at unit-frame points, its values checked. Checking
/// by throwing would unwind through CGAL's frames, so an unknown label is recorded, treated
/// as outside, and reported by rethrow_unknown() after CGAL returns.
template <class Point>
class CheckedLabel {
public:
  CheckedLabel(const LabelFunction& label, const UnitFrame& frame, const LabelTags& tags)
      : label_(&label), frame_(frame), tags_(&tags) {}

  int operator()(const Point& p) const {
    const int l = (*label_)(frame_.to_world(p.x(), p.y(), p.z()));
    try {
      tags_->check(l);
    } catch (const InputError&) {
      *unknown_ = l;
      return 0;
    }
    return l;
  }
  void rethrow_unknown() const {
    if (*unknown_ != 0)
      tags_->check(*unknown_);
  }

private:
  const LabelFunction* label_;
  UnitFrame frame_;
  const LabelTags* tags_;
  std::shared_ptr<int> unknown_ = std::make_shared<int>(0); // shared by CGAL's copies
};

/// CGAL criteria from @p sizing, in the unit frame.
template <class Criteria>
Criteria unit_criteria(const ImplicitMeshSizing& sizing, const UnitFrame& frame) {
  namespace p = CGAL::parameters;
  return Criteria(p::facet_angle = sizing.facet_angle_deg,
                  p::facet_size = sizing.facet_size / frame.scale,
                  p::facet_distance = sizing.facet_distance / frame.scale,
                  p::cell_radius_edge_ratio = sizing.radius_edge_ratio,
                  p::cell_size = sizing.cell_size / frame.scale);
}

} // namespace resorb::mesh::impl
