#pragma once
/// @file
/// Implicit lattices for porous scaffolds: triply periodic minimal surface (TPMS) unit cells
/// in their skeletal and sheet forms, with cell size and threshold as fields of position
/// (graded scaffolds), intersected with a bounding shape.
///
/// A lattice is a level function ψ(x), positive in the solid: skeletal ψ ∝ t − f, sheet
/// ψ ∝ t − |f| (scaled to a distance, Lattice::level), where f is the cell's nodal approximation
/// (below) at X = 2π x / L, L the cell size and t the threshold at x. A bounding shape contributes
/// its signed distance d (positive inside); the scaffold is ψ ∧ d = min(ψ, d), whose zero set is
/// the boundary of the intersection.

#include "resorb/mesh/triangle_surface.hpp"

#include <array>
#include <functional>
#include <string_view>

namespace resorb::scaffold {

/// A point in m.
using Point = std::array<double, 3>;
/// A scalar field of position (cell size in m, threshold, ...).
using ScalarField = std::function<double(const Point&)>;

/// Unit cells, as nodal approximations (Schoen 1970; von Schnering & Nesper 1991), with
/// X, Y, Z = 2π x / L:
enum class CellType {
  gyroid,    ///< sin X cos Y + sin Y cos Z + sin Z cos X, f ∈ [−1.5, 1.5]
  schwarz_p, ///< cos X + cos Y + cos Z, f ∈ [−3, 3]
  diamond,   ///< sin X sin Y sin Z + sin X cos Y cos Z + cos X sin Y cos Z + cos X cos Y sin Z
  iwp        ///< 2 (cos X cos Y + cos Y cos Z + cos Z cos X) − (cos 2X + cos 2Y + cos 2Z)
};

/// Which side of the surface is solid.
enum class Variant {
  skeletal, ///< f <= t: one of the two labyrinths, thickened or thinned by t
  sheet     ///< |f| <= t: a wall of thickness growing with t around the surface
};

/// Parses "gyroid", "schwarz_p", "diamond", "iwp". @throws InputError naming @p key and
/// listing the names
[[nodiscard]] CellType parse_cell_type(std::string_view text, std::string_view key);
/// Parses "skeletal", "sheet". @throws InputError naming @p key
[[nodiscard]] Variant parse_variant(std::string_view text, std::string_view key);
/// The name parse_cell_type() reads.
[[nodiscard]] std::string_view name(CellType type);
/// The name parse_variant() reads.
[[nodiscard]] std::string_view name(Variant variant);

/// The cell function f at the cell coordinates @p x (already scaled: period 2π).
[[nodiscard]] double cell_function(CellType type, const Point& x);
/// ∇f in the cell coordinates at @p x (multiply by 2π / L for 1/m).
[[nodiscard]] Point cell_gradient(CellType type, const Point& x);
/// Smallest and largest value of f over a cell (exact): a skeletal threshold outside this range is
/// all pore or all solid.
[[nodiscard]] std::array<double, 2> cell_function_range(CellType type);

/// A TPMS lattice with graded cell size and threshold.
class Lattice {
public:
  /// A uniform lattice: cell size @p cell_size (m, > 0) and threshold @p threshold.
  /// @throws InputError for a cell size that is not positive and finite
  Lattice(CellType type, Variant variant, double cell_size, double threshold);
  /// A graded lattice: cell size and threshold as fields. The cell size must be positive
  /// wherever the lattice is evaluated (checked there). Grading the cell size bends the
  /// cells (the phase 2π x / L(x) is no longer linear); keep L slowly varying over a cell.
  Lattice(CellType type, Variant variant, ScalarField cell_size, ScalarField threshold);

  /// ψ(x): positive in the solid, zero on its surface, in m: the first-order distance
  /// (t − f) / |∇f| (sheet: (t − |f|) / |∇f|). Near the surface it is the signed distance to
  /// first order, so that min() with a shape's distance (scaffold_level) keeps both zero sets
  /// where they are on a mesh (with t − f itself, O(1) against distances of mm, the P1
  /// interpolant of the min moved the lattice surface by up to a cell: 15 % of the volume
  /// lost in a cylinder at 12 cells per lattice cell).
  /// @throws InputError where the cell size field is not positive
  [[nodiscard]] double level(const Point& x) const;

  [[nodiscard]] CellType type() const { return type_; }      ///< the unit cell
  [[nodiscard]] Variant variant() const { return variant_; } ///< skeletal or sheet

private:
  CellType type_;
  Variant variant_;
  ScalarField cell_size_, threshold_;
};

/// A bounding shape as a signed distance, positive inside (m).
class BoundingShape {
public:
  /// The box [lo, hi]. @throws InputError when lo < hi fails on some axis
  [[nodiscard]] static BoundingShape box(const Point& lo, const Point& hi);
  /// The cylinder of @p radius from @p base along the unit direction of @p axis, of
  /// @p height. @throws InputError for a non-positive radius or height or a zero axis
  [[nodiscard]] static BoundingShape cylinder(const Point& base, const Point& axis, double radius,
                                              double height);
  /// The region inside a closed surface (a defect or implant outline from a segmentation,
  /// e.g. read by io::read_stl), m: the distance to its nearest triangle, positive inside
  /// (CGAL AABB tree; inside by ray parity).
  /// @throws InputError when the surface is not closed and consistently oriented
  [[nodiscard]] static BoundingShape enclosed_by(const mesh::TriangleSurface& surface);
  /// Any shape as its signed distance (positive inside).
  explicit BoundingShape(ScalarField signed_distance);

  /// The signed distance at @p x.
  [[nodiscard]] double distance(const Point& x) const { return distance_(x); }

private:
  ScalarField distance_;
};

/// The scaffold's level function: min(lattice.level, shape.distance), positive in the solid
/// that lies inside the shape.
[[nodiscard]] ScalarField scaffold_level(Lattice lattice, BoundingShape shape);

} // namespace resorb::scaffold
