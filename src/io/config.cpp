#include "resorb/io/config.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/units.hpp"
#include "resorb/io/corrosion_data.hpp"

#include "io/bone_material_table.hpp"
#include "io/toml_reader.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>

#include <initializer_list>
#include <set>
#include <sstream>

namespace resorb::io {

namespace impl {

BoneMaterialSpec read_bone_material(const Reader& r, const toml::table& t,
                                    const std::filesystem::path& base) {
  r.only_keys(t, "bone_material",
              {"ct", "groups", "law", "coefficient", "exponent", "density", "density_per_hu",
               "density_at_0_hu", "ash_scale", "ash_offset", "ash_fraction", "nu", "min_E"});
  BoneMaterialSpec b;
  const auto* ct = t.get("ct");
  if (ct == nullptr || !ct->is_string())
    r.fail("bone_material.ct", "missing: the CT volume (NIfTI, NRRD or MetaImage) in HU");
  b.ct = base / ct->as_string()->get();
  const auto* groups = t.get("groups");
  if (groups == nullptr || !groups->is_array() || groups->as_array()->empty())
    r.fail("bone_material.groups", "missing: a list of volume groups, e.g. [\"bone\"]");
  for (const auto& g : *groups->as_array()) {
    if (!g.is_string())
      r.fail("bone_material.groups", "must list group names as strings");
    b.groups.push_back(g.as_string()->get());
  }
  const auto* law = t.get("law");
  if (law == nullptr || !law->is_string())
    r.fail("bone_material.law", "missing: a preset's name (e.g. \"morgan2003_femoral_neck\") "
                                "or \"custom\" with 'coefficient' and 'exponent'");
  b.law = law->as_string()->get();
  const bool custom = b.law == "custom";
  for (const char* key : {"coefficient", "exponent", "density"}) {
    const bool given = t.get(key) != nullptr;
    if (!custom && given)
      r.fail(fmt::format("bone_material.{}", key), "only for law = \"custom\"");
    if (custom && !given && std::string_view(key) != "density")
      r.fail(fmt::format("bone_material.{}", key), "missing: a custom law needs it");
  }
  if (custom) {
    b.coefficient = r.quantity(*t.get("coefficient"), dim::pressure, "bone_material.coefficient");
    b.exponent = r.quantity(*t.get("exponent"), dim::dimensionless, "bone_material.exponent");
    if (const auto* d = t.get("density")) {
      b.density = d->value<std::string>().value_or("");
      if (b.density != "apparent" && b.density != "ash")
        r.fail("bone_material.density", "must be \"apparent\" or \"ash\"");
    }
  }
  for (const char* key : {"density_per_hu", "density_at_0_hu"})
    if (t.get(key) == nullptr)
      r.fail(fmt::format("bone_material.{}", key),
             "missing: the CT's phantom calibration rho = density_at_0_hu + density_per_hu HU, "
             "e.g. \"0.0008 g/cm^3\" per HU");
  b.density_per_hu =
      r.quantity(*t.get("density_per_hu"), dim::density, "bone_material.density_per_hu");
  b.density_at_0_hu =
      r.quantity(*t.get("density_at_0_hu"), dim::density, "bone_material.density_at_0_hu");
  if (const auto* v = t.get("ash_scale"))
    b.ash_scale = r.quantity(*v, dim::dimensionless, "bone_material.ash_scale");
  if (const auto* v = t.get("ash_offset"))
    b.ash_offset = r.quantity(*v, dim::density, "bone_material.ash_offset");
  if (const auto* v = t.get("ash_fraction"))
    b.ash_fraction = r.quantity(*v, dim::dimensionless, "bone_material.ash_fraction");
  if (const auto* v = t.get("nu"))
    b.poisson_ratio = r.quantity(*v, dim::dimensionless, "bone_material.nu");
  if (const auto* v = t.get("min_E"))
    b.min_E = r.quantity(*v, dim::pressure, "bone_material.min_E");
  return b;
}

} // namespace impl

RunConfig read_run_config(const std::filesystem::path& path) {
  const Reader r(path.string());
  const toml::table root = parse_toml_file(path);
  RunConfig c;
  c.file = path;
  r.only_keys(root, "",
              {"mesh", "fem", "materials", "bone_material", "boundary", "body_force", "solver",
               "output", "corrosion"});
  const auto base = path.parent_path();

  // [mesh]
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

  // [corrosion]
  if (const auto* corrosion = root.get("corrosion")) {
    const auto& t = r.table(corrosion, "corrosion");
    r.only_keys(t, "corrosion",
                {"model",
                 "metal",
                 "alloy",
                 "medium",
                 "hydroxide",
                 "end_time",
                 "output_interval",
                 "dt_initial",
                 "dt_max",
                 "rtol",
                 "rate",
                 "pitting_shape",
                 "seed",
                 "exposed",
                 "replacement_E",
                 "replacement_nu",
                 "diffusivity_factor",
                 "checkpoint_interval",
                 "film_E",
                 "film_nu",
                 "bending_force",
                 "stress_assisted"});
    CorrosionSpec spec;
    auto choice = [&](const char* key, std::string& value,
                      std::initializer_list<const char*> options) {
      if (const auto* v = t.get(key)) {
        const auto text = v->value<std::string>();
        bool ok = false;
        std::string list;
        for (const char* o : options) {
          ok = ok || (text && *text == o);
          list += (list.empty() ? "\"" : ", \"") + std::string(o) + "\"";
        }
        if (!ok)
          r.fail(fmt::format("corrosion.{}", key), fmt::format("must be one of {}", list));
        value = *text;
      }
    };
    choice("model", spec.model, {"reaction_diffusion", "surface_damage"});
    choice("hydroxide", spec.hydroxide, {"published", "stoichiometric"});
    auto name = [&](const char* key, std::string& value) {
      if (const auto* v = t.get(key)) {
        if (!v->is_string())
          r.fail(fmt::format("corrosion.{}", key), "must be a name or a file path (a string)");
        value = v->as_string()->get();
      }
    };
    name("alloy", spec.alloy);
    name("medium", spec.medium);
    const bool damage = spec.model == "surface_damage";
    for (const char* key : {"rate", "pitting_shape", "seed", "exposed"})
      if (!damage && t.get(key))
        r.fail(fmt::format("corrosion.{}", key), "belongs to model = \"surface_damage\"");
    for (const char* key : {"alloy", "medium", "hydroxide"})
      if (damage && t.get(key))
        r.fail(fmt::format("corrosion.{}", key), "belongs to model = \"reaction_diffusion\"");
    if (damage) {
      if (!t.get("rate"))
        r.fail("corrosion.rate", "missing: the surface's recession speed (e.g. \"0.5 mm/year\")");
      spec.rate = r.quantity(*t.get("rate"), dim::speed, "corrosion.rate");
      if (!(spec.rate >= 0))
        r.fail("corrosion.rate", "must be >= 0");
      if (const auto* v = t.get("pitting_shape")) {
        spec.pitting_shape = r.quantity(*v, dim::dimensionless, "corrosion.pitting_shape");
        if (!(spec.pitting_shape > 0))
          r.fail("corrosion.pitting_shape", "must be > 0 (the Weibull shape; omit for uniform)");
      }
      if (const auto* v = t.get("seed")) {
        const auto seed = v->value<std::int64_t>();
        if (!v->is_integer() || !seed || *seed < 0)
          r.fail("corrosion.seed", "must be a non-negative integer");
        spec.seed = static_cast<std::uint64_t>(*seed);
      }
      if (const auto* v = t.get("exposed")) {
        const auto* list = v->as_array();
        if (list == nullptr)
          r.fail("corrosion.exposed", "must be an array of facet group names");
        for (const auto& item : *list) {
          if (!item.is_string())
            r.fail("corrosion.exposed", "must be an array of facet group names");
          spec.exposed.push_back(item.as_string()->get());
        }
      }
    } else {
      // The alloy and medium files are read now, so that their errors stop the run before
      // anything is written, named with this file's keys.
      try {
        (void)corrosion_parameters(read_alloy(spec.alloy), spec.medium);
      } catch (const InputError& e) {
        r.fail("corrosion.alloy/medium", e.what());
      }
    }
    if (const auto* v = t.get("metal")) {
      if (!v->is_string())
        r.fail("corrosion.metal", "must be the name of a volume group");
      spec.metal_group = v->as_string()->get();
    }
    auto time = [&](const char* key, double& value) {
      if (const auto* v = t.get(key)) {
        value = r.quantity(*v, dim::time, fmt::format("corrosion.{}", key));
        if (!(value > 0))
          r.fail(fmt::format("corrosion.{}", key), "must be positive");
      }
    };
    if (!t.get("end_time"))
      r.fail("corrosion.end_time", "missing: how long to corrode (e.g. end_time = \"24 h\")");
    time("end_time", spec.end_time);
    spec.output_interval = spec.end_time / 24.0;
    time("output_interval", spec.output_interval);
    spec.checkpoint_interval = spec.output_interval;
    time("checkpoint_interval", spec.checkpoint_interval);
    if (const auto* v = t.get("stress_assisted")) {
      if (!v->is_boolean())
        r.fail("corrosion.stress_assisted", "must be true or false");
      spec.stress_assisted = v->as_boolean()->get();
    }
    time("dt_initial", spec.dt_initial);
    time("dt_max", spec.dt_max);
    if (const auto* v = t.get("rtol")) {
      const auto x = v->value<double>();
      if (!x || !(*x > 0.0 && *x < 1.0))
        r.fail("corrosion.rtol", "must be a number in (0, 1)");
      spec.rtol = *x;
    }
    if (const auto* v = t.get("diffusivity_factor")) {
      if (damage)
        r.fail("corrosion.diffusivity_factor", "belongs to model = \"reaction_diffusion\"");
      const auto& factors = r.table(v, "corrosion.diffusivity_factor");
      for (const auto& [group, value] : factors) {
        const std::string key = fmt::format("corrosion.diffusivity_factor.{}", group.str());
        const double f = r.quantity(value, dim::dimensionless, key);
        if (!(f >= 0))
          r.fail(key, "must be >= 0 (a factor on every species' diffusivity in that group)");
        spec.diffusivity_factor.emplace_back(std::string(group.str()), f);
      }
    }
    if (const auto* v = t.get("replacement_E"))
      spec.replacement_E = r.quantity(*v, dim::pressure, "corrosion.replacement_E");
    if (const auto* v = t.get("replacement_nu"))
      spec.replacement_nu = r.quantity(*v, dim::dimensionless, "corrosion.replacement_nu");
    if (const auto* v = t.get("film_E"))
      spec.film_E = r.quantity(*v, dim::pressure, "corrosion.film_E");
    if (const auto* v = t.get("film_nu"))
      spec.film_nu = r.quantity(*v, dim::dimensionless, "corrosion.film_nu");
    if (const auto* v = t.get("bending_force")) {
      spec.bending_force = r.quantity(*v, dim::force, "corrosion.bending_force");
      if (!(spec.bending_force > 0))
        r.fail("corrosion.bending_force", "must be positive (the lateral force, along x)");
    }
    if (spec.film_E.has_value() != spec.film_nu.has_value())
      r.fail(spec.film_E ? "corrosion.film_nu" : "corrosion.film_E",
             "missing: the film's material needs both film_E and film_nu");
    c.corrosion = spec;
  }

  // [fem]
  if (const auto* fem = root.get("fem")) {
    const auto& t = r.table(fem, "fem");
    r.only_keys(t, "fem", {"degree"});
    if (const auto* d = t.get("degree")) {
      const auto degree = d->value<std::int64_t>();
      if (!degree || (*degree != 1 && *degree != 2))
        r.fail("fem.degree", "must be 1 or 2");
      c.degree = static_cast<int>(*degree);
    }
  }

  // [materials.<volume>]
  static const toml::table no_materials;
  const auto& materials = c.corrosion && !root.get("materials")
                              ? no_materials
                              : r.table(root.get("materials"), "materials");
  for (const auto& [name, node] : materials) {
    const std::string key = fmt::format("materials.{}", name.str());
    const auto& m = r.table(&node, key);
    r.only_keys(m, key, {"E", "nu"});
    if (!m.get("E"))
      r.fail(key + ".E", "missing Young's modulus");
    if (!m.get("nu"))
      r.fail(key + ".nu", "missing Poisson's ratio");
    c.materials.push_back({std::string(name.str()),
                           r.quantity(*m.get("E"), dim::pressure, key + ".E"),
                           r.quantity(*m.get("nu"), dim::dimensionless, key + ".nu")});
  }
  if (const auto* bone = root.get("bone_material"))
    c.bone_material = impl::read_bone_material(r, r.table(bone, "bone_material"), base);
  if (c.materials.empty() && !c.corrosion && !c.bone_material)
    r.fail("materials", "no material given");
  if (c.bone_material) {
    if (c.corrosion)
      r.fail("bone_material", "is for elasticity runs; a [corrosion] run takes [materials]");
    for (const auto& m : c.materials)
      if (std::find(c.bone_material->groups.begin(), c.bone_material->groups.end(), m.group) !=
          c.bone_material->groups.end())
        r.fail("materials." + m.group,
               "this group's material comes from [bone_material]; give it in one place only");
  }

  // [boundary.<surface>]
  if (const auto* boundary = root.get("boundary")) {
    for (const auto& [name, node] : r.table(boundary, "boundary")) {
      const std::string key = fmt::format("boundary.{}", name.str());
      const auto& b = r.table(&node, key);
      r.only_keys(b, key, {"fix", "force", "traction", "pressure"});
      BoundarySpec spec;
      spec.group = std::string(name.str());
      if (const auto* fix = b.get("fix")) {
        const auto* array = fix->as_array();
        if (array == nullptr || array->empty())
          r.fail(key + ".fix", "must be a list of components, e.g. [\"x\", \"y\", \"z\"]");
        std::array<bool, 3> comps{false, false, false};
        for (const auto& item : *array) {
          const auto s = item.value<std::string>();
          if (s == "x")
            comps[0] = true;
          else if (s == "y")
            comps[1] = true;
          else if (s == "z")
            comps[2] = true;
          else
            r.fail(key + ".fix", "components must be \"x\", \"y\" or \"z\"");
        }
        spec.fix = comps;
      }
      if (const auto* f = b.get("force"))
        spec.force = r.vector(*f, dim::force, key + ".force");
      if (const auto* t = b.get("traction"))
        spec.traction = r.vector(*t, dim::pressure, key + ".traction");
      if (const auto* p = b.get("pressure"))
        spec.pressure = r.quantity(*p, dim::pressure, key + ".pressure");
      if (!spec.fix && !spec.force && !spec.traction && !spec.pressure)
        r.fail(key, "prescribes nothing (use fix, force, traction or pressure)");
      c.boundaries.push_back(std::move(spec));
    }
  }

  // [corrosion] with loads: the mechanics is re-solved at every output time, and needs to
  // know what fills the space the metal leaves.
  if (c.corrosion && !c.boundaries.empty()) {
    if (!c.corrosion->replacement_E)
      r.fail("corrosion.replacement_E",
             "missing: the modulus of the tissue that fills the space the metal leaves (e.g. "
             "\"1 GPa\"), needed when [boundary] loads the corroding implant");
    if (!c.corrosion->replacement_nu)
      r.fail("corrosion.replacement_nu", "missing: the Poisson's ratio of that tissue");
  }

  if (c.corrosion && c.corrosion->bending_force > 0 &&
      std::none_of(c.boundaries.begin(), c.boundaries.end(),
                   [](const BoundarySpec& b) { return b.force.has_value(); }))
    r.fail("corrosion.bending_force",
           "needs a [boundary.<group>] with a force: the bending force acts on that group");

  if (c.corrosion && c.corrosion->stress_assisted) {
    if (c.boundaries.empty())
      r.fail("corrosion.stress_assisted",
             "needs the mechanics: add [boundary] loads (the stress comes from them)");
    if (c.corrosion->model != "reaction_diffusion")
      r.fail("corrosion.stress_assisted", "applies to model = \"reaction_diffusion\" only");
  }

  if (const auto* bf = root.get("body_force")) {
    const auto& t = r.table(bf, "body_force");
    r.only_keys(t, "body_force", {"value"});
    if (const auto* v = t.get("value"))
      c.body_force = r.vector(*v, dim::force_per_volume, "body_force.value");
  }

  if (const auto* solver = root.get("solver")) {
    const auto& t = r.table(solver, "solver");
    r.only_keys(t, "solver", {"rtol", "max_iterations", "petsc_options", "device", "matrix_free"});
    if (const auto* v = t.get("rtol")) {
      const auto x = v->value<double>();
      if (!x || !(*x > 0.0 && *x < 1.0))
        r.fail("solver.rtol", "must be a number in (0, 1)");
      c.solver.rtol = *x;
    }
    if (const auto* v = t.get("max_iterations")) {
      const auto x = v->value<std::int64_t>();
      if (!x || *x < 1)
        r.fail("solver.max_iterations", "must be a positive integer");
      c.solver.max_iterations = static_cast<int>(*x);
    }
    if (const auto* v = t.get("petsc_options")) {
      if (!v->is_string())
        r.fail("solver.petsc_options", "must be a string of PETSc options");
      c.petsc_options = v->as_string()->get();
    }
    if (const auto* v = t.get("device")) {
      if (!v->is_string())
        r.fail("solver.device", "must be \"cpu\" or \"cuda\"");
      try {
        c.solver.device = parse_execution_space(v->as_string()->get());
      } catch (const InputError& e) {
        r.fail("solver.device", e.what());
      }
    }
    if (const auto* v = t.get("matrix_free")) {
      if (!v->is_boolean())
        r.fail("solver.matrix_free", "must be true or false");
      c.solver.matrix_free = v->as_boolean()->get();
    }
  }

  c.output_directory = "results";
  r.output_directory(root, c.output_directory);
  return c;
}

} // namespace resorb::io
