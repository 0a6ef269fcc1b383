#include "resorb/simulation/label_meshing.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/log.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/core/timer.hpp"
#include "resorb/imaging/label_mesher.hpp"
#include "resorb/io/gmsh.hpp"
#include "resorb/io/image.hpp"
#include "resorb/io/stl.hpp"
#include "resorb/io/summary.hpp"
#include "resorb/io/xdmf.hpp"
#include "resorb/mesh/facet_patch.hpp"
#include "resorb/mesh/quality.hpp"
#include "resorb/simulation/bone_material_setup.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>

namespace resorb::simulation {
namespace {

imaging::PlacedImplant placed_implant(const ImplantSpec& s) {
  auto shape = [&] {
    if (s.kind == "cylinder")
      return imaging::ImplantShape::cylinder(s.radius, s.length);
    if (s.kind == "screw")
      return imaging::ImplantShape::screw(s.core_radius, s.thread_depth, s.pitch, s.length);
    return imaging::ImplantShape::closed_surface(io::read_stl(s.file, 1.0 / s.file_unit_m));
  }();
  return {std::move(shape), imaging::Pose::along(s.base, s.axis), s.name, s.cell_size};
}

// The mesh of the label volume, built on rank 0; every rank learns of a failure.
mesh::MeshData mesh_on_root(MPI_Comm comm, const LabelMeshConfig& config) {
  mesh::MeshData data;
  std::optional<std::string> error;
  if (mpi::rank(comm) == 0) {
    try {
      const auto image = io::read_label_image(config.labels_image);
      imaging::LabelMeshSettings settings;
      for (const auto& l : config.labels)
        settings.labels.push_back({l.value, l.name, l.cell_size});
      // Default boundary accuracy: a tenth of the cell, but not finer than half a voxel: the
      // smoothed label surface is not known better, and chasing its voxel-scale ripples
      // over-refines the boundary into slivers (benchmarks/RESULTS.md, "Label meshing").
      const double half_voxel =
          0.5 * std::min({image.geometry.spacing[0], image.geometry.spacing[1],
                          image.geometry.spacing[2]});
      const double facet_distance = config.facet_distance > 0
                                        ? config.facet_distance
                                        : std::max(config.cell_size / 10, half_voxel);
      settings.sizing = {config.cell_size, config.facet_size, facet_distance};
      settings.smoothing_voxels = config.smoothing_voxels;
      if (config.implant)
        settings.implant = placed_implant(*config.implant);
      const auto& g = image.geometry;
      log::info(MPI_COMM_SELF, "[1/4] meshing {} ({}x{}x{} voxels of {:.3g} mm) with CGAL",
                config.labels_image.string(), g.size[0], g.size[1], g.size[2], g.spacing[0] * 1e3);
      data = imaging::mesh_label_image(image, settings);
      for (const auto& p : config.patches)
        mesh::split_facet_group(data, p.from, p.name, [&p](const std::array<double, 3>& x) {
          return p.below ? x[static_cast<std::size_t>(p.axis)] < p.value
                         : x[static_cast<std::size_t>(p.axis)] > p.value;
        });
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  mpi::throw_first_error<InputError>(comm, error);
  return data;
}

} // namespace

void run_label_mesh(MPI_Comm comm, const LabelMeshConfig& config) {
  PhaseTimer timer;
  const auto context = config.file.empty() ? std::string("resorb mesh") : config.file.string();
  // Check the cheap things (bone material map, CT readable) before the expensive meshing.
  std::optional<imaging::BoneMaterialMap> bone;
  if (config.bone_material)
    bone = bone_material_map(*config.bone_material, context + ": [bone_material]");
  mesh::MeshData data;
  {
    const auto scope = timer.time("mesh");
    data = mesh_on_root(comm, config);
  }
  const auto mesh = mesh::TetMesh::distribute(comm, std::move(data));
  std::vector<std::string> surfaces;
  for (const auto& g : mesh.groups())
    if (g.dim == 2)
      surfaces.push_back(fmt::format("'{}'", g.name));
  log::info(comm, "[2/4] {} tetrahedra in {:.1f} s; facet groups {}", mesh.num_global_cells(),
            timer.phases().back().second, fmt::join(surfaces, ", "));
  std::vector<fem::CellField> cell_fields;
  if (bone) {
    const auto scope = timer.time("bone material");
    log::info(comm, "[3/4] bone material");
    const auto cells = map_ct_bone_material(mesh, *config.bone_material, *bone);
    cell_fields = bone_fields(cells);
  }
  const auto output = config.output;
  const auto directory =
      output.parent_path().empty() ? std::filesystem::path(".") : output.parent_path();
  const auto stem = output.stem().string();
  {
    const auto scope = timer.time("write");
    if (mpi::rank(comm) == 0)
      std::filesystem::create_directories(directory);
    MPI_Barrier(comm);
    io::write_gmsh(mesh, output, 1e-3, true);
    io::write_xdmf(mesh, directory, stem, {}, cell_fields);
  }
  const auto report = mesh::quality_report(mesh);
  auto record = mesh::to_record(report);
  for (const auto& [phase, seconds] : timer.phases())
    record.group("wall_time_s").set(phase, seconds);
  io::write_record_json(comm, record, directory / (stem + "_quality.json"));
  log::info(comm, "[4/4] quality\n{}", mesh::format_report(report));
  log::info(comm, "wrote {} (MSH 4.1, mm), {}/{}.xdmf (ParaView) and {}_quality.json",
            output.string(), directory.string(), stem, stem);
}

} // namespace resorb::simulation
