#include "resorb/mesh/triangle_surface.hpp"

#include "mesh/triangle_search.hpp"
#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <utility>

namespace resorb::mesh {

namespace {

using Edge = std::pair<std::uint32_t, std::uint32_t>;

/// Each directed edge of every triangle, grouped by the undirected edge.
std::map<Edge, std::vector<bool>> edge_uses(const TriangleSurface& surface) {
  std::map<Edge, std::vector<bool>> uses; // per undirected edge: forward (low → high) or not
  for (const auto& t : surface.triangles)
    for (int k = 0; k < 3; ++k) {
      const auto a = t[static_cast<std::size_t>(k)], b = t[static_cast<std::size_t>((k + 1) % 3)];
      uses[{std::min(a, b), std::max(a, b)}].push_back(a < b);
    }
  return uses;
}

} // namespace

TriangleSurface weld(std::span<const double> soup) {
  TriangleSurface surface;
  std::map<std::array<double, 3>, std::uint32_t> index;
  const std::size_t count = soup.size() / 9;
  for (std::size_t t = 0; t < count; ++t) {
    std::array<std::uint32_t, 3> corners{};
    for (std::size_t k = 0; k < 3; ++k) {
      const std::array<double, 3> p{soup[9 * t + 3 * k], soup[9 * t + 3 * k + 1],
                                    soup[9 * t + 3 * k + 2]};
      const auto [it, added] =
          index.try_emplace(p, static_cast<std::uint32_t>(surface.vertices.size()));
      if (added)
        surface.vertices.push_back(p);
      corners[k] = it->second;
    }
    if (corners[0] != corners[1] && corners[1] != corners[2] && corners[0] != corners[2])
      surface.triangles.push_back(corners);
  }
  return surface;
}

SurfaceDefects check_closed(const TriangleSurface& surface) {
  SurfaceDefects d;
  for (const auto& [edge, directions] : edge_uses(surface)) {
    if (directions.size() == 1)
      ++d.open_edges;
    else if (directions.size() > 2)
      ++d.non_manifold_edges;
    else if (directions[0] == directions[1])
      ++d.misoriented_edges;
  }
  return d;
}

double enclosed_volume(const TriangleSurface& surface) {
  double six_volume = 0.0; // Σ v0 · (v1 × v2)
  for (const auto& t : surface.triangles) {
    const auto& a = surface.vertices[t[0]];
    const auto& b = surface.vertices[t[1]];
    const auto& c = surface.vertices[t[2]];
    six_volume += a[0] * (b[1] * c[2] - b[2] * c[1]) + a[1] * (b[2] * c[0] - b[0] * c[2]) +
                  a[2] * (b[0] * c[1] - b[1] * c[0]);
  }
  return six_volume / 6.0;
}

std::array<double, 3> area_normal(const TriangleSurface& surface, std::size_t t) {
  const auto& corners = surface.triangles[t];
  const auto& a = surface.vertices[corners[0]];
  const auto& b = surface.vertices[corners[1]];
  const auto& c = surface.vertices[corners[2]];
  const double u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
  const double v[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
  return {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]};
}

double area(const TriangleSurface& surface) {
  double sum = 0.0;
  for (std::size_t t = 0; t < surface.triangles.size(); ++t) {
    const auto n = area_normal(surface, t);
    sum += 0.5 * std::hypot(n[0], n[1], n[2]);
  }
  return sum;
}

long euler_characteristic(const TriangleSurface& surface) {
  return static_cast<long>(surface.vertices.size()) - static_cast<long>(edge_uses(surface).size()) +
         static_cast<long>(surface.triangles.size());
}

std::function<double(const std::array<double, 3>&)>
signed_distance_to(const TriangleSurface& surface, std::string_view what) {
  const auto defects = check_closed(surface);
  RESORB_REQUIRE(!surface.triangles.empty() && defects.closed(), InputError,
                 fmt::format("{}: not closed and consistently oriented ({} triangles; {} open, "
                             "{} non-manifold, {} misoriented edges)",
                             what, surface.triangles.size(), defects.open_edges,
                             defects.non_manifold_edges, defects.misoriented_edges));
  std::vector<double> soup;
  soup.reserve(9 * surface.triangles.size());
  for (const auto& t : surface.triangles)
    for (const auto v : t)
      soup.insert(soup.end(), surface.vertices[v].begin(), surface.vertices[v].end());
  // Shared by the copies of the function (std::function is copyable, the tree is not).
  const auto search = std::make_shared<const TriangleSearch>(soup, 9);
  return [search](const std::array<double, 3>& x) {
    const double d = search->distance(x.data());
    return search->inside(x.data()) ? d : -d;
  };
}

} // namespace resorb::mesh
