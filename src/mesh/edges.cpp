#include "resorb/mesh/edges.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"

#include <algorithm>
#include <map>

namespace resorb::mesh {

namespace {
using EdgeKey = std::array<GlobalIndex, 2>; // global vertex ids, ascending
}

EdgeTopology build_edges(const TetMesh& mesh) {
  const MPI_Comm comm = mesh.comm();
  const int p = mpi::size(comm);
  const int me = mpi::rank(comm);
  const IndexMap& vmap = mesh.vertex_map();
  const auto cells = mesh.cells();
  const LocalIndex nc = mesh.num_cells();

  // 1. Local edges, unique by global key; remember which cell edge maps to which entry.
  struct Occurrence {
    EdgeKey key;
    LocalIndex cell_edge; // 6*cell + local edge
  };
  std::vector<Occurrence> occ(static_cast<std::size_t>(nc) * 6);
  for (LocalIndex c = 0; c < nc; ++c)
    for (int e = 0; e < 6; ++e) {
      const auto a = vmap.local_to_global(cells[4 * c + edge_vertices[e][0]]);
      const auto b = vmap.local_to_global(cells[4 * c + edge_vertices[e][1]]);
      occ[6 * static_cast<std::size_t>(c) + e] = {{std::min(a, b), std::max(a, b)}, 6 * c + e};
    }
  std::sort(occ.begin(), occ.end(), [](const auto& x, const auto& y) { return x.key < y.key; });
  std::vector<EdgeKey> keys;
  std::vector<LocalIndex> cell_edge_to_unique(occ.size());
  for (const auto& o : occ) {
    if (keys.empty() || keys.back() != o.key)
      keys.push_back(o.key);
    cell_edge_to_unique[static_cast<std::size_t>(o.cell_edge)] =
        static_cast<LocalIndex>(keys.size() - 1);
  }
  const auto ne = keys.size();

  // Global id -> local vertex, for owned (range) and ghosts (sorted, as built by distribute).
  auto owner_of_vertex = [&](GlobalIndex g) {
    if (g >= vmap.offset() && g < vmap.offset() + vmap.num_owned())
      return me;
    const auto gh = vmap.ghosts();
    const auto it = std::lower_bound(gh.begin(), gh.end(), g);
    return vmap.ghost_owners()[static_cast<std::size_t>(it - gh.begin())];
  };
  RESORB_REQUIRE(std::is_sorted(vmap.ghosts().begin(), vmap.ghosts().end()), Error,
                 "build_edges: ghost vertices must be sorted by global index");

  // 2. Which owned vertices other ranks also use: tell each owner about our ghosts.
  std::vector<std::vector<GlobalIndex>> to_owner(static_cast<std::size_t>(p));
  for (LocalIndex i = 0; i < vmap.num_ghosts(); ++i)
    to_owner[static_cast<std::size_t>(vmap.ghost_owners()[i])].push_back(vmap.ghosts()[i]);
  std::vector<char> shared(static_cast<std::size_t>(vmap.size_local()), 0);
  for (const auto& list : mpi::exchange(comm, to_owner))
    for (auto g : list)
      shared[static_cast<std::size_t>(g - vmap.offset())] = 1;
  auto is_shared = [&](GlobalIndex g) {
    return owner_of_vertex(g) != me || shared[static_cast<std::size_t>(g - vmap.offset())] != 0;
  };

  // 3. Candidate shared edges go to a "post office" (owner of the smaller vertex), which
  //    learns every rank holding the edge and picks the lowest as owner.
  std::vector<int> edge_owner(ne, me);
  std::vector<std::vector<EdgeKey>> queries(static_cast<std::size_t>(p));
  std::vector<std::vector<std::size_t>> query_index(static_cast<std::size_t>(p));
  for (std::size_t e = 0; e < ne; ++e)
    if (is_shared(keys[e][0]) && is_shared(keys[e][1])) {
      const int office = owner_of_vertex(keys[e][0]);
      queries[static_cast<std::size_t>(office)].push_back(keys[e]);
      query_index[static_cast<std::size_t>(office)].push_back(e);
    }
  const auto received = mpi::exchange(comm, queries);
  std::map<EdgeKey, int> lowest;
  for (int r = 0; r < p; ++r)
    for (const auto& k : received[static_cast<std::size_t>(r)]) {
      auto [it, inserted] = lowest.emplace(k, r);
      if (!inserted)
        it->second = std::min(it->second, r);
    }
  std::vector<std::vector<int>> answers(static_cast<std::size_t>(p));
  for (int r = 0; r < p; ++r)
    for (const auto& k : received[static_cast<std::size_t>(r)])
      answers[static_cast<std::size_t>(r)].push_back(lowest.at(k));
  const auto owners_back = mpi::exchange(comm, answers);
  for (int r = 0; r < p; ++r)
    for (std::size_t i = 0; i < owners_back[static_cast<std::size_t>(r)].size(); ++i)
      edge_owner[query_index[static_cast<std::size_t>(r)][i]] =
          owners_back[static_cast<std::size_t>(r)][i];

  // 4. Local order: owned edges (in key order), then ghosts.
  std::vector<LocalIndex> new_index(ne);
  LocalIndex num_owned = 0;
  for (std::size_t e = 0; e < ne; ++e)
    if (edge_owner[e] == me)
      new_index[e] = num_owned++;
  LocalIndex next = num_owned;
  std::vector<std::vector<EdgeKey>> ghost_requests(static_cast<std::size_t>(p));
  std::vector<std::vector<LocalIndex>> ghost_slots(static_cast<std::size_t>(p));
  for (std::size_t e = 0; e < ne; ++e)
    if (edge_owner[e] != me) {
      new_index[e] = next++;
      ghost_requests[static_cast<std::size_t>(edge_owner[e])].push_back(keys[e]);
      ghost_slots[static_cast<std::size_t>(edge_owner[e])].push_back(new_index[e] - num_owned);
    }
  GlobalIndex offset = 0;
  const GlobalIndex owned64 = num_owned;
  MPI_Exscan(&owned64, &offset, 1, MPI_INT64_T, MPI_SUM, comm);
  if (me == 0)
    offset = 0;

  // 5. Ghost global ids from their owners.
  std::vector<EdgeKey> owned_keys;
  for (std::size_t e = 0; e < ne; ++e)
    if (edge_owner[e] == me)
      owned_keys.push_back(keys[e]);
  const auto requests = mpi::exchange(comm, ghost_requests);
  std::vector<std::vector<GlobalIndex>> replies(static_cast<std::size_t>(p));
  for (int r = 0; r < p; ++r)
    for (const auto& k : requests[static_cast<std::size_t>(r)]) {
      const auto it = std::lower_bound(owned_keys.begin(), owned_keys.end(), k);
      RESORB_REQUIRE(!(it == owned_keys.end() || *it != k), Error,
                     "build_edges: an owner does not hold the edge it was assigned");
      replies[static_cast<std::size_t>(r)].push_back(offset + (it - owned_keys.begin()));
    }
  const auto ghost_ids = mpi::exchange(comm, replies);
  std::vector<GlobalIndex> ghosts(static_cast<std::size_t>(next - num_owned));
  std::vector<int> ghost_owner(ghosts.size());
  for (int r = 0; r < p; ++r)
    for (std::size_t i = 0; i < ghost_ids[static_cast<std::size_t>(r)].size(); ++i) {
      const auto slot = static_cast<std::size_t>(ghost_slots[static_cast<std::size_t>(r)][i]);
      ghosts[slot] = ghost_ids[static_cast<std::size_t>(r)][i];
      ghost_owner[slot] = r;
    }

  EdgeTopology topo;
  topo.map = IndexMap(comm, num_owned, std::move(ghosts), std::move(ghost_owner));
  topo.vertices.resize(2 * ne);
  topo.cell_edges.resize(6 * static_cast<std::size_t>(nc));
  for (LocalIndex c = 0; c < nc; ++c)
    for (int e = 0; e < 6; ++e) {
      const auto u = cell_edge_to_unique[6 * static_cast<std::size_t>(c) + e];
      const auto l = new_index[static_cast<std::size_t>(u)];
      topo.cell_edges[6 * static_cast<std::size_t>(c) + e] = l;
      topo.vertices[2 * static_cast<std::size_t>(l)] = cells[4 * c + edge_vertices[e][0]];
      topo.vertices[2 * static_cast<std::size_t>(l) + 1] = cells[4 * c + edge_vertices[e][1]];
    }
  return topo;
}

} // namespace resorb::mesh
