#pragma once
/// @file
/// A scaffold design and what it does over time: porosity, surface, homogenized stiffness,
/// permeability, and their evolution as the metal corrodes.
///
/// Degradation is a homogenized surface-recession model: every solid surface recedes along
/// its normal at one speed v, the alloy's in the medium from the calibrated corrosion model
/// (physics::coupon_recession_speed: reaction–diffusion with film on a planar coupon). After
/// time τ the solid is {ψ ≥ v τ}, ψ the lattice's first-order distance (Lattice::level), and
/// it is measured and homogenized like the intact cell. Why not the full corrosion model on
/// the scaffold mesh: a design sweep evaluates hundreds of cells, each a cheap periodic
/// problem; the coupon carries the chemistry (film, pH, saturation) into v once per alloy.
/// What this leaves out: a pore's medium that saturates faster than the coupon's (slowing
/// the inner surfaces) and pitting. Not yet validated against the corrosion model on a cell.

#include "resorb/core/mpi.hpp"
#include "resorb/physics/elasticity.hpp"
#include "resorb/scaffold/homogenization.hpp"
#include "resorb/scaffold/lattice.hpp"

#include <string>

namespace resorb::scaffold {

/// One point of the design space.
struct Design {
  CellType type = CellType::gyroid;
  Variant variant = Variant::skeletal;
  double porosity = 0.7;     ///< pore volume / cell volume, intact
  double cell_size = 1.5e-3; ///< m
  std::string alloy;         ///< an alloy name (data/alloys), as the degradation model's
};

/// How a design's metal corrodes and deforms.
struct DesignMaterial {
  physics::IsotropicMaterial metal{45e9, 0.35}; ///< the alloy's elastic constants
  double recession_speed = 0.0;                 ///< m/s of the solid surface (≥ 0)
  double metal_mg = 0.0;                        ///< Mg content of the alloy, mol/m³ (> 0)
  /// Checks the constants and speed. @throws InputError naming @p context
  void validate(std::string_view context) const;
};

/// The recession speed of @p alloy (data/alloys name or file) in @p medium from its
/// calibrated coupon (physics::coupon_recession_speed, mean over the calibration's
/// duration), with the alloy's elastic constants and Mg content. Collective on @p comm.
/// @throws InputError for an unknown alloy or medium, or an alloy without a calibration in it
[[nodiscard]] DesignMaterial design_material(MPI_Comm comm, const std::string& alloy,
                                             const std::string& medium);

/// Resolution and horizon of evaluate_design().
struct EvaluationSettings {
  double horizon = 12 * 7 * 86400.0; ///< s: the time at which the degraded design is judged
  double cells_per_period = 10.0;    ///< L / h of the unit-cell mesh (CGAL sizing)
  int measure_cells = 48;            ///< grid of the porosity and surface measures (per side)
  int degree = 2;                    ///< Lagrange degree of the cell problems
  /// Checks the fields. @throws InputError naming the field
  void validate() const;
};

/// What a design does, intact and at the horizon. Moduli are the cubic averages along the
/// cell's axes (the mean of E₁, E₂, E₃).
struct DesignProperties {
  double threshold = 0.0;        ///< t giving the design's porosity
  double porosity = 0.0;         ///< measured, intact
  double specific_surface = 0.0; ///< surface per solid volume, 1/m
  double surface_density = 0.0;  ///< surface per scaffold volume, 1/m
  double young = 0.0;            ///< effective Young's modulus, Pa
  double shear = 0.0;            ///< effective shear modulus G₂₃ (mean), Pa
  double zener = 0.0;            ///< anisotropy 2 C44 / (C11 − C12)
  double permeability = 0.0;     ///< Kozeny–Carman estimate, m²
  double recession = 0.0;        ///< depth receded at the horizon, m
  double porosity_at_horizon = 0.0;
  double young_at_horizon = 0.0;      ///< Pa (0 once no solid piece spans the cell)
  double stiffness_retention = 0.0;   ///< young_at_horizon / young
  double hydrogen_rate_initial = 0.0; ///< H₂ (37 °C, 1 atm) per scaffold volume, 1/s (m³/m³/s)
  double hydrogen_rate_mean = 0.0;    ///< over the horizon, from the metal lost, 1/s
  GlobalIndex dofs = 0;               ///< of one intact cell problem
  double seconds = 0.0;               ///< wall time of the evaluation
};

/// Evaluates @p design with @p material on one process: the threshold of its porosity by
/// root finding on the measured cell, the measures, the intact and receded cells'
/// homogenized stiffness.
/// @throws InputError for bad settings, a porosity the cell type cannot reach or a
///         non-physical material
[[nodiscard]] DesignProperties evaluate_design(const Design& design, const DesignMaterial& material,
                                               const EvaluationSettings& settings = {});

} // namespace resorb::scaffold
