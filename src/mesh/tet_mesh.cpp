#include "resorb/mesh/tet_mesh.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"
#include "vertex_graph.hpp"

#include <fmt/format.h>
#include <metis.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <unordered_map>

namespace resorb::mesh {

double signed_volume(const std::array<std::array<double, 3>, 4>& x) {
  const CellCoordinates xc = {{x[0][0], x[0][1], x[0][2]},
                              {x[1][0], x[1][1], x[1][2]},
                              {x[2][0], x[2][1], x[2][2]},
                              {x[3][0], x[3][1], x[3][2]}};
  double j[3][3];
  return jacobian(xc, j) / 6.0;
}

namespace {

/// What the root sends to each rank.
struct RankPart {
  std::vector<double> coordinates;
  std::vector<GlobalIndex> vertex_gids; // owned (contiguous) then ghosts
  std::vector<int> ghost_owners;
  std::vector<LocalIndex> cells;
  std::vector<int> cell_tags;
  std::vector<LocalIndex> facets; // (cell, local facet, tag) triples
  GlobalIndex num_owned = 0;
};

void check_cells(const MeshData& data) {
  const auto nv = static_cast<GlobalIndex>(data.coordinates.size() / 3);
  const auto nc = data.cell_tags.size();
  RESORB_REQUIRE(data.coordinates.size() % 3 == 0, InputError,
                 fmt::format("{}: coordinate array is not a multiple of 3", data.source));
  RESORB_REQUIRE(
      data.cells.size() == 4 * nc, InputError,
      fmt::format("{}: {} cell tags for {} tetrahedra", data.source, nc, data.cells.size() / 4));
  RESORB_REQUIRE(nc != 0, InputError, fmt::format("{}: the mesh has no tetrahedra", data.source));
  RESORB_REQUIRE(data.facets.size() == 3 * data.facet_tags.size(), InputError,
                 fmt::format("{}: facet arrays are inconsistent", data.source));
  // Volume threshold relative to the mesh's own scale: a cell smaller than 1e-12 of the
  // cube of the bounding-box diagonal is degenerate whatever the unit.
  std::array<double, 3> lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
  for (std::size_t i = 0; i < data.coordinates.size(); ++i) {
    const double x = data.coordinates[i];
    RESORB_REQUIRE(
        std::isfinite(x), InputError,
        fmt::format("{}: vertex {} has a non-finite coordinate", data.source, i / 3 + 1));
    lo[i % 3] = std::min(lo[i % 3], x);
    hi[i % 3] = std::max(hi[i % 3], x);
  }
  const double diag = std::hypot(hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]);
  const double tiny = 1e-12 * diag * diag * diag;
  auto cell_name = [&](std::size_t c) {
    return data.cell_ids.size() == nc ? fmt::format("element {}", data.cell_ids[c])
                                      : fmt::format("tetrahedron {}", c + 1);
  };
  for (std::size_t c = 0; c < nc; ++c) {
    std::array<std::array<double, 3>, 4> x{};
    for (int k = 0; k < 4; ++k) {
      const GlobalIndex v = data.cells[4 * c + k];
      RESORB_REQUIRE(!(v < 0 || v >= nv), InputError,
                     fmt::format("{}: {} references vertex {} which does not exist", data.source,
                                 cell_name(c), v + 1));
      for (int d = 0; d < 3; ++d)
        x[k][d] = data.coordinates[3 * v + d];
    }
    const double vol = signed_volume(x);
    RESORB_REQUIRE(std::abs(vol) > tiny, InputError,
                   fmt::format("{}: {} has zero volume ({:.3e} m^3): degenerate tetrahedron",
                               data.source, cell_name(c), vol));
    RESORB_REQUIRE(vol >= 0, InputError,
                   fmt::format("{}: {} is inverted (signed volume {:.3e} m^3)", data.source,
                               cell_name(c), vol));
  }
}

/// Cell partition from a METIS partition of the vertex graph: each cell goes to the part
/// holding most of its vertices (ties to the lower part).
///
/// Why the vertex graph and not the dual (cell) graph: it has ~6x fewer vertices and half
/// the edges, so METIS runs ~2x faster, and it balances vertices, i.e. matrix rows, which is
/// what the solver's load depends on. The graph is built anyway for the RCM numbering.
/// METIS runs on the root: Debian has no ParMETIS, and the root already holds the whole mesh
/// after reading, so one serial partition is the cheapest correct choice up to ~10^7 cells.
std::vector<int> partition_cells(const MeshData& data, const detail::VertexGraph& graph,
                                 int parts) {
  const std::size_t nc = data.cell_tags.size();
  std::vector<int> part(nc, 0);
  if (parts == 1 || nc == 0)
    return part;
  static_assert(sizeof(idx_t) == sizeof(std::int32_t), "METIS built with 64-bit indices");
  auto nvtx = static_cast<idx_t>(graph.num_vertices());
  idx_t ncon = 1;
  idx_t nparts = parts;
  idx_t objval = 0;
  std::vector<idx_t> vertex_part(graph.num_vertices(), 0);
  idx_t options[METIS_NOPTIONS];
  METIS_SetDefaultOptions(options);
  options[METIS_OPTION_NUMBERING] = 0;
  // METIS takes non-const pointers but does not modify the graph.
  auto* xadj = const_cast<idx_t*>(graph.offsets.data());
  auto* adjncy = const_cast<idx_t*>(graph.neighbours.data());
  const int status =
      METIS_PartGraphKway(&nvtx, &ncon, xadj, adjncy, nullptr, nullptr, nullptr, &nparts, nullptr,
                          nullptr, options, &objval, vertex_part.data());
  RESORB_REQUIRE(status == METIS_OK, Error,
                 fmt::format("{}: METIS partitioning failed (status {})", data.source, status));
  for (std::size_t c = 0; c < nc; ++c) {
    std::array<int, 4> p{};
    for (int k = 0; k < 4; ++k)
      p[static_cast<std::size_t>(k)] = vertex_part[static_cast<std::size_t>(data.cells[4 * c + k])];
    std::sort(p.begin(), p.end());
    // Most frequent value of the sorted four; the first (lowest) wins ties.
    int best = p[0], best_count = 0;
    for (std::size_t i = 0; i < 4;) {
      std::size_t j = i;
      while (j < 4 && p[j] == p[i])
        ++j;
      if (static_cast<int>(j - i) > best_count) {
        best = p[i];
        best_count = static_cast<int>(j - i);
      }
      i = j;
    }
    part[c] = best;
  }
  return part;
}

struct FacetKey {
  std::array<GlobalIndex, 3> v;
  bool operator==(const FacetKey&) const = default;
};
struct FacetKeyHash {
  std::size_t operator()(const FacetKey& k) const {
    std::size_t h = 1469598103934665603ull;
    for (auto x : k.v)
      h = (h ^ static_cast<std::size_t>(x)) * 1099511628211ull;
    return h;
  }
};
FacetKey sorted_key(GlobalIndex a, GlobalIndex b, GlobalIndex c) {
  FacetKey k{{a, b, c}};
  std::sort(k.v.begin(), k.v.end());
  return k;
}

std::vector<RankPart> split(const MeshData& data, int p) {
  const auto nc = data.cell_tags.size();
  const auto nv = data.coordinates.size() / 3;
  const detail::VertexGraph graph = detail::vertex_graph(data);
  const std::vector<int> part = partition_cells(data, graph, p);

  // Vertex owner: the lowest rank whose cells use it. Unused vertices are dropped.
  std::vector<int> owner(nv, p);
  for (std::size_t c = 0; c < nc; ++c)
    for (int k = 0; k < 4; ++k) {
      auto& o = owner[static_cast<std::size_t>(data.cells[4 * c + k])];
      o = std::min(o, part[c]);
    }
  // Global numbering: by owner rank, reverse Cuthill–McKee within a rank.
  std::vector<GlobalIndex> count;
  const std::vector<GlobalIndex> gid = detail::number_vertices(graph, owner, p, count);

  // Facet -> (cell, local facet): hash the tagged triangles, then look up every cell face.
  std::unordered_map<FacetKey, std::vector<std::size_t>, FacetKeyHash> facet_lookup;
  facet_lookup.reserve(data.facet_tags.size());
  for (std::size_t f = 0; f < data.facet_tags.size(); ++f)
    facet_lookup[sorted_key(data.facets[3 * f], data.facets[3 * f + 1], data.facets[3 * f + 2])]
        .push_back(f);
  std::vector<std::pair<GlobalIndex, int>> facet_home(data.facet_tags.size(), {-1, -1});
  if (!facet_lookup.empty())
    for (std::size_t c = 0; c < nc; ++c)
      for (int lf = 0; lf < 4; ++lf) {
        const auto& fv = facet_vertices[static_cast<std::size_t>(lf)];
        const auto it = facet_lookup.find(sorted_key(
            data.cells[4 * c + fv[0]], data.cells[4 * c + fv[1]], data.cells[4 * c + fv[2]]));
        if (it == facet_lookup.end())
          continue;
        for (auto f : it->second)
          if (facet_home[f].first < 0)
            facet_home[f] = {static_cast<GlobalIndex>(c), lf};
      }
  for (std::size_t f = 0; f < facet_home.size(); ++f)
    RESORB_REQUIRE(
        facet_home[f].first >= 0, InputError,
        fmt::format("{}: triangle {} (tag {}, vertices {} {} {}) is not a face of any tetrahedron",
                    data.source, f + 1, data.facet_tags[f], data.facets[3 * f] + 1,
                    data.facets[3 * f + 1] + 1, data.facets[3 * f + 2] + 1));

  std::vector<RankPart> parts(static_cast<std::size_t>(p));
  std::vector<LocalIndex> local_cell(nc);
  for (int r = 0; r < p; ++r) {
    auto& rp = parts[static_cast<std::size_t>(r)];
    rp.num_owned = count[static_cast<std::size_t>(r) + 1] - count[static_cast<std::size_t>(r)];
  }
  // Local vertex numbering per rank: owned in global order, then ghosts sorted by global id.
  std::vector<std::vector<std::size_t>> rank_cells(static_cast<std::size_t>(p));
  for (const std::size_t c : detail::order_cells(data, gid)) {
    auto& list = rank_cells[static_cast<std::size_t>(part[c])];
    local_cell[c] = static_cast<LocalIndex>(list.size());
    list.push_back(c);
  }
  std::vector<GlobalIndex> gid_to_vertex(nv);
  for (std::size_t v = 0; v < nv; ++v)
    if (gid[v] >= 0)
      gid_to_vertex[static_cast<std::size_t>(gid[v])] = static_cast<GlobalIndex>(v);
  for (int r = 0; r < p; ++r) {
    auto& rp = parts[static_cast<std::size_t>(r)];
    const auto& my_cells = rank_cells[static_cast<std::size_t>(r)];
    std::vector<GlobalIndex> ghosts;
    for (auto c : my_cells)
      for (int k = 0; k < 4; ++k) {
        const auto v = static_cast<std::size_t>(data.cells[4 * c + k]);
        if (owner[v] != r)
          ghosts.push_back(gid[v]);
      }
    std::sort(ghosts.begin(), ghosts.end());
    ghosts.erase(std::unique(ghosts.begin(), ghosts.end()), ghosts.end());
    const GlobalIndex first = count[static_cast<std::size_t>(r)];
    rp.vertex_gids.resize(static_cast<std::size_t>(rp.num_owned));
    std::iota(rp.vertex_gids.begin(), rp.vertex_gids.end(), first);
    rp.vertex_gids.insert(rp.vertex_gids.end(), ghosts.begin(), ghosts.end());
    for (auto g : ghosts)
      rp.ghost_owners.push_back(owner[static_cast<std::size_t>(gid_to_vertex[g])]);
    rp.coordinates.reserve(3 * rp.vertex_gids.size());
    for (auto g : rp.vertex_gids) {
      const auto v = static_cast<std::size_t>(gid_to_vertex[static_cast<std::size_t>(g)]);
      rp.coordinates.insert(rp.coordinates.end(), data.coordinates.begin() + 3 * v,
                            data.coordinates.begin() + 3 * v + 3);
    }
    auto local_of = [&](GlobalIndex g) -> LocalIndex {
      if (g >= first && g < first + rp.num_owned)
        return static_cast<LocalIndex>(g - first);
      const auto it = std::lower_bound(ghosts.begin(), ghosts.end(), g);
      return static_cast<LocalIndex>(rp.num_owned + (it - ghosts.begin()));
    };
    rp.cells.reserve(4 * my_cells.size());
    for (auto c : my_cells) {
      for (int k = 0; k < 4; ++k)
        rp.cells.push_back(local_of(gid[static_cast<std::size_t>(data.cells[4 * c + k])]));
      rp.cell_tags.push_back(data.cell_tags[c]);
    }
  }
  for (std::size_t f = 0; f < facet_home.size(); ++f) {
    const auto c = static_cast<std::size_t>(facet_home[f].first);
    auto& rp = parts[static_cast<std::size_t>(part[c])];
    rp.facets.insert(rp.facets.end(), {local_cell[c], facet_home[f].second, data.facet_tags[f]});
  }
  return parts;
}

template <class T>
void send_vector(MPI_Comm comm, const std::vector<T>& v, int dest) {
  const auto n = static_cast<std::int64_t>(v.size());
  MPI_Send(&n, 1, MPI_INT64_T, dest, 0, comm);
  MPI_Send(v.data(), static_cast<int>(n * sizeof(T)), MPI_BYTE, dest, 1, comm);
}
template <class T>
std::vector<T> recv_vector(MPI_Comm comm, int source) {
  std::int64_t n = 0;
  MPI_Recv(&n, 1, MPI_INT64_T, source, 0, comm, MPI_STATUS_IGNORE);
  std::vector<T> v(static_cast<std::size_t>(n));
  MPI_Recv(v.data(), static_cast<int>(n * sizeof(T)), MPI_BYTE, source, 1, comm, MPI_STATUS_IGNORE);
  return v;
}

void broadcast_groups(MPI_Comm comm, std::vector<PhysicalGroup>& groups, std::string& source,
                      int root) {
  // Serialize as "dim tag name\n" lines; names cannot contain newlines in Gmsh.
  std::string text;
  if (mpi::rank(comm) == root) {
    text = source + '\n';
    for (const auto& g : groups)
      text += fmt::format("{} {} {}\n", g.dim, g.tag, g.name);
  }
  auto n = static_cast<std::int64_t>(text.size());
  MPI_Bcast(&n, 1, MPI_INT64_T, root, comm);
  text.resize(static_cast<std::size_t>(n));
  MPI_Bcast(text.data(), static_cast<int>(n), MPI_CHAR, root, comm);
  if (mpi::rank(comm) == root)
    return;
  groups.clear();
  std::size_t pos = text.find('\n');
  source = text.substr(0, pos);
  ++pos;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    const std::string line = text.substr(pos, end - pos);
    PhysicalGroup g;
    const auto s1 = line.find(' ');
    const auto s2 = line.find(' ', s1 + 1);
    g.dim = std::stoi(line.substr(0, s1));
    g.tag = std::stoi(line.substr(s1 + 1, s2 - s1 - 1));
    g.name = s2 == std::string::npos ? std::string{} : line.substr(s2 + 1);
    groups.push_back(std::move(g));
    pos = end + 1;
  }
}

} // namespace

TetMesh TetMesh::distribute(MPI_Comm comm, MeshData data, int root) {
  const int rank = mpi::rank(comm);
  const int p = mpi::size(comm);
  // Validation errors must reach every rank, not just the root.
  std::optional<std::string> error;
  std::vector<RankPart> parts;
  if (rank == root) {
    try {
      check_cells(data);
      parts = split(data, p);
    } catch (const Error& e) {
      error = e.what();
    }
  }
  mpi::throw_first_error<InputError>(comm, error);

  RankPart mine;
  if (rank == root) {
    for (int r = 0; r < p; ++r) {
      if (r == root)
        continue;
      const auto& rp = parts[static_cast<std::size_t>(r)];
      send_vector(comm, rp.coordinates, r);
      send_vector(comm, rp.vertex_gids, r);
      send_vector(comm, rp.ghost_owners, r);
      send_vector(comm, rp.cells, r);
      send_vector(comm, rp.cell_tags, r);
      send_vector(comm, rp.facets, r);
      send_vector(comm, std::vector<GlobalIndex>{rp.num_owned}, r);
    }
    mine = std::move(parts[static_cast<std::size_t>(root)]);
    parts.clear();
  } else {
    mine.coordinates = recv_vector<double>(comm, root);
    mine.vertex_gids = recv_vector<GlobalIndex>(comm, root);
    mine.ghost_owners = recv_vector<int>(comm, root);
    mine.cells = recv_vector<LocalIndex>(comm, root);
    mine.cell_tags = recv_vector<int>(comm, root);
    mine.facets = recv_vector<LocalIndex>(comm, root);
    mine.num_owned = recv_vector<GlobalIndex>(comm, root).at(0);
  }

  TetMesh mesh;
  mesh.groups_ = std::move(data.groups);
  mesh.source_ = std::move(data.source);
  broadcast_groups(comm, mesh.groups_, mesh.source_, root);
  std::vector<GlobalIndex> ghosts(mine.vertex_gids.begin() + mine.num_owned,
                                  mine.vertex_gids.end());
  mesh.vertex_map_ = IndexMap(comm, static_cast<LocalIndex>(mine.num_owned), std::move(ghosts),
                              std::move(mine.ghost_owners));
  mesh.coordinates_ = std::move(mine.coordinates);
  mesh.cells_ = std::move(mine.cells);
  mesh.cell_tags_ = std::move(mine.cell_tags);
  for (std::size_t i = 0; i + 2 < mine.facets.size(); i += 3)
    mesh.facets_.push_back({mine.facets[i], mine.facets[i + 1], mine.facets[i + 2]});
  mesh.num_global_cells_ = mpi::sum<GlobalIndex>(comm, mesh.num_cells());
  return mesh;
}

int TetMesh::find_tag(int dim, std::string_view name) const {
  for (const auto& g : groups_)
    if (g.dim == dim && g.name == name)
      return g.tag;
  int number = 0;
  const auto [ptr, ec] = std::from_chars(name.data(), name.data() + name.size(), number);
  if (ec == std::errc{} && ptr == name.data() + name.size())
    for (const auto& g : groups_)
      if (g.dim == dim && g.tag == number)
        return number;
  std::string available;
  for (const auto& g : groups_)
    if (g.dim == dim)
      available += fmt::format("{}'{}' ({})", available.empty() ? "" : ", ", g.name, g.tag);
  throw InputError(fmt::format("{}: no {} group '{}' in the mesh; available: {}", source_,
                               dim == 3 ? "volume" : "surface", name,
                               available.empty() ? "none" : available));
}

int TetMesh::cell_tag(std::string_view name) const {
  return find_tag(3, name);
}
int TetMesh::facet_tag(std::string_view name) const {
  return find_tag(2, name);
}

std::string TetMesh::group_name(int dim, int tag) const {
  for (const auto& g : groups_)
    if (g.dim == dim && g.tag == tag && !g.name.empty())
      return g.name;
  return std::to_string(tag);
}

std::array<std::array<double, 3>, 4> TetMesh::cell_coordinates(LocalIndex c) const {
  std::array<std::array<double, 3>, 4> x{};
  for (int k = 0; k < 4; ++k) {
    const auto v = static_cast<std::size_t>(cells_[4 * static_cast<std::size_t>(c) + k]);
    for (int d = 0; d < 3; ++d)
      x[k][d] = coordinates_[3 * v + d];
  }
  return x;
}

} // namespace resorb::mesh
