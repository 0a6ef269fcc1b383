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
/// corners of the surface.
#include "resorb/physics/corrosion.hpp"
#include "resorb/scaffold/design.hpp"

#include <functional>
#include <vector>

namespace resorb::scaffold {

/// One time of a recession check.
struct RecessionCheckPoint {
  double time = 0.0;           ///< s
  double lost_corrosion = 0.0; ///< fraction of the cell's metal the corrosion model dissolved
  double lost_recession = 0.0; ///< fraction the recession model removes by then
  double coupon_depth = 0.0;   ///< d(t), m
  double film = 0.0;           ///< Mg(OH)₂ in the cell's film, mol
  double ph_max = 0.0;         ///< highest pH near the metal
  int steps = 0;               ///< corrosion steps taken so far
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
/// @p on_step is called after every corrosion step. Collective on @p comm (the cell is
/// meshed on rank 0 and distributed).
/// @throws InputError for bad sizes, times or parameters
[[nodiscard]] RecessionCheck
check_recession_model(MPI_Comm comm, const Design& design,
                      const physics::CorrosionParameters& parameters, double cell_size,
                      const std::vector<double>& times,
                      const std::function<void(const physics::CorrosionReport&)>& on_step = {});

} // namespace resorb::scaffold
