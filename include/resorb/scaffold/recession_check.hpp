#pragma once
/// @file
/// The recession model of evaluate_design() against the full corrosion model on one cell.
///
/// One cell [0, L]³ of a design's lattice (solid = metal, pores = medium) corrodes with
/// physics::MagnesiumCorrosion; its box walls are closed, as for a cell inside a large
/// scaffold whose neighbours do the same (the pore medium is shared with no outside). The
/// recession model says the solid at time t is {ψ ≥ d(t)}, d(t) the depth the calibration
/// coupon (same parameters, same cell size) has dissolved by t. Comparing the metal each
/// loses shows what the model leaves out: pore medium that saturates, curvature, and the
/// corners of the surface. Given the design's material (design_material()), it also
/// compares the depth DesignMaterial::recession_depth(t) that evaluate_design() recedes by
/// (the coupon at the calibration's resolution, or a constant speed).
#include "resorb/physics/corrosion.hpp"
#include "resorb/scaffold/design.hpp"

#include <functional>
#include <optional>
#include <vector>

namespace resorb::scaffold {

/// One time of a recession check.
struct RecessionCheckPoint {
  double time = 0.0;           ///< s
  double lost_corrosion = 0.0; ///< fraction of the cell's metal the corrosion model dissolved
  double lost_recession = 0.0; ///< fraction the recession model removes by then
  double coupon_depth = 0.0;   ///< d(t), m
  double design_depth = 0.0;   ///< DesignMaterial::recession_depth(t), m (0 without one)
  double lost_design = 0.0;    ///< fraction receding by design_depth removes (0 without one)
  double film = 0.0;           ///< Mg(OH)₂ in the cell's film, mol
  double ph_max = 0.0;         ///< highest pH near the metal
  int steps = 0;               ///< corrosion steps taken so far
};

/// How check_recession_model() runs.
struct RecessionCheckOptions {
  /// evaluate_design()'s material, whose recession depth is compared; none leaves the
  /// design's columns at 0.
  std::optional<DesignMaterial> material;
  /// Time stepping of the cell's corrosion model (dt_max, tolerances).
  physics::TransportSettings transport = physics::MagnesiumCorrosion::defaults();
};

/// What check_recession_model() found.
struct RecessionCheck {
  double threshold = 0.0;                  ///< t of the design's porosity
  GlobalIndex cells = 0;                   ///< tetrahedra of the cell mesh
  double metal_volume = 0.0;               ///< of the mesh, m³
  double interface_area = 0.0;             ///< metal surface of the mesh, m²
  std::vector<RecessionCheckPoint> points; ///< one per time asked for
};

/// Corrodes one cell of @p design with @p parameters on a mesh of size @p cell_size (m) and
/// compares, at each of @p times (s, increasing), the metal lost with the recession model's.
/// The coupon runs once, to the last time, at the mesh size. @p on_step is called after every
/// corrosion step and @p on_point at each time of @p times as soon as it is reached (a check over
/// weeks runs for hours). Collective on @p comm (the cell is meshed on rank 0 and distributed).
/// @throws InputError for bad sizes, times, material or parameters
[[nodiscard]] RecessionCheck
check_recession_model(MPI_Comm comm, const Design& design,
                      const physics::CorrosionParameters& parameters, double cell_size,
                      const std::vector<double>& times, const RecessionCheckOptions& options = {},
                      const std::function<void(const physics::CorrosionReport&)>& on_step = {},
                      const std::function<void(const RecessionCheckPoint&)>& on_point = {});

} // namespace resorb::scaffold
