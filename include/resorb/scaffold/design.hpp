#pragma once
/// @file
/// A scaffold design and what it does over time: porosity, surface, homogenized stiffness,
/// permeability, and their evolution as the metal corrodes.
///
/// Degradation is a homogenized surface-recession model: every solid surface recedes along
/// its normal by the depth d(t) that the alloy's calibrated corrosion coupon
/// (physics::coupon_recession_depths: reaction–diffusion with film, pH and buffer on a
/// planar surface) has dissolved by then. After time τ the solid is {ψ ≥ d(τ)}, ψ the
/// lattice's first-order distance (Lattice::level), and it is measured and homogenized like
/// the intact cell. Why not the full corrosion model on the scaffold mesh: a design sweep
/// evaluates hundreds of cells, each a cheap periodic problem; the coupon carries the
/// chemistry into d(t) once per alloy. Why d(t) and not the calibration week's mean speed
/// times τ: the coupon slows down (about as √t), so at 12 weeks v τ is 3.5x its depth.
/// Validated on one closed gyroid cell against MagnesiumCorrosion (check_recession_model,
/// benchmarks/RESULTS.md "The recession model over 12 weeks"): within 9 % over the first
/// week and 2 % over weeks 2-4 at the finest cell run, and at 12 weeks the model removes
/// ~12 % more metal than the cell loses (its closed pore medium fills with Mg²⁺). Left out:
/// pitting, and pores that exchange with the body faster than by diffusion.

#include "resorb/core/mpi.hpp"
#include "resorb/physics/elasticity.hpp"
#include "resorb/scaffold/homogenization.hpp"
#include "resorb/scaffold/lattice.hpp"

#include <string>
#include <vector>

namespace resorb::scaffold {

/// One point of the design space.
struct Design {
  CellType type = CellType::gyroid;
  Variant variant = Variant::skeletal;
  double porosity = 0.7;     ///< pore volume / cell volume, intact
  double cell_size = 1.5e-3; ///< m
  std::string alloy;         ///< an alloy name (data/alloys), as the degradation model's
};

/// One point of a recession history.
struct RecessionPoint {
  double time = 0.0;  ///< s
  double depth = 0.0; ///< m receded by then
};

/// How a design's metal corrodes and deforms.
struct DesignMaterial {
  physics::IsotropicMaterial metal{45e9, 0.35}; ///< the alloy's elastic constants
  /// m/s: the calibration coupon's mean speed over the calibration's duration (the initial
  /// H₂ rate; the recession when there is no history).
  double recession_speed = 0.0;
  /// The coupon's depth at increasing times (from design_material()); empty: the depth at
  /// t is recession_speed × t.
  std::vector<RecessionPoint> recession_history;
  double metal_mg = 0.0; ///< Mg content of the alloy, mol/m³ (> 0)
  /// Depth receded by @p time (s, ≥ 0), m: the history interpolated linearly (from 0 at
  /// t = 0), continued as √t beyond its last point (diffusion-limited; the coupon slows
  /// faster than that, so the continuation errs towards more loss).
  [[nodiscard]] double recession_depth(double time) const;
  /// Checks the constants, speed and history. @throws InputError naming @p context
  void validate(std::string_view context) const;
};

/// @p alloy (data/alloys name or file) in @p medium: its elastic constants and Mg content,
/// and its calibrated coupon at the calibration's resolution: recession_speed is the
/// coupon's mean over the calibration's duration, recession_history its depth after a day,
/// every week and at @p horizon (s), from a second run with 6 h steps. Collective on @p comm.
/// @throws InputError for an unknown alloy or medium, an alloy without a calibration in it,
///         or a negative horizon
[[nodiscard]] DesignMaterial design_material(MPI_Comm comm, const std::string& alloy,
                                             const std::string& medium,
                                             double horizon = 12 * 7 * 86400.0);

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
  double recession = 0.0;        ///< depth receded at the horizon (recession_depth), m
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
