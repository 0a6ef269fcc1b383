#include "resorb/simulation/bone_material_setup.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/log.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/io/image.hpp"

#include <fmt/ranges.h>

#include <cmath>
#include <optional>

namespace resorb::simulation {

imaging::BoneMaterialMap bone_material_map(const BoneMaterialSpec& spec,
                                           const std::string& context) {
  imaging::BoneMaterialMap map;
  map.density_per_hu = spec.density_per_hu;
  map.density_at_0_hu = spec.density_at_0_hu;
  map.ash_scale = spec.ash_scale;
  map.ash_offset = spec.ash_offset;
  map.ash_fraction = spec.ash_fraction;
  map.poisson_ratio = spec.poisson_ratio;
  map.min_modulus = spec.min_E;
  map.law =
      spec.law == "custom"
          ? imaging::ModulusDensityLaw{"custom", spec.coefficient, spec.exponent,
                                       spec.density == "ash" ? imaging::DensityBasis::ash
                                                             : imaging::DensityBasis::apparent}
          : imaging::modulus_density_law(spec.law, context + " key 'law'");
  map.validate(context);
  return map;
}

imaging::CellBoneMaterial map_ct_bone_material(const mesh::TetMesh& mesh,
                                               const BoneMaterialSpec& spec,
                                               const imaging::BoneMaterialMap& map) {
  log::info(mesh.comm(), "      bone moduli from {} ({}, E-first) in {}", spec.ct.string(),
            map.law.name, fmt::join(spec.groups, ", "));
  imaging::CellBoneMaterial cells;
  std::optional<std::string> error; // one rank's cells may be outside the CT, not another's
  try {
    cells = imaging::map_bone_material(mesh, io::read_scalar_image(spec.ct), map, spec.groups);
  } catch (const InputError& e) {
    error = e.what();
  }
  mpi::throw_first_error<InputError>(mesh.comm(), error);
  return cells;
}

std::vector<fem::CellField> bone_fields(const imaging::CellBoneMaterial& cells) {
  fem::CellField modulus{"bone_modulus", 1, cells.E, "Pa"};
  fem::CellField density{"bone_apparent_density", 1, cells.density, "kg/m^3"};
  for (auto* f : {&modulus, &density})
    for (auto& v : f->values)
      v = std::isnan(v) ? 0.0 : v;
  return {std::move(modulus), std::move(density)};
}

} // namespace resorb::simulation
