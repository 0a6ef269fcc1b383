#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/mesh/edges.hpp>
#include <resorb/mesh/quality.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

using namespace resorb;

TEST(Box, CountsVolumeAndTags) {
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {3, 4, 5}, {0, 0, 0}, {1, 2, 3});
  EXPECT_EQ(mesh.num_global_cells(), 6 * 3 * 4 * 5);
  EXPECT_EQ(mesh.vertex_map().size_global(), 4 * 5 * 6);
  const auto report = mesh::quality_report(mesh);
  EXPECT_NEAR(report.volume_m3, 6.0, 1e-12);
  ASSERT_EQ(report.per_tag.size(), 1u);
  EXPECT_EQ(report.per_tag.at(1).name, "box");
  EXPECT_GT(report.min_dihedral_deg, 0.0);
  EXPECT_LT(report.max_dihedral_deg, 180.0);
  // Tagged facets: 2 triangles per boundary quad, each stored once.
  GlobalIndex facets =
      mpi::sum<GlobalIndex>(mesh.comm(), static_cast<GlobalIndex>(mesh.facets().size()));
  EXPECT_EQ(facets, 2 * 2 * (3 * 4 + 4 * 5 + 3 * 5));
  EXPECT_EQ(mesh.facet_tag("zmax"), 6);
  EXPECT_EQ(mesh.facet_tag("6"), 6);
}

TEST(Box, UnknownGroupErrorListsAvailableGroups) {
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {1, 1, 1}, {0, 0, 0}, {1, 1, 1});
  try {
    (void)mesh.facet_tag("implant_head");
    FAIL();
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("implant_head"), std::string::npos);
    EXPECT_NE(what.find("xmin"), std::string::npos);
  }
}

TEST(Edges, GlobalCountMatchesEulerCharacteristic) {
  // For a triangulated ball V - E + F - C = 1; F follows from 4C = 2F - F_boundary.
  const std::array<int, 3> n{3, 2, 4};
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, n, {0, 0, 0}, {1, 1, 1});
  const auto edges = mesh::build_edges(mesh);
  const GlobalIndex v = mesh.vertex_map().size_global(), c = mesh.num_global_cells();
  const GlobalIndex fb = 4 * (n[0] * n[1] + n[1] * n[2] + n[0] * n[2]);
  const GlobalIndex f = (4 * c + fb) / 2;
  EXPECT_EQ(edges.map.size_global(), v + f - c - 1);
}

TEST(Quality, RegularTetrahedronHasUnitRadiusRatio) {
  const std::array<std::array<double, 3>, 4> x{{{1, 1, 1}, {1, -1, -1}, {-1, 1, -1}, {-1, -1, 1}}};
  EXPECT_NEAR(mesh::aspect_ratio(x), 1.0, 1e-12);
  const auto [lo, hi] = mesh::dihedral_range_deg(x);
  EXPECT_NEAR(lo, std::acos(1.0 / 3.0) * 180.0 / M_PI, 1e-10);
  EXPECT_NEAR(hi, lo, 1e-10);
}

namespace {
mesh::MeshData single_tet(double z3) {
  mesh::MeshData d;
  d.source = "test.msh";
  d.coordinates = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, z3};
  d.cells = {0, 1, 2, 3};
  d.cell_tags = {1};
  d.cell_ids = {42};
  d.groups = {{3, 1, "bone"}};
  return d;
}
std::string distribute_error(mesh::MeshData d) {
  try {
    (void)mesh::TetMesh::distribute(
        MPI_COMM_WORLD, mpi::rank(MPI_COMM_WORLD) == 0 ? std::move(d) : mesh::MeshData{});
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}
} // namespace

TEST(Validation, InvertedCellIsAnErrorNamingTheCell) {
  const auto what = distribute_error(single_tet(-1.0));
  EXPECT_NE(what.find("inverted"), std::string::npos) << what;
  EXPECT_NE(what.find("element 42"), std::string::npos) << what;
  EXPECT_NE(what.find("test.msh"), std::string::npos) << what;
}

TEST(Validation, ZeroVolumeCellIsAnError) {
  const auto what = distribute_error(single_tet(0.0));
  EXPECT_NE(what.find("zero volume"), std::string::npos) << what;
}

TEST(Validation, OutOfRangeVertexAndStrayFacetAreErrors) {
  auto d = single_tet(1.0);
  d.cells[3] = 7;
  EXPECT_NE(distribute_error(d).find("does not exist"), std::string::npos);
  d = single_tet(1.0);
  d.coordinates.insert(d.coordinates.end(), {5, 5, 5});
  d.facets = {0, 1, 4};
  d.facet_tags = {3};
  EXPECT_NE(distribute_error(d).find("not a face"), std::string::npos);
}

TEST(Distribute, NumbersVerticesForLocalityWhateverTheFileOrder) {
  // A box whose vertices are listed in random order, as a mesher's insertion order can be.
  constexpr int n = 12;
  constexpr GlobalIndex nv = (n + 1) * (n + 1) * (n + 1);
  auto data = mesh::box_mesh_data(MPI_COMM_WORLD, {n, n, n}, {0, 0, 0}, {1, 1, 1});
  if (mpi::rank(MPI_COMM_WORLD) == 0) {
    std::vector<GlobalIndex> moved(static_cast<std::size_t>(nv));
    std::iota(moved.begin(), moved.end(), GlobalIndex{0});
    std::shuffle(moved.begin(), moved.end(), std::mt19937{42});
    std::vector<double> x(data.coordinates.size());
    for (std::size_t v = 0; v < moved.size(); ++v)
      std::copy_n(&data.coordinates[3 * v], 3, &x[3 * static_cast<std::size_t>(moved[v])]);
    data.coordinates = std::move(x);
    for (auto& v : data.cells)
      v = moved[static_cast<std::size_t>(v)];
    for (auto& v : data.facets)
      v = moved[static_cast<std::size_t>(v)];
  }
  const auto mesh = mesh::TetMesh::distribute(MPI_COMM_WORLD, std::move(data));
  const auto& map = mesh.vertex_map();
  const auto cells = mesh.cells();

  // Bandwidth of the vertex graph within each rank's owned range. Reverse Cuthill–McKee on
  // this grid keeps it to about two diagonal layers, O(n^2); the shuffled order gives O(n^3).
  GlobalIndex bandwidth = 0;
  GlobalIndex previous_key = -1;
  bool cells_sorted = true;
  for (std::size_t c = 0; c < cells.size() / 4; ++c) {
    GlobalIndex key = nv;
    for (int a = 0; a < 4; ++a) {
      const LocalIndex va = cells[4 * c + a];
      key = std::min(key, map.local_to_global(va));
      for (int b = 0; b < 4; ++b)
        if (va < map.num_owned() && cells[4 * c + b] < map.num_owned())
          bandwidth = std::max<GlobalIndex>(bandwidth, std::abs(va - cells[4 * c + b]));
    }
    // Cells are stored in order of their smallest vertex number (assembly locality).
    cells_sorted = cells_sorted && key >= previous_key;
    previous_key = key;
  }
  bandwidth = mpi::max(MPI_COMM_WORLD, bandwidth);
  EXPECT_TRUE(cells_sorted);
  EXPECT_LT(bandwidth, 2 * (n + 1) * (n + 1)) << "of " << nv << " vertices";
  // The numbering is still a bijection onto [0, nv).
  EXPECT_EQ(map.size_global(), nv);
}
