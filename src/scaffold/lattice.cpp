#include "resorb/scaffold/lattice.hpp"

#include "resorb/mesh/triangle_surface.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <numbers>
#include <utility>

namespace resorb::scaffold {

namespace {

constexpr std::array<std::pair<CellType, std::string_view>, 4> cell_names{
    {{CellType::gyroid, "gyroid"},
     {CellType::schwarz_p, "schwarz_p"},
     {CellType::diamond, "diamond"},
     {CellType::iwp, "iwp"}}};

bool positive_finite(double v) {
  return std::isfinite(v) && v > 0.0;
}

} // namespace

CellType parse_cell_type(std::string_view text, std::string_view key) {
  for (const auto& [type, label] : cell_names)
    if (text == label)
      return type;
  throw InputError(
      fmt::format("{}: unknown cell type '{}' (use gyroid, schwarz_p, diamond or iwp)", key, text));
}

Variant parse_variant(std::string_view text, std::string_view key) {
  if (text == "skeletal")
    return Variant::skeletal;
  if (text == "sheet")
    return Variant::sheet;
  throw InputError(
      fmt::format("{}: unknown lattice variant '{}' (use skeletal or sheet)", key, text));
}

std::string_view name(CellType type) {
  for (const auto& [t, label] : cell_names)
    if (t == type)
      return label;
  return "unknown";
}

std::string_view name(Variant variant) {
  return variant == Variant::sheet ? "sheet" : "skeletal";
}

double cell_function(CellType type, const Point& x) {
  const double sx = std::sin(x[0]), sy = std::sin(x[1]), sz = std::sin(x[2]);
  const double cx = std::cos(x[0]), cy = std::cos(x[1]), cz = std::cos(x[2]);
  switch (type) {
  case CellType::gyroid:
    return sx * cy + sy * cz + sz * cx;
  case CellType::schwarz_p:
    return cx + cy + cz;
  case CellType::diamond:
    return sx * sy * sz + sx * cy * cz + cx * sy * cz + cx * cy * sz;
  case CellType::iwp:
    // cos 2X = 2 cos² X − 1.
    return 2.0 * (cx * cy + cy * cz + cz * cx) - (2.0 * (cx * cx + cy * cy + cz * cz) - 3.0);
  }
  return 0.0;
}

Point cell_gradient(CellType type, const Point& x) {
  const double sx = std::sin(x[0]), sy = std::sin(x[1]), sz = std::sin(x[2]);
  const double cx = std::cos(x[0]), cy = std::cos(x[1]), cz = std::cos(x[2]);
  switch (type) {
  case CellType::gyroid:
    return {cx * cy - sz * sx, cy * cz - sx * sy, cz * cx - sy * sz};
  case CellType::schwarz_p:
    return {-sx, -sy, -sz};
  case CellType::diamond:
    return {cx * sy * sz + cx * cy * cz - sx * sy * cz - sx * cy * sz,
            sx * cy * sz - sx * sy * cz + cx * cy * cz - cx * sy * sz,
            sx * sy * cz - sx * cy * sz - cx * sy * sz + cx * cy * cz};
  case CellType::iwp:
    return {-2.0 * sx * (cy + cz - 2.0 * cx), -2.0 * sy * (cx + cz - 2.0 * cy),
            -2.0 * sz * (cx + cy - 2.0 * cz)};
  }
  return {0.0, 0.0, 0.0};
}

std::array<double, 2> cell_function_range(CellType type) {
  switch (type) {
  case CellType::gyroid:
    return {-1.5, 1.5}; // ±3/2 at X = Y = Z = ±π/4
  case CellType::schwarz_p:
    return {-3.0, 3.0};
  case CellType::diamond:
    return {-std::numbers::sqrt2, std::numbers::sqrt2};
  case CellType::iwp:
    // With c = cos: 2(cx cy + cy cz + cz cx) − 2(cx² + cy² + cz²) + 3 = 3 − Σ (ci − cj)²
    // over the three pairs: at most 3 (all equal), at least 3 − 8 = −5 (c = (1, 1, −1)).
    return {-5.0, 3.0};
  }
  return {0.0, 0.0};
}

Lattice::Lattice(CellType type, Variant variant, double cell_size, double threshold)
    : Lattice(
          type, variant, [cell_size](const Point&) { return cell_size; },
          [threshold](const Point&) { return threshold; }) {
  RESORB_REQUIRE(positive_finite(cell_size), InputError,
                 fmt::format("lattice: cell size {} m must be positive", cell_size));
  RESORB_REQUIRE(std::isfinite(threshold), InputError,
                 fmt::format("lattice: threshold {} must be finite", threshold));
}

Lattice::Lattice(CellType type, Variant variant, ScalarField cell_size, ScalarField threshold)
    : type_(type), variant_(variant), cell_size_(std::move(cell_size)),
      threshold_(std::move(threshold)) {
  RESORB_REQUIRE(cell_size_ && threshold_, InputError,
                 "lattice: the cell size and threshold fields must be given");
}

double Lattice::level(const Point& x) const {
  const double size = cell_size_(x);
  RESORB_REQUIRE(positive_finite(size), InputError,
                 fmt::format("lattice: cell size {} m at ({}, {}, {}) m must be positive", size,
                             x[0], x[1], x[2]));
  const double k = 2.0 * std::numbers::pi / size;
  const Point phase{k * x[0], k * x[1], k * x[2]};
  const double f = cell_function(type_, phase);
  const auto g = cell_gradient(type_, phase);
  // |∇f| in 1/m, floored where f is stationary (away from the surface but for special t).
  const double slope = k * std::max(std::hypot(g[0], g[1], g[2]), 1e-3);
  const double t = threshold_(x);
  return (variant_ == Variant::sheet ? t - std::abs(f) : t - f) / slope;
}

BoundingShape BoundingShape::box(const Point& lo, const Point& hi) {
  for (int i = 0; i < 3; ++i)
    RESORB_REQUIRE(lo[static_cast<std::size_t>(i)] < hi[static_cast<std::size_t>(i)], InputError,
                   fmt::format("bounding box: lo {} >= hi {} on axis {}",
                               lo[static_cast<std::size_t>(i)], hi[static_cast<std::size_t>(i)],
                               i));
  return BoundingShape([lo, hi](const Point& x) {
    double d = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < 3; ++i)
      d = std::min({d, x[i] - lo[i], hi[i] - x[i]});
    return d; // exact inside; its sign outside
  });
}

BoundingShape BoundingShape::enclosed_by(const mesh::TriangleSurface& surface) {
  return BoundingShape(mesh::signed_distance_to(surface, "bounding surface"));
}

BoundingShape BoundingShape::cylinder(const Point& base, const Point& axis, double radius,
                                      double height) {
  const double norm = std::hypot(axis[0], axis[1], axis[2]);
  RESORB_REQUIRE(positive_finite(radius) && positive_finite(height), InputError,
                 fmt::format("bounding cylinder: radius {} m and height {} m must be positive",
                             radius, height));
  RESORB_REQUIRE(positive_finite(norm), InputError, "bounding cylinder: the axis is zero");
  const Point a{axis[0] / norm, axis[1] / norm, axis[2] / norm};
  return BoundingShape([base, a, radius, height](const Point& x) {
    const Point r{x[0] - base[0], x[1] - base[1], x[2] - base[2]};
    const double along = r[0] * a[0] + r[1] * a[1] + r[2] * a[2];
    const Point across{r[0] - along * a[0], r[1] - along * a[1], r[2] - along * a[2]};
    const double rho = std::hypot(across[0], across[1], across[2]);
    return std::min({radius - rho, along, height - along}); // exact inside; its sign outside
  });
}

BoundingShape::BoundingShape(ScalarField signed_distance) : distance_(std::move(signed_distance)) {
  RESORB_REQUIRE(static_cast<bool>(distance_), InputError,
                 "bounding shape: no signed distance given");
}

ScalarField scaffold_level(Lattice lattice, BoundingShape shape) {
  return [lattice = std::move(lattice), shape = std::move(shape)](const Point& x) {
    return std::min(lattice.level(x), shape.distance(x));
  };
}

} // namespace resorb::scaffold
