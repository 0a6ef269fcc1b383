#pragma once
/// @file
/// Gmsh MSH 4.1 (ASCII and binary) input and output through the Gmsh SDK.

#include "resorb/mesh/tet_mesh.hpp"

#include <filesystem>
#include <string>

namespace resorb::io {

/// Keeps the Gmsh SDK initialized for the lifetime of the object (nestable; the SDK is
/// process-global). Gmsh's terminal output is off unless the log level is 2 or more.
class GmshSession {
public:
  GmshSession();
  ~GmshSession();
  GmshSession(const GmshSession&) = delete;
  GmshSession& operator=(const GmshSession&) = delete;
};

/// Converts the current Gmsh model (its 3D mesh, physical groups and their names) into
/// MeshData. Only linear (4-node) or quadratic (10-node) tetrahedra are accepted; quadratic
/// cells keep their corner nodes (straight-sided geometry). Surface physical groups become
/// facet tags. Coordinates are multiplied by @p length_unit_m (e.g. 1e-3 for millimetres).
/// @throws InputError naming @p source for unsupported element types or a model without tets
[[nodiscard]] mesh::MeshData mesh_data_from_gmsh_model(double length_unit_m,
                                                       const std::string& source);

/// Reads a Gmsh mesh file on rank 0 into MeshData (empty on other ranks); errors reach
/// every rank. Collective.
/// @throws InputError naming the file when it is missing, malformed, truncated or invalid
[[nodiscard]] mesh::MeshData read_gmsh_data(MPI_Comm comm, const std::filesystem::path& file,
                                            double length_unit_m);

/// Reads a Gmsh mesh file on rank 0 and distributes it. @p length_unit_m is the length of
/// one file unit in metres (the config's `[mesh] unit`). Collective.
/// @throws InputError naming the file when it is missing, malformed, truncated or invalid
[[nodiscard]] mesh::TetMesh read_gmsh(MPI_Comm comm, const std::filesystem::path& file,
                                      double length_unit_m);

/// Writes the distributed mesh to a Gmsh MSH 4.1 file (gathered on rank 0), coordinates
/// divided by @p length_unit_m, with physical groups and names. Written to a temporary
/// name and renamed, so an interrupted write never leaves a partial file. Collective.
void write_gmsh(const mesh::TetMesh& mesh, const std::filesystem::path& file, double length_unit_m,
                bool binary = false);

} // namespace resorb::io
