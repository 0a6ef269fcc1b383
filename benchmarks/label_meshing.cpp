// Time and peak memory of meshing label volumes (imaging::mesh_label_image, CGAL Mesh_3,
// refinement in parallel with TBB), per million tetrahedra, with the quality reached:
//   label_meshing phantom [--voxels 256] [--cell-size MM] [--facet-distance VOXELS] [--rounds N]
//       concentric cylinders (marrow, cancellous, cortical) along z with a screw across them,
//       in a voxels³ image of 0.5 mm voxels
//   label_meshing real --data ../shared/data/totalsegmentator [--cell-size MM]
//       the ten TotalSegmentator bones (L1–L5, T12, femurs, hips: v1 labels 18–23, 88–91) of
//       the example segmentation, 3 mm voxels
// Prints one line per run: tets, seconds, s per million tets, peak RSS, min dihedral, cells
// below 10°. Figures in benchmarks/RESULTS.md ("Label meshing").
#include <resorb/core/log.hpp>
#include <resorb/core/timer.hpp>
#include <resorb/imaging/label_mesher.hpp>
#include <resorb/mesh/quality.hpp>
#include <resorb/meshes/phantoms.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>

using namespace resorb;

int main(int argc, char** argv) {
  std::string kind = "phantom", data = "../shared/data/totalsegmentator";
  std::int64_t voxels = 256;
  double cell_size_mm = 0.0;
  bool no_implant = false;
  double smoothing = 1.0, facet_distance_voxels = 0.5;
  int rounds = 2;
  CLI::App app{"time and memory of label-volume meshing"};
  app.add_option("kind", kind, "phantom or real")->check(CLI::IsMember({"phantom", "real"}));
  app.add_option("--voxels", voxels, "phantom: voxels per side (0.5 mm voxels)");
  app.add_option("--cell-size", cell_size_mm, "largest cell, mm (default: about 1M tets)");
  app.add_flag("--no-implant", no_implant, "phantom: without the screw");
  app.add_option("--smoothing", smoothing, "Gaussian smoothing of the labels, voxels");
  app.add_option("--facet-distance", facet_distance_voxels,
                 "phantom: largest distance of a boundary triangle from the smoothed label "
                 "surface, voxels");
  app.add_option("--rounds", rounds, "rounds of perturbation and exudation");
  app.add_option("--data", data, "real: folder of the TotalSegmentator example files");
  CLI11_PARSE(app, argc, argv);
  MPI_Init(&argc, &argv);
  log::set_level(2); // the mesher's stages with their times
  {
    constexpr double mm = 1e-3;
    io::LabelImage image;
    imaging::LabelMeshSettings settings;
    if (kind == "phantom") {
      const double voxel = 0.5 * mm;
      const double half = 0.5 * static_cast<double>(voxels) * voxel;
      image =
          meshes::sample_phantom(meshes::cube_geometry(voxels, voxel), [&](const io::Vector3& x) {
            const double r = std::hypot(x[0], x[1]) / half;
            return r < 0.35 ? 3 : r < 0.7 ? 2 : r < 0.85 ? 1 : 0;
          });
      settings.labels = {{1, "cortical", 0.0}, {2, "cancellous", 0.0}, {3, "marrow", 0.0}};
      const double h =
          (cell_size_mm > 0 ? cell_size_mm : 1.75 * static_cast<double>(voxels) / 256) * mm;
      settings.sizing = mesh::ImplicitMeshSizing::uniform(h);
      settings.sizing.facet_distance = facet_distance_voxels * voxel;
      if (!no_implant)
        settings.implant = imaging::PlacedImplant{
            imaging::ImplantShape::screw(0.05 * half, 0.02 * half, 0.04 * half, 1.2 * half),
            imaging::Pose::along({1.1 * half, 0.1 * half, 0}, {-1, 0, 0}), "screw", h / 2};
    } else {
      image = io::read_label_image(data + "/ts_example_seg_v1_3mm_uint8.nii.gz");
      const std::vector<std::pair<int, const char*>> bones{
          {18, "L5"},       {19, "L4"},       {20, "L3"},         {21, "L2"},
          {22, "L1"},       {23, "T12"},      {88, "femur_left"}, {89, "femur_right"},
          {90, "hip_left"}, {91, "hip_right"}};
      for (const auto& [value, name] : bones)
        settings.labels.push_back({value, name, 0.0});
      const double h = (cell_size_mm > 0 ? cell_size_mm : 2.1) * mm;
      settings.sizing = mesh::ImplicitMeshSizing::uniform(h);
      settings.sizing.facet_distance = 0.5 * mm;
    }
    settings.smoothing_voxels = smoothing;
    settings.optimisation_rounds = rounds;
    const auto start = std::chrono::steady_clock::now();
    auto data_mesh = imaging::mesh_label_image(image, settings);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const auto tets = static_cast<double>(data_mesh.cell_tags.size());
    double min_dihedral = 180.0;
    std::size_t below_10 = 0, near_box = 0;
    for (std::size_t c = 0; c < data_mesh.cell_tags.size(); ++c) {
      std::array<std::array<double, 3>, 4> x{};
      for (std::size_t k = 0; k < 4; ++k)
        for (std::size_t d = 0; d < 3; ++d)
          x[k][d] =
              data_mesh.coordinates[3 * static_cast<std::size_t>(data_mesh.cells[4 * c + k]) + d];
      const double lo = mesh::dihedral_range_deg(x)[0];
      min_dihedral = std::min(min_dihedral, lo);
      below_10 += lo < 10 ? 1 : 0;
      // Where the slivers are: near the image's boundary planes, where label surfaces meet
      // the box along sharp, unprotected edges?
      if (lo < 10) {
        const auto [box_lo, box_hi] = image.geometry.world_bounds();
        double nearest = 1e300;
        for (std::size_t d = 0; d < 3; ++d)
          for (const auto& corner : x)
            nearest = std::min({nearest, corner[d] - box_lo[d], box_hi[d] - corner[d]});
        near_box += nearest < 2 * settings.sizing.cell_size ? 1 : 0;
      }
    }
    std::cout << fmt::format(
        "{} {}: {:.0f} tets in {:.1f} s ({:.1f} s per million), peak RSS "
        "{:.0f} MB, min dihedral {:.2f} deg, {} cells below 10 deg ({} within two cells of the "
        "image's boundary planes)\n",
        kind, kind == "phantom" ? fmt::format("{}^3", voxels) : "10 bones", tets, seconds,
        seconds / tets * 1e6, peak_memory_bytes() / 1e6, min_dihedral, below_10, near_box);
  }
  MPI_Finalize();
  return 0;
}
