#include "resorb/physics/surface_damage.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/fem/level_set.hpp"
#include "resorb/la/petsc.hpp"
#include "resorb/mesh/reference_cell.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

namespace resorb::physics {

namespace {

using Point = std::array<double, 3>;
using FaceKey = std::array<GlobalIndex, 3>;

constexpr double infinity = std::numeric_limits<double>::infinity();
constexpr double quiet_nan = std::numeric_limits<double>::quiet_NaN();

/// splitmix64 (Steele, Lea, Flood 2014): a bijective 64-bit mixer, the finaliser of a
/// counter-based generator.
constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// The points in lexicographic order: geometry computed from them is bit-identical whatever
/// order a rank stores the vertices in.
template <std::size_t N>
std::array<Point, N> sorted(std::array<Point, N> x) {
  std::sort(x.begin(), x.end());
  return x;
}

Point minus(const Point& a, const Point& b) {
  return {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
}

Point cross(const Point& a, const Point& b) {
  return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
}

/// Area of a triangle, from its corners in sorted order.
double triangle_area(const std::array<Point, 3>& t) {
  const auto s = sorted(t);
  const auto n = cross(minus(s[1], s[0]), minus(s[2], s[0]));
  return 0.5 * std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
}

/// Volume of a tetrahedron, from its corners in sorted order.
double tet_volume(const std::array<Point, 4>& x) {
  const auto s = sorted(x);
  const auto a = minus(s[1], s[0]), b = minus(s[2], s[0]), c = minus(s[3], s[0]);
  const auto n = cross(a, b);
  return std::abs(n[0] * c[0] + n[1] * c[1] + n[2] * c[2]) / 6.0;
}

/// A face without a neighbour on this rank, sent to the rank that matches it.
struct FaceQuery {
  FaceKey key{};          // sorted global vertex numbers
  std::int32_t id = 0;    // index in the sender's list of unmatched faces
  std::int32_t flags = 0; // 1: its cell is metal, 2: the face is in an exposed facet group
};

/// The answer: the face's partner on another rank.
struct FaceMatch {
  std::int32_t id = 0;      // index in the receiver's list of unmatched faces
  std::int32_t rank = 0;    // rank of the partner
  std::int32_t partner = 0; // index in the partner's list
  std::int32_t flags = 0;   // the partner's flags
};

/// A cell next to a partition boundary was removed.
struct RemovalNote {
  std::int32_t id = 0; // index in the receiver's list of unmatched faces
  std::int32_t padding = 0;
  double time = 0.0;   // removal time, s
  double lambda = 0.0; // the removed cell's pitting factor
};

} // namespace

void SurfaceDamageParameters::validate() const {
  auto fail = [&](const char* key, double value, const char* requirement) {
    throw InputError(fmt::format("surface damage parameters '{}': {} = {} must be {}", name, key,
                                 value, requirement));
  };
  if (!(std::isfinite(recession_speed) && recession_speed >= 0))
    fail("recession_speed", recession_speed, ">= 0 (m/s)");
  if (!(weibull_shape > 0)) // NaN fails too; +inf is uniform corrosion
    fail("weibull_shape", weibull_shape, "> 0 (or infinite for uniform corrosion)");
  if (!(std::isfinite(metal_mg) && metal_mg > 0))
    fail("metal_mg", metal_mg, "> 0 (mol/m^3)");
  if (!(max_damage_increment > 0 && max_damage_increment <= 1))
    fail("max_damage_increment", max_damage_increment, "in (0, 1]");
  if (transport) {
    if (!(std::isfinite(diffusivity_mg) && diffusivity_mg >= 0))
      fail("diffusivity_mg", diffusivity_mg, ">= 0 (m^2/s)");
    if (!(std::isfinite(diffusivity_oh) && diffusivity_oh >= 0))
      fail("diffusivity_oh", diffusivity_oh, ">= 0 (m^2/s)");
    if (!(std::isfinite(initial_mg) && initial_mg >= 0))
      fail("initial_mg", initial_mg, ">= 0 (mol/m^3)");
    if (!(std::isfinite(initial_oh) && initial_oh >= 0))
      fail("initial_oh", initial_oh, ">= 0 (mol/m^3)");
    if (!(std::isfinite(precipitation_rate) && precipitation_rate >= 0))
      fail("precipitation_rate", precipitation_rate, ">= 0 (1/s)");
    if (!(std::isfinite(solubility_product) && solubility_product > 0))
      fail("solubility_product", solubility_product, "> 0 ((mol/m^3)^3)");
  }
}

double SurfaceDamageCorrosion::pitting_factor(std::uint64_t seed, double shape,
                                              const std::array<std::array<double, 3>, 4>& x) {
  if (std::isinf(shape))
    return 1.0;
  std::uint64_t h = splitmix64(seed);
  for (const auto& p : sorted(x))
    for (const double c : p)
      h = splitmix64(h ^ std::bit_cast<std::uint64_t>(c));
  // 53 random bits, centred in their interval: u in (0, 1), never 0 or 1.
  const double u = (static_cast<double>(h >> 11) + 0.5) * 0x1.0p-53;
  return std::pow(-std::log1p(-u), 1.0 / shape); // Weibull inverse CDF, scale 1
}

TransportSettings SurfaceDamageCorrosion::defaults() {
  auto s = corrosion_transport_settings();
  s.atol = 1e-5; // mol/m³: below the 2.5e-4 mol/m³ of OH⁻ at pH 7.4
  return s;
}

SurfaceDamageCorrosion::SurfaceDamageCorrosion(const mesh::TetMesh& mesh,
                                               std::string_view metal_group,
                                               SurfaceDamageParameters parameters,
                                               const std::vector<std::string>& exposed_facet_groups,
                                               TransportSettings settings)
    : mesh_(mesh), parameters_(std::move(parameters)), dofmap_(mesh, 1),
      distance_(dofmap_, 1, "metal_distance", "m") {
  parameters_.validate();
  const auto& p = parameters_;
  const MPI_Comm comm = mesh.comm();
  const int metal_tag = mesh.cell_tag(metal_group);
  std::set<int> wet_tags;
  for (const auto& group : exposed_facet_groups)
    wet_tags.insert(mesh.facet_tag(group));

  const auto n = static_cast<std::size_t>(mesh.num_cells());
  const auto tags = mesh.cell_tags();
  const auto cells = mesh.cells();
  const auto& vertices = mesh.vertex_map();
  state_.assign(n, State::other);
  volume_.assign(n, 0.0);
  length_.assign(n, 0.0);
  own_lambda_.assign(n, 0.0);
  lambda_.assign(n, 0.0);
  rate_.assign(n, 0.0);
  exposed_at_.assign(n, infinity);
  removal_at_.assign(n, infinity);
  face_area_.assign(4 * n, 0.0);
  neighbour_.assign(4 * n, -1);
  wet_facet_.assign(4 * n, 0);

  // Geometry and pitting factors, from sorted coordinates (the same bits on every partition).
  double edge = 0.0;
  GlobalIndex metal_cells = 0;
  for (std::size_t c = 0; c < n; ++c) {
    const auto x = mesh.cell_coordinates(static_cast<LocalIndex>(c));
    volume_[c] = tet_volume(x);
    double smallest = infinity;
    for (std::size_t f = 0; f < 4; ++f) {
      const auto& fv = mesh::facet_vertices[f];
      face_area_[4 * c + f] =
          triangle_area({x[static_cast<std::size_t>(fv[0])], x[static_cast<std::size_t>(fv[1])],
                         x[static_cast<std::size_t>(fv[2])]});
      smallest = std::min(smallest, face_area_[4 * c + f]);
    }
    length_[c] = volume_[c] / smallest;
    if (tags[c] != metal_tag)
      continue;
    ++metal_cells;
    state_[c] = State::intact;
    own_lambda_[c] = lambda_[c] = pitting_factor(p.seed, p.weibull_shape, x);
    initial_volume_ += volume_[c];
    for (std::size_t a = 0; a < 4; ++a)
      for (std::size_t b = a + 1; b < 4; ++b)
        edge = std::max(edge, std::hypot(x[a][0] - x[b][0], x[a][1] - x[b][1], x[a][2] - x[b][2]));
  }
  RESORB_REQUIRE(mpi::sum(comm, metal_cells) > 0, InputError,
                 fmt::format("surface damage corrosion: cell group '{}' of {} has no cells",
                             metal_group, mesh.source()));
  initial_volume_ = mpi::sum(comm, initial_volume_);
  ph_distance_ = 4.0 * mpi::max(comm, edge);

  // Face neighbours on this rank: faces keyed by their sorted global vertex numbers.
  struct Record {
    FaceKey key;
    LocalIndex cell;
    int facet;
  };
  std::vector<Record> records;
  records.reserve(4 * n);
  for (std::size_t c = 0; c < n; ++c)
    for (int f = 0; f < 4; ++f) {
      FaceKey key{};
      for (std::size_t k = 0; k < 3; ++k)
        key[k] = vertices.local_to_global(
            cells[4 * c + static_cast<std::size_t>(mesh::facet_vertices[f][k])]);
      std::sort(key.begin(), key.end());
      records.push_back({key, static_cast<LocalIndex>(c), f});
    }
  std::sort(records.begin(), records.end(),
            [](const Record& a, const Record& b) { return a.key < b.key; });
  std::vector<int> neighbour_facet(4 * n, -1);
  std::vector<Record> unmatched;
  for (std::size_t i = 0; i < records.size();) {
    if (i + 1 < records.size() && records[i + 1].key == records[i].key) {
      const auto &a = records[i], &b = records[i + 1];
      const auto fa = 4 * static_cast<std::size_t>(a.cell) + static_cast<std::size_t>(a.facet);
      const auto fb = 4 * static_cast<std::size_t>(b.cell) + static_cast<std::size_t>(b.facet);
      neighbour_[fa] = b.cell;
      neighbour_[fb] = a.cell;
      neighbour_facet[fa] = b.facet;
      neighbour_facet[fb] = a.facet;
      i += 2;
    } else {
      unmatched.push_back(records[i]);
      ++i;
    }
  }
  // Faces in the exposed facet groups, on both of their sides.
  for (const auto& facet : mesh.facets())
    if (wet_tags.contains(facet.tag)) {
      const auto face =
          4 * static_cast<std::size_t>(facet.cell) + static_cast<std::size_t>(facet.local_facet);
      wet_facet_[face] = 1;
      if (neighbour_[face] >= 0)
        wet_facet_[4 * static_cast<std::size_t>(neighbour_[face]) +
                   static_cast<std::size_t>(neighbour_facet[face])] = 1;
    }

  // Faces on a partition boundary: each unmatched face goes to the rank that owns its
  // smallest vertex, which pairs the two sides and tells each who the other is. (A face
  // without a partner is on the outer boundary.) This happens once; afterwards only
  // removals next to partition boundaries are exchanged, between the two ranks concerned.
  const int ranks = mpi::size(comm);
  const auto offsets = vertices.rank_offsets();
  std::vector<std::vector<FaceQuery>> queries(static_cast<std::size_t>(ranks));
  for (std::size_t k = 0; k < unmatched.size(); ++k) {
    const auto& u = unmatched[k];
    const auto face = 4 * static_cast<std::size_t>(u.cell) + static_cast<std::size_t>(u.facet);
    const auto owner = static_cast<std::size_t>(
        std::upper_bound(offsets.begin(), offsets.end(), u.key[0]) - offsets.begin() - 1);
    queries[owner].push_back({u.key, static_cast<std::int32_t>(k),
                              (state_[static_cast<std::size_t>(u.cell)] == State::intact ? 1 : 0) |
                                  (wet_facet_[face] ? 2 : 0)});
  }
  const auto received = mpi::exchange(comm, queries);
  struct Entry {
    FaceQuery query;
    int rank;
  };
  std::vector<Entry> entries;
  for (int r = 0; r < ranks; ++r)
    for (const auto& q : received[static_cast<std::size_t>(r)])
      entries.push_back({q, r});
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.query.key < b.query.key; });
  std::vector<std::vector<FaceMatch>> replies(static_cast<std::size_t>(ranks));
  for (std::size_t i = 0; i + 1 < entries.size(); ++i)
    if (entries[i].query.key == entries[i + 1].query.key) {
      const auto &a = entries[i], &b = entries[i + 1];
      replies[static_cast<std::size_t>(a.rank)].push_back(
          {a.query.id, b.rank, b.query.id, b.query.flags});
      replies[static_cast<std::size_t>(b.rank)].push_back(
          {b.query.id, a.rank, a.query.id, a.query.flags});
      ++i;
    }
  remote_.resize(unmatched.size());
  for (std::size_t k = 0; k < unmatched.size(); ++k) {
    remote_[k].cell = unmatched[k].cell;
    remote_[k].facet = unmatched[k].facet;
    remote_[k].rank = -1; // outer boundary unless matched
  }
  for (const auto& from : mpi::exchange(comm, replies))
    for (const auto& m : from) {
      auto& rf = remote_[static_cast<std::size_t>(m.id)];
      rf.rank = m.rank;
      rf.partner = m.partner;
      rf.partner_metal = (m.flags & 1) != 0;
      const auto face = 4 * static_cast<std::size_t>(rf.cell) + static_cast<std::size_t>(rf.facet);
      neighbour_[face] = -2 - m.id;
      if (m.flags & 2)
        wet_facet_[face] = 1;
    }

  // Cells exposed at t = 0.
  GlobalIndex exposed = 0;
  for (std::size_t c = 0; c < n; ++c) {
    if (state_[c] != State::intact)
      continue;
    bool wet = false;
    for (int f = 0; f < 4; ++f)
      wet = wet || face_wet(static_cast<LocalIndex>(c), f);
    if (wet) {
      expose(static_cast<LocalIndex>(c), 0.0, own_lambda_[c]);
      ++exposed;
    }
  }
  RESORB_REQUIRE(mpi::sum(comm, exposed) > 0, InputError,
                 fmt::format("surface damage corrosion: no cell of the metal '{}' touches the "
                             "medium (a cell of another group, or a face of an exposed facet "
                             "group; the outer boundary of the mesh is not exposed)",
                             metal_group));

  if (p.transport) {
    auto species = [](const char* name, int charge, double initial, double d) {
      Species s;
      s.name = name;
      s.charge = charge;
      s.initial = initial;
      s.default_diffusivity = d;
      return s;
    };
    std::vector<Species> list = {species("Mg2+", 2, p.initial_mg, p.diffusivity_mg),
                                 species("OH-", -1, p.initial_oh, p.diffusivity_oh),
                                 species("Mg(OH)2", 0, 0.0, 0.0)};
    // Mg²⁺ + 2 OH⁻ → Mg(OH)₂ at k [Mg²⁺] g(√S − 1) (hydroxide_supersaturation), S = [Mg²⁺][OH⁻]² /
    // K_sp, where S > 1.
    const double ksp = p.solubility_product;
    std::vector<Reaction> reactions;
    if (p.precipitation_rate > 0)
      reactions.push_back({"Mg(OH)2 precipitation",
                           p.precipitation_rate,
                           {{"Mg2+", 1.0}},
                           {{"Mg2+", -1.0}, {"OH-", -2.0}, {"Mg(OH)2", 1.0}},
                           [ksp](const double* u, double* gradient) {
                             return hydroxide_supersaturation(u[0], u[1], ksp, gradient[0],
                                                              gradient[1]);
                           }});
    transport_ = std::make_unique<ReactionDiffusion>(mesh, std::move(list), std::move(reactions),
                                                     std::move(settings));
    update_transport();
    transport_->reset_history();
    update_distance();
  }
}

SurfaceDamageCorrosion::~SurfaceDamageCorrosion() = default;

void SurfaceDamageCorrosion::set_ph_distance(double distance) {
  RESORB_REQUIRE(distance > 0, InputError,
                 fmt::format("surface damage corrosion: pH distance {} m must be > 0", distance));
  ph_distance_ = distance;
  if (transport_)
    update_distance();
}

bool SurfaceDamageCorrosion::face_wet(LocalIndex c, int f) const {
  const auto face = 4 * static_cast<std::size_t>(c) + static_cast<std::size_t>(f);
  if (wet_facet_[face])
    return true;
  const LocalIndex nb = neighbour_[face];
  if (nb >= 0) {
    const auto s = state_[static_cast<std::size_t>(nb)];
    return s == State::other || s == State::removed;
  }
  if (nb == -1)
    return false; // outer boundary
  const auto& rf = remote_[static_cast<std::size_t>(-2 - nb)];
  return !rf.partner_metal || rf.partner_removed;
}

void SurfaceDamageCorrosion::expose(LocalIndex c, double t, double lambda) {
  const auto i = static_cast<std::size_t>(c);
  state_[i] = State::corroding;
  exposed_at_[i] = t;
  lambda_[i] = parameters_.inherit_pitting ? lambda : own_lambda_[i];
  rate_[i] = parameters_.recession_speed * lambda_[i] / length_[i];
  removal_at_[i] = rate_[i] > 0 ? t + 1.0 / rate_[i] : infinity;
}

double SurfaceDamageCorrosion::cell_damage(std::size_t c, double t) const {
  switch (state_[c]) {
  case State::corroding:
    return std::clamp(rate_[c] * (t - exposed_at_[c]), 0.0, 1.0);
  case State::removed:
    return 1.0;
  default:
    return 0.0;
  }
}

std::int64_t SurfaceDamageCorrosion::remove_due_cells() {
  const MPI_Comm comm = mesh_.comm();
  const auto n = static_cast<std::size_t>(mesh_.num_cells());
  std::int64_t total = 0;
  // Removal times within 1e-10 (relative) of now count as now: a layer of equal cells then
  // goes in one event, not in events apart by round-off.
  const double threshold = time_ + 1e-10 * std::abs(time_);
  for (;;) {
    std::vector<LocalIndex> removed;
    for (std::size_t c = 0; c < n; ++c)
      if (state_[c] == State::corroding && removal_at_[c] <= threshold) {
        state_[c] = State::removed;
        removed.push_back(static_cast<LocalIndex>(c));
      }
    const auto count = mpi::sum(comm, static_cast<std::int64_t>(removed.size()));
    if (count == 0)
      break;
    total += count;
    // Intact neighbours become exposed from the removal time of the neighbour that exposed
    // them (the earliest; the largest λ on a tie): the same on every partition.
    std::vector<Exposure> candidates;
    std::vector<std::vector<RemovalNote>> notes(static_cast<std::size_t>(mpi::size(comm)));
    for (const LocalIndex c : removed) {
      const auto i = static_cast<std::size_t>(c);
      for (std::size_t f = 0; f < 4; ++f) {
        const LocalIndex nb = neighbour_[4 * i + f];
        if (nb >= 0) {
          if (state_[static_cast<std::size_t>(nb)] == State::intact)
            candidates.push_back({nb, removal_at_[i], lambda_[i]});
        } else if (nb <= -2) {
          const auto& rf = remote_[static_cast<std::size_t>(-2 - nb)];
          notes[static_cast<std::size_t>(rf.rank)].push_back(
              {rf.partner, 0, removal_at_[i], lambda_[i]});
        }
      }
    }
    for (const auto& from : mpi::exchange(comm, notes))
      for (const auto& note : from) {
        auto& rf = remote_[static_cast<std::size_t>(note.id)];
        rf.partner_removed = true;
        if (state_[static_cast<std::size_t>(rf.cell)] == State::intact)
          candidates.push_back({rf.cell, note.time, note.lambda});
      }
    std::sort(candidates.begin(), candidates.end(), [](const Exposure& a, const Exposure& b) {
      if (a.cell != b.cell)
        return a.cell < b.cell;
      if (a.time != b.time)
        return a.time < b.time;
      return a.lambda > b.lambda;
    });
    for (const auto& e : candidates)
      if (state_[static_cast<std::size_t>(e.cell)] == State::intact)
        expose(e.cell, e.time, e.lambda);
  }
  return total;
}

void SurfaceDamageCorrosion::update_transport() {
  const auto& p = parameters_;
  const auto n = static_cast<std::size_t>(mesh_.num_cells());
  const int ns = transport_->num_species();
  const auto un = static_cast<std::size_t>(ns);
  // Metal still present does not conduct.
  auto d = transport_->diffusivity();
  const auto base = transport_->base_diffusivity();
  for (std::size_t c = 0; c < n; ++c) {
    const bool solid = state_[c] == State::intact || state_[c] == State::corroding;
    for (std::size_t i = 0; i < un; ++i)
      d[un * c + i] = solid ? 0.0 : base[un * c + i];
  }
  // Each corroding cell releases its Mg (and 2 OH⁻ per Mg) on the nodes of its wet faces,
  // split by face area and equally among a face's three nodes.
  const auto& dofmap = transport_->dofmap();
  fem::Field source(dofmap, ns, "source", "mol/s");
  {
    la::LocalWrite s(source.vec());
    for (std::size_t c = 0; c < n; ++c) {
      if (state_[c] != State::corroding)
        continue;
      const auto nodes = dofmap.cell_nodes(static_cast<LocalIndex>(c));
      const double mol_per_s = p.metal_mg * volume_[c] * rate_[c];
      double wet_area = 0.0;
      for (int f = 0; f < 4; ++f)
        if (face_wet(static_cast<LocalIndex>(c), f))
          wet_area += face_area_[4 * c + static_cast<std::size_t>(f)];
      for (int f = 0; f < 4; ++f) {
        if (!face_wet(static_cast<LocalIndex>(c), f) || !(wet_area > 0))
          continue;
        const double share =
            mol_per_s * face_area_[4 * c + static_cast<std::size_t>(f)] / wet_area / 3.0;
        for (const int k : mesh::facet_vertices[static_cast<std::size_t>(f)]) {
          const auto node = static_cast<PetscInt>(nodes[static_cast<std::size_t>(k)]);
          s[ns * node + 0] += share;
          s[ns * node + 1] += 2.0 * share;
        }
      }
    }
  }
  la::accumulate_ghosts(source.vec());
  const auto owned = static_cast<std::size_t>(dofmap.index_map().num_owned());
  std::vector<double> values(un * owned);
  {
    const la::LocalRead s(source.vec());
    for (std::size_t i = 0; i < values.size(); ++i)
      values[i] = s[static_cast<PetscInt>(i)];
  }
  transport_->set_source(values);
}

void SurfaceDamageCorrosion::update_distance() {
  // Marks: +1 on nodes only metal touches, 0 on the metal's wet surface, −1 elsewhere; then
  // the signed distance to that surface within ph_distance_.
  fem::Field metal(dofmap_, 1, "metal", "1"), wet(dofmap_, 1, "wet", "1");
  const auto n = static_cast<std::size_t>(mesh_.num_cells());
  {
    la::LocalWrite m(metal.vec()), w(wet.vec());
    for (std::size_t c = 0; c < n; ++c) {
      const auto nodes = dofmap_.cell_nodes(static_cast<LocalIndex>(c));
      const bool solid = state_[c] == State::intact || state_[c] == State::corroding;
      for (const LocalIndex a : nodes)
        (solid ? m : w)[a] += 1.0;
      if (solid)
        for (int f = 0; f < 4; ++f)
          if (wet_facet_[4 * c + static_cast<std::size_t>(f)])
            for (const int k : mesh::facet_vertices[static_cast<std::size_t>(f)])
              w[nodes[static_cast<std::size_t>(k)]] += 1.0;
    }
  }
  for (auto* field : {&metal, &wet}) {
    la::accumulate_ghosts(field->vec());
    field->update_ghosts();
  }
  int surface = 0;
  {
    const la::LocalRead m(metal.vec()), w(wet.vec());
    la::LocalWrite phi(distance_.vec());
    for (LocalIndex a = 0; a < dofmap_.index_map().size_local(); ++a) {
      phi[a] = m[a] > 0 ? (w[a] > 0 ? 0.0 : 1.0) : -1.0;
      surface = surface || (m[a] > 0 && w[a] > 0);
    }
  }
  has_surface_ = mpi::max(mesh_.comm(), surface) > 0;
  if (has_surface_)
    fem::redistance(distance_, ph_distance_);
}

CorrosionReport SurfaceDamageCorrosion::step(double t_limit) {
  const auto& p = parameters_;
  const MPI_Comm comm = mesh_.comm();
  RESORB_REQUIRE(t_limit > time_, Error,
                 fmt::format("surface damage corrosion: step to t = {} s requested at t = {} s",
                             t_limit, time_));
  const auto n = static_cast<std::size_t>(mesh_.num_cells());
  double next_removal = infinity, fastest = 0.0, mol_per_s = 0.0;
  for (std::size_t c = 0; c < n; ++c)
    if (state_[c] == State::corroding) {
      next_removal = std::min(next_removal, removal_at_[c]);
      fastest = std::max(fastest, rate_[c]);
      mol_per_s += p.metal_mg * volume_[c] * rate_[c];
    }
  next_removal = mpi::min(comm, next_removal);
  fastest = mpi::max(comm, fastest);
  double target = std::min(t_limit, next_removal);
  if (fastest > 0)
    target = std::min(target, time_ + p.max_damage_increment / fastest);
  double reached = target;
  if (transport_) {
    last_ = transport_->step(target);
    // The transport lands on the target up to round-off, or stops earlier on its own step.
    if (std::abs(transport_->time() - target) > 1e-12 * std::abs(target))
      reached = transport_->time();
  } else {
    last_ = StepReport{};
    last_.time = target;
    last_.dt = target - time_;
  }
  released_ += mol_per_s * (reached - time_);
  last_dt_ = reached - time_;
  time_ = reached;
  if (remove_due_cells() > 0 && transport_) {
    update_transport();
    transport_->reset_history(); // the sources jumped: no error estimate across the jump
    update_distance();
  }
  return report();
}

void SurfaceDamageCorrosion::save(Checkpoint& checkpoint, const std::string& prefix) const {
  std::vector<double> state(state_.size()), partner_removed(remote_.size());
  std::transform(state_.begin(), state_.end(), state.begin(),
                 [](State s) { return static_cast<double>(static_cast<int>(s)); });
  std::transform(remote_.begin(), remote_.end(), partner_removed.begin(),
                 [](const RemoteFace& f) { return f.partner_removed ? 1.0 : 0.0; });
  checkpoint.put(prefix + "state", state);
  checkpoint.put(prefix + "partner_removed", partner_removed);
  checkpoint.put(prefix + "lambda", lambda_);
  checkpoint.put(prefix + "rate", rate_);
  checkpoint.put(prefix + "exposed_at", exposed_at_);
  checkpoint.put(prefix + "removal_at", removal_at_);
  checkpoint.put(prefix + "clock",
                 std::vector{time_, last_dt_, released_, has_surface_ ? 1.0 : 0.0});
  {
    const la::LocalRead d(distance_.vec());
    checkpoint.put(prefix + "distance",
                   std::span<const double>(
                       d.data(), static_cast<std::size_t>(dofmap_.index_map().size_local())));
  }
  save_step_report(checkpoint, prefix + "last_step", last_);
  if (transport_)
    transport_->save(checkpoint, prefix + "transport/");
}

void SurfaceDamageCorrosion::restore(const Checkpoint& checkpoint, const std::string& prefix) {
  const auto state = checkpoint.get(prefix + "state", static_cast<std::ptrdiff_t>(state_.size()));
  std::transform(state.begin(), state.end(), state_.begin(),
                 [](double s) { return static_cast<State>(static_cast<int>(s)); });
  const auto removed =
      checkpoint.get(prefix + "partner_removed", static_cast<std::ptrdiff_t>(remote_.size()));
  for (std::size_t f = 0; f < remote_.size(); ++f)
    remote_[f].partner_removed = removed[f] != 0.0;
  checkpoint.get_into(prefix + "lambda", lambda_);
  checkpoint.get_into(prefix + "rate", rate_);
  checkpoint.get_into(prefix + "exposed_at", exposed_at_);
  checkpoint.get_into(prefix + "removal_at", removal_at_);
  const auto clock = checkpoint.get(prefix + "clock", 4);
  time_ = clock[0];
  last_dt_ = clock[1];
  released_ = clock[2];
  has_surface_ = clock[3] != 0.0;
  {
    const auto values = checkpoint.get(
        prefix + "distance", static_cast<std::ptrdiff_t>(dofmap_.index_map().size_local()));
    la::LocalWrite d(distance_.vec());
    std::copy(values.begin(), values.end(), d.data());
  }
  last_ = restore_step_report(checkpoint, prefix + "last_step");
  if (transport_)
    transport_->restore(checkpoint, prefix + "transport/");
}

std::vector<double> SurfaceDamageCorrosion::damage() const {
  const auto n = static_cast<std::size_t>(mesh_.num_cells());
  std::vector<double> d(n);
  for (std::size_t c = 0; c < n; ++c)
    d[c] = cell_damage(c, time_);
  return d;
}

std::vector<double> SurfaceDamageCorrosion::metal_fraction() const {
  const auto n = static_cast<std::size_t>(mesh_.num_cells());
  std::vector<double> f(n, 0.0);
  for (std::size_t c = 0; c < n; ++c)
    if (state_[c] == State::intact || state_[c] == State::corroding)
      f[c] = 1.0 - cell_damage(c, time_);
  return f;
}

SurfaceDamageCounts SurfaceDamageCorrosion::counts() const {
  SurfaceDamageCounts out;
  for (const auto s : state_) {
    out.intact += s == State::intact ? 1 : 0;
    out.corroding += s == State::corroding ? 1 : 0;
    out.removed += s == State::removed ? 1 : 0;
  }
  const MPI_Comm comm = mesh_.comm();
  out.intact = mpi::sum(comm, out.intact);
  out.corroding = mpi::sum(comm, out.corroding);
  out.removed = mpi::sum(comm, out.removed);
  return out;
}

double SurfaceDamageCorrosion::released() const {
  return mpi::sum(mesh_.comm(), released_);
}

CorrosionReport SurfaceDamageCorrosion::report() const {
  const auto& p = parameters_;
  const MPI_Comm comm = mesh_.comm();
  const auto n = static_cast<std::size_t>(mesh_.num_cells());
  CorrosionReport r;
  r.time = time_;
  r.dt = last_dt_;
  r.transport = last_;
  double volume = 0.0, area = 0.0;
  for (std::size_t c = 0; c < n; ++c) {
    if (state_[c] != State::intact && state_[c] != State::corroding)
      continue;
    volume += (1.0 - cell_damage(c, time_)) * volume_[c];
    for (int f = 0; f < 4; ++f)
      if (face_wet(static_cast<LocalIndex>(c), f))
        area += face_area_[4 * c + static_cast<std::size_t>(f)];
  }
  r.metal_volume = mpi::sum(comm, volume);
  r.interface_area = mpi::sum(comm, area);
  r.mass_loss = 1.0 - r.metal_volume / initial_volume_;
  r.dissolved = p.metal_mg * (initial_volume_ - r.metal_volume);
  r.hydrogen_volume = hydrogen_volume_at_body_temperature(r.dissolved);
  r.film = 0.0;
  r.balance_error = std::abs(released() - r.dissolved) / (p.metal_mg * initial_volume_);
  r.ph_min = r.ph_mean = r.ph_max = quiet_nan;
  if (!transport_)
    return r;
  // pH over the wet nodes (on the metal's surface or outside it) within ph_distance_ of the
  // metal; once no metal surface is left, over all wet nodes.
  const int ns = transport_->num_species();
  double lo = infinity, hi = -infinity, sum = 0.0, count = 0.0;
  {
    const la::LocalRead phi(distance_.vec()), u(transport_->concentrations().vec());
    for (LocalIndex a = 0; a < dofmap_.index_map().num_owned(); ++a)
      if (phi[a] <= 0 && (!has_surface_ || -phi[a] <= ph_distance_)) {
        const double ph = 14.0 + std::log10(std::max(u[ns * a + 1], 1e-30) * 1e-3);
        lo = std::min(lo, ph);
        hi = std::max(hi, ph);
        sum += ph;
        count += 1.0;
      }
  }
  count = mpi::sum(comm, count);
  lo = mpi::min(comm, lo);
  hi = mpi::max(comm, hi);
  sum = mpi::sum(comm, sum);
  if (count > 0) {
    r.ph_min = lo;
    r.ph_max = hi;
    r.ph_mean = sum / count;
  }
  return r;
}

fem::Field SurfaceDamageCorrosion::ph() const {
  fem::Field out(dofmap_, 1, "pH", "1");
  la::LocalWrite v(out.vec());
  if (!transport_) {
    for (LocalIndex a = 0; a < dofmap_.index_map().size_local(); ++a)
      v[a] = quiet_nan;
    return out;
  }
  const la::LocalRead u(transport_->concentrations().vec());
  const int ns = transport_->num_species();
  for (LocalIndex a = 0; a < dofmap_.index_map().size_local(); ++a)
    v[a] = 14.0 + std::log10(std::max(u[ns * a + 1], 1e-30) * 1e-3);
  return out;
}

std::vector<fem::Field> SurfaceDamageCorrosion::output_fields() const {
  std::vector<fem::Field> fields;
  // Nodal metal fraction: the mean over the cells around each node.
  fem::Field sum(dofmap_, 1, "metal_fraction", "1"), count(dofmap_, 1, "count", "1");
  const auto fraction = metal_fraction();
  {
    la::LocalWrite s(sum.vec()), k(count.vec());
    for (LocalIndex c = 0; c < mesh_.num_cells(); ++c)
      for (const LocalIndex a : dofmap_.cell_nodes(c)) {
        s[a] += fraction[static_cast<std::size_t>(c)];
        k[a] += 1.0;
      }
  }
  la::accumulate_ghosts(sum.vec());
  la::accumulate_ghosts(count.vec());
  {
    la::LocalWrite s(sum.vec());
    const la::LocalRead k(count.vec());
    for (LocalIndex a = 0; a < dofmap_.index_map().num_owned(); ++a)
      s[a] = k[a] > 0 ? s[a] / k[a] : 0.0;
  }
  sum.update_ghosts();
  fields.push_back(std::move(sum));
  if (transport_) {
    fields.push_back(ph());
    for (int i = 0; i < transport_->num_species(); ++i)
      fields.push_back(transport_->concentration(i));
  }
  return fields;
}

std::vector<fem::CellField> SurfaceDamageCorrosion::cell_fields() const {
  const auto n = static_cast<std::size_t>(mesh_.num_cells());
  fem::CellField d{"damage", 1, damage(), "1"};
  fem::CellField l{"pitting_factor", 1, lambda_, "1"};
  fem::CellField s{"corrosion_state", 1, std::vector<double>(n), "1"};
  for (std::size_t c = 0; c < n; ++c)
    s.values[c] = static_cast<double>(static_cast<int>(state_[c]));
  return {std::move(d), std::move(l), std::move(s)};
}

} // namespace resorb::physics
