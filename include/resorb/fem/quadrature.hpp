#pragma once
/// @file
/// Quadrature rules on the reference tetrahedron and triangle.

#include <array>
#include <vector>

namespace resorb::fem {

/// A rule whose size is known at compile time, for kernels (device code copies it locally).
template <int N>
struct FixedRule {
  static constexpr int size = N; ///< number of points
  double points[N][3];           ///< reference coordinates
  double weights[N];             ///< weights, summing to the reference measure
};

/// Tetrahedron, degree 1: the centroid.
inline constexpr FixedRule<1> tetrahedron_centroid_rule{{{0.25, 0.25, 0.25}}, {1.0 / 6.0}};

/// Tetrahedron, degree 2: the classical 4-point rule, a = (5 − √5)/20, b = (5 + 3√5)/20.
inline constexpr FixedRule<4> tetrahedron_four_point_rule{
    {{0.1381966011250105, 0.1381966011250105, 0.1381966011250105},
     {0.5854101966249685, 0.1381966011250105, 0.1381966011250105},
     {0.1381966011250105, 0.5854101966249685, 0.1381966011250105},
     {0.1381966011250105, 0.1381966011250105, 0.5854101966249685}},
    {1.0 / 24.0, 1.0 / 24.0, 1.0 / 24.0, 1.0 / 24.0}};

/// Points (reference coordinates) and weights of a quadrature rule. Weights sum to the
/// reference measure (1/6 for the tetrahedron, 1/2 for the triangle).
struct QuadratureRule {
  std::vector<std::array<double, 3>> points; ///< reference coordinates (third is 0 on triangles)
  std::vector<double> weights;               ///< weights
  int degree = 0;                            ///< polynomials up to this degree are exact
  /// Number of points.
  [[nodiscard]] std::size_t size() const { return weights.size(); }
};

/// Rule on the reference tetrahedron {x, y, z >= 0, x + y + z <= 1}, exact to @p degree.
/// Degrees 1 and 2 use the classical 1- and 4-point rules; higher degrees a collapsed
/// (Duffy) Gauss–Legendre product rule with positive weights.
[[nodiscard]] const QuadratureRule& tetrahedron_rule(int degree);

/// Rule on the reference triangle {x, y >= 0, x + y <= 1}, exact to @p degree.
[[nodiscard]] const QuadratureRule& triangle_rule(int degree);

} // namespace resorb::fem
