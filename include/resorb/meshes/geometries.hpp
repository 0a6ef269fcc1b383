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

/// A threaded bone screw in a bone block covered by soft tissue: the main job's default
/// geometry (a 3.2 mm compression-type screw of the MAGNEZIX CS class).
///
/// ```
///     implant_head (z = bone_length + tissue_thickness, flush with the tissue surface)
///            ┌──┐
///   ┌────────┤  ├────────┐  ← tissue layer (top and side, tissue_thickness)
///   │ ┌──────┤  ├──────┐ │  ← cortical cap and shell (cortical_thickness)
///   │ │ ┌────<  >────┐ │ │
///   │ │ │    <  >    │ │ │  threads (rings) in the cortical cap and the cancellous core
///   │ │ │    <  >    │ │ │
///   │ │ │    └──┘    │ │ │
///   └─┴─┴────────────┴─┴─┘  base (z = 0: bone and tissue, fixed)
/// ```
/// The thread is simplified to axisymmetric rings of the thread's profile (symmetric, flank
/// angle 60°, sharp crest; a flat crest narrower than the surface cells forces slivers) at
/// the thread's pitch: the same depth and metal volume as a single-start helix (Pappus), and
/// the flank area to within 1 − cos of the helix's lead angle (6.7° here: 0.7 %), without
/// the helix's sliver cells where it runs out. The shank through the
/// tissue is a plain cylinder of the major diameter. Volume groups: 1 "cortical",
/// 2 "cancellous", 3 "implant", 4 "tissue". Surface groups: 11 "base", 12 "implant_head",
/// 13 "implant_surface" (every implant face in contact with bone or tissue), 14
/// "tissue_surface" (the tissue's outer faces), and with `quarter` 15 "symmetry_x" and
/// 16 "symmetry_y". All lengths in metres.
struct ThreadedScrewGeometry {
  double major_diameter = 3.2e-3;     ///< over the thread crests, m
  double minor_diameter = 2.2e-3;     ///< of the core (thread roots), m
  double pitch = 1.0e-3;              ///< axial distance between thread crests, m
  double threaded_length = 12e-3;     ///< length of the screw inside the bone, m
  double bone_radius = 6e-3;          ///< radius of the bone block, m
  double bone_length = 16e-3;         ///< height of the bone block, m
  double cortical_thickness = 1.5e-3; ///< cortical cap and shell, m
  double tissue_thickness = 1.5e-3;   ///< soft tissue over the bone's top and side, m
  double mesh_size = 1.5e-3;          ///< element size far from the screw, m
  double implant_mesh_size = 0.25e-3; ///< element size on the screw's surface, m
  /// Thickness of the skin around the screw's surface meshed at implant_mesh_size (on
  /// both sides of the surface: the metal that corrodes and the medium it corrodes into);
  /// sizes grow linearly to mesh_size over 10 × this beyond it, m.
  double refinement_depth = 0.3e-3;
  /// Mesh one quarter (x ≥ 0, y ≥ 0), with surface groups 15 "symmetry_x" (the plane
  /// x = 0: fix x there) and 16 "symmetry_y" (y = 0: fix y): exact for axial loads and
  /// axisymmetric corrosion, a quarter of the cost. A run on it reports whole-screw figures
  /// (RunConfig::symmetry_factor). False: the whole screw (needed for lateral loads).
  bool quarter = true;
  /// @throws InputError naming the offending parameter (non-positive, the screw not
  ///         inside the bone, a thread shallower than its crest)
  void validate() const;
};

/// Meshes the threaded screw in its bone block on rank 0 (other ranks get empty data).
[[nodiscard]] mesh::MeshData threaded_screw_mesh_data(MPI_Comm comm,
                                                      const ThreadedScrewGeometry& geometry);

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
