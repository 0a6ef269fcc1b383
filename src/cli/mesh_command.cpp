#include "cli/mesh_command.hpp"

#include <resorb/core/error.hpp>
#include <resorb/core/units.hpp>

#include <string>

namespace resorb::cli {

simulation::LabelMeshConfig label_mesh_config(const LabelMeshFlags& flags) {
  RESORB_REQUIRE(!flags.labels.empty(), InputError,
                 "resorb mesh: --labels is required with a label volume, e.g. "
                 "--labels \"1=cortical,2=cancellous\"");
  RESORB_REQUIRE(!flags.size.empty(), InputError,
                 "resorb mesh: --size is required with a label volume, e.g. --size \"2 mm\"");
  RESORB_REQUIRE(!flags.output.empty(), InputError, "resorb mesh: -o/--output is required");
  simulation::LabelMeshConfig config;
  config.labels_image = flags.labels_image;
  config.output = flags.output;
  config.labels = simulation::parse_label_list(flags.labels, "--labels");
  config.cell_size = parse_quantity(flags.size, dim::length, "--size");
  config.facet_size = config.cell_size;
  config.facet_distance =
      flags.facet_distance.empty()
          ? 0.0 // chosen with the image: see mesh_on_root
          : parse_quantity(flags.facet_distance, dim::length, "--facet-distance");
  config.smoothing_voxels = flags.smoothing;
  if (!flags.implant.empty())
    config.implant = simulation::parse_implant_spec(flags.implant, "--implant");
  if (!flags.ct.empty()) {
    simulation::BoneMaterialSpec bone;
    bone.ct = flags.ct;
    bone.law = flags.law;
    const auto comma = flags.calibration.find(',');
    RESORB_REQUIRE(comma != std::string::npos, InputError,
                   "resorb mesh: --ct needs --calibration \"SLOPE,INTERCEPT\", e.g. "
                   "\"0.0008 g/cm^3,0 g/cm^3\" (rho = INTERCEPT + SLOPE HU)");
    bone.density_per_hu =
        parse_quantity(flags.calibration.substr(0, comma), dim::density, "--calibration");
    bone.density_at_0_hu =
        parse_quantity(flags.calibration.substr(comma + 1), dim::density, "--calibration");
    bone.groups = flags.bone_groups;
    if (bone.groups.empty())
      for (const auto& l : config.labels)
        bone.groups.push_back(l.name);
    config.bone_material = std::move(bone);
  }
  return config;
}

} // namespace resorb::cli
