#pragma once
/// @file
/// The `resorb mesh` configuration (TOML): a label volume to a tetrahedral mesh, with an
/// implant placed into it and optional CT-based bone moduli. Plain data, like the run config:
/// the program turns it into imaging settings. Every key is documented in
/// data/cases/femur_mesh.toml; unknown keys, missing units and malformed values are errors
/// naming the file and the key.
#include "resorb/simulation/case.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace resorb::simulation {

/// One image label to mesh (`[labels]`: `88 = "femur"` or `88 = {name, cell_size}`).
struct LabelSpec {
  std::int32_t value = 0; ///< the label in the image
  std::string name;       ///< the volume group's name
  double cell_size = 0.0; ///< m; 0: the global cell size
};

/// An implant placed before meshing (`[implant]`, or the `--implant` flag).
struct ImplantSpec {
  std::string kind;                    ///< "cylinder", "screw" or "stl"
  std::string name = "implant";        ///< its volume group
  double radius = 0.0;                 ///< cylinder, m
  double length = 0.0;                 ///< cylinder and screw, m
  double core_radius = 0.0;            ///< screw, m
  double thread_depth = 0.0;           ///< screw, m
  double pitch = 0.0;                  ///< screw, m
  std::filesystem::path file;          ///< stl: a closed surface in its own frame
  double file_unit_m = 1e-3;           ///< stl: metres per file unit
  std::array<double, 3> base{};        ///< world position (RAS, m) of the local origin (the head)
  std::array<double, 3> axis{0, 0, 1}; ///< world direction of the local z axis (the shaft)
  double cell_size = 0.0;              ///< m; 0: the global cell size
};

/// A named boundary patch (`[[patch]]`): the facets of a label boundary on one side of a
/// plane, for supports and loads (mesh::split_facet_group).
struct PatchSpec {
  std::string name;   ///< `name`: the new facet group
  std::string from;   ///< `from`: the facet group it is cut from, e.g. "femur|outside"
  int axis = 2;       ///< `where`'s axis: 0 x, 1 y, 2 z (world, RAS)
  bool below = true;  ///< `where`'s side: centroid coordinate below (true) or above the value
  double value = 0.0; ///< `where`'s value, m
};

/// A parsed `resorb mesh` configuration.
struct LabelMeshConfig {
  std::filesystem::path file;         ///< the configuration file itself
  std::filesystem::path labels_image; ///< `[image] labels`, relative to the config
  double smoothing_voxels = 1.0;      ///< `[image] smoothing` (0: voxel staircase)
  std::vector<LabelSpec> labels;      ///< `[labels]`
  double cell_size = 0.0;             ///< `[sizing] cell_size`, m (required)
  double facet_size = 0.0;            ///< `[sizing] facet_size`, m (default cell_size)
  /// `[sizing] facet_distance`, m; 0 (not given): the larger of cell_size / 10 and half the
  /// image's smallest voxel spacing.
  double facet_distance = 0.0;
  std::optional<ImplantSpec> implant;            ///< `[implant]`
  std::vector<PatchSpec> patches;                ///< `[[patch]]`
  std::optional<BoneMaterialSpec> bone_material; ///< `[bone_material]`: moduli written per cell
  std::filesystem::path output;                  ///< `[output] file`: the .msh, relative to the cwd
};

/// Reads and validates a `resorb mesh` configuration.
/// @throws InputError naming the file and key
[[nodiscard]] LabelMeshConfig read_label_mesh_config(const std::filesystem::path& file);

/// Parses "value=name[,value=name...]" (the `--labels` flag) into labels.
/// @throws InputError naming @p context and the malformed entry
[[nodiscard]] std::vector<LabelSpec> parse_label_list(std::string_view text,
                                                      std::string_view context);

/// Parses an implant spec "KIND,key=value,..." (the `--implant` flag), e.g.
/// "screw,core_radius=2.4 mm,thread_depth=0.6 mm,pitch=1.5 mm,length=40 mm,base=-60 30 120 mm,
/// axis=1 0.2 0.8,cell_size=0.8 mm"; an stl takes file= and unit=.
/// @throws InputError naming @p context and the key
[[nodiscard]] ImplantSpec parse_implant_spec(std::string_view text, std::string_view context);

} // namespace resorb::simulation
