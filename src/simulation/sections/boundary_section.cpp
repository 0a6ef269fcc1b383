#include "simulation/case_sections.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/units.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

namespace resorb::simulation::impl {

void read_boundary_section(const Reader& r, const toml::table& root, Case& c) {
  if (const auto* boundary = root.get("boundary")) {
    for (const auto& [name, node] : r.table(boundary, "boundary")) {
      const std::string key = fmt::format("boundary.{}", name.str());
      const auto& b = r.table(&node, key);
      r.only_keys(b, key, {"fix", "force", "traction", "pressure"});
      physics::BoundaryCondition spec;
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

  if (const auto* bf = root.get("body_force")) {
    const auto& t = r.table(bf, "body_force");
    r.only_keys(t, "body_force", {"value"});
    if (const auto* v = t.get("value"))
      c.body_force = r.vector(*v, dim::force_per_volume, "body_force.value");
  }
}

} // namespace resorb::simulation::impl
