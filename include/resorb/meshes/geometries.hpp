#pragma once
/// @file
/// Built-in parametric geometries meshed with Gmsh's OpenCASCADE kernel, for examples,
/// tests and quick runs (implemented in the top-level meshes/ folder).

#include "resorb/mesh/tet_mesh.hpp"

namespace resorb::meshes {

/// A screw-like implant rod inserted along the axis of a cylindrical bone block.
///
/// ```
///          implant_head (z = bone_length + head_height)
///             ┌─┐
///        ┌────┤ ├────┐  ← cortical cap (thickness cortical_thickness)
///        │ ┌──┤ ├──┐ │
///        │ │  │ │  │ │  cancellous core, implant rod fused to the bone
///        │ │  └─┘  │ │    (conforming implant_bone_interface)
///        │ │       │ │  ← cortical shell
///        └─┴───────┴─┘  bone_base (z = 0, fixed)
/// ```
/// Volume groups: 1 "cortical", 2 "cancellous", 3 "implant". Surface groups: 11
/// "bone_base", 12 "implant_head", 13 "implant_bone_interface". All lengths in metres.
struct ScrewInBoneGeometry {
  double bone_radius = 10e-3;        ///< outer radius of the bone cylinder, m
  double bone_length = 30e-3;        ///< height of the bone cylinder, m
  double cortical_thickness = 2e-3;  ///< cortical shell and cap thickness, m
  double implant_radius = 2e-3;      ///< implant rod radius, m
  double implant_depth = 20e-3;      ///< length of the rod inside the bone, m
  double head_height = 3e-3;         ///< length of the rod above the bone, m
  double mesh_size = 2.5e-3;         ///< target element size in the bone, m
  double implant_mesh_size = 1.0e-3; ///< target element size on the implant, m
  /// Checks the dimensions are positive and nest (implant inside the core, etc.).
  /// @throws InputError naming the offending parameter
  void validate() const;
};

/// Meshes the screw-in-bone geometry on rank 0 (other ranks get empty data).
[[nodiscard]] mesh::MeshData screw_in_bone_mesh_data(MPI_Comm comm,
                                                     const ScrewInBoneGeometry& geometry);

/// A cylindrical pin centred in a closed box of medium (an immersion test), meshed as one
/// octant: x, y, z >= 0 with the pin's axis on the z axis and its mid-plane at z = 0. The
/// planes x = 0, y = 0 and z = 0 are symmetry planes (no flux: nothing to impose).
struct PinInMediumGeometry {
  double pin_radius = 0.5e-3;    ///< m
  double pin_height = 2e-3;      ///< full height (the octant holds half), m
  double box_size = 10e-3;       ///< edge of the full box (the octant holds half), m
  double mesh_size = 1.0e-3;     ///< element size far from the pin, m
  double pin_mesh_size = 0.1e-3; ///< element size on the pin, m
  /// @throws InputError naming the offending parameter (non-positive, pin not inside box)
  void validate() const;
};

/// Meshes the pin octant on rank 0. Volume groups 1 "medium", 2 "pin"; surface groups
/// 1 "pin_surface" (pin–medium interface), 2 "walls" (the box's outer faces), 3 "symmetry".
[[nodiscard]] mesh::MeshData pin_in_medium_mesh_data(MPI_Comm comm,
                                                     const PinInMediumGeometry& geometry);

/// Quarter of a thick-walled cylinder (x ≥ 0, y ≥ 0), inner radius a, outer radius b,
/// height h, for the Lamé verification problem. Volume group 1 "wall"; surface groups
/// 1 "inner", 2 "outer", 3 "x0" (plane x = 0), 4 "y0" (plane y = 0), 5 "bottom", 6 "top".
/// @param mesh_size target element size, m
[[nodiscard]] mesh::MeshData hollow_cylinder_mesh_data(MPI_Comm comm, double a, double b, double h,
                                                       double mesh_size);

} // namespace resorb::meshes
