#pragma once
/// @file
/// Alloys and media as types, read from their data files (data/alloys/*.toml,
/// data/media/*.toml, installed under share/resorb/data): every number with its unit and its
/// source, the one home of each published parameter. A name ("sbf") is looked up in the
/// data directory (io::locate_data_file); anything with a '/' or a ".toml" suffix is a path.
#include "resorb/physics/corrosion.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace resorb::physics {

/// A calibration of an alloy's rate factor against a measured rate in one medium.
struct AlloyCalibration {
  std::string medium; ///< medium name the fit was made in
  /// Measured corrosion rate the factor was fitted to, m/s (`target_rate`, e.g.
  /// "0.3 mm/year"); 0 when the source calibrated the medium's constants directly.
  double target_speed = 0.0;
  double rate_factor = 1.0; ///< factor on the medium's Mg²⁺ diffusivity
  double duration = 0.0;    ///< duration of the coupon run of the fit, s (0 without a fit)
  double cell_size = 0.0;   ///< cell size of that coupon, m (0 without a fit)
  std::string source;       ///< where the target comes from
};

/// An alloy: what the mechanics and the corrosion model need.
struct Alloy {
  std::string name;                           ///< e.g. "WE43 (MgYREZr)"
  std::string source;                         ///< sources of the properties
  double density = 0.0;                       ///< kg/m³
  double mg_mass_fraction = 1.0;              ///< mass fraction of Mg
  double youngs_modulus = 0.0;                ///< Pa
  double poisson_ratio = 0.0;                 ///< 1
  std::vector<AlloyCalibration> calibrations; ///< one per medium it was fitted in
  /// Mg content, mol/m³ (density × Mg fraction / M_Mg).
  [[nodiscard]] double metal_mg() const;
};

/// Reads a medium (name in data/media or a file path) into corrosion parameters for pure Mg.
/// @throws InputError naming the file and key for a missing file, key or unit, an unknown
///         key, or a non-physical value
[[nodiscard]] CorrosionParameters read_medium(const std::string& name_or_path);

/// Reads an alloy (name in data/alloys or a file path). @throws InputError as read_medium()
[[nodiscard]] Alloy read_alloy(const std::string& name_or_path);

/// The corrosion parameters of @p alloy in medium @p medium_name: the medium's, with the
/// alloy's Mg content and the rate factor of its calibration in that medium (reads the
/// medium file; use the overload with a medium read once to read it once).
/// @throws InputError when the alloy has no calibration for the medium (listing those it has)
[[nodiscard]] CorrosionParameters corrosion_parameters(const Alloy& alloy,
                                                       const std::string& medium_name);

/// The corrosion parameters of @p alloy in @p medium (read_medium() of the medium named
/// @p medium_name): the medium's, with the alloy's Mg content and the rate factor of its
/// calibration in that medium. @throws InputError as the other overload
[[nodiscard]] CorrosionParameters corrosion_parameters(const Alloy& alloy,
                                                       CorrosionParameters medium,
                                                       const std::string& medium_name);

} // namespace resorb::physics
