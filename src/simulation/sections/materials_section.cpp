#include "simulation/case_sections.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/units.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include "resorb/physics/alloy.hpp"

#include <algorithm>

namespace resorb::simulation::impl {

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

void read_materials_section(const Reader& r, const toml::table& root,
                            const std::filesystem::path& base, Case& c) {
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

  static const toml::table no_materials;
  const auto& materials = c.corrosion && !root.get("materials")
                              ? no_materials
                              : r.table(root.get("materials"), "materials");
  for (const auto& [name, node] : materials) {
    const std::string key = fmt::format("materials.{}", name.str());
    const auto& m = r.table(&node, key);
    r.only_keys(m, key, {"E", "nu", "alloy"});
    if (const auto* alloy = m.get("alloy")) {
      // An alloy's E and nu come from its data file, their one home.
      if (!alloy->is_string())
        r.fail(key + ".alloy", "must be a name in data/alloys or a file path (a string)");
      if (m.get("E") || m.get("nu"))
        r.fail(key, "takes either 'alloy' or 'E' and 'nu', not both");
      try {
        const auto a = physics::read_alloy(alloy->as_string()->get());
        c.materials.push_back({std::string(name.str()), a.youngs_modulus, a.poisson_ratio});
      } catch (const InputError& e) {
        r.fail(key + ".alloy", e.what());
      }
      continue;
    }
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
}

} // namespace resorb::simulation::impl
