#pragma once
/// @file
/// Mesh quality report: per-tag counts and volumes, dihedral angles, aspect ratio.

#include "resorb/mesh/tet_mesh.hpp"

#include <map>
#include <string>

namespace resorb::mesh {

/// Statistics of one cell tag (global over ranks).
struct TagStatistics {
  std::string name;       ///< group name (or tag number as text)
  GlobalIndex cells = 0;  ///< number of tetrahedra
  double volume_m3 = 0.0; ///< total volume, m^3
};

/// Global quality figures of a mesh.
struct QualityReport {
  std::map<int, TagStatistics> per_tag; ///< cell tag -> statistics
  GlobalIndex cells = 0;                ///< total tetrahedra
  GlobalIndex vertices = 0;             ///< total vertices
  double volume_m3 = 0.0;               ///< total volume, m^3
  double min_dihedral_deg = 0.0;        ///< smallest dihedral angle, degrees
  double max_dihedral_deg = 0.0;        ///< largest dihedral angle, degrees
  /// Largest radius ratio R / (3 r) (circumradius over three inradii; 1 for a regular
  /// tetrahedron, grows without bound as a cell flattens).
  double max_aspect_ratio = 0.0;
  double min_edge_m = 0.0; ///< shortest edge, m
  double max_edge_m = 0.0; ///< longest edge, m
};

/// Computes the report. Collective.
[[nodiscard]] QualityReport quality_report(const TetMesh& mesh);

/// Multi-line human-readable form of a report.
[[nodiscard]] std::string format_report(const QualityReport& report);

/// Radius ratio R/(3r) of one tetrahedron (1 = regular).
[[nodiscard]] double aspect_ratio(const std::array<std::array<double, 3>, 4>& x);

/// Smallest and largest of the six dihedral angles of one tetrahedron, degrees.
[[nodiscard]] std::array<double, 2>
dihedral_range_deg(const std::array<std::array<double, 3>, 4>& x);

} // namespace resorb::mesh
