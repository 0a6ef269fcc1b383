// Implant shapes on their own: a screw's volume against its closed form, the implant
// library's screw, a closed STL surface as a region, poses, and bad input.
#include "expect_error.hpp"

#include <resorb/imaging/implant_shape.hpp>
#include <resorb/io/stl.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numbers>

using namespace resorb;
using test_support::expect_input_error;

namespace {

constexpr double mm = 1e-3;

// Volume of {distance > 0} by the midpoint rule on n³ cells of the box [lo, hi].
double volume(const imaging::ImplantShape& shape, const imaging::Pose& pose, io::Vector3 lo,
              io::Vector3 hi, int n) {
  double cell = 1.0;
  for (std::size_t d = 0; d < 3; ++d)
    cell *= (hi[d] - lo[d]) / n;
  long inside = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k) {
        const io::Vector3 x{lo[0] + (i + 0.5) * (hi[0] - lo[0]) / n,
                            lo[1] + (j + 0.5) * (hi[1] - lo[1]) / n,
                            lo[2] + (k + 0.5) * (hi[2] - lo[2]) / n};
        inside += shape.distance(x, pose) > 0 ? 1 : 0;
      }
  return static_cast<double>(inside) * cell;
}

// A closed, outward-oriented cube [0, a]³.
mesh::TriangleSurface cube(double a) {
  mesh::TriangleSurface s;
  for (int v = 0; v < 8; ++v)
    s.vertices.push_back({(v & 1) * a, ((v >> 1) & 1) * a, ((v >> 2) & 1) * a});
  s.triangles = {{0, 2, 1}, {1, 2, 3}, {4, 5, 6}, {5, 7, 6}, {0, 1, 4}, {1, 5, 4},
                 {2, 6, 3}, {3, 6, 7}, {0, 4, 2}, {2, 4, 6}, {1, 3, 5}, {3, 7, 5}};
  return s;
}

} // namespace

// Each cross-section of the single-start triangular thread has the mean squared radius
// rc² + rc t + t²/3 (the radius runs linearly from crest to root around the turn), so the
// volume is π L (rc² + rc t + t²/3), whatever the pose.
TEST(ImplantShape, ScrewVolumeIsTheClosedForm) {
  const double rc = 1.2 * mm, t = 0.5 * mm, pitch = 1.0 * mm, length = 6 * mm;
  const auto screw = imaging::ImplantShape::screw(rc, t, pitch, length);
  const double exact = std::numbers::pi * length * (rc * rc + rc * t + t * t / 3);
  const double r = rc + t + 0.1 * mm;
  const double measured = volume(screw, {}, {-r, -r, 0}, {r, r, length}, 160);
  // Midpoint rule on 160³ cells whose z layers end where the screw does: the error is the
  // grid's lateral resolution only (0.1 % measured; 2e-3 allowed).
  EXPECT_NEAR(measured / exact, 1.0, 2e-3);
  // Moved and turned: inside on the axis (at least the core's distance to the flank,
  // rc / √(1 + (2t/p)²)), outside beyond the head.
  const auto pose = imaging::Pose::along({10 * mm, -5 * mm, 3 * mm}, {1, 1, 0});
  EXPECT_GT(screw.distance(pose.to_world({0, 0, 3 * mm}), pose), 0.7 * rc);
  EXPECT_LT(screw.distance(pose.to_world({0, 0, -1 * mm}), pose), 0);
  // The implant library's screw (the main job's): 3.2/2.2 mm, 1 mm pitch, 12 mm long.
  meshes::ThreadedScrewGeometry g;
  const auto library = imaging::ImplantShape::screw(g);
  const double core = g.minor_diameter / 2, depth = (g.major_diameter - g.minor_diameter) / 2;
  const double expected =
      std::numbers::pi * g.threaded_length * (core * core + core * depth + depth * depth / 3);
  const double R = g.major_diameter / 2 + 0.1 * mm;
  EXPECT_NEAR(volume(library, {}, {-R, -R, 0}, {R, R, g.threaded_length}, 160) / expected, 1.0,
              2e-3);
}

// An STL of a closed surface becomes the region it encloses, signed distances included,
// after a round trip through the binary STL writer and reader.
TEST(ImplantShape, ClosedSurfaceFromAnStl) {
  const auto file = std::filesystem::temp_directory_path() / "resorb_implant_cube.stl";
  io::write_stl(file, cube(4 * mm), "cube");
  const auto shape = imaging::ImplantShape::closed_surface(io::read_stl(file));
  const imaging::Pose pose = imaging::Pose::along({0, 0, 0}, {0, 0, 1});
  EXPECT_NEAR(shape.distance({2 * mm, 2 * mm, 2 * mm}, {}), 2 * mm, 1e-9);
  EXPECT_NEAR(shape.distance({2 * mm, 2 * mm, 5 * mm}, {}), -1 * mm, 1e-9);
  EXPECT_NEAR(volume(shape, pose, {-1 * mm, -1 * mm, -1 * mm}, {5 * mm, 5 * mm, 5 * mm}, 48),
              64 * mm * mm * mm, 1e-12);
  std::filesystem::remove(file);
  // An open surface is no region.
  auto open = cube(4 * mm);
  open.triangles.pop_back();
  expect_input_error([&] { (void)imaging::ImplantShape::closed_surface(open); }, "implant");
}

TEST(ImplantShape, BadInputIsNamed) {
  expect_input_error([] { (void)imaging::ImplantShape::cylinder(0, 1); }, "radius 0");
  expect_input_error([] { (void)imaging::ImplantShape::screw(1e-3, 1e-3, -1e-3, 1e-2); },
                     "must be positive");
  meshes::ThreadedScrewGeometry g;
  g.minor_diameter = 4e-3; // above the major diameter: no thread
  EXPECT_THROW((void)imaging::ImplantShape::screw(g), InputError);
  expect_input_error([] { (void)imaging::Pose::along({0, 0, 0}, {0, 0, 0}); }, "");
  imaging::Pose mirrored;
  mirrored.rotation[2][2] = -1;
  expect_input_error([&] { mirrored.validate("screw"); }, "not a proper rotation");
}
