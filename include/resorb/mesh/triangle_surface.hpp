#pragma once
/// @file
/// Triangulated surfaces with shared vertices (an implicit solid's boundary for printing):
/// welding a triangle soup, closedness and orientation checks, enclosed volume and area.

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string_view>
#include <vector>

namespace resorb::mesh {

/// Vertices (m) and triangles (three vertex indices each, counter-clockwise seen from
/// outside: the normal (v1 − v0) × (v2 − v0) points out of the enclosed solid).
struct TriangleSurface {
  std::vector<std::array<double, 3>> vertices;         ///< m
  std::vector<std::array<std::uint32_t, 3>> triangles; ///< indices into vertices
};

/// Builds a surface from a triangle soup (9 values per triangle, as fem::gather_zero_set):
/// corners with bitwise equal coordinates become one vertex; triangles that collapse (two
/// equal corners: a zero set through a mesh vertex) are dropped.
[[nodiscard]] TriangleSurface weld(std::span<const double> soup);

/// What check_closed() found; a closed, consistently oriented 2-manifold has all three 0.
struct SurfaceDefects {
  std::size_t open_edges = 0;         ///< edges of one triangle only
  std::size_t non_manifold_edges = 0; ///< edges of three or more triangles
  std::size_t misoriented_edges = 0;  ///< edges two triangles run the same way
  /// True when there is no defect.
  [[nodiscard]] bool closed() const {
    return open_edges == 0 && non_manifold_edges == 0 && misoriented_edges == 0;
  }
};

/// Counts the edges that keep @p surface from being a closed, consistently oriented
/// 2-manifold (watertight, printable).
[[nodiscard]] SurfaceDefects check_closed(const TriangleSurface& surface);

/// (v1 − v0) × (v2 − v0) of triangle @p t: outward, of length twice its area (m²).
[[nodiscard]] std::array<double, 3> area_normal(const TriangleSurface& surface, std::size_t t);

/// Volume the surface encloses (divergence theorem, m³): exact for a closed surface;
/// positive when it is oriented outward.
[[nodiscard]] double enclosed_volume(const TriangleSurface& surface);
/// Total area, m².
[[nodiscard]] double area(const TriangleSurface& surface);
/// Euler characteristic V − E + F (2 − 2 genus per closed component).
[[nodiscard]] long euler_characteristic(const TriangleSurface& surface);

/// The signed distance to a closed, consistently oriented @p surface, positive inside: the
/// distance to its nearest triangle (CGAL's AABB tree), inside by ray parity. The function
/// shares the search tree among its copies.
/// @throws InputError naming @p what when the surface is not closed and oriented
[[nodiscard]] std::function<double(const std::array<double, 3>&)>
signed_distance_to(const TriangleSurface& surface, std::string_view what);

} // namespace resorb::mesh
