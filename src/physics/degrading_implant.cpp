#include "resorb/physics/degrading_implant.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

namespace resorb::physics {

template <fem::LagrangeElement Element>
DegradingImplant<Element>::DegradingImplant(
    Elasticity<Element>& mechanics, std::string_view implant_group, IsotropicMaterial metal,
    IsotropicMaterial replacement, std::vector<std::pair<std::string, IsotropicMaterial>> materials)
    : mechanics_(mechanics), metal_(metal), replacement_(replacement) {
  metal_.validate(fmt::format("implant '{}' metal", implant_group));
  replacement_.validate(fmt::format("implant '{}' replacement tissue", implant_group));
  const auto& mesh = mechanics.mesh();
  const int implant_tag = mesh.cell_tag(implant_group);
  const auto tags = mesh.cell_tags();
  const auto cells = static_cast<std::size_t>(mesh.num_cells());
  implant_.assign(cells, 0);
  E_.assign(cells, std::nan(""));
  nu_.assign(cells, std::nan(""));
  for (const auto& [group, material] : materials) {
    material.validate(fmt::format("material of '{}'", group));
    const int tag = mesh.cell_tag(group);
    for (std::size_t c = 0; c < cells; ++c)
      if (tags[c] == tag) {
        E_[c] = material.E;
        nu_[c] = material.nu;
      }
  }
  bool missing = false;
  for (std::size_t c = 0; c < cells; ++c) {
    implant_[c] = tags[c] == implant_tag ? 1 : 0;
    missing = missing || (!implant_[c] && std::isnan(E_[c]));
  }
  RESORB_REQUIRE(!mpi::max(mesh.comm(), missing ? 1 : 0), InputError,
                 fmt::format("degrading implant on {}: some cells outside '{}' belong to no "
                             "group with a material",
                             mesh.source(), implant_group));
}

template <fem::LagrangeElement Element>
void DegradingImplant<Element>::set_film(IsotropicMaterial film) {
  film.validate("implant film");
  film_ = film;
}

template <fem::LagrangeElement Element>
ImplantMechanicsReport DegradingImplant<Element>::update(std::span<const double> metal_fraction,
                                                         std::span<const double> film_fraction) {
  const auto& mesh = mechanics_.mesh();
  const auto cells = implant_.size();
  // Checked on every rank together: a rank that found nothing wrong must not go on into the
  // solve's collectives alone.
  std::optional<std::string> error;
  if (metal_fraction.size() != cells)
    error = fmt::format("degrading implant: {} metal fractions for {} cells", metal_fraction.size(),
                        cells);
  for (std::size_t c = 0; c < cells && !error; ++c)
    if (implant_[c] && !(metal_fraction[c] >= 0.0 && metal_fraction[c] <= 1.0 + 1e-12))
      error = fmt::format("degrading implant: metal fraction {} of cell {} is not in [0, 1]",
                          metal_fraction[c], c);
  const bool with_film = film_ && !film_fraction.empty();
  if (with_film && !error && film_fraction.size() != cells)
    error = fmt::format("degrading implant: {} film fractions for {} cells", film_fraction.size(),
                        cells);
  for (std::size_t c = 0; c < cells && with_film && !error; ++c)
    if (implant_[c] && !(film_fraction[c] >= 0.0 && film_fraction[c] <= 1.0))
      error = fmt::format("degrading implant: film fraction {} of cell {} is not in [0, 1]",
                          film_fraction[c], c);
  mpi::throw_first_error<InputError>(mesh.comm(), error);
  for (std::size_t c = 0; c < cells; ++c) {
    if (!implant_[c])
      continue;
    const double g = std::min(metal_fraction[c], 1.0);
    const double s = with_film ? film_fraction[c] : 0.0;
    const double E_left = with_film ? s * film_->E + (1.0 - s) * replacement_.E : replacement_.E;
    const double nu_left =
        with_film ? s * film_->nu + (1.0 - s) * replacement_.nu : replacement_.nu;
    E_[c] = g * metal_.E + (1.0 - g) * E_left;
    nu_[c] = g * metal_.nu + (1.0 - g) * nu_left;
  }
  mechanics_.set_cell_materials(E_, nu_);
  const auto solve = mechanics_.solve();
  ImplantMechanicsReport r;
  r.linear_iterations = solve.iterations;
  r.strain_energy = mechanics_.strain_energy();
  const auto stress = mechanics_.stress_invariants();
  const auto& von_mises = stress[0].values;
  const auto& hydrostatic = stress[1].values;
  r.metal_hydrostatic_stress.assign(cells, 0.0);
  double metal = 0.0, implant_sum = 0.0, bone_volume = 0.0, bone_sum = 0.0;
  double implant_peak = 0.0, bone_peak = 0.0;
  for (std::size_t c = 0; c < cells; ++c) {
    const double volume = mesh::signed_volume(mesh.cell_coordinates(static_cast<LocalIndex>(c)));
    if (implant_[c]) {
      // The metal's own stress: in the Voigt mix both phases share the strain, so the
      // metal carries E_metal / E_cell of the cell's stress.
      const double v = std::min(metal_fraction[c], 1.0) * volume;
      r.metal_hydrostatic_stress[c] = metal_.E / E_[c] * hydrostatic[c];
      const double stress = von_mises[c] * metal_.E / E_[c];
      metal += v;
      implant_sum += v * stress;
      // Peak over cells at least half metal: in a sliver of metal the Voigt mix makes the
      // metal carry the soft cell's strain, which is not a stress the implant sees.
      if (metal_fraction[c] >= 0.5)
        implant_peak = std::max(implant_peak, stress);
    } else {
      bone_volume += volume;
      bone_sum += volume * von_mises[c];
      bone_peak = std::max(bone_peak, von_mises[c]);
    }
  }
  const MPI_Comm comm = mesh.comm();
  r.metal_volume = mpi::sum(comm, metal);
  const double implant_total = mpi::sum(comm, implant_sum);
  const double bone_total = mpi::sum(comm, bone_sum);
  bone_volume = mpi::sum(comm, bone_volume);
  r.implant_mean_stress = r.metal_volume > 0 ? implant_total / r.metal_volume : 0.0;
  r.bone_mean_stress = bone_volume > 0 ? bone_total / bone_volume : 0.0;
  r.implant_peak_stress = mpi::max(comm, implant_peak);
  r.bone_peak_stress = mpi::max(comm, bone_peak);
  return r;
}

template class DegradingImplant<fem::P1>;
template class DegradingImplant<fem::P2>;

} // namespace resorb::physics
