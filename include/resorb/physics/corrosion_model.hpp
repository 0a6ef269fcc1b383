#pragma once
/// @file
/// What every corrosion model offers: stepping in time, the same derived figures, fields for
/// a viewer and the metal left in each cell (for coupling to the mechanics). The config's
/// `[corrosion] model` picks one; callers only see this interface.
#include "resorb/core/conversions.hpp"
#include "resorb/fem/field.hpp"
#include "resorb/physics/transport.hpp"

#include <cmath>

#include <functional>
#include <span>
#include <string>
#include <vector>

namespace resorb::physics {

/// Molar mass of magnesium, kg/mol (units::molar_mass_mg).
inline constexpr double molar_mass_mg = units::molar_mass_mg;

/// Volume (m³) of @p moles of ideal gas at body temperature (37 °C) and 1 atm: the H₂ that
/// @p moles of dissolved Mg release (Mg + 2 H₂O → Mg(OH)₂ + H₂, one H₂ per Mg).
[[nodiscard]] constexpr double hydrogen_volume_at_body_temperature(double moles) {
  return units::gas_volume_at_body_temperature(moles);
}

/// Drive of Mg(OH)₂ precipitation, from the hydroxide's relative supersaturation
/// σ = [OH⁻] / [OH⁻]_sat − 1 = √S − 1 (S = [Mg²⁺][OH⁻]² / K_sp, the saturation ratio):
/// 0 where undersaturated (or a concentration is not positive), 2σ up to σ = 1/4, then
/// 1 − 1/(8σ), which tends to 1 (far from saturation the film forms at its own rate
/// k [Mg²⁺]); value and slope are continuous, the corner at σ = 0 blended by a quadratic
/// over |σ| < 0.02. Near saturation it is 1 − 1/S to first order, and like it it tends to 1.
/// Why not 1 − 1/S itself: at the metal [Mg²⁺] is held at saturation (5.5 mol/L), so the
/// film's rate there, ~10 mol/(m³ s), pins [OH⁻] near its saturation value; a drive concave
/// in [OH⁻] right from σ = 0 sends a Newton step from the supersaturated side onto the flat
/// undersaturated one and the next back (the in-vivo screw stalled with dt → 1e-6 s); linear
/// near σ = 0, Newton lands on such roots. Uncapped (σ itself), precipitation at the
/// surface drew Mg from the metal so fast that a calibration coupon dissolved in 5 h. The
/// derivatives by [Mg²⁺] and [OH⁻] are written to @p d_mg and @p d_oh (left alone when the
/// drive is 0). mol/m³ throughout.
inline double hydroxide_supersaturation(double mg, double oh, double solubility_product,
                                        double& d_mg, double& d_oh) {
  constexpr double blend = 0.02, knee = 0.25;
  if (mg <= 0.0 || oh <= 0.0)
    return 0.0;
  const double root = std::sqrt(mg / solubility_product); // 1 / [OH⁻]_sat
  const double sigma = oh * root - 1.0;
  if (sigma <= -blend)
    return 0.0;
  double value = 0.0, slope = 0.0; // drive and d drive / dσ
  if (sigma < blend) {
    value = (sigma + blend) * (sigma + blend) / (2.0 * blend);
    slope = (sigma + blend) / blend;
  } else if (sigma <= knee) {
    value = 2.0 * sigma;
    slope = 2.0;
  } else {
    value = 1.0 - 0.125 / sigma;
    slope = 0.125 / (sigma * sigma);
  }
  d_mg = slope * 0.5 * oh * root / mg;
  d_oh = slope * root;
  return value;
}

/// Newton-step limiter for the film's formation drive (TransportSettings, see
/// ReactionDiffusion::set_update_limiter): a node whose iterate was supersaturated
/// ([OH⁻] above [OH⁻]_sat = √(K_sp / [Mg²⁺]), the film forming) and whose Newton update falls
/// below saturation is set to saturation, where the drive's slope is still seen. Why: with
/// [Mg²⁺] near 5.5 mol/L (at and next to the metal) the drive is concave above saturation, so
/// its tangent from a strongly supersaturated iterate reaches far below saturation (measured:
/// [OH⁻] 1.7e-3 → −8e-4 mol/m³), onto the flat side where the next tangent no longer sees the
/// film forming and jumps back: a two-cycle that failed Newton at any step size (the in-vivo
/// screw: 58 failed steps in 3 weeks, each cutting the step to ~1 s). @p old and @p updated
/// hold a node's [Mg²⁺] and [OH⁻] at indices 0 and 1. Returns true when it moved @p updated.
inline bool limit_hydroxide_step(const double* old, double* updated, double solubility_product) {
  if (old[0] <= 0.0 || updated[0] <= 0.0)
    return false;
  const double old_saturation = std::sqrt(solubility_product / old[0]);
  const double new_saturation = std::sqrt(solubility_product / updated[0]);
  if (old[1] <= old_saturation || updated[1] >= new_saturation)
    return false;
  updated[1] = new_saturation;
  return true;
}

/// Gutman's mechanochemical factor on the anodic dissolution rate, exp(σ_h V_m / (R T)):
/// hydrostatic stress @p hydrostatic_stress (Pa, tension positive) raises the chemical
/// potential of the metal by σ_h V_m (V_m @p molar_volume, m³/mol; Mg 1.40e-5). At 37 °C
/// and V_m of Mg, 100 MPa of tension gives 1.72, 100 MPa of compression 0.58 (E. M. Gutman,
/// Mechanochemistry of Materials, Cambridge Int. Sci. Publ., 1998; applied to Mg implants
/// e.g. by Gastaldi et al., J. Mech. Behav. Biomed. Mater. 4:352, 2011).
[[nodiscard]] inline double gutman_factor(double hydrostatic_stress, double molar_volume,
                                          double temperature = units::body_temperature) {
  return std::exp(hydrostatic_stress * molar_volume / (units::gas_constant * temperature));
}

/// Figures of a corrosion model's current state, the same for every model.
struct CorrosionReport {
  double time = 0.0;            ///< s
  double dt = 0.0;              ///< last step, s
  double metal_volume = 0.0;    ///< m³
  double mass_loss = 0.0;       ///< fraction of the initial metal mass
  double dissolved = 0.0;       ///< Mg dissolved since t = 0, mol (= H₂ released, mol)
  double hydrogen_volume = 0.0; ///< H₂ at 37 °C and 1 atm, m³
  double interface_area = 0.0;  ///< area of the metal surface exposed to the medium, m²
  double ph_min = 0.0, ph_mean = 0.0, ph_max = 0.0; ///< over wet nodes near the metal
  double film = 0.0;                                ///< Mg(OH)₂ in the film, mol
  double balance_error = 0.0; ///< |change of the model's conserved Mg sum| / initial metal Mg
  StepReport transport;       ///< the last transport step (models without one: dt only)
};

/// Stores @p r under @p key (for CorrosionModel::save()).
void save_step_report(Checkpoint& checkpoint, const std::string& key, const StepReport& r);
/// The StepReport save_step_report() stored under @p key. @throws InputError
[[nodiscard]] StepReport restore_step_report(const Checkpoint& checkpoint, const std::string& key);

/// Transport settings shared by the corrosion models: backward Euler (exact bookkeeping),
/// adaptive steps on the RMS error norm (rtol 2e-3), first step 1 s, at most 1 h.
[[nodiscard]] TransportSettings corrosion_transport_settings();

/// A corrosion model on a distributed mesh: a metal cell group dissolving into a medium.
class CorrosionModel {
public:
  virtual ~CorrosionModel() = default;
  CorrosionModel() = default;
  CorrosionModel(const CorrosionModel&) = delete;
  CorrosionModel& operator=(const CorrosionModel&) = delete;

  /// Current time, s.
  [[nodiscard]] virtual double time() const = 0;
  /// One accepted step ending at most at @p t_limit. Collective.
  /// @throws SolverError when the model cannot continue (the state stays the last accepted)
  virtual CorrosionReport step(double t_limit) = 0;
  /// The figures of the current state. Collective.
  [[nodiscard]] virtual CorrosionReport report() const = 0;
  /// What a viewer wants to see (level set or damage, pH, concentrations), as fields. The
  /// fields are copies. Collective.
  [[nodiscard]] virtual std::vector<fem::Field> output_fields() const = 0;
  /// Fraction of each owned cell's volume that is still metal, in [0, 1]: 0 for cells that
  /// were never metal. The mechanics scales the implant's stiffness with it.
  [[nodiscard]] virtual std::vector<double> metal_fraction() const = 0;
  /// Fraction s in [0, 1] of each owned cell's wet part that the corrosion product (the
  /// Mg(OH)₂ film) fills; zeros for models without a film. The mechanics gives that part
  /// the film's modulus (DegradingImplant::set_film()).
  [[nodiscard]] virtual std::vector<double> film_fraction() const;
  /// Whether the model's dissolution can feel the metal's stress (set_stress()).
  [[nodiscard]] virtual bool supports_stress() const { return false; }
  /// Stress-assisted dissolution from the next step on: @p cell_hydrostatic_stress (Pa, one
  /// per owned cell, the metal's own hydrostatic stress). Collective.
  /// @throws InputError for a model that does not support it (supports_stress())
  virtual void set_stress(std::span<const double> cell_hydrostatic_stress);

  /// Stores the model's state under @p prefix (Checkpoint): what a resumed run needs to take
  /// the very steps this one would have taken.
  virtual void save(Checkpoint& checkpoint, const std::string& prefix) const = 0;
  /// Restores what save() stored, on an object constructed like the saved one (same mesh,
  /// partition and parameters). @throws InputError when the checkpoint does not fit
  virtual void restore(const Checkpoint& checkpoint, const std::string& prefix) = 0;

  /// Steps until time() == @p t_end, calling @p on_step after each accepted step. Collective.
  void advance_to(double t_end, const std::function<void(const CorrosionReport&)>& on_step = {});
};

} // namespace resorb::physics
