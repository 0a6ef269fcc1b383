#pragma once
/// @file
/// Structured tetrahedral mesh of a box, built in memory (tests, verification, benchmarks).

#include "resorb/mesh/tet_mesh.hpp"

#include <array>

namespace resorb::mesh {

/// Builds, on rank 0 only, a box [lo, hi] split into n[0] x n[1] x n[2] hexahedra of 6
/// tetrahedra each (Kuhn subdivision, conforming). Cell group 1 "box"; facet groups
/// 1 "xmin", 2 "xmax", 3 "ymin", 4 "ymax", 5 "zmin", 6 "zmax". Other ranks get empty data.
[[nodiscard]] MeshData box_mesh_data(MPI_Comm comm, std::array<int, 3> n, std::array<double, 3> lo,
                                     std::array<double, 3> hi);

/// box_mesh_data() followed by TetMesh::distribute(). Collective.
[[nodiscard]] TetMesh make_box(MPI_Comm comm, std::array<int, 3> n, std::array<double, 3> lo,
                               std::array<double, 3> hi);

} // namespace resorb::mesh
