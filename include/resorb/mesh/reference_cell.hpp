#pragma once
/// @file
/// Topology of the reference tetrahedron: the one place that numbers its vertices, edges and
/// facets. Mesh, DOF numbering, elements and kernels all read these tables.
///
/// Reference vertices (0,0,0), (1,0,0), (0,1,0), (0,0,1). Edges in VTK/XDMF order; facet f is
/// the facet opposite vertex f, its vertices ordered so that the right-hand normal points out
/// of a positively oriented cell.

#include <array>

namespace resorb::mesh {

/// Reference coordinates of the four vertices.
inline constexpr std::array<std::array<double, 3>, 4> reference_vertices{
    {{0.0, 0.0, 0.0}, {1.0, 0.0, 0.0}, {0.0, 1.0, 0.0}, {0.0, 0.0, 1.0}}};

/// Local edge k joins local vertices edge_vertices[k] (VTK/XDMF order).
inline constexpr std::array<std::array<int, 2>, 6> edge_vertices{
    {{0, 1}, {1, 2}, {0, 2}, {0, 3}, {1, 3}, {2, 3}}};

/// Local vertices of facet f (the facet opposite vertex f), outward right-hand normal.
inline constexpr std::array<std::array<int, 3>, 4> facet_vertices{
    {{1, 2, 3}, {0, 3, 2}, {0, 1, 3}, {0, 2, 1}}};

/// Local edge joining local vertices @p a and @p b (in either order).
[[nodiscard]] constexpr int edge_between(int a, int b) {
  for (int e = 0; e < 6; ++e) {
    const auto& v = edge_vertices[static_cast<std::size_t>(e)];
    if ((v[0] == a && v[1] == b) || (v[0] == b && v[1] == a))
      return e;
  }
  return -1;
}

/// Local edges of facet f, in the order (v0, v1), (v1, v2), (v0, v2) of facet_vertices[f]:
/// the order of the edge nodes of a P2 facet (Gmsh/VTK 6-node triangle).
inline constexpr std::array<std::array<int, 3>, 4> facet_edges = [] {
  std::array<std::array<int, 3>, 4> edges{};
  for (std::size_t f = 0; f < 4; ++f) {
    const auto& v = facet_vertices[f];
    edges[f] = {edge_between(v[0], v[1]), edge_between(v[1], v[2]), edge_between(v[0], v[2])};
  }
  return edges;
}();

} // namespace resorb::mesh
