#pragma once
/// @file
/// Porosity and surface area of implicit solids, and the lattice threshold that gives a
/// porosity, measured on the actual geometry (no fitted polynomial is the truth).
///
/// The level function is interpolated (P1) on a distributed box mesh of n³ × 6 tetrahedra
/// and its solid {ψ > 0} and surface {ψ = 0} are measured exactly for that interpolant
/// (fem::positive_volume, fem::zero_set_area): both converge at second order in the cell
/// size for smooth surfaces (test_lattice).

#include "resorb/core/record.hpp"
#include "resorb/mesh/triangle_surface.hpp"
#include "resorb/scaffold/lattice.hpp"

#include <mpi.h>

#include <string>

namespace resorb::scaffold {

/// What a solid occupies in a box region.
struct SolidMeasures {
  double region_volume = 0.0;  ///< the box, m³
  double solid_volume = 0.0;   ///< m³
  double surface_area = 0.0;   ///< of the solid's boundary inside the box, m²
  double solid_fraction = 0.0; ///< solid_volume / region_volume
  double porosity = 0.0;       ///< 1 − solid_fraction
  /// Surface per solid volume, 1/m (0 when there is no solid): what corrodes per metal.
  double specific_surface = 0.0;
  double surface_density = 0.0; ///< surface per region volume, 1/m
};

/// Measures {@p level > 0} in the box [@p lo, @p hi] on @p cells_per_side³ hexahedra of 6
/// tetrahedra (cells_per_side along the longest side, proportionally fewer along the
/// others). The box's own faces are not surface (a unit cell's cut faces are not). Collective.
/// @throws InputError for an empty box or fewer than 2 cells per side
[[nodiscard]] SolidMeasures measure_solid(MPI_Comm comm, const ScalarField& level, const Point& lo,
                                          const Point& hi, int cells_per_side);

/// The boundary of {@p level > 0} on the mesh of measure_solid(): the zero set of the P1
/// interpolant, welded and oriented outward (on every rank). When the solid lies inside the
/// box (a scaffold in a bounding shape smaller than the box) it is closed and encloses
/// exactly measure_solid()'s solid volume: a watertight surface for printing.
/// Collective. @throws InputError as measure_solid()
[[nodiscard]] mesh::TriangleSurface solid_surface(MPI_Comm comm, const ScalarField& level,
                                                  const Point& lo, const Point& hi,
                                                  int cells_per_side);

/// The design a printed scaffold was made from, for its sidecar (print_record()).
struct PrintDesign {
  CellType type = CellType::gyroid; ///< unit cell
  Variant variant = Variant::sheet; ///< skeletal or sheet
  double cell_size = 0.0;           ///< m (the nominal one of a graded lattice)
  double threshold = 0.0;           ///< t (the nominal one of a graded lattice)
  std::string shape;                ///< the bounding shape in words, e.g. "cylinder r 3 mm h 8 mm"
  double shape_volume = 0.0;        ///< m³ (> 0): the porosity is the pore part of it
};

/// What an STL cannot say, as a record for a sidecar JSON (io::write_record_json): the cell,
/// variant, cell size and threshold of @p design, the porosity within its shape
/// (1 − solid / shape volume), and @p measured's solid volume, surface area and specific
/// surface, units in every key, plus the STL's length unit.
/// @throws InputError for a shape volume that is not positive
[[nodiscard]] Record print_record(const PrintDesign& design, const SolidMeasures& measured);

/// Measures of one unit cell (size 1 m, uniform threshold @p threshold).
[[nodiscard]] SolidMeasures measure_unit_cell(MPI_Comm comm, CellType type, Variant variant,
                                              double threshold, int cells_per_side);

/// The uniform threshold t at which the unit cell's porosity is @p porosity, on the mesh of
/// measure_unit_cell(@p cells_per_side), to @p tolerance in porosity (bracketed root
/// finding, TOMS 748). Porosity falls monotonically with t in both variants. Collective.
/// @throws InputError for a porosity outside (0, 1) or one the cell cannot reach
[[nodiscard]] double threshold_for_porosity(MPI_Comm comm, CellType type, Variant variant,
                                            double porosity, int cells_per_side,
                                            double tolerance = 1e-9);

} // namespace resorb::scaffold
