// Label volumes to conforming tet meshes: phantoms of known shape (spheres, a core in a
// shell, disjoint balls), compared with the analytic geometry.
#include "expect_error.hpp"

#include <resorb/imaging/label_mesher.hpp>
#include <resorb/mesh/quality.hpp>
#include <resorb/mesh/tet_mesh.hpp>
#include <resorb/meshes/phantoms.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <map>
#include <numeric>
#include <set>

using namespace resorb;
using io::Vector3;
using test_support::expect_input_error;

namespace {

constexpr double voxel = 0.5e-3;

double distance(const Vector3& a, const Vector3& b) {
  return std::hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

Vector3 point(const mesh::MeshData& m, GlobalIndex v) {
  const auto i = 3 * static_cast<std::size_t>(v);
  return {m.coordinates[i], m.coordinates[i + 1], m.coordinates[i + 2]};
}

std::array<std::array<double, 3>, 4> cell(const mesh::MeshData& m, std::size_t c) {
  std::array<std::array<double, 3>, 4> x{};
  for (std::size_t k = 0; k < 4; ++k)
    x[k] = point(m, m.cells[4 * c + k]);
  return x;
}

/// Volume per cell tag; fails on an inverted or flat cell, and on a sliver (a dihedral angle
/// below 5°, the quality the phantoms must reach after optimisation).
std::map<int, double> volumes(const mesh::MeshData& m) {
  std::map<int, double> v;
  std::size_t inverted = 0;
  double min_dihedral = 180.0;
  for (std::size_t c = 0; c < m.cell_tags.size(); ++c) {
    const double vol = mesh::signed_volume(cell(m, c));
    inverted += vol <= 0 ? 1 : 0;
    v[m.cell_tags[c]] += vol;
    min_dihedral = std::min(min_dihedral, mesh::dihedral_range_deg(cell(m, c))[0]);
  }
  EXPECT_EQ(inverted, 0u);
  EXPECT_GE(min_dihedral, 5.0) << "smallest dihedral angle, degrees";
  return v;
}

using Face = std::array<GlobalIndex, 3>;

/// The four faces of cell @p c, each with its vertices sorted.
std::array<Face, 4> cell_faces(const mesh::MeshData& m, std::size_t c) {
  std::array<Face, 4> faces{};
  for (std::size_t skip = 0; skip < 4; ++skip) {
    std::size_t n = 0;
    for (std::size_t k = 0; k < 4; ++k)
      if (k != skip)
        faces[skip][n++] = m.cells[4 * c + k];
    std::sort(faces[skip].begin(), faces[skip].end());
  }
  return faces;
}

/// Every tagged facet lies between cells of the two labels its tag names (one cell when
/// the other side is outside), and every face shared by two cells of different labels is
/// tagged: a conforming, watertight multi-material mesh.
void expect_conforming(const mesh::MeshData& m) {
  std::map<Face, std::vector<int>> sides;
  for (std::size_t c = 0; c < m.cell_tags.size(); ++c)
    for (const auto& f : cell_faces(m, c))
      sides[f].push_back(m.cell_tags[c]);
  std::set<Face> tagged;
  std::size_t wrong = 0;
  for (std::size_t t = 0; t < m.facet_tags.size(); ++t) {
    Face f{m.facets[3 * t], m.facets[3 * t + 1], m.facets[3 * t + 2]};
    std::sort(f.begin(), f.end());
    tagged.insert(f);
    const auto it = sides.find(f);
    if (it == sides.end()) {
      ++wrong;
      continue;
    }
    const auto& s = it->second;
    const bool boundary = s.size() == 1;
    const bool interface = s.size() == 2 && s[0] != s[1];
    wrong += boundary || interface ? 0 : 1;
  }
  std::size_t untagged = 0, over_shared = 0;
  for (const auto& [f, s] : sides) {
    over_shared += s.size() > 2 ? 1 : 0;
    if ((s.size() == 1 || (s.size() == 2 && s[0] != s[1])) && !tagged.count(f))
      ++untagged;
  }
  EXPECT_EQ(wrong, 0u) << "tagged facets not between two labels";
  EXPECT_EQ(untagged, 0u) << "label boundaries without a tag";
  EXPECT_EQ(over_shared, 0u) << "faces of more than two cells";
}

/// Largest distance of the vertices on facets tagged @p tag from the sphere (c, r).
double sphere_deviation(const mesh::MeshData& m, int tag, const Vector3& c, double r) {
  double worst = 0.0;
  for (std::size_t t = 0; t < m.facet_tags.size(); ++t)
    if (m.facet_tags[t] == tag)
      for (std::size_t k = 0; k < 3; ++k)
        worst = std::max(worst, std::abs(distance(point(m, m.facets[3 * t + k]), c) - r));
  return worst;
}

int facet_tag(const mesh::MeshData& m, const std::string& name) {
  for (const auto& g : m.groups)
    if (g.dim == 2 && g.name == name)
      return g.tag;
  ADD_FAILURE() << "no facet group " << name;
  return -1;
}

imaging::LabelMeshSettings settings_for(std::vector<imaging::MeshedLabel> labels, double h) {
  imaging::LabelMeshSettings s;
  s.labels = std::move(labels);
  s.sizing = mesh::ImplicitMeshSizing::uniform(h);
  s.sizing.facet_distance = 0.1 * voxel;
  return s;
}

} // namespace

// A core (r 3 mm) in a shell (r 6 mm) of a 32³ image of 0.5 mm voxels, placed in an oblique
// mirrored frame: volumes within the voxel bound, surfaces within half a voxel of the
// spheres, conforming interfaces, and the same world position as the axis-aligned image.
TEST(LabelMesher, CoreInShellMatchesTheSpheresInAnyFrame) {
  const double r_core = 3e-3, r_shell = 6e-3;
  for (const bool oblique : {false, true}) {
    auto g = meshes::cube_geometry(32, voxel);
    const Vector3 c{10e-3, -4e-3, 25e-3};
    if (oblique) {
      // Rotated 30° about z and the i axis reversed: handedness −1.
      const double a = M_PI / 6;
      g.direction = {{{-std::cos(a), -std::sin(a), 0}, {-std::sin(a), std::cos(a), 0}, {0, 0, 1}}};
    }
    // Centre the grid on c whatever its axes.
    const auto mid = g.to_world({15.5, 15.5, 15.5});
    for (std::size_t d = 0; d < 3; ++d)
      g.origin[d] += c[d] - mid[d];
    const auto image = meshes::sample_phantom(g, [&](const Vector3& x) {
      const double r = distance(x, c);
      return r < r_core ? 2 : r < r_shell ? 1 : 0;
    });
    const auto m = imaging::mesh_label_image(
        image, settings_for({{1, "shell", 0.0}, {2, "core", 0.0}}, 1.0e-3));
    const auto v = volumes(m);
    ASSERT_EQ(v.size(), 2u);
    std::int64_t core_voxels = 0, shell_voxels = 0;
    for (const auto l : image.values) {
      core_voxels += l == 2;
      shell_voxels += l == 1;
    }
    const double v3 = voxel * voxel * voxel;
    const double core = 4.0 / 3 * M_PI * std::pow(r_core, 3);
    const double shell = 4.0 / 3 * M_PI * std::pow(r_shell, 3) - core;
    std::cout << fmt::format(
        "{}: {} tets; core {:.4f}, shell {:.4f} of the analytic volume "
        "(voxels {:.4f}, {:.4f}); surface deviation {:.3f}, {:.3f} voxel\n",
        oblique ? "oblique, mirrored" : "axis-aligned", m.cell_tags.size(), v.at(2) / core,
        v.at(1) / shell, core_voxels * v3 / core, shell_voxels * v3 / shell,
        sphere_deviation(m, facet_tag(m, "shell|core"), c, r_core) / voxel,
        sphere_deviation(m, facet_tag(m, "shell|outside"), c, r_shell) / voxel);
    // Label volume vs voxel-count volume within (surface area × voxel / 2).
    const double a_core = 4 * M_PI * r_core * r_core, a_shell = 4 * M_PI * r_shell * r_shell;
    EXPECT_NEAR(v.at(2), core_voxels * v3, a_core * voxel / 2);
    EXPECT_NEAR(v.at(1), shell_voxels * v3, (a_core + a_shell) * voxel / 2);
    EXPECT_LE(sphere_deviation(m, facet_tag(m, "shell|core"), c, r_core), 0.5 * voxel);
    EXPECT_LE(sphere_deviation(m, facet_tag(m, "shell|outside"), c, r_shell), 0.5 * voxel);
    expect_conforming(m);
    // The core's centroid is the sphere's centre, in the world frame.
    Vector3 centroid{0, 0, 0};
    for (std::size_t cl = 0; cl < m.cell_tags.size(); ++cl)
      if (m.cell_tags[cl] == 2) {
        const auto x = cell(m, cl);
        const double vol = mesh::signed_volume(x);
        for (std::size_t d = 0; d < 3; ++d)
          centroid[d] += vol * (x[0][d] + x[1][d] + x[2][d] + x[3][d]) / 4 / v.at(2);
      }
    EXPECT_LT(distance(centroid, c), 0.1 * voxel);
  }
}

// Eight balls of radius 2.5 voxels, not touching: none is lost.
TEST(LabelMesher, NoSmallComponentIsLost) {
  const auto g = meshes::cube_geometry(32, voxel);
  std::vector<Vector3> centres;
  for (int i = 0; i < 8; ++i)
    centres.push_back(
        {(i & 1 ? 4.0 : -4.0) * 1e-3, (i & 2 ? 4.0 : -4.0) * 1e-3, (i & 4 ? 4.0 : -4.0) * 1e-3});
  const double r = 2.5 * voxel;
  const auto image = meshes::sample_phantom(g, [&](const Vector3& x) {
    for (const auto& c : centres)
      if (distance(x, c) < r)
        return 1;
    return 0;
  });
  const auto m = imaging::mesh_label_image(image, settings_for({{1, "ball", 0.0}}, 0.5e-3));
  std::vector<double> volume(centres.size(), 0.0);
  for (std::size_t c = 0; c < m.cell_tags.size(); ++c) {
    const auto x = cell(m, c);
    Vector3 mid{};
    for (std::size_t d = 0; d < 3; ++d)
      mid[d] = (x[0][d] + x[1][d] + x[2][d] + x[3][d]) / 4;
    for (std::size_t b = 0; b < centres.size(); ++b)
      if (distance(mid, centres[b]) < 2 * r)
        volume[b] += mesh::signed_volume(x);
  }
  const double ball = 4.0 / 3 * M_PI * r * r * r;
  for (std::size_t b = 0; b < centres.size(); ++b)
    EXPECT_NEAR(volume[b] / ball, 1.0, 0.35) << "ball " << b;
  expect_conforming(m);
}

// A spherical shell only two voxels thick (r 5 to 6 mm, 0.5 mm voxels) stays one connected
// solid: its cells form one face-connected piece, its boundary is two closed spheres
// (watertight: every boundary edge on exactly two boundary triangles; Euler characteristic 4),
// the cell complex has the Euler characteristic of a sphere's shell (V − E + F − T = 2), and
// the volume is within the voxel bound (and no dihedral angle below 5°: volumes()).
TEST(LabelMesher, ThinShellStaysConnectedAndClosed) {
  const auto g = meshes::cube_geometry(32, voxel);
  const double inner = 5e-3, outer = inner + 2 * voxel;
  const auto image = meshes::sample_phantom(g, [&](const Vector3& x) {
    const double r = distance(x, {0, 0, 0});
    return r >= inner && r < outer ? 1 : 0;
  });
  const auto m = imaging::mesh_label_image(image, settings_for({{1, "shell", 0.0}}, 0.5e-3));
  expect_conforming(m);
  const std::size_t cells = m.cell_tags.size();
  ASSERT_GT(cells, 0u);

  using Edge = std::array<GlobalIndex, 2>;
  const auto edge_of = [](GlobalIndex a, GlobalIndex b) { return a < b ? Edge{a, b} : Edge{b, a}; };
  std::map<Face, std::vector<std::size_t>> face_cells;
  std::set<Edge> edges;
  std::set<GlobalIndex> vertices;
  for (std::size_t c = 0; c < cells; ++c) {
    for (const auto& f : cell_faces(m, c))
      face_cells[f].push_back(c);
    for (std::size_t a = 0; a < 4; ++a) {
      vertices.insert(m.cells[4 * c + a]);
      for (std::size_t b = a + 1; b < 4; ++b)
        edges.insert(edge_of(m.cells[4 * c + a], m.cells[4 * c + b]));
    }
  }
  // One face-connected piece (union–find over shared faces).
  std::vector<std::size_t> parent(cells);
  std::iota(parent.begin(), parent.end(), 0);
  const std::function<std::size_t(std::size_t)> root = [&](std::size_t c) {
    return parent[c] == c ? c : parent[c] = root(parent[c]);
  };
  std::map<Edge, int> boundary_edge_uses;
  std::set<GlobalIndex> boundary_vertices;
  std::size_t boundary_faces = 0;
  for (const auto& [f, on] : face_cells) {
    if (on.size() == 2)
      parent[root(on[0])] = root(on[1]);
    if (on.size() != 1)
      continue;
    ++boundary_faces;
    for (std::size_t a = 0; a < 3; ++a) {
      boundary_vertices.insert(f[a]);
      ++boundary_edge_uses[edge_of(f[a], f[(a + 1) % 3])];
    }
  }
  std::set<std::size_t> pieces;
  for (std::size_t c = 0; c < cells; ++c)
    pieces.insert(root(c));
  EXPECT_EQ(pieces.size(), 1u) << "the shell fell apart";
  std::size_t open_edges = 0;
  for (const auto& [e, uses] : boundary_edge_uses)
    open_edges += uses == 2 ? 0 : 1;
  EXPECT_EQ(open_edges, 0u) << "boundary edges not on exactly two boundary triangles";
  const auto boundary_euler = static_cast<long>(boundary_vertices.size()) -
                              static_cast<long>(boundary_edge_uses.size()) +
                              static_cast<long>(boundary_faces);
  EXPECT_EQ(boundary_euler, 4) << "the boundary is not two spheres";
  const auto euler = static_cast<long>(vertices.size()) - static_cast<long>(edges.size()) +
                     static_cast<long>(face_cells.size()) - static_cast<long>(cells);
  EXPECT_EQ(euler, 2) << "the cell complex is not a spherical shell";

  // Volume against the voxel count, within (surface area × voxel / 2).
  const auto v = volumes(m);
  const double voxel_volume =
      static_cast<double>(std::count(image.values.begin(), image.values.end(), 1)) * voxel * voxel *
      voxel;
  const double area = 4 * M_PI * (inner * inner + outer * outer);
  EXPECT_NEAR(v.at(1), voxel_volume, area * voxel / 2);
  std::cout << fmt::format("thin shell: {} tets, volume {:.4f} of the voxels'\n", cells,
                           v.at(1) / voxel_volume);
}

TEST(LabelMesher, BadSettingsAreNamed) {
  const auto image = meshes::sample_phantom(meshes::cube_geometry(8, voxel), [](const Vector3& x) {
    return std::hypot(x[0], x[1], x[2]) < 1e-3 ? 3 : 0;
  });
  auto s = settings_for({{3, "bone", 0.0}}, 1e-3);
  s.labels.push_back({7, "marrow", 0.0});
  expect_input_error([&] { (void)imaging::mesh_label_image(image, s); },
                     "label 7 ('marrow') is in no voxel");
  s.labels = {{3, "bone", 0.0}, {3, "again", 0.0}};
  expect_input_error([&] { (void)imaging::mesh_label_image(image, s); }, "label 3 is listed twice");
  s.labels = {{0, "background", 0.0}};
  expect_input_error([&] { (void)imaging::mesh_label_image(image, s); }, "must be positive");
  s.labels = {};
  expect_input_error([&] { (void)imaging::mesh_label_image(image, s); }, "no labels to mesh");
  s = settings_for({{3, "bone", 0.0}}, 1e-3);
  s.min_dihedral_deg = 35;
  expect_input_error([&] { (void)imaging::mesh_label_image(image, s); },
                     "dihedral angle target 35 deg");
  s.min_dihedral_deg = 10;
  s.optimisation_time_limit_s = 0;
  expect_input_error([&] { (void)imaging::mesh_label_image(image, s); },
                     "optimisation time limit 0 s");
  s.optimisation_time_limit_s = 10;
  s.optimisation_rounds = 0;
  expect_input_error([&] { (void)imaging::mesh_label_image(image, s); }, "its rounds (0)");
}

// Concentric cylinders along z (marrow r < 2 mm, cancellous to 5 mm, cortical to 7 mm) with
// a rod of radius 1.5 mm placed across them along x: the rod overrides the labels it covers,
// has its exact cylindrical surface (not voxels), and every label keeps its volume outside it.
TEST(LabelMesher, APlacedImplantOverridesTheLabelsItCovers) {
  const auto g = meshes::cube_geometry(32, voxel);
  const double r_marrow = 2e-3, r_cancellous = 5e-3, r_cortical = 7e-3, r_rod = 1.5e-3;
  const auto image = meshes::sample_phantom(g, [&](const Vector3& x) {
    const double r = std::hypot(x[0], x[1]);
    return r < r_marrow ? 3 : r < r_cancellous ? 2 : r < r_cortical ? 1 : 0;
  });
  auto s = settings_for({{1, "cortical", 0.0}, {2, "cancellous", 0.0}, {3, "marrow", 0.0}}, 1.0e-3);
  const double half = 8e-3; // the image spans ±8 mm
  s.implant = imaging::PlacedImplant{imaging::ImplantShape::cylinder(r_rod, 2 * half + 2e-3),
                                     imaging::Pose::along({-half - 1e-3, 0, 0}, {1, 0, 0}),
                                     "implant", 0.5e-3};
  const auto m = imaging::mesh_label_image(image, s);
  const auto v = volumes(m);
  ASSERT_EQ(v.size(), 4u);
  // Labels are defined between the first and last voxel centres; the rod is cut there.
  const double rod = M_PI * r_rod * r_rod * (2 * half - voxel);
  EXPECT_NEAR(v.at(4) / rod, 1.0, 0.03);
  // The rod's surface is exact to the bisection tolerance away from the curves where it meets
  // a tissue interface; on those curves (not protected as 1D features) vertices sit on one of
  // the two surfaces, within half a voxel of the rod.
  double away = 0.0, at_junction = 0.0;
  for (std::size_t t = 0; t < m.facet_tags.size(); ++t)
    if (m.facet_tags[t] == facet_tag(m, "cancellous|implant") ||
        m.facet_tags[t] == facet_tag(m, "marrow|implant"))
      for (std::size_t k = 0; k < 3; ++k) {
        const auto x = point(m, m.facets[3 * t + k]);
        const double d = std::abs(std::hypot(x[1], x[2]) - r_rod);
        const double r = std::hypot(x[0], x[1]);
        const bool junction = std::abs(r - r_marrow) < voxel || std::abs(r - r_cancellous) < voxel;
        (junction ? at_junction : away) = std::max(junction ? at_junction : away, d);
      }
  std::cout << fmt::format("rod: {} tets, volume {:.4f} of the exact one, surface within "
                           "{:.3f} voxel of the cylinder ({:.3f} at tissue interfaces)\n",
                           m.cell_tags.size(), v.at(4) / rod, away / voxel, at_junction / voxel);
  EXPECT_LE(away, 0.1 * voxel);
  EXPECT_LE(at_junction, 0.5 * voxel);
  // The marrow loses the rod's share: its volume is the cylinder's minus the rod inside it.
  const double marrow = M_PI * r_marrow * r_marrow * (2 * half - voxel);
  const double marrow_rod = 2 * std::sqrt(r_marrow * r_marrow - r_rod * r_rod) * M_PI * r_rod *
                            r_rod; // a close upper bound of the rod in the marrow
  EXPECT_LT(v.at(3), marrow - 0.9 * marrow_rod);
  expect_conforming(m);
  auto bad = s;
  bad.implant->pose.translation = {1.0, 0, 0}; // a metre away
  expect_input_error([&] { (void)imaging::mesh_label_image(image, bad); }, "covers no voxel");
  bad = s;
  bad.implant->name = "marrow";
  expect_input_error([&] { (void)imaging::mesh_label_image(image, bad); }, "given to two labels");
  bad = s;
  bad.implant->pose.rotation[0] = {2, 0, 0}; // not a rotation
  expect_input_error([&] { (void)imaging::mesh_label_image(image, bad); }, "not a proper rotation");
  bad = s;
  bad.implant->cell_size = -1e-3;
  expect_input_error([&] { (void)imaging::mesh_label_image(image, bad); },
                     "of implant 'implant' must not be negative");
  expect_input_error([] { (void)imaging::ImplantShape::cylinder(0.0, 1e-3); }, "must be positive");
  expect_input_error([] { (void)imaging::ImplantShape::screw(1e-3, -1e-4, 1e-3, 1e-2); },
                     "must be positive");
  expect_input_error(
      [] {
        (void)imaging::Pose::along({0, 0, 0}, {0, 0, 0});
      },
      "axis must not be zero");
}
