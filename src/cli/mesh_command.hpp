#pragma once
// `resorb mesh LABELS|CONFIG`: a label volume (with an implant placed into it and optional CT
// bone moduli) to a tetrahedral mesh, its XDMF view and its quality report.
#include <resorb/fem/field.hpp>
#include <resorb/imaging/bone_material.hpp>
#include <resorb/io/mesh_config.hpp>

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
[[nodiscard]] io::LabelMeshConfig label_mesh_config(const LabelMeshFlags& flags);

/// The bone material map a `[bone_material]` table describes, validated.
/// @throws InputError naming @p context for an unknown law or a non-physical value
[[nodiscard]] imaging::BoneMaterialMap to_bone_material_map(const io::BoneMaterialSpec& spec,
                                                            const std::string& context);

/// Reads the CT of @p spec and maps @p map onto its groups of @p mesh (E-first). Collective:
/// an error on any rank (a cell outside the CT) is thrown on every rank.
[[nodiscard]] imaging::CellBoneMaterial map_bone_material(const mesh::TetMesh& mesh,
                                                          const io::BoneMaterialSpec& spec,
                                                          const imaging::BoneMaterialMap& map);

/// The per-cell modulus (`bone_modulus`, Pa) and mean apparent density
/// (`bone_apparent_density`, kg/m^3) for the output, 0 in cells not mapped.
[[nodiscard]] std::vector<fem::CellField> bone_fields(const imaging::CellBoneMaterial& cells);

/// Meshes what @p config describes on rank 0 (CGAL Mesh_3 is sequential), distributes the
/// mesh and writes config.output (MSH 4.1, mm), `<stem>.xdmf` + `.h5` beside it (cell tags and,
/// with [bone_material], `bone_modulus` and `bone_apparent_density`) and
/// `<stem>_quality.json`; prints the quality report. Collective.
/// @throws InputError naming the file or key for bad input
void run_label_mesh(MPI_Comm comm, const io::LabelMeshConfig& config);

} // namespace resorb::cli
