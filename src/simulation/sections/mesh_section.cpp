#include "simulation/case_sections.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/units.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

namespace resorb::simulation::impl {

void read_mesh_section(const Reader& r, const toml::table& root, const std::filesystem::path& base,
                       Case& c) {
  const auto& mesh = r.table(root.get("mesh"), "mesh");
  r.only_keys(mesh, "mesh", {"file", "unit", "screw_in_bone", "threaded_screw", "pin_in_medium"});
  {
    int sources = 0;
    for (const char* key : {"file", "screw_in_bone", "threaded_screw", "pin_in_medium"})
      sources += mesh.get(key) != nullptr ? 1 : 0;
    if (sources != 1)
      r.fail("mesh", "needs exactly one of 'file' (with 'unit'), a [mesh.screw_in_bone], a "
                     "[mesh.threaded_screw] or a [mesh.pin_in_medium] table");
  }
  if (const auto* file = mesh.get("file")) {
    if (!file->is_string())
      r.fail("mesh.file", "must be a string (path of a Gmsh .msh file)");
    c.mesh_file = base / file->as_string()->get();
    const auto* unit = mesh.get("unit");
    if (unit == nullptr || !unit->is_string())
      r.fail("mesh.unit", "missing: say what length unit the file's coordinates are in "
                          "(e.g. unit = \"mm\")");
    c.mesh_unit_m = unit_factor(unit->as_string()->get(), dim::length,
                                fmt::format("{}: key 'mesh.unit'", r.file()));
  }
  if (const auto* gen = mesh.get("screw_in_bone")) {
    const auto& g = r.table(gen, "mesh.screw_in_bone");
    meshes::ScrewInBoneGeometry geo;
    const std::vector<std::pair<const char*, double*>> fields{
        {"bone_radius", &geo.bone_radius},
        {"bone_length", &geo.bone_length},
        {"cortical_thickness", &geo.cortical_thickness},
        {"implant_radius", &geo.implant_radius},
        {"implant_depth", &geo.implant_depth},
        {"head_height", &geo.head_height},
        {"mesh_size", &geo.mesh_size},
        {"implant_mesh_size", &geo.implant_mesh_size}};
    r.lengths(g, "mesh.screw_in_bone", fields);
    geo.validate();
    c.generate = geo;
  }
  if (const auto* gen = mesh.get("pin_in_medium")) {
    const auto& g = r.table(gen, "mesh.pin_in_medium");
    meshes::PinInMediumGeometry geo;
    const std::vector<std::pair<const char*, double*>> fields{
        {"pin_radius", &geo.pin_radius},
        {"pin_height", &geo.pin_height},
        {"box_size", &geo.box_size},
        {"mesh_size", &geo.mesh_size},
        {"pin_mesh_size", &geo.pin_mesh_size}};
    r.lengths(g, "mesh.pin_in_medium", fields);
    geo.validate();
    c.pin = geo;
  }
  if (const auto* gen = mesh.get("threaded_screw")) {
    const auto& g = r.table(gen, "mesh.threaded_screw");
    meshes::ThreadedScrewGeometry geo;
    const std::vector<std::pair<const char*, double*>> fields{
        {"major_diameter", &geo.major_diameter},
        {"minor_diameter", &geo.minor_diameter},
        {"pitch", &geo.pitch},
        {"threaded_length", &geo.threaded_length},
        {"bone_radius", &geo.bone_radius},
        {"bone_length", &geo.bone_length},
        {"cortical_thickness", &geo.cortical_thickness},
        {"tissue_thickness", &geo.tissue_thickness},
        {"mesh_size", &geo.mesh_size},
        {"implant_mesh_size", &geo.implant_mesh_size},
        {"refinement_depth", &geo.refinement_depth}};
    r.lengths(g, "mesh.threaded_screw", fields, {"quarter"});
    if (const auto* v = g.get("quarter")) {
      if (!v->is_boolean())
        r.fail("mesh.threaded_screw.quarter", "must be true or false");
      geo.quarter = v->as_boolean()->get();
    }
    try {
      geo.validate();
    } catch (const InputError& e) {
      r.fail("mesh.threaded_screw", e.what());
    }
    c.threaded_screw = geo;
    c.symmetry_factor = geo.quarter ? 4.0 : 1.0;
  }
}

} // namespace resorb::simulation::impl
