#pragma once
/// @file
/// Mechanics of a degrading implant: the elasticity problem sees each implant cell as the
/// metal a corrosion model has left in it plus the tissue that fills the space the metal
/// vacated (an ersatz material, Voigt mix: E = f E_metal + (1 − f) E_tissue, and ν alike,
/// f the cell's metal fraction from CorrosionModel::metal_fraction()). Each update() sets
/// the per-cell materials and re-solves; the figures are what fixation is judged by.
#include "resorb/physics/elasticity.hpp"
#include "resorb/physics/material.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace resorb::physics {

/// Figures of one mechanics solve of a degrading implant.
struct ImplantMechanicsReport {
  double strain_energy = 0.0; ///< ½ ∫ σ : ε, J
  double metal_volume = 0.0;  ///< Σ f V over the implant's cells, m³
  /// Largest von Mises stress of the metal among cells at least half metal, Pa: the metal's
  /// own stress, E_metal / E_cell of the cell's (both phases of the Voigt mix share the
  /// strain). Slivers are left out: there the metal would carry a soft cell's strain.
  double implant_peak_stress = 0.0;
  double implant_mean_stress = 0.0; ///< metal-volume-weighted mean of the same, Pa
  double bone_peak_stress = 0.0;    ///< largest cell von Mises stress outside the implant, Pa
  double bone_mean_stress = 0.0;    ///< volume-weighted mean von Mises stress outside it, Pa
  int linear_iterations = 0;        ///< of the solve
  /// Per owned cell: the metal's own hydrostatic stress (E_metal / E_cell of the cell's,
  /// Pa; tension positive) in the implant's cells, 0 elsewhere. Drives stress-assisted
  /// corrosion (MagnesiumCorrosion::set_stress()).
  std::vector<double> metal_hydrostatic_stress;
};

/// The mechanics of an implant (cell group @p implant_group) that loses metal over time.
/// Loads and supports are set on the Elasticity object by the caller; this class owns only
/// the materials. The Elasticity object must outlive it.
template <fem::LagrangeElement Element>
class DegradingImplant {
public:
  /// @p metal: the alloy; @p replacement: what fills the vacated space (e.g. soft callus
  /// or fibrous tissue); @p materials: every other cell group with its material.
  /// @throws InputError for an unknown group, a non-physical material, or cells left
  ///         without a material
  DegradingImplant(Elasticity<Element>& mechanics, std::string_view implant_group,
                   IsotropicMaterial metal, IsotropicMaterial replacement,
                   std::vector<std::pair<std::string, IsotropicMaterial>> materials);

  /// Sets the implant cells' materials from @p metal_fraction (one value in [0, 1] per
  /// owned cell, as CorrosionModel::metal_fraction() gives; ignored outside the implant)
  /// and solves. Collective.
  /// @throws InputError for a fraction outside [0, 1] or of the wrong size
  /// @throws SolverError when the solve does not converge
  ///
  /// With a film material (set_film()) and @p film_fraction (one value in [0, 1] per owned
  /// cell, CorrosionModel::film_fraction()), the part of an implant cell the metal has left
  /// is the Voigt mix of film (fraction s) and replacement tissue (1 − s):
  ///   E = g E_metal + (1 − g) (s E_film + (1 − s) E_replacement), likewise ν.
  ImplantMechanicsReport update(std::span<const double> metal_fraction,
                                std::span<const double> film_fraction = {});
  /// The corrosion product's material (Mg(OH)₂, porous): it then stiffens the space the
  /// metal leaves by its film fraction. @throws InputError when it is non-physical
  void set_film(IsotropicMaterial film);

  /// Per owned cell: 1 in the implant's cells, 0 elsewhere.
  [[nodiscard]] const std::vector<char>& implant_cells() const { return implant_; }

private:
  Elasticity<Element>& mechanics_;
  IsotropicMaterial metal_, replacement_;
  std::optional<IsotropicMaterial> film_;
  std::vector<char> implant_;  // per owned cell
  std::vector<double> E_, nu_; // per owned cell, the implant's entries rewritten
};

extern template class DegradingImplant<fem::P1>;
extern template class DegradingImplant<fem::P2>;

} // namespace resorb::physics
