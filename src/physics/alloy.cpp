#include "resorb/physics/alloy.hpp"

#include "resorb/io/data_files.hpp"
#include "resorb/physics/corrosion_model.hpp"

#include "io/toml_reader.hpp"

#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace resorb::physics {

using io::locate_data_file;
using io::parse_toml_file;
using io::Reader;

namespace {

/// Dimension of the film breakdown rate constant: m⁶/(mol²·s).
constexpr Dimension breakdown_rate{{6, 0, -1, -2, 0}};
/// Dimension of a second-order rate constant: m³/(mol·s).
constexpr Dimension second_order_rate{{3, 0, -1, -1, 0}};

std::string text(const Reader& r, const toml::table& t, const char* key) {
  const auto* v = t.get(key);
  if (v == nullptr || !v->is_string())
    r.fail(key, "missing or not a string");
  return v->as_string()->get();
}

double required(const Reader& r, const toml::table& t, const std::string& prefix, const char* key,
                const Dimension& dim) {
  const auto* v = t.get(key);
  const auto name = prefix.empty() ? std::string(key) : prefix + "." + key;
  if (v == nullptr)
    r.fail(name, "missing");
  return r.quantity(*v, dim, name);
}

} // namespace

double Alloy::metal_mg() const {
  return density * mg_mass_fraction / molar_mass_mg;
}

CorrosionParameters read_medium(const std::string& name_or_path) {
  const auto path = locate_data_file(name_or_path, "media", "medium");
  const Reader r(path.string());
  const auto root = parse_toml_file(path);
  r.only_keys(root, "",
              {"name", "source", "diffusivity_mg", "diffusivity_oh", "diffusivity_cl",
               "film_formation_rate", "film_breakdown_rate", "film_beta", "film_porosity",
               "film_tortuosity", "film_capacity", "mg_saturation", "magnesium", "chloride", "ph",
               "hydroxide", "ph_closure", "buffer"});
  CorrosionParameters p;
  p.name = text(r, root, "name");
  (void)text(r, root, "source");
  auto get = [&](const char* key, const Dimension& dim) { return required(r, root, "", key, dim); };
  p.diffusivity_mg = get("diffusivity_mg", dim::diffusivity);
  p.diffusivity_oh = get("diffusivity_oh", dim::diffusivity);
  p.diffusivity_cl = get("diffusivity_cl", dim::diffusivity);
  p.film_formation_rate = get("film_formation_rate", dim::rate);
  p.film_breakdown_rate = get("film_breakdown_rate", breakdown_rate);
  p.film_beta = get("film_beta", dim::dimensionless);
  p.film_porosity = get("film_porosity", dim::dimensionless);
  p.film_tortuosity = get("film_tortuosity", dim::dimensionless);
  p.film_capacity = get("film_capacity", dim::concentration);
  p.mg_saturation = get("mg_saturation", dim::concentration);
  p.initial_mg = get("magnesium", dim::concentration);
  p.initial_cl = get("chloride", dim::concentration);
  const double ph = get("ph", dim::dimensionless);
  if (!(ph > 0 && ph < 14))
    r.fail("ph", fmt::format("{} must lie in (0, 14)", ph));
  p.initial_oh = std::pow(10.0, ph - 14.0) * 1e3;
  const auto hydroxide = text(r, root, "hydroxide");
  if (hydroxide != "published" && hydroxide != "stoichiometric")
    r.fail("hydroxide", "must be \"published\" or \"stoichiometric\"");
  p.hydroxide = hydroxide == "published" ? CorrosionParameters::Hydroxide::published
                                         : CorrosionParameters::Hydroxide::stoichiometric;
  if (root.get("ph_closure")) {
    const auto closure = text(r, root, "ph_closure");
    if (closure != "mg_hydroxide_saturation" && closure != "none")
      r.fail("ph_closure", "must be \"mg_hydroxide_saturation\" or \"none\"");
    p.ph_closure = closure == "none" ? CorrosionParameters::PhClosure::none
                                     : CorrosionParameters::PhClosure::mg_hydroxide_saturation;
  }
  if (const auto* b = root.get("buffer")) {
    const auto& t = r.table(b, "buffer");
    r.only_keys(t, "buffer",
                {"co2", "hco3", "pka", "hydration_rate", "perfusion_rate", "diffusivity_co2",
                 "diffusivity_hco3"});
    BicarbonateBuffer buffer;
    buffer.co2 = required(r, t, "buffer", "co2", dim::concentration);
    buffer.hco3 = required(r, t, "buffer", "hco3", dim::concentration);
    buffer.pka = required(r, t, "buffer", "pka", dim::dimensionless);
    buffer.hydration_rate = required(r, t, "buffer", "hydration_rate", second_order_rate);
    buffer.perfusion_rate = required(r, t, "buffer", "perfusion_rate", dim::rate);
    buffer.diffusivity_co2 = required(r, t, "buffer", "diffusivity_co2", dim::diffusivity);
    buffer.diffusivity_hco3 = required(r, t, "buffer", "diffusivity_hco3", dim::diffusivity);
    p.buffer = buffer;
  }
  // Pure Mg until an alloy says otherwise (corrosion_parameters()).
  p.metal_mg = units::density_mg / units::molar_mass_mg;
  try {
    p.validate();
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", path.string(), e.what()));
  }
  return p;
}

Alloy read_alloy(const std::string& name_or_path) {
  const auto path = locate_data_file(name_or_path, "alloys", "alloy");
  const Reader r(path.string());
  const auto root = parse_toml_file(path);
  r.only_keys(root, "",
              {"name", "source", "density", "mg_mass_fraction", "youngs_modulus", "poisson_ratio",
               "calibration"});
  Alloy a;
  a.name = text(r, root, "name");
  a.source = text(r, root, "source");
  a.density = required(r, root, "", "density", dim::density);
  a.mg_mass_fraction = required(r, root, "", "mg_mass_fraction", dim::dimensionless);
  a.youngs_modulus = required(r, root, "", "youngs_modulus", dim::pressure);
  a.poisson_ratio = required(r, root, "", "poisson_ratio", dim::dimensionless);
  if (!(a.density > 0))
    r.fail("density", "must be positive");
  if (!(a.mg_mass_fraction > 0 && a.mg_mass_fraction <= 1))
    r.fail("mg_mass_fraction", "must lie in (0, 1]");
  if (!(a.youngs_modulus > 0))
    r.fail("youngs_modulus", "must be positive");
  if (!(a.poisson_ratio > -1 && a.poisson_ratio < 0.5))
    r.fail("poisson_ratio", "must lie in (-1, 0.5)");
  if (const auto* c = root.get("calibration")) {
    for (const auto& [medium, node] : r.table(c, "calibration")) {
      const std::string key = "calibration." + std::string(medium.str());
      const auto& t = r.table(&node, key);
      r.only_keys(t, key, {"target_rate", "rate_factor", "duration", "cell_size", "source"});
      AlloyCalibration cal;
      cal.medium = std::string(medium.str());
      cal.rate_factor = required(r, t, key, "rate_factor", dim::dimensionless);
      // A fit to a measured rate records the rate and the coupon run; a factor taken from a
      // source that calibrated the medium's constants for this metal directly has neither.
      if (t.get("target_rate") != nullptr) {
        cal.target_speed = required(r, t, key, "target_rate", dim::speed);
        cal.duration = required(r, t, key, "duration", dim::time);
        cal.cell_size = required(r, t, key, "cell_size", dim::length);
        if (!(cal.target_speed > 0 && cal.duration > 0 && cal.cell_size > 0))
          r.fail(key, "target_rate, duration and cell_size must be positive");
      } else if (t.get("duration") != nullptr || t.get("cell_size") != nullptr) {
        r.fail(key, "duration and cell_size belong to a fit: give its target_rate too");
      }
      const auto* source = t.get("source");
      if (source == nullptr || !source->is_string())
        r.fail(key + ".source", "missing: say where the target rate comes from");
      cal.source = source->as_string()->get();
      if (!(cal.rate_factor > 0))
        r.fail(key + ".rate_factor", "must be positive");
      a.calibrations.push_back(cal);
    }
  }
  return a;
}

CorrosionParameters corrosion_parameters(const Alloy& alloy, const std::string& medium_name) {
  return corrosion_parameters(alloy, read_medium(medium_name), medium_name);
}

CorrosionParameters corrosion_parameters(const Alloy& alloy, CorrosionParameters p,
                                         const std::string& medium_name) {
  const auto medium_key = std::filesystem::path(medium_name).stem().string();
  std::string known;
  for (const auto& c : alloy.calibrations) {
    if (c.medium == medium_key) {
      p.name = fmt::format("{} in {}", alloy.name, p.name);
      p.metal_mg = alloy.metal_mg();
      p.diffusivity_mg *= c.rate_factor;
      p.validate();
      return p;
    }
    known += (known.empty() ? "" : ", ") + c.medium;
  }
  throw InputError(fmt::format("alloy '{}' has no calibration for medium '{}' (it has: {}); fit "
                               "one with calibrate_rate_factor and add it to its file",
                               alloy.name, medium_key, known.empty() ? "none" : known));
}

} // namespace resorb::physics
