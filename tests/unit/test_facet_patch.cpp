// Named patches cut out of a facet group by a region, and bad patches named.
#include "expect_error.hpp"

#include <resorb/core/mpi.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/mesh/facet_patch.hpp>

#include <gtest/gtest.h>

#include <algorithm>

using namespace resorb;
using test_support::expect_input_error;

TEST(FacetPatch, SplitsAGroupByARegionAndNamesBadPatches) {
  auto data = mesh::box_mesh_data(MPI_COMM_SELF, {4, 4, 4}, {0, 0, 0}, {1, 1, 1});
  const auto count = [&](int tag) {
    return std::count(data.facet_tags.begin(), data.facet_tags.end(), tag);
  };
  const auto zmax = count(6);
  const int tag =
      mesh::split_facet_group(data, "zmax", "zmax_left", [](const auto& x) { return x[0] < 0.5; });
  EXPECT_EQ(tag, 7);
  EXPECT_EQ(count(7), zmax / 2); // the left half of the top face's triangles
  EXPECT_EQ(count(6), zmax / 2);
  EXPECT_TRUE(std::any_of(data.groups.begin(), data.groups.end(), [](const auto& g) {
    return g.dim == 2 && g.tag == 7 && g.name == "zmax_left";
  }));
  // The mesh with the patch distributes and knows the group.
  const auto mesh = mesh::TetMesh::distribute(MPI_COMM_SELF, mesh::MeshData(data));
  EXPECT_EQ(mesh.facet_tag("zmax_left"), 7);
  const auto anywhere = [](const auto&) { return true; };
  expect_input_error([&] { (void)mesh::split_facet_group(data, "top", "p", anywhere); },
                     "patch 'p': no facet group 'top'");
  expect_input_error([&] { (void)mesh::split_facet_group(data, "zmax", "xmin", anywhere); },
                     "patch 'xmin': a group of that name exists");
  expect_input_error(
      [&] {
        (void)mesh::split_facet_group(data, "zmax", "nowhere",
                                      [](const auto& x) { return x[2] < 0.5; });
      },
      "patch 'nowhere' holds none of the facets of 'zmax'");
}
