#pragma once
// Node numberings of Lagrange spaces on a periodic mesh and its connected pieces: what the
// periodic cell problems (homogenization, permeability) share. Private to the library.

#include "resorb/mesh/periodic_mesh.hpp"
#include "resorb/mesh/reference_cell.hpp"

#include <array>
#include <deque>
#include <map>
#include <vector>

namespace resorb::scaffold::impl {

using Shift = std::array<int, 3>;

/// Node numbering of a Lagrange space on a periodic mesh: one node per periodic vertex and,
/// for P2, per periodic edge (an edge and its images share one). Cell node order as the
/// elements': vertices, then edges in mesh::edge_vertices order.
struct PeriodicNodes {
  int nodes_per_cell = 4;
  GlobalIndex num_nodes = 0;
  std::vector<GlobalIndex> cell_nodes; // nodes_per_cell per cell
  std::vector<double> coordinates;     // per node, of one of its images (near-null space)
  std::vector<std::array<GlobalIndex, 2>> edge_ends; // per edge node: its periodic vertices

  PeriodicNodes(const mesh::PeriodicMesh& mesh, int degree) {
    const auto& data = mesh.data;
    const std::size_t num_cells = data.cells.size() / 4;
    nodes_per_cell = degree == 1 ? 4 : 10;
    num_nodes = mesh.num_periodic_vertices;
    cell_nodes.resize(num_cells * static_cast<std::size_t>(nodes_per_cell));
    // An edge is its two periodic vertices and the shift between their images; the key is
    // oriented from the smaller periodic vertex so that an edge and its images coincide.
    std::map<std::pair<std::array<GlobalIndex, 2>, Shift>, GlobalIndex> edges;
    for (std::size_t c = 0; c < num_cells; ++c) {
      auto* nodes = &cell_nodes[c * static_cast<std::size_t>(nodes_per_cell)];
      for (std::size_t k = 0; k < 4; ++k)
        nodes[k] = mesh.periodic_vertex[static_cast<std::size_t>(data.cells[4 * c + k])];
      if (degree == 1)
        continue;
      for (std::size_t e = 0; e < 6; ++e) {
        auto a = static_cast<std::size_t>(data.cells[4 * c + mesh::edge_vertices[e][0]]);
        auto b = static_cast<std::size_t>(data.cells[4 * c + mesh::edge_vertices[e][1]]);
        if (mesh.periodic_vertex[a] > mesh.periodic_vertex[b])
          std::swap(a, b);
        Shift shift{};
        for (std::size_t d = 0; d < 3; ++d)
          shift[d] = mesh.image[b][d] - mesh.image[a][d];
        const auto key = std::make_pair(
            std::array<GlobalIndex, 2>{mesh.periodic_vertex[a], mesh.periodic_vertex[b]}, shift);
        const auto [it, inserted] = edges.try_emplace(key, num_nodes);
        if (inserted) {
          ++num_nodes;
          edge_ends.push_back(key.first);
        }
        nodes[4 + e] = it->second;
      }
    }
    coordinates.resize(3 * static_cast<std::size_t>(num_nodes));
    for (std::size_t c = 0; c < num_cells; ++c)
      for (std::size_t k = 0; k < static_cast<std::size_t>(nodes_per_cell); ++k) {
        const auto node =
            static_cast<std::size_t>(cell_nodes[c * static_cast<std::size_t>(nodes_per_cell) + k]);
        for (std::size_t d = 0; d < 3; ++d) {
          auto coordinate = [&](std::size_t vertex) {
            return data.coordinates[3 * static_cast<std::size_t>(data.cells[4 * c + vertex]) + d];
          };
          coordinates[3 * node + d] =
              k < 4 ? coordinate(k)
                    : 0.5 * (coordinate(static_cast<std::size_t>(mesh::edge_vertices[k - 4][0])) +
                             coordinate(static_cast<std::size_t>(mesh::edge_vertices[k - 4][1])));
        }
      }
  }
};

/// Solid pieces that touch none of their periodic images ("islands"): their displacement is
/// free up to rigid motions, and they carry no load. A piece touches an image when lifting
/// its periodic vertices out of the torus along its edges meets a vertex twice at different
/// shifts. Returns, per periodic vertex, its piece's number, and per piece whether it wraps.
struct SolidPieces {
  std::vector<int> piece;        // per periodic vertex (-1: used by no cell)
  std::vector<bool> wraps;       // per piece
  std::vector<GlobalIndex> root; // per piece: a periodic vertex of it

  explicit SolidPieces(const mesh::PeriodicMesh& mesh) {
    const auto& data = mesh.data;
    const auto nv = static_cast<std::size_t>(mesh.num_periodic_vertices);
    // Adjacency over periodic vertices through cell edges, with the image shift.
    std::vector<std::vector<std::pair<GlobalIndex, Shift>>> next(nv);
    const std::size_t num_cells = data.cells.size() / 4;
    for (std::size_t c = 0; c < num_cells; ++c)
      for (const auto& ev : mesh::edge_vertices) {
        const auto a = static_cast<std::size_t>(data.cells[4 * c + ev[0]]);
        const auto b = static_cast<std::size_t>(data.cells[4 * c + ev[1]]);
        Shift ab{};
        for (std::size_t d = 0; d < 3; ++d)
          ab[d] = mesh.image[b][d] - mesh.image[a][d];
        const auto pa = mesh.periodic_vertex[a], pb = mesh.periodic_vertex[b];
        next[static_cast<std::size_t>(pa)].push_back({pb, ab});
        next[static_cast<std::size_t>(pb)].push_back({pa, {-ab[0], -ab[1], -ab[2]}});
      }
    piece.assign(nv, -1);
    std::vector<Shift> lift(nv);
    std::deque<GlobalIndex> queue;
    for (std::size_t start = 0; start < nv; ++start) {
      if (piece[start] >= 0 || next[start].empty())
        continue;
      const int id = static_cast<int>(wraps.size());
      wraps.push_back(false);
      root.push_back(static_cast<GlobalIndex>(start));
      piece[start] = id;
      lift[start] = {0, 0, 0};
      queue.push_back(static_cast<GlobalIndex>(start));
      while (!queue.empty()) {
        const auto v = static_cast<std::size_t>(queue.front());
        queue.pop_front();
        for (const auto& [w, shift] : next[v]) {
          const auto wi = static_cast<std::size_t>(w);
          const Shift lifted{lift[v][0] + shift[0], lift[v][1] + shift[1], lift[v][2] + shift[2]};
          if (piece[wi] < 0) {
            piece[wi] = id;
            lift[wi] = lifted;
            queue.push_back(w);
          } else if (lift[wi] != lifted) {
            wraps[static_cast<std::size_t>(id)] = true;
          }
        }
      }
    }
  }
};

/// Nodal positions of cell @p c of @p mesh relative to its origin (vertices, then edge
/// midpoints), unwrapped: @p x the vertices, @p p all nodes of @p Element.
template <class Element>
inline void cell_positions(const mesh::PeriodicMesh& mesh, std::size_t c, double (&x)[4][3],
                           double (&p)[Element::num_nodes][3]) {
  const auto& data = mesh.data;
  for (std::size_t k = 0; k < 4; ++k)
    for (std::size_t d = 0; d < 3; ++d)
      x[k][d] = data.coordinates[3 * static_cast<std::size_t>(data.cells[4 * c + k]) + d] -
                mesh.origin[d];
  for (std::size_t k = 0; k < static_cast<std::size_t>(Element::num_nodes); ++k)
    for (std::size_t d = 0; d < 3; ++d)
      p[k][d] =
          k < 4 ? x[k][d]
                : 0.5 * (x[mesh::edge_vertices[k - 4][0]][d] + x[mesh::edge_vertices[k - 4][1]][d]);
}

} // namespace resorb::scaffold::impl
