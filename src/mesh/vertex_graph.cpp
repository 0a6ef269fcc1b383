#include "vertex_graph.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/incidence.hpp"

#include <boost/graph/compressed_sparse_row_graph.hpp>
#include <boost/graph/cuthill_mckee_ordering.hpp>
#include <fmt/format.h>

#include <limits>

namespace resorb::mesh::detail {

VertexGraph vertex_graph(const MeshData& data) {
  const std::size_t nv = data.coordinates.size() / 3;
  const std::size_t nc = data.cell_tags.size();
  constexpr auto limit = static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max());
  // A tet mesh has about 7 edges per vertex (14 directed); 16 leaves room for poor meshes.
  RESORB_REQUIRE(!(nv >= limit / 16 || 4 * nc >= limit), Error,
                 fmt::format("{}: {} vertices and {} cells are too many to partition on one rank",
                             data.source, nv, nc));

  const Incidence inc = invert_connectivity(std::span<const GlobalIndex>(data.cells), 4, nv);

  // Neighbours of v: the other vertices of its cells, deduplicated with a marker array.
  VertexGraph g;
  g.offsets.assign(nv + 1, 0);
  g.neighbours.reserve(15 * nv);
  std::vector<std::int32_t> seen(nv, -1);
  for (std::size_t v = 0; v < nv; ++v) {
    const auto self = static_cast<std::int32_t>(v);
    seen[v] = self;
    for (std::size_t k = inc.start[v]; k < inc.start[v + 1]; ++k) {
      const GlobalIndex* cell = &data.cells[4 * static_cast<std::size_t>(inc.cells[k])];
      for (int j = 0; j < 4; ++j) {
        const auto u = static_cast<std::size_t>(cell[j]);
        if (seen[u] != self) {
          seen[u] = self;
          g.neighbours.push_back(static_cast<std::int32_t>(u));
        }
      }
    }
    g.offsets[v + 1] = static_cast<std::int32_t>(g.neighbours.size());
  }
  return g;
}

std::vector<GlobalIndex> number_vertices(const VertexGraph& graph, std::span<const int> owner,
                                         int parts, std::vector<GlobalIndex>& rank_offsets) {
  using Vertex = std::uint32_t;
  using Graph =
      boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                         boost::no_property, Vertex, Vertex>;
  const std::size_t nv = graph.num_vertices();
  // The edges that stay within one rank.
  std::vector<Vertex> sources, targets;
  sources.reserve(graph.neighbours.size());
  targets.reserve(graph.neighbours.size());
  for (std::size_t v = 0; v < nv; ++v)
    for (auto k = graph.offsets[v]; k < graph.offsets[v + 1]; ++k) {
      const auto u = static_cast<std::size_t>(graph.neighbours[static_cast<std::size_t>(k)]);
      if (owner[u] == owner[v]) {
        sources.push_back(static_cast<Vertex>(v));
        targets.push_back(static_cast<Vertex>(u));
      }
    }
  const Graph local(boost::construct_inplace_from_sources_and_targets, sources, targets, nv);
  sources = {};
  targets = {};

  // Cuthill–McKee from a pseudo-peripheral vertex of every connected component; every
  // component lies within one rank, so each rank's range is numbered by its own graph.
  std::vector<Vertex> order;
  order.reserve(nv);
  std::vector<boost::default_color_type> color(nv);
  boost::cuthill_mckee_ordering(
      local, std::back_inserter(order),
      boost::make_iterator_property_map(color.begin(), boost::get(boost::vertex_index, local)),
      boost::make_out_degree_map(local));

  rank_offsets.assign(static_cast<std::size_t>(parts) + 1, 0);
  for (const int o : owner)
    if (o < parts)
      ++rank_offsets[static_cast<std::size_t>(o) + 1];
  for (std::size_t r = 0; r < static_cast<std::size_t>(parts); ++r)
    rank_offsets[r + 1] += rank_offsets[r];
  std::vector<GlobalIndex> number(nv, -1);
  auto next = rank_offsets;
  for (auto it = order.rbegin(); it != order.rend(); ++it) // reversed: RCM
    if (const int o = owner[*it]; o < parts)
      number[*it] = next[static_cast<std::size_t>(o)]++;
  return number;
}

std::vector<std::size_t> order_cells(const MeshData& data,
                                     std::span<const GlobalIndex> vertex_number) {
  // Counting sort by the smallest vertex number: linear and stable.
  const std::size_t nc = data.cell_tags.size();
  std::vector<std::size_t> key(nc);
  std::vector<std::size_t> start(vertex_number.size() + 1, 0);
  for (std::size_t c = 0; c < nc; ++c) {
    GlobalIndex k = std::numeric_limits<GlobalIndex>::max();
    for (int j = 0; j < 4; ++j)
      k = std::min(k, vertex_number[static_cast<std::size_t>(data.cells[4 * c + j])]);
    key[c] = static_cast<std::size_t>(k);
    ++start[key[c] + 1];
  }
  for (std::size_t i = 0; i + 1 < start.size(); ++i)
    start[i + 1] += start[i];
  std::vector<std::size_t> order(nc);
  for (std::size_t c = 0; c < nc; ++c)
    order[start[key[c]]++] = c;
  return order;
}

} // namespace resorb::mesh::detail
