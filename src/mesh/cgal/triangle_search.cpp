// Built apart from the rest of the library (object library resorb_cgal): CGAL's target adds
// -frounding-math, which the other translation units must not get.
#include "mesh/triangle_search.hpp"

#include <CGAL/AABB_traits.h>
#include <CGAL/AABB_tree.h>
#include <CGAL/AABB_triangle_primitive.h>
#include <CGAL/Simple_cartesian.h>

#include <cmath>
#include <limits>
#include <vector>

namespace resorb::mesh {

namespace {
// Plain double arithmetic suffices: the tree only ranks candidates, and the caller measures
// the distance to the triangle it returns with its own formula.
using Kernel = CGAL::Simple_cartesian<double>;
using Triangle = Kernel::Triangle_3;
using Primitive = CGAL::AABB_triangle_primitive<Kernel, std::vector<Triangle>::const_iterator>;
using AabbTree = CGAL::AABB_tree<CGAL::AABB_traits<Kernel, Primitive>>;
} // namespace

struct TriangleSearch::Tree {
  std::vector<Triangle> triangles;
  std::vector<std::ptrdiff_t> input_index; // of each kept triangle
  AabbTree tree;
};

TriangleSearch::TriangleSearch(std::span<const double> triangles, int stride)
    : tree_(std::make_unique<Tree>()) {
  const auto step = static_cast<std::size_t>(stride);
  for (std::size_t t = 0; t + 9 <= triangles.size(); t += step) {
    const double* c = &triangles[t];
    const Triangle triangle({c[0], c[1], c[2]}, {c[3], c[4], c[5]}, {c[6], c[7], c[8]});
    if (triangle.is_degenerate())
      continue;
    tree_->triangles.push_back(triangle);
    tree_->input_index.push_back(static_cast<std::ptrdiff_t>(t / step));
  }
  if (tree_->triangles.empty())
    return;
  tree_->tree.insert(tree_->triangles.cbegin(), tree_->triangles.cend());
  tree_->tree.accelerate_distance_queries();
}

TriangleSearch::~TriangleSearch() = default;

std::ptrdiff_t TriangleSearch::nearest(const double* point) const {
  if (tree_->triangles.empty())
    return -1;
  const auto [closest, primitive] =
      tree_->tree.closest_point_and_primitive(Kernel::Point_3(point[0], point[1], point[2]));
  (void)closest;
  return tree_->input_index[static_cast<std::size_t>(primitive - tree_->triangles.cbegin())];
}

double TriangleSearch::distance(const double* point) const {
  if (tree_->triangles.empty())
    return std::numeric_limits<double>::infinity();
  return std::sqrt(tree_->tree.squared_distance(Kernel::Point_3(point[0], point[1], point[2])));
}

bool TriangleSearch::inside(const double* point) const {
  if (tree_->triangles.empty())
    return false;
  const Kernel::Point_3 p(point[0], point[1], point[2]);
  const Kernel::Ray_3 ray(
      p, Kernel::Vector_3(0.5773502691896258, 0.6123724356957945, 0.5400617248673217));
  return tree_->tree.number_of_intersected_primitives(ray) % 2 == 1;
}

} // namespace resorb::mesh
