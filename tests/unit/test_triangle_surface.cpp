// Triangle surfaces and binary STL: welding, the closed-manifold check (each defect class
// detected), enclosed volume and area against a cube, and an STL round trip; malformed STL
// files are named, and an announced count that the file cannot hold is refused before any
// allocation.
#include <resorb/core/error.hpp>
#include <resorb/io/stl.hpp>
#include <resorb/io/threemf.hpp>
#include <resorb/mesh/triangle_surface.hpp>

#include <gtest/gtest.h>

#include "expect_error.hpp"

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace resorb;

namespace {

/// The unit cube [0, 1]³ (scaled by @p s) as 12 outward triangles, 9 values each.
std::vector<double> cube_soup(double s = 1.0) {
  const double v[8][3] = {{0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0},
                          {0, 0, 1}, {1, 0, 1}, {1, 1, 1}, {0, 1, 1}};
  const int faces[12][3] = {{0, 2, 1}, {0, 3, 2}, {4, 5, 6}, {4, 6, 7}, {0, 1, 5}, {0, 5, 4},
                            {1, 2, 6}, {1, 6, 5}, {2, 3, 7}, {2, 7, 6}, {3, 0, 4}, {3, 4, 7}};
  std::vector<double> soup;
  for (const auto& f : faces)
    for (const int k : f)
      for (int i = 0; i < 3; ++i)
        soup.push_back(s * v[k][i]);
  return soup;
}

std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "resorb_test_stl";
  std::filesystem::create_directories(dir);
  return dir / name;
}

} // namespace

TEST(TriangleSurface, CubeIsClosedWithItsVolumeAreaAndEuler) {
  const auto cube = mesh::weld(cube_soup(2.0));
  EXPECT_EQ(cube.vertices.size(), 8u);
  EXPECT_EQ(cube.triangles.size(), 12u);
  EXPECT_TRUE(mesh::check_closed(cube).closed());
  EXPECT_NEAR(mesh::enclosed_volume(cube), 8.0, 1e-14);
  EXPECT_NEAR(mesh::area(cube), 24.0, 1e-13);
  EXPECT_EQ(mesh::euler_characteristic(cube), 2);
}

TEST(TriangleSurface, EachDefectIsCounted) {
  auto flipped = mesh::weld(cube_soup());
  std::swap(flipped.triangles[3][1], flipped.triangles[3][2]);
  EXPECT_EQ(mesh::check_closed(flipped).misoriented_edges, 3u);
  auto open = mesh::weld(cube_soup());
  open.triangles.pop_back();
  EXPECT_EQ(mesh::check_closed(open).open_edges, 3u);
  auto doubled = mesh::weld(cube_soup());
  doubled.triangles.push_back(doubled.triangles[0]);
  EXPECT_EQ(mesh::check_closed(doubled).non_manifold_edges, 3u);
  // A collapsed triangle (two equal corners) is dropped by weld.
  auto soup = cube_soup();
  soup.insert(soup.end(), {0, 0, 0, 0, 0, 0, 1, 0, 0});
  EXPECT_EQ(mesh::weld(soup).triangles.size(), 12u);
}

TEST(Stl, RoundTripKeepsTheSurface) {
  const auto cube = mesh::weld(cube_soup(0.01)); // a 10 mm cube, in m
  const auto file = scratch("cube.stl");
  io::write_stl(file, cube, "resorb test cube");
  EXPECT_EQ(std::filesystem::file_size(file), 84u + 50u * 12u);
  const auto back = io::read_stl(file);
  EXPECT_EQ(back.vertices.size(), 8u);
  EXPECT_TRUE(mesh::check_closed(back).closed());
  EXPECT_NEAR(mesh::enclosed_volume(back), 1e-6, 1e-12);
  std::ifstream in(file, std::ios::binary);
  std::string header(16, '\0');
  in.read(header.data(), 16);
  EXPECT_EQ(header, "resorb test cube");
}

TEST(Stl, MalformedFilesAreNamed) {
  using test_support::expect_input_error;
  expect_input_error([] { (void)io::read_stl(scratch("missing.stl")); }, "missing.stl");
  const auto tiny = scratch("tiny.stl");
  std::ofstream(tiny, std::ios::binary) << "solid ascii";
  expect_input_error([&] { (void)io::read_stl(tiny); }, "shorter than a binary STL header");
  // 10⁹ triangles announced in a 1 kB file.
  const auto absurd = scratch("absurd.stl");
  {
    std::ofstream out(absurd, std::ios::binary);
    std::vector<char> bytes(1024, 0);
    const std::uint32_t count = 1000000000u;
    std::memcpy(bytes.data() + 80, &count, 4);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  expect_input_error([&] { (void)io::read_stl(absurd); }, "1000000000 triangles announced");
  expect_input_error([&] { (void)io::read_stl(absurd, 0.0); }, "scale 0 must be positive");
}

// A file that cannot be written is named, and the STL already there stays whole.
TEST(Stl, FailedWriteNamesTheFileAndKeepsTheOldOne) {
  const auto cube = mesh::weld(cube_soup(0.01));
  const auto file = scratch("kept.stl");
  io::write_stl(file, cube, "first");
  const auto size = std::filesystem::file_size(file);
  // A directory where the temporary file would go: the write fails before the rename.
  std::filesystem::create_directories(file.string() + ".tmp");
  try {
    io::write_stl(file, cube, "second");
    ADD_FAILURE() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("kept.stl"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(file.string() + ".tmp");
  EXPECT_EQ(std::filesystem::file_size(file), size);
  EXPECT_TRUE(mesh::check_closed(io::read_stl(file)).closed());
}

// 3MF: the surface and the metadata come back (lib3mf reads what it wrote, and finds the
// mesh manifold and oriented); bad files are named; a failed write keeps the old file.
TEST(ThreeMf, RoundTripKeepsTheSurfaceAndTheMetadata) {
  const auto cube = mesh::weld(cube_soup(0.01));
  const auto file = scratch("cube.3mf");
  io::write_3mf(file, cube, "cube", {{"Title", "resorb test cube"}, {"Description", "L 10 mm"}});
  const auto back = io::read_3mf(file);
  EXPECT_EQ(back.surface.vertices.size(), 8u);
  EXPECT_EQ(back.surface.triangles.size(), 12u);
  EXPECT_TRUE(back.manifold_and_oriented);
  EXPECT_TRUE(mesh::check_closed(back.surface).closed());
  EXPECT_NEAR(mesh::enclosed_volume(back.surface), 1e-6, 1e-12); // mm in the file, m here
  EXPECT_EQ(back.metadata.at("Title"), "resorb test cube");
  EXPECT_EQ(back.metadata.at("Description"), "L 10 mm");

  using test_support::expect_input_error;
  expect_input_error([] { (void)io::read_3mf(scratch("missing.3mf")); }, "missing.3mf");
  const auto junk = scratch("junk.3mf");
  std::ofstream(junk, std::ios::binary) << "not a zip package";
  expect_input_error([&] { (void)io::read_3mf(junk); }, "junk.3mf: 3MF read failed");
  expect_input_error([&] { (void)io::write_3mf(scratch("empty.3mf"), {}, "none", {}); },
                     "no triangles");
  auto broken = cube;
  broken.triangles[3][1] = 99;
  expect_input_error([&] { io::write_3mf(scratch("broken.3mf"), broken, "x", {}); },
                     "refers to vertex 99");

  std::filesystem::create_directories(file.string() + ".tmp");
  try {
    io::write_3mf(file, cube, "second", {});
    ADD_FAILURE() << "expected an Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cube.3mf"), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(file.string() + ".tmp");
  EXPECT_EQ(io::read_3mf(file).metadata.at("Title"), "resorb test cube");
}
