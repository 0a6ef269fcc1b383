#pragma once
// `resorb mesh LABELS`: the flags of a label-volume meshing job, turned into its config (the
// job itself is simulation::run_label_mesh).
#include <resorb/simulation/mesh_case.hpp>

#include <mpi.h>

#include <string>
#include <vector>

namespace resorb::cli {

/// The `resorb mesh LABELS` flags, as typed.
struct LabelMeshFlags {
  std::string labels_image;   ///< the label volume
  std::string output;         ///< -o: the .msh
  std::string labels;         ///< --labels "1=cortical,2=cancellous"
  std::string size;           ///< --size "2 mm"
  std::string facet_distance; ///< --facet-distance (default: size / 10, at least half a voxel)
  double smoothing = 1.0;     ///< --smoothing, voxels
  std::string implant;        ///< --implant "KIND,key=value,..."
  std::string ct;             ///< --ct: a CT for bone moduli
  std::string calibration;    ///< --calibration "SLOPE,INTERCEPT"
  std::string law = "morgan2003_pooled"; ///< --law
  std::vector<std::string> bone_groups;  ///< --bone-groups (default: every label)
};

/// The configuration the flags describe. @throws InputError naming the flag that is missing
/// or malformed
[[nodiscard]] simulation::LabelMeshConfig label_mesh_config(const LabelMeshFlags& flags);

} // namespace resorb::cli
