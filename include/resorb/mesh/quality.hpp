#pragma once
/// @file
/// Mesh quality report: per-tag counts and volumes, dihedral angles, aspect ratio.

#include "resorb/core/record.hpp"
#include "resorb/mesh/tet_mesh.hpp"

#include <array>
#include <map>
#include <string>

namespace resorb::mesh {

/// Statistics of one cell tag (global over ranks).
struct TagStatistics {
  std::string name;       ///< group name (or tag number as text)
  GlobalIndex cells = 0;  ///< number of tetrahedra
  double volume_m3 = 0.0; ///< total volume, m^3
};

/// Upper edges of the bins of QualityReport::radius_edge_counts; the last bin, above 3, is
/// open. A regular tetrahedron has √6/4 ≈ 0.612; CGAL's meshers bound the ratio by 2 unless
/// told otherwise, and only slivers (flat cells with short-ratio edges) escape the bound.
inline constexpr std::array<double, 6> radius_edge_bins{0.8, 1.0, 1.25, 1.5, 2.0, 3.0};

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
  /// Largest radius–edge ratio (circumradius over shortest edge).
  double max_radius_edge = 0.0;
  /// Cells per radius–edge ratio bin: bin i holds ratios below radius_edge_bins[i] (and at
  /// least the previous edge); the last bin ratios of 3 and more.
  std::array<GlobalIndex, radius_edge_bins.size() + 1> radius_edge_counts{};
  /// Cells whose smallest dihedral angle is below 5, 10, 20 and 30 degrees.
  std::array<GlobalIndex, 4> cells_below_dihedral{};
  double min_edge_m = 0.0; ///< shortest edge, m
  double max_edge_m = 0.0; ///< longest edge, m
};

/// Computes the report. Collective.
[[nodiscard]] QualityReport quality_report(const TetMesh& mesh);

/// Multi-line human-readable form of a report.
[[nodiscard]] std::string format_report(const QualityReport& report);

/// Radius ratio R/(3r) of one tetrahedron (1 = regular).
[[nodiscard]] double aspect_ratio(const std::array<std::array<double, 3>, 4>& x);

/// Radius–edge ratio of one tetrahedron: circumradius over shortest edge (√6/4 = regular).
[[nodiscard]] double radius_edge_ratio(const std::array<std::array<double, 3>, 4>& x);

/// The report as plain data (io writes it as JSON): counts, volumes per group, angle range,
/// cells below dihedral thresholds, radius–edge histogram with its bin edges; units in the keys.
[[nodiscard]] Record to_record(const QualityReport& report);

/// Smallest and largest of the six dihedral angles of one tetrahedron, degrees.
[[nodiscard]] std::array<double, 2>
dihedral_range_deg(const std::array<std::array<double, 3>, 4>& x);

} // namespace resorb::mesh
