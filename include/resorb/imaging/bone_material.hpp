#pragma once
/// @file
/// Bone moduli from a CT (Bonemat-style): Hounsfield units → equivalent mineral density by
/// a phantom calibration, → ash and apparent density, → Young's modulus by a published
/// power law, integrated per element "E-first" (the modulus is computed at points inside the
/// element and averaged over its volume, not computed from the element's mean density).
///
/// Densities are in kg/m³ inside resorb; the power laws are written, as published, for
/// densities in g/cm³ (ρ / (1000 kg/m³)).
#include "resorb/io/image.hpp"
#include "resorb/mesh/tet_mesh.hpp"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace resorb::imaging {

/// Which density a modulus–density law is written for.
enum class DensityBasis {
  ash,     ///< ash density ρ_ash (mineral mass per bulk volume)
  apparent ///< apparent (wet) density ρ_app = ρ_ash / ash fraction
};

/// E = coefficient · (ρ / 1 g/cm³)^exponent.
struct ModulusDensityLaw {
  std::string name;                            ///< preset name or "custom"
  double coefficient = 0.0;                    ///< Pa (the modulus at ρ = 1 g/cm³)
  double exponent = 1.0;                       ///< dimensionless
  DensityBasis basis = DensityBasis::apparent; ///< the density the law takes
  /// Checks coefficient > 0 and exponent > 0 (finite). @throws InputError naming @p context
  void validate(std::string_view context) const;
};

/// The published laws resorb knows by name (E in MPa, ρ in g/cm³ as published):
/// - `morgan2003_vertebra`: 4730 ρ_app^1.56; `morgan2003_proximal_tibia`: 15490 ρ_app^1.93;
///   `morgan2003_greater_trochanter`: 15010 ρ_app^2.18; `morgan2003_femoral_neck`:
///   6850 ρ_app^1.49; `morgan2003_pooled`: 8920 ρ_app^1.83 (Morgan, Bayraktar, Keaveny,
///   J Biomech 36:897, 2003; trabecular bone by anatomic site).
/// - `keller1994_femur`: 10500 ρ_ash^2.29; `keller1994_vertebra`: 1890 ρ_ash^1.92 (Keller,
///   J Biomech 27:1159, 1994; cortical and trabecular bone together).
/// @throws InputError naming @p context and the known names for an unknown name
[[nodiscard]] ModulusDensityLaw modulus_density_law(std::string_view name,
                                                    std::string_view context = "bone material");
/// The names modulus_density_law() knows.
[[nodiscard]] std::vector<std::string> modulus_density_law_names();

/// How HU become a modulus. Defaults: no ash correction (ρ_ash = ρ_QCT), Schileo et al.'s
/// ash fraction 0.6, ν 0.3, E at least 1 MPa (marrow and fat give ρ ≤ 0).
struct BoneMaterialMap {
  /// Phantom calibration ρ_QCT = density_at_0_hu + density_per_hu · HU, kg/m³ (the CT's
  /// equivalent mineral density; from the scanner's calibration phantom).
  double density_per_hu = 0.0;
  double density_at_0_hu = 0.0; ///< kg/m³, see density_per_hu
  /// Ash density from the calibrated one: ρ_QCT = ash_scale · ρ_ash + ash_offset (Schileo et
  /// al., J Biomech 41:356, 2008: 0.8772 and 78.9 kg/m³; the default 1 and 0 is no correction).
  double ash_scale = 1.0;
  double ash_offset = 0.0;    ///< kg/m³, see ash_scale
  double ash_fraction = 0.6;  ///< ρ_ash / ρ_app (Schileo et al. 2008: 0.598 ± 0.004)
  ModulusDensityLaw law;      ///< ρ → E
  double poisson_ratio = 0.3; ///< ν of every mapped cell
  double min_modulus = 1e6;   ///< Pa: E where the law gives less (ρ ≤ 0 gives this)
  /// Points per element edge are chosen so that their spacing is at most this fraction of
  /// the smallest voxel (the CT is interpolated trilinearly between voxel centres).
  double points_per_voxel = 2.0;
  /// Checks every value (finite, scales > 0, 0 < ash_fraction ≤ 1, −1 < ν < 0.5, E_min > 0).
  /// @throws InputError naming @p context and the value
  void validate(std::string_view context) const;

  /// Equivalent mineral density ρ_QCT of @p hu, kg/m³.
  [[nodiscard]] double calibrated_density(double hu) const;
  /// The density the law takes (ash or apparent) of @p hu, kg/m³ (may be ≤ 0 for soft tissue).
  [[nodiscard]] double law_density(double hu) const;
  /// Young's modulus of @p hu, Pa (at least min_modulus).
  [[nodiscard]] double modulus(double hu) const;
};

/// Per-cell bone material of a mesh's owned cells (local order).
struct CellBoneMaterial {
  std::vector<double> E;       ///< Pa; NaN in cells not mapped
  std::vector<double> nu;      ///< Poisson's ratio; NaN in cells not mapped
  std::vector<double> density; ///< mean apparent density, kg/m³; NaN in cells not mapped
  std::vector<bool> mapped;    ///< whether the cell is in one of the mapped groups
};

/// E-first integration of @p map over the owned cells of @p cell_groups (names or tag
/// numbers) of @p mesh: per cell the mean of E(HU(x)) over a Gauss rule fine enough that its
/// points are at most a voxel / points_per_voxel apart, HU trilinearly interpolated between
/// voxel centres (clamped to the outermost ones within half a voxel of the image).
/// Not collective.
/// @throws InputError naming the image for a bad map, an unknown group, or a mapped cell
///         whose centroid lies outside the image (the CT does not cover the mesh)
[[nodiscard]] CellBoneMaterial map_bone_material(const mesh::TetMesh& mesh,
                                                 const io::ScalarImage& ct,
                                                 const BoneMaterialMap& map,
                                                 std::span<const std::string> cell_groups);

/// The HU of @p ct at the world point @p x by trilinear interpolation between voxel centres,
/// clamped to the outermost voxels beyond them.
[[nodiscard]] double interpolate_hu(const io::ScalarImage& ct, const io::Vector3& x);

} // namespace resorb::imaging
