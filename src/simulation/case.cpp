#include "resorb/simulation/case.hpp"

#include "resorb/core/error.hpp"

#include "simulation/case_sections.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>

namespace resorb::simulation {

Case read_case(const std::filesystem::path& path) {
  const Reader r(path.string());
  const toml::table root = parse_toml_file(path);
  Case c;
  c.file = path;
  r.only_keys(root, "",
              {"mesh", "fem", "materials", "bone_material", "boundary", "body_force", "solver",
               "output", "corrosion"});
  const auto base = path.parent_path();
  // One reader per section; the checks across sections follow.
  impl::read_mesh_section(r, root, base, c);
  c.corrosion = impl::read_corrosion_section(r, root);
  impl::read_materials_section(r, root, base, c);
  impl::read_boundary_section(r, root, c);

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
                   [](const physics::BoundaryCondition& b) { return b.force.has_value(); }))
    r.fail("corrosion.bending_force",
           "needs a [boundary.<group>] with a force: the bending force acts on that group");

  if (c.corrosion && c.corrosion->stress_assisted) {
    if (c.boundaries.empty())
      r.fail("corrosion.stress_assisted",
             "needs the mechanics: add [boundary] loads (the stress comes from them)");
    if (c.corrosion->model != "reaction_diffusion")
      r.fail("corrosion.stress_assisted", "applies to model = \"reaction_diffusion\" only");
  }

  impl::read_solver_section(r, root, c);
  c.output_directory = "results";
  r.output_directory(root, c.output_directory);
  return c;
}

void validate(Case& c) {
  const auto name = c.name();
  for (const auto& m : c.materials)
    physics::IsotropicMaterial{m.E, m.nu}.validate(
        fmt::format("{}: key 'materials.{}'", name, m.group));
  RESORB_REQUIRE(c.degree == 1 || c.degree == 2, InputError,
                 fmt::format("{}: key 'fem.degree': {} must be 1 or 2", name, c.degree));
  RESORB_REQUIRE(c.symmetry_factor >= 1.0, InputError,
                 fmt::format("{}: symmetry factor {} must be at least 1", name, c.symmetry_factor));
  const int sources =
      (c.mesh_file ? 1 : 0) + (c.generate ? 1 : 0) + (c.pin ? 1 : 0) + (c.threaded_screw ? 1 : 0);
  RESORB_REQUIRE(sources == 1, InputError,
                 fmt::format("{}: key 'mesh': needs exactly one mesh source (a file or one "
                             "built-in geometry), not {}",
                             name, sources));
  RESORB_REQUIRE(c.corrosion || c.symmetry_factor == 1.0, InputError,
                 fmt::format("{}: key 'mesh.threaded_screw.quarter': a quarter screw is meshed "
                             "for axisymmetric corrosion runs; an elasticity run needs the "
                             "whole screw (quarter = false)",
                             name));
  if (!c.corrosion) {
    RESORB_REQUIRE(!c.materials.empty() || c.bone_material, InputError,
                   fmt::format("{}: key 'materials': no material given", name));
    return;
  }
  auto& spec = *c.corrosion;
  if (spec.film_E || spec.film_nu) {
    RESORB_REQUIRE(spec.film_E && spec.film_nu, InputError,
                   fmt::format("{}: keys 'corrosion.film_E' / 'film_nu': the film's material "
                               "needs both",
                               name));
    physics::IsotropicMaterial{*spec.film_E, *spec.film_nu}.validate(
        fmt::format("{}: keys 'corrosion.film_E' / 'film_nu'", name));
  }
  RESORB_REQUIRE(
      spec.end_time > 0, InputError,
      fmt::format("{}: key 'corrosion.end_time': {} s must be positive", name, spec.end_time));
  if (!(spec.output_interval > 0))
    spec.output_interval = spec.end_time / 24.0;
  if (!(spec.checkpoint_interval > 0))
    spec.checkpoint_interval = spec.output_interval;
  RESORB_REQUIRE(spec.dt_initial > 0 && spec.dt_max > 0, InputError,
                 fmt::format("{}: keys 'corrosion.dt_initial' / 'dt_max' must be positive", name));
  RESORB_REQUIRE(spec.rtol > 0 && spec.rtol < 1, InputError,
                 fmt::format("{}: key 'corrosion.rtol': {} must lie in (0, 1)", name, spec.rtol));
  if (!c.boundaries.empty()) {
    RESORB_REQUIRE(spec.replacement_E && spec.replacement_nu, InputError,
                   fmt::format("{}: key 'corrosion.replacement_E': missing: the tissue that "
                               "fills the space the metal leaves, needed when [boundary] loads "
                               "the corroding implant",
                               name));
    physics::IsotropicMaterial{*spec.replacement_E, *spec.replacement_nu}.validate(
        fmt::format("{}: keys 'corrosion.replacement_E' / 'replacement_nu'", name));
  }
  RESORB_REQUIRE(!spec.stress_assisted || !c.boundaries.empty(), InputError,
                 fmt::format("{}: key 'corrosion.stress_assisted': needs the mechanics: add "
                             "[boundary] loads (the stress comes from them)",
                             name));
}

} // namespace resorb::simulation
