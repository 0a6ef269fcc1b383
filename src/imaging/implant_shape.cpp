#include "resorb/imaging/implant_shape.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>

namespace resorb::imaging {
namespace {

bool positive_finite(double v) {
  return std::isfinite(v) && v > 0;
}

/// Distance to the slab 0 ≤ z ≤ length, positive inside.
double slab(double z, double length) {
  return std::min(z, length - z);
}

} // namespace

Pose Pose::along(const io::Vector3& base, const io::Vector3& axis) {
  const double n = std::hypot(axis[0], axis[1], axis[2]);
  RESORB_REQUIRE(positive_finite(n), InputError, "implant pose: the axis must not be zero");
  const io::Vector3 z{axis[0] / n, axis[1] / n, axis[2] / n};
  // x: the world axis least aligned with z, made perpendicular to it.
  io::Vector3 x{0, 0, 0};
  const auto least = static_cast<std::size_t>(
      std::distance(z.begin(), std::min_element(z.begin(), z.end(), [](double a, double b) {
                      return std::abs(a) < std::abs(b);
                    })));
  x[least] = 1.0;
  const double dot = x[0] * z[0] + x[1] * z[1] + x[2] * z[2];
  for (std::size_t d = 0; d < 3; ++d)
    x[d] -= dot * z[d];
  const double m = std::hypot(x[0], x[1], x[2]);
  for (auto& v : x)
    v /= m;
  const io::Vector3 y{z[1] * x[2] - z[2] * x[1], z[2] * x[0] - z[0] * x[2],
                      z[0] * x[1] - z[1] * x[0]};
  Pose p;
  for (std::size_t r = 0; r < 3; ++r)
    p.rotation[r] = {x[r], y[r], z[r]};
  p.translation = base;
  return p;
}

io::Vector3 Pose::to_world(const io::Vector3& local) const {
  io::Vector3 w = translation;
  for (std::size_t r = 0; r < 3; ++r)
    for (std::size_t c = 0; c < 3; ++c)
      w[r] += rotation[r][c] * local[c];
  return w;
}

io::Vector3 Pose::to_local(const io::Vector3& world) const {
  io::Vector3 l{0, 0, 0};
  for (std::size_t c = 0; c < 3; ++c)
    for (std::size_t r = 0; r < 3; ++r)
      l[c] += rotation[r][c] * (world[r] - translation[r]);
  return l;
}

void Pose::validate(std::string_view context) const {
  double worst = 0.0;
  for (std::size_t a = 0; a < 3; ++a)
    for (std::size_t b = 0; b < 3; ++b) {
      double dot = 0.0;
      for (std::size_t r = 0; r < 3; ++r)
        dot += rotation[r][a] * rotation[r][b];
      worst = std::max(worst, std::abs(dot - (a == b ? 1.0 : 0.0)));
    }
  const auto& m = rotation;
  const double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
                     m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
                     m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  RESORB_REQUIRE(std::isfinite(worst) && worst <= 1e-6 && det > 0, InputError,
                 fmt::format("{}: the rotation is not a proper rotation (|RᵀR − I| = {:.3g}, "
                             "det {:.6g})",
                             context, worst, det));
  for (const double t : translation)
    RESORB_REQUIRE(std::isfinite(t), InputError,
                   fmt::format("{}: the translation is not finite", context));
}

ImplantShape ImplantShape::cylinder(double radius, double length) {
  RESORB_REQUIRE(positive_finite(radius) && positive_finite(length), InputError,
                 fmt::format("implant cylinder: radius {} m and length {} m must be positive",
                             radius, length));
  return ImplantShape([=](const io::Vector3& x) {
    return std::min(radius - std::hypot(x[0], x[1]), slab(x[2], length));
  });
}

ImplantShape ImplantShape::screw(double core_radius, double thread_depth, double pitch,
                                 double length) {
  RESORB_REQUIRE(positive_finite(core_radius) && positive_finite(thread_depth) &&
                     positive_finite(pitch) && positive_finite(length),
                 InputError,
                 fmt::format("implant screw: core radius {} m, thread depth {} m, pitch {} m and "
                             "length {} m must be positive",
                             core_radius, thread_depth, pitch, length));
  return ImplantShape([=](const io::Vector3& x) {
    // Position along the helix: 0 at a crest, 1/2 at a root, whatever the turn.
    const double turn = std::atan2(x[1], x[0]) / (2 * std::numbers::pi);
    double u = x[2] / pitch - turn;
    u -= std::floor(u);
    const double outer = core_radius + thread_depth * std::abs(1.0 - 2.0 * u);
    // The radial gap scaled by the flank's slope: a first-order distance to the flank.
    const double slope = 2.0 * thread_depth / pitch;
    const double radial = (outer - std::hypot(x[0], x[1])) / std::sqrt(1.0 + slope * slope);
    return std::min(radial, slab(x[2], length));
  });
}

ImplantShape ImplantShape::screw(const meshes::ThreadedScrewGeometry& geometry) {
  geometry.validate();
  return screw(geometry.minor_diameter / 2, (geometry.major_diameter - geometry.minor_diameter) / 2,
               geometry.pitch, geometry.threaded_length);
}

ImplantShape ImplantShape::closed_surface(const mesh::TriangleSurface& surface) {
  return ImplantShape(mesh::signed_distance_to(surface, "implant surface"));
}

} // namespace resorb::imaging
