#include "resorb/fem/dof_map.hpp"

#include "resorb/core/error.hpp"
#include "resorb/mesh/edges.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace resorb::fem {

DofMap::DofMap(const mesh::TetMesh& mesh, int degree)
    : mesh_(&mesh), degree_(degree), nodes_per_cell_(degree == 1 ? 4 : 10) {
  RESORB_REQUIRE(degree == 1 || degree == 2, InputError,
                 fmt::format("Lagrange degree {} is not supported (1 or 2)", degree));
  const IndexMap& vmap = mesh.vertex_map();
  const auto nc = static_cast<std::size_t>(mesh.num_cells());
  const auto cells = mesh.cells();
  const auto xv = mesh.coordinates();
  if (degree == 1) {
    map_ = vmap;
    cell_nodes_.assign(cells.begin(), cells.end());
    node_coordinates_.assign(xv.begin(), xv.end());
    vertex_to_node_.resize(static_cast<std::size_t>(vmap.size_local()));
    for (LocalIndex v = 0; v < vmap.size_local(); ++v)
      vertex_to_node_[static_cast<std::size_t>(v)] = v;
    return;
  }

  const mesh::EdgeTopology edges = mesh::build_edges(mesh);
  const IndexMap& emap = edges.map;
  const LocalIndex nvo = vmap.num_owned(), neo = emap.num_owned();
  const LocalIndex nvg = vmap.num_ghosts(), neg = emap.num_ghosts();
  // Global node number = rank offset of the owner + position in the owner's [vertices, edges].
  const auto voff = vmap.rank_offsets();
  const auto eoff = emap.rank_offsets();
  auto node_offset = [&](int r) { return voff[r] + eoff[r]; };
  auto vertex_node_local = [&](LocalIndex v) { return v < nvo ? v : nvo + neo + (v - nvo); };
  auto edge_node_local = [&](LocalIndex e) {
    return e < neo ? nvo + e : nvo + neo + nvg + (e - neo);
  };
  std::vector<GlobalIndex> ghosts;
  std::vector<int> owners;
  ghosts.reserve(static_cast<std::size_t>(nvg + neg));
  for (LocalIndex i = 0; i < nvg; ++i) {
    const int r = vmap.ghost_owners()[i];
    ghosts.push_back(node_offset(r) + (vmap.ghosts()[i] - voff[r]));
    owners.push_back(r);
  }
  for (LocalIndex i = 0; i < neg; ++i) {
    const int r = emap.ghost_owners()[i];
    const GlobalIndex owner_vertices = voff[r + 1] - voff[r];
    ghosts.push_back(node_offset(r) + owner_vertices + (emap.ghosts()[i] - eoff[r]));
    owners.push_back(r);
  }
  map_ = IndexMap(mesh.comm(), nvo + neo, std::move(ghosts), std::move(owners));

  cell_nodes_.resize(10 * nc);
  for (std::size_t c = 0; c < nc; ++c) {
    for (int k = 0; k < 4; ++k)
      cell_nodes_[10 * c + k] = vertex_node_local(cells[4 * c + k]);
    for (int e = 0; e < 6; ++e)
      cell_nodes_[10 * c + 4 + e] = edge_node_local(edges.cell_edges[6 * c + e]);
  }
  node_coordinates_.resize(3 * static_cast<std::size_t>(map_.size_local()));
  vertex_to_node_.resize(static_cast<std::size_t>(vmap.size_local()));
  for (LocalIndex v = 0; v < vmap.size_local(); ++v) {
    const auto n = static_cast<std::size_t>(vertex_node_local(v));
    vertex_to_node_[static_cast<std::size_t>(v)] = static_cast<LocalIndex>(n);
    std::copy_n(xv.begin() + 3 * v, 3, node_coordinates_.begin() + 3 * n);
  }
  for (LocalIndex e = 0; e < emap.size_local(); ++e) {
    const auto n = static_cast<std::size_t>(edge_node_local(e));
    const auto a = static_cast<std::size_t>(edges.vertices[2 * static_cast<std::size_t>(e)]);
    const auto b = static_cast<std::size_t>(edges.vertices[2 * static_cast<std::size_t>(e) + 1]);
    for (int d = 0; d < 3; ++d)
      node_coordinates_[3 * n + d] = 0.5 * (xv[3 * a + d] + xv[3 * b + d]);
  }
}

std::span<const int> facet_nodes(int degree, int local_facet) {
  // The facet's vertex nodes, then (P2) the nodes of its edges: node 4 + e sits on edge e.
  static constexpr auto table = [] {
    std::array<std::array<int, 6>, 4> nodes{};
    for (std::size_t f = 0; f < 4; ++f)
      for (std::size_t k = 0; k < 3; ++k) {
        nodes[f][k] = mesh::facet_vertices[f][k];
        nodes[f][3 + k] = 4 + mesh::facet_edges[f][k];
      }
    return nodes;
  }();
  RESORB_ASSERT(local_facet >= 0 && local_facet < 4);
  return std::span(table[static_cast<std::size_t>(local_facet)])
      .first(degree == 1 ? std::size_t{3} : std::size_t{6});
}

} // namespace resorb::fem
