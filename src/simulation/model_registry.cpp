#include "resorb/simulation/model_registry.hpp"

#include "resorb/core/error.hpp"
#include "resorb/physics/corrosion.hpp"
#include "resorb/physics/surface_damage.hpp"

#include <fmt/ranges.h>

#include <map>

namespace resorb::simulation {

namespace {

struct Entry {
  CorrosionModelFactory factory;
  bool needs_alloy = false;
};

std::unique_ptr<physics::CorrosionModel> make_reaction_diffusion(const CorrosionModelInputs& in) {
  RESORB_REQUIRE(in.parameters.has_value(), InputError,
                 "corrosion model 'reaction_diffusion' needs the alloy's parameters in the "
                 "medium");
  auto parameters = *in.parameters;
  for (const auto& factor : in.spec.diffusivity_factor)
    parameters.region_diffusivity.push_back(factor);
  if (!in.spec.hydroxide.empty())
    parameters.hydroxide = in.spec.hydroxide == "stoichiometric"
                               ? physics::CorrosionParameters::Hydroxide::stoichiometric
                               : physics::CorrosionParameters::Hydroxide::published;
  return std::make_unique<physics::MagnesiumCorrosion>(in.mesh, in.spec.metal_group, parameters,
                                                       in.settings);
}

std::unique_ptr<physics::CorrosionModel> make_surface_damage(const CorrosionModelInputs& in) {
  physics::SurfaceDamageParameters p;
  p.name = "surface damage";
  p.recession_speed = in.spec.rate;
  if (in.spec.pitting_shape > 0)
    p.weibull_shape = in.spec.pitting_shape;
  p.seed = in.spec.seed;
  auto settings = physics::SurfaceDamageCorrosion::defaults();
  settings.dt_initial = in.settings.dt_initial;
  settings.dt_min = in.settings.dt_min;
  settings.dt_max = in.settings.dt_max;
  settings.control.rtol = in.settings.control.rtol;
  return std::make_unique<physics::SurfaceDamageCorrosion>(in.mesh, in.spec.metal_group, p,
                                                           in.spec.exposed, settings);
}

// The registry, with resorb's own models in it from the first use on.
std::map<std::string, Entry>& registry() {
  static std::map<std::string, Entry> models{
      {"reaction_diffusion", {make_reaction_diffusion, true}},
      {"surface_damage", {make_surface_damage, false}}};
  return models;
}

const Entry& find(const std::string& name) {
  const auto it = registry().find(name);
  RESORB_REQUIRE(it != registry().end(), InputError,
                 fmt::format("unknown corrosion model '{}' (known: {})", name,
                             fmt::join(CorrosionModels::names(), ", ")));
  return it->second;
}

} // namespace

void CorrosionModels::add(const std::string& name, CorrosionModelFactory factory,
                          bool needs_alloy) {
  RESORB_REQUIRE(!name.empty() && factory, InputError,
                 "a corrosion model needs a name and a factory");
  RESORB_REQUIRE(!contains(name), InputError,
                 fmt::format("corrosion model '{}' is registered already", name));
  registry().emplace(name, Entry{std::move(factory), needs_alloy});
}

bool CorrosionModels::contains(const std::string& name) {
  return registry().count(name) > 0;
}

bool CorrosionModels::needs_alloy(const std::string& name) {
  return find(name).needs_alloy;
}

std::vector<std::string> CorrosionModels::names() {
  std::vector<std::string> all;
  for (const auto& [name, entry] : registry())
    all.push_back(name);
  return all;
}

std::unique_ptr<physics::CorrosionModel> CorrosionModels::make(const CorrosionModelInputs& inputs) {
  return find(inputs.spec.model).factory(inputs);
}

} // namespace resorb::simulation
