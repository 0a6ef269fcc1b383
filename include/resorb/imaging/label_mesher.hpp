#pragma once
/// @file
/// Label volume → conforming multi-material tetrahedral mesh (CGAL Mesh_3 on a labelled image
/// domain, boundaries smoothed by CGAL's label weights instead of voxel staircases).
#include "resorb/imaging/implant_shape.hpp"
#include "resorb/io/image.hpp"
#include "resorb/mesh/implicit_mesher.hpp"
#include "resorb/mesh/tet_mesh.hpp"

#include <optional>
#include <string>
#include <vector>

namespace resorb::imaging {

/// One image label that becomes a cell group.
struct MeshedLabel {
  std::int32_t value = 0; ///< the label in the image (> 0)
  std::string name;       ///< the cell group's name, e.g. "cortical"
  double cell_size = 0.0; ///< m; 0: LabelMeshSettings::sizing.cell_size
};

/// What mesh_label_image() meshes and how finely.
struct LabelMeshSettings {
  /// The labels to mesh; every other label (and 0) is background, not meshed. Cells of
  /// label i are tagged i + 1 (the position in this list), named by MeshedLabel::name.
  std::vector<MeshedLabel> labels;
  /// Sizes of cells and boundary triangles, m (facet_distance: the boundary's deviation
  /// from the smoothed label surface).
  mesh::ImplicitMeshSizing sizing;
  /// Standard deviation of the Gaussian that smooths each label's indicator into CGAL's
  /// label weights, in voxels (CGAL's default: 1). 0 meshes the voxel staircase.
  double smoothing_voxels = 1.0;
  /// Optimisation after refinement (CGAL's perturb and exude: slivers removed).
  bool optimise = true;
  /// The smallest dihedral angle the optimisation aims at, degrees (CGAL's sliver bound; it
  /// is a target, not a guarantee: the quality report says what was reached).
  double min_dihedral_deg = 10.0;
  /// Time limit of each optimisation step, s.
  double optimisation_time_limit_s = 60.0;
  /// Rounds of perturbation + exudation (benchmarks/RESULTS.md, "Label meshing": the second
  /// removes most slivers the first leaves, at little cost when there are none).
  int optimisation_rounds = 2;
  /// An implant placed into the bone: its region overrides the labels it covers (its cells
  /// are tagged labels.size() + 1), bounded by its exact surface, not by voxels. Parts outside
  /// the image are not meshed.
  std::optional<PlacedImplant> implant;
};

/// Meshes the labels @p settings names in @p image, in the image's world frame (RAS, m):
/// one cell tag per label, facet groups "<a>|<b>" per label pair and "<a>|outside" per label
/// against the background. Mirrored images (handedness −1) give positively oriented cells.
/// @throws InputError naming the image for bad settings, a label listed twice or absent from
///         the image, a label value ≤ 0, more than 254 labels, a group name used twice, or
///         an implant that covers no voxel centre
[[nodiscard]] mesh::MeshData mesh_label_image(const io::LabelImage& image,
                                              const LabelMeshSettings& settings);

} // namespace resorb::imaging
