#include "simulation/case_sections.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/units.hpp"

#include "resorb/simulation/model_registry.hpp"
#include <fmt/format.h>
#include <toml++/toml.h>

#include <fmt/ranges.h>

#include <initializer_list>

namespace resorb::simulation::impl {

std::optional<CorrosionSpec> read_corrosion_section(const Reader& r, const toml::table& root) {
  const auto* corrosion = root.get("corrosion");
  if (corrosion == nullptr)
    return std::nullopt;
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
  if (const auto* v = t.get("model")) {
    const auto text = v->value<std::string>();
    if (!text || !CorrosionModels::contains(*text))
      r.fail("corrosion.model",
             fmt::format("must be one of \"{}\"", fmt::join(CorrosionModels::names(), "\", \"")));
    spec.model = *text;
  }
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
  return spec;
}

} // namespace resorb::simulation::impl
