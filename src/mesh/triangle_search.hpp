#pragma once
// Nearest-triangle queries on a fixed soup of triangles, through CGAL's AABB tree (private:
// CGAL stays out of the public headers and out of every other translation unit).

#include <cstddef>
#include <memory>
#include <span>

namespace resorb::mesh {

/// The triangle nearest to a point among a fixed set (zero-set triangles of a level set).
/// Building costs O(n log n); a query visits O(log n) boxes instead of all n triangles.
class TriangleSearch {
public:
  /// Triangles as 9 corner coordinates each, @p stride values apart (stride >= 9; further
  /// values are ignored). Triangles of zero area are skipped: a neighbour always covers
  /// their points.
  TriangleSearch(std::span<const double> triangles, int stride);
  ~TriangleSearch();
  TriangleSearch(const TriangleSearch&) = delete;
  TriangleSearch& operator=(const TriangleSearch&) = delete;

  /// Index (in the input) of a triangle nearest to @p point (3 coordinates), -1 when the
  /// set has no triangle of nonzero area.
  [[nodiscard]] std::ptrdiff_t nearest(const double* point) const;
  /// Distance from @p point to the nearest triangle (infinity without triangles).
  [[nodiscard]] double distance(const double* point) const;
  /// For a closed surface: whether @p point is inside, by the parity of the crossings of a
  /// ray in a fixed direction that no lattice or axis aligns with (a ray through an edge or a
  /// vertex, which could count twice, is then a measure-zero event).
  [[nodiscard]] bool inside(const double* point) const;

private:
  struct Tree;
  std::unique_ptr<Tree> tree_;
};

} // namespace resorb::mesh
