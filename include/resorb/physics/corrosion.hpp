#pragma once
/// @file
/// Magnesium corrosion by reaction–diffusion with a moving metal boundary (after Barzegari
/// et al., Corrosion Science 190:109674, 2021), on the transport engine.
///
/// Species (mol/m³): Mg²⁺, OH⁻, Cl⁻ and the Mg(OH)₂ film (immobile). With the film fraction
/// s = β C_film / (C_cap (1 − ε)), every diffusivity is D_i [(1 − s) + s ε/τ] in the wet part
/// of a cell and zero in its metal part;
///   film formation   Mg²⁺ → Mg(OH)₂   rate k₁ C_Mg (1 − s)
///   film breakdown   Mg(OH)₂ + 2 Cl⁻ → Mg²⁺ + 2 Cl⁻ + 2 OH⁻   rate k₂ C_film C_Cl²
/// (the published source adds one unit of OH⁻ per unit of film in its mixed g/mm³ units;
/// here the molar stoichiometry 2 is used). The metal is {φ > 0} of a P1 level set φ kept
/// a signed distance (narrow band). Mg²⁺ is held at [Mg]_sat on the metal's nodes; the flux
/// those nodes deliver in a step, N (mol), dissolves the volume N / (ρ_Mg − [Mg]_sat) of
/// metal (Rankine–Hugoniot), removed exactly by a uniform normal shift of φ after
/// redistancing (the cut-cell volume is matched to 1e-13). So
///   (ρ_Mg − [Mg]_sat) V_metal + ∫ C_Mg + ∫ C_film
/// is conserved to the Newton tolerance; the nodes the metal uncovers keep [Mg]_sat, which
/// the second term already counts. Every dissolved Mg releases one H₂.
///
/// The initial surface layer: at t = 0 the surface nodes hold [Mg]_sat over their whole
/// lumped volume, so the discrete state has S₀ ≈ (sat − C₀) h/2 per area more Mg in solution
/// than the continuum. That Mg is taken from the metal as the continuum would dissolve it
/// (∝ √t, all of it by t₀ = π ℓ²/(4 D), ℓ = S₀ / ((sat − C₀) A)), and the sum above less the
/// part not yet taken is what is conserved. Counting only the flux loses S₀ for ever: the
/// dissolved amount then converges at first order in h (a 200 µm coupon corroded at 0.44
/// instead of 2.3 mm/year); counting it, at second order once √(D t) > h (RESULTS.md).
///
/// pH: the transported OH⁻ is the hydroxide released; the pH reads the free OH⁻, at most
/// the Mg(OH)₂ saturation value (CorrosionParameters::PhClosure).
///
/// Local interface speed: the surface moves at V = q / (ρ_Mg − [Mg]_sat) with q the Mg flux
/// density its nodes deliver, smoothed over a radius of two cells (fem::surface_density: a
/// node's flux leaves through whichever cut cells its edges cross, so flux per node scatters
/// by 10³ at the mesh scale, while flux and area summed over the same patch do not), then
/// the uniform shift above makes the volume exact. set_interface_smoothing(0) recedes the
/// whole surface at its mean speed instead.
#include "resorb/fem/field.hpp"
#include "resorb/physics/corrosion_model.hpp"
#include "resorb/physics/transport.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace resorb::physics {

/// The CO₂/HCO₃⁻ buffer of body fluids (in vivo): CO₂ + OH⁻ ⇌ HCO₃⁻ with equilibrium
/// [HCO₃⁻] / ([CO₂][OH⁻]) = 10^(14 − pKa) L/mol (the model's pH = 14 + log₁₀[OH⁻]), and
/// perfusion that relaxes CO₂ and HCO₃⁻ towards their blood values at a rate k_p. It holds
/// the pH near 14 + log₁₀(hco3 / (co2 · 10^(14 − pKa)) mol/L) = 7.4 until the OH⁻ source
/// outruns the CO₂ supply. Body-fluid values with their sources: data/media/in_vivo.toml.
struct BicarbonateBuffer {
  double co2 = 0.0;              ///< dissolved CO₂ of blood, mol/m³
  double hco3 = 0.0;             ///< HCO₃⁻ of blood, mol/m³
  double pka = 6.1;              ///< pKa of CO₂(aq)/HCO₃⁻ at 37 °C
  double hydration_rate = 0.0;   ///< k of CO₂ + OH⁻ → HCO₃⁻, m³/(mol·s)
  double perfusion_rate = 0.0;   ///< k_p, 1/s (0: a closed system, e.g. a vial of SBF)
  double diffusivity_co2 = 0.0;  ///< m²/s in the medium
  double diffusivity_hco3 = 0.0; ///< m²/s in the medium
  /// Throws InputError naming the parameter when one is non-physical.
  void validate(const std::string& name) const;
};

/// Parameters of the model, SI units (concentrations mol/m³, diffusivities m²/s).
struct CorrosionParameters {
  std::string name;                 ///< where they come from, for reports
  double diffusivity_mg = 0.0;      ///< D of Mg²⁺ in the medium
  double diffusivity_oh = 0.0;      ///< D of OH⁻
  double diffusivity_cl = 0.0;      ///< D of Cl⁻
  double film_formation_rate = 0.0; ///< k₁, 1/s
  double film_breakdown_rate = 0.0; ///< k₂, m⁶/(mol²·s)
  double film_beta = 0.0;           ///< β of the film fraction s
  double film_porosity = 0.55;      ///< ε of the film
  double film_tortuosity = 1.0;     ///< τ of the film
  double film_capacity = 0.0;       ///< C_cap of s = β C_film / (C_cap (1 − ε)), mol/m³
  double mg_saturation = 0.0;       ///< [Mg]_sat at the metal surface
  double metal_mg = 0.0;            ///< Mg content of the metal, ρ_Mg / M_Mg
  double initial_mg = 0.0;          ///< Mg²⁺ in the medium at t = 0
  double initial_oh = 0.0;          ///< OH⁻ in the medium at t = 0
  double initial_cl = 0.0;          ///< Cl⁻ in the medium at t = 0
  /// Where OH⁻ comes from.
  enum class Hydroxide {
    /// As published: film breakdown releases OH⁻ (2 per Mg(OH)₂ here), film formation takes
    /// none. The formation/breakdown cycle then makes OH⁻ at k₁ [Mg²⁺] for ever.
    published,
    /// Mass balance of the reactions: 2 OH⁻ per Mg dissolved (cathodic H₂O reduction, added
    /// at the metal surface one step lagged), −2 per Mg(OH)₂ formed, +2 per Mg(OH)₂ broken
    /// down; the film forms only where [Mg²⁺][OH⁻]² exceeds the solubility product
    /// (rate factor 0 … 1 of the hydroxide's relative supersaturation √S − 1, S the
    /// saturation ratio, hydroxide_supersaturation()), which keeps OH⁻ positive.
    stoichiometric
  };
  Hydroxide hydroxide = Hydroxide::published; ///< OH⁻ balance
  /// Diffusivity factors of cell groups (name or tag as text, factor >= 0) applied to every
  /// species, e.g. cortical bone slower than soft tissue; groups not listed have factor 1.
  /// The metal group's factor holds in the space the dissolving metal leaves behind.
  std::vector<std::pair<std::string, double>> region_diffusivity;
  /// The bicarbonate buffer (adds species CO2 and HCO3-), or none.
  std::optional<BicarbonateBuffer> buffer;
  /// K_sp of Mg(OH)₂, (mol/m³)³: 5.61e-12 mol³/L³ at 25 °C (CRC Handbook) = 5.61e-3.
  double solubility_product = 5.61e-3;
  /// How the pH is read from the transported OH⁻.
  enum class PhClosure {
    /// The transported OH⁻ is the hydroxide the reactions released (net of buffers); the
    /// free OH⁻ that sets the pH is at most what a solution saturated with Mg(OH)₂ holds,
    /// saturation_hydroxide(initial_mg, K_sp): the hydroxide above it precipitates with the
    /// Mg²⁺ that electroneutrality pairs it with. The model's calibrated D_Mg (10⁻²…10⁻⁴
    /// of Mg²⁺'s molecular one) keeps Mg²⁺ near the metal while OH⁻ spreads at its
    /// molecular D, so without this closure OH⁻ accumulates unpaired (pH > 14 with the
    /// published source). Caps the pH at 10.35 in NaCl, 9.79 in SBF (1.5 mM Mg²⁺).
    mg_hydroxide_saturation,
    /// pH = 14 + log₁₀[OH⁻ in mol/L] of the transported OH⁻ as it is (DESIGN.md).
    none
  };
  PhClosure ph_closure = PhClosure::mg_hydroxide_saturation; ///< pH reading
  /// Throws InputError naming the parameter when one is non-physical.
  void validate() const;
};

/// OH⁻ (mol/m³) of a solution saturated with Mg(OH)₂ whose hydroxide came with its own Mg²⁺
/// (one Mg²⁺ per two OH⁻) on top of @p background_mg mol/m³ of Mg²⁺: the root w of
/// (background_mg + w/2) w² = @p solubility_product ((mol/m³)³). With no background Mg²⁺,
/// w = (2 K_sp)^(1/3) = 0.224 mol/m³, pH 10.35.
[[nodiscard]] double saturation_hydroxide(double background_mg, double solubility_product);

/// The corrosion model on a mesh whose cell group @p metal_group is the implant.
class MagnesiumCorrosion final : public CorrosionModel {
public:
  /// Sets up φ (signed distance to the metal's surface), the species and the reactions.
  /// Collective. @throws InputError for non-physical parameters or an unknown/empty group
  MagnesiumCorrosion(const mesh::TetMesh& mesh, std::string_view metal_group,
                     CorrosionParameters parameters, TransportSettings settings = defaults());
  ~MagnesiumCorrosion() override;

  /// Transport settings for corrosion: backward Euler (exact bookkeeping), adaptive.
  [[nodiscard]] static TransportSettings defaults();
  /// Absolute tolerance of the film's volume fraction s in the local-error estimate (the
  /// film's error_atol is this over ∂s/∂C). In vivo the film switches on and off at
  /// supersaturation with s ~ 1e-6; at the medium's 1e-3 mol/m³ those switches, not the
  /// dissolution, set the steps (measured: 440 against 89 steps in 3 weeks, RESULTS.md).
  static constexpr double film_fraction_tolerance = 1e-4;

  [[nodiscard]] double time() const override { return transport_->time(); }
  CorrosionReport step(double t_limit) override;
  [[nodiscard]] CorrosionReport report() const override;
  /// The transport's state, φ, the metal volume and which nodes the medium has reached.
  void save(Checkpoint& checkpoint, const std::string& prefix) const override;
  void restore(const Checkpoint& checkpoint, const std::string& prefix) override;
  /// The level set, pH and every concentration.
  [[nodiscard]] std::vector<fem::Field> output_fields() const override;
  /// The cut-cell volume fraction of {φ > 0} in each cell.
  [[nodiscard]] std::vector<double> metal_fraction() const override;
  /// The film fraction s = β C_film / (C_cap (1 − ε)) of the cell's mean film
  /// concentration, clamped to [0, 1], as the diffusivities use it.
  [[nodiscard]] std::vector<double> film_fraction() const override;

  /// The level set φ (m; > 0 in the metal).
  [[nodiscard]] const fem::Field& level_set() const { return phi_; }
  /// pH = 14 + log₁₀[free OH⁻ in mol/L] at every node (CorrosionParameters::PhClosure).
  /// Collective.
  [[nodiscard]] fem::Field ph() const;
  /// The transport problem (species Mg2+, OH-, Cl-, Mg(OH)2 in this order, then CO2 and
  /// HCO3- with the buffer).
  [[nodiscard]] ReactionDiffusion& transport() { return *transport_; }
  /// The parameters.
  [[nodiscard]] const CorrosionParameters& parameters() const { return parameters_; }
  /// Distance from the metal within which report() takes pH statistics, m (default: the
  /// level set's band).
  void set_ph_distance(double distance) { ph_distance_ = distance; }
  /// Stress-assisted dissolution: from the next step on, the Mg²⁺ concentration held at
  /// each metal node, which drives the dissolution flux under diffusion control, is
  /// f [Mg]_sat, f = gutman_factor(σ_h, V_m = 1 / metal_mg), σ_h the mean of
  /// @p cell_hydrostatic_stress (Pa, one per owned cell, the metal's own stress) over the
  /// metal around the node. The bookkeeping stays exact: the conserved sum counts the held
  /// Mg²⁺ above [Mg]_sat inside the metal, E = Σ_a (c_a − [Mg]_sat) w_a (w_a the metal part
  /// of node a's lumped volume), so the interface condition is (ρ − c_a) V = flux, and the
  /// Mg²⁺ that raising c_a puts on the medium's side is dissolved from the metal at the next
  /// step. Collective.
  void set_stress(std::span<const double> cell_hydrostatic_stress) override;
  [[nodiscard]] bool supports_stress() const override { return true; }
  /// Radius (m) over which the surface's flux density is smoothed into local interface
  /// speeds (default: four of the longest edges of the metal cells on its surface); 0 moves the
  /// whole surface at its mean speed.
  void set_interface_smoothing(double radius) { smoothing_radius_ = radius; }

private:
  [[nodiscard]] double ph_at(double hydroxide) const; // pH of transported OH⁻, mol/m³
  void update_coefficients();
  bool update_metal_nodes(); // true when a node changed sides (on any rank)
  [[nodiscard]] double conserved_sum() const;
  double move_at_local_speeds(double dt); // returns the largest move, m
  void count_initial_layer();             // what the discrete initial state has in solution (.cpp)
  [[nodiscard]] double layer_taken(double t) const; // fraction of it taken from the metal by t

  const mesh::TetMesh& mesh_;
  CorrosionParameters parameters_;
  fem::DofMap dofmap_;
  fem::Field phi_;
  std::unique_ptr<ReactionDiffusion> transport_;
  double band_ = 0.0;                 // narrow band of φ, m
  double ph_distance_ = 0.0;          // m
  double free_hydroxide_limit_ = 0.0; // mol/m³: the free OH⁻ the pH closure allows at most
  double smoothing_radius_ = 0.0;     // m; 0: the surface recedes at its mean speed
  double initial_volume_ = 0.0;       // m³
  double metal_volume_ = 0.0;         // m³
  double initial_layer_ = 0.0;        // S₀: Mg the discrete initial state has in solution, mol
  double layer_time_ = 0.0;           // t₀: by when it is taken from the metal, s (0: at once)
  std::vector<double> layer_hydroxide_share_; // per owned node, of the layer's OH⁻
  double initial_sum_ = 0.0;                  // conserved Mg sum at t = 0, mol
  // Held Mg²⁺ above [Mg]_sat inside the metal (set_stress()), mol, and the Mg²⁺ a raised
  // held value put into the medium, to be dissolved from the metal at the next step.
  double held_excess_ = 0.0, pending_dissolution_ = 0.0;
  bool stressed_ = false;           // held values differ from [Mg]_sat somewhere
  std::vector<double> node_excess_; // per local node: held value − [Mg]_sat when last held
  [[nodiscard]] double held_excess() const; // E of the current φ and held values; collective
  StepReport last_;
  std::vector<char> wetted_; // per local node: uncovered by the medium (never metal again)
};

} // namespace resorb::physics
