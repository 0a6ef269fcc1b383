#pragma once
/// @file
/// Implants placed into a label volume before meshing: shapes in their own frame (axis along
/// local z from 0 to the length), put at a pose in the world frame (RAS, m).
#include "resorb/io/image.hpp"
#include "resorb/mesh/triangle_surface.hpp"
#include "resorb/meshes/geometries.hpp"

#include <functional>

namespace resorb::imaging {

/// A rigid placement: world = rotation · local + translation.
struct Pose {
  io::Matrix3 rotation{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}}; ///< orthonormal, det +1
  io::Vector3 translation{0, 0, 0};                        ///< m

  /// The pose whose local z axis points along @p axis (any length > 0) from @p base, the
  /// local x axis chosen perpendicular to it. @throws InputError for a zero axis
  [[nodiscard]] static Pose along(const io::Vector3& base, const io::Vector3& axis);
  /// World point of the local point @p local.
  [[nodiscard]] io::Vector3 to_world(const io::Vector3& local) const;
  /// Local point of the world point @p world.
  [[nodiscard]] io::Vector3 to_local(const io::Vector3& world) const;
  /// Checks the rotation is orthonormal with det +1. @throws InputError naming @p context
  void validate(std::string_view context) const;
};

/// An implant's region as a signed distance in its local frame, positive inside (m; exact
/// near the surface to first order, which is what the mesher's bisection needs).
class ImplantShape {
public:
  /// A rod of @p radius along local z from 0 to @p length. @throws InputError for sizes ≤ 0
  [[nodiscard]] static ImplantShape cylinder(double radius, double length);
  /// A screw: a core of @p core_radius along local z from 0 to @p length with a single
  /// triangular thread of @p thread_depth and @p pitch (ISO-like 60° flanks when
  /// depth ≈ 0.61 pitch). @throws InputError for sizes ≤ 0
  [[nodiscard]] static ImplantShape screw(double core_radius, double thread_depth, double pitch,
                                          double length);
  /// The screw of the implant library's threaded-screw geometry (meshes::ThreadedScrewGeometry,
  /// the main job's screw): core of the minor diameter, thread to the major diameter, its
  /// pitch and threaded length. @throws InputError as meshes::ThreadedScrewGeometry::validate()
  [[nodiscard]] static ImplantShape screw(const meshes::ThreadedScrewGeometry& geometry);
  /// The region inside a closed surface given in the local frame (an STL of the implant).
  /// @throws InputError when the surface is not closed and consistently oriented
  [[nodiscard]] static ImplantShape closed_surface(const mesh::TriangleSurface& surface);

  /// The signed distance at the world point @p x with the shape at @p pose.
  [[nodiscard]] double distance(const io::Vector3& x, const Pose& pose) const {
    return local_(pose.to_local(x));
  }

private:
  explicit ImplantShape(std::function<double(const io::Vector3&)> local)
      : local_(std::move(local)) {}
  std::function<double(const io::Vector3&)> local_;
};

/// An implant at a pose, with the cell group it becomes.
struct PlacedImplant {
  ImplantShape shape;           ///< the region
  Pose pose;                    ///< where it is
  std::string name = "implant"; ///< the cell group's name
  double cell_size = 0.0;       ///< m; 0: the mesh's cell size
};

} // namespace resorb::imaging
