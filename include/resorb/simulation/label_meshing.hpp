#pragma once
/// @file
/// `resorb mesh LABELS|CONFIG` as a library call: a label volume (with an implant placed into
/// it and optional CT bone moduli) to a tetrahedral mesh, its XDMF view and its quality report.
#include "resorb/simulation/mesh_case.hpp"

#include <mpi.h>

namespace resorb::simulation {

/// Meshes what @p config describes on rank 0 (CGAL Mesh_3 is sequential), distributes the
/// mesh and writes config.output (MSH 4.1, mm), `<stem>.xdmf` + `.h5` beside it (cell tags and,
/// with [bone_material], `bone_modulus` and `bone_apparent_density`) and
/// `<stem>_quality.json`; prints the quality report. Collective.
/// @throws InputError naming the file or key for bad input
void run_label_mesh(MPI_Comm comm, const LabelMeshConfig& config);

} // namespace resorb::simulation
