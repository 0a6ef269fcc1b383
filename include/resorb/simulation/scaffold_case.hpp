#pragma once
/// @file
/// The `resorb scaffold` configuration file (TOML): a design space, targets, the medium and
/// horizon, the evaluation's resolution, and the exported winner's shape. Every key is in the
/// README and in data/cases/scaffold_search.toml; unknown keys, missing units and bad values
/// are errors naming the key.

#include "resorb/scaffold/optimization.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace resorb::simulation {

/// A parsed and validated `resorb scaffold` configuration.
struct ScaffoldConfig {
  std::filesystem::path file;            ///< the configuration file itself
  scaffold::DesignSpace space;           ///< `[space]`
  std::string medium = "in_vivo";        ///< `[space] medium`: data/media name or file
  scaffold::DesignTargets targets;       ///< `[targets]`
  scaffold::OptimizationSettings search; ///< `[evaluation]` and `[targets] horizon`
  double export_radius = 3e-3;           ///< `[export] radius`: cylinder of the printed part, m
  double export_height = 6e-3;           ///< `[export] height`, m
  /// `[export] surface`: instead of the cylinder, the region inside this closed STL (mm;
  /// relative to the config), e.g. a bone defect's outline from a segmentation
  std::optional<std::filesystem::path> export_surface;
  int export_cells_per_period = 16;       ///< `[export] cells_per_period`: surface resolution
  std::filesystem::path output_directory; ///< `[output] directory`, relative to the cwd
};

/// Reads and validates a `resorb scaffold` configuration.
/// @throws InputError naming the file and key
[[nodiscard]] ScaffoldConfig read_scaffold_config(const std::filesystem::path& file);

} // namespace resorb::simulation
