#pragma once
/// @file
/// Magnesium corrosion as surface continuum damage (after Grogan, O'Brien, Leen, McHugh,
/// "A corrosion model for bioabsorbable metallic stents", Acta Biomaterialia 7 (2011)
/// 3523–3533): a fast, phenomenological model for sweeps over designs and corrosion rates.
///
/// Every cell e of the metal group carries a damage D_e in [0, 1]. Only cells exposed to the
/// medium corrode, at
///   dD_e/dt = (δ_U / L_e) λ_e k_U = v λ_e / L_e,
/// with v = δ_U k_U the uniform recession speed of the surface (m/s), L_e a characteristic
/// length of the cell and λ_e >= 0 a pitting factor drawn per cell from the Weibull
/// distribution of shape γ and scale 1 (pdf γ λ^{γ−1} exp(−λ^γ), mean Γ(1 + 1/γ); γ = ∞,
/// the default, is the uniform-corrosion limit λ_e = 1). A cell whose damage reaches 1 is
/// removed (it becomes medium) and exposes its face neighbours.
///
/// Choices (stated):
/// - L_e = V_e / (area of the cell's smallest face). On the Kuhn-subdivided box meshes of
///   mesh::box_mesh_data with cubic hexahedra (6 congruent tetrahedra per cube) this makes
///   uniform corrosion (λ = 1) of a planar surface lose volume at exactly v × area at every
///   instant: the front crosses a cube of side h in three waves of two cells, each of
///   L_e = h/3. On other meshes the mean recession speed is v up to a mesh-dependent factor
///   of order one (the graph of face neighbours is not a straight path).
/// - Exposure: initially, metal cells with a face shared with a cell of another group, or a
///   face in one of the facet groups named as exposed. The outer boundary of the mesh is
///   not exposed (symmetry planes, walls). A removed cell exposes its metal face neighbours
///   from the moment its damage reached 1 (its removal time), so that results do not depend
///   on the time step.
/// - Pitting (`inherit_pitting`, default true, as Grogan et al.): a cell exposed by a
///   removed neighbour takes over that neighbour's λ, so that a pit keeps its speed as it
///   deepens; with several neighbours removed together it takes the λ of the one removed
///   first (the largest λ on a tie). Cells exposed at t = 0 keep their own λ. With
///   `inherit_pitting = false` every cell corrodes with its own λ.
/// - λ_e does not depend on the partition or the cell numbering: it is a counter-based hash
///   (splitmix64) of the seed and the bit patterns of the cell's vertex coordinates (sorted),
///   mapped to a uniform number u in (0, 1) and through the Weibull inverse CDF
///   λ = (−ln(1 − u))^{1/γ}. Removal times are computed from bit-identical data on every
///   partition, so the damage state at a given time is the same on any number of ranks (the
///   reported sums to round-off).
/// - Time stepping is exact: D grows linearly while the exposed set is fixed, each step ends
///   at the next removal event at the latest, and a step raises no damage by more than
///   `max_damage_increment`.
///
/// Chemistry (optional, `transport`): the Mg dissolved per second by each corroding cell,
/// ρ_Mg/M_Mg · V_e · dD_e/dt, enters a reaction–diffusion problem (species Mg2+, OH- and
/// immobile Mg(OH)2) as a point source on the nodes of the cell's faces that touch the
/// medium (split by face area), with 2 OH⁻ per Mg (Mg + 2 H₂O → Mg²⁺ + 2 OH⁻ + H₂); Mg(OH)₂
/// precipitates above its solubility product (no buffer, no protective film). Cells of metal
/// still present do not conduct (zero diffusivity). The pH of report() is 14 + log₁₀[OH⁻ in
/// mol/L] over the wet nodes within a distance of the metal.
#include "resorb/fem/dof_map.hpp"
#include "resorb/fem/field.hpp"
#include "resorb/physics/corrosion_model.hpp"
#include "resorb/physics/transport.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace resorb::physics {

/// Parameters of the surface damage model, SI units.
struct SurfaceDamageParameters {
  std::string name; ///< where they come from, for reports
  /// Uniform recession speed of the metal surface v = δ_U k_U, m/s (>= 0); see
  /// recession_speed_from_mm_per_year().
  double recession_speed = 0.0;
  /// Weibull shape γ of the pitting factor (> 0); +∞ (the default) is uniform corrosion,
  /// λ = 1 everywhere. The mean pitting factor is Γ(1 + 1/γ) (0.886 for γ = 2), so the mean
  /// recession speed of a pitted surface is v Γ(1 + 1/γ) before pits deepen.
  double weibull_shape = std::numeric_limits<double>::infinity();
  std::uint64_t seed = 0; ///< seed of the pitting factors
  bool inherit_pitting =
      true; ///< a newly exposed cell takes over the λ of the cell that exposed it
  /// Mg content of the metal, mol/m³: pure Mg (units::density_mg / M_Mg).
  double metal_mg = units::density_mg / units::molar_mass_mg;
  /// Largest damage increase of a cell in one step (in (0, 1]); the damage is exact anyway,
  /// this only sets how often the coupled transport sees the state.
  double max_damage_increment = 0.2;
  /// Whether Mg²⁺ and OH⁻ are released into a reaction–diffusion problem for the pH. When
  /// false, report()'s pH figures are NaN and the model costs no solves.
  bool transport = true;
  /// D of Mg²⁺ in the medium, m²/s: 0.706e-9 (infinite dilution, 25 °C; CRC Handbook).
  double diffusivity_mg = 0.706e-9;
  /// D of OH⁻ in the medium, m²/s: 5.273e-9 (infinite dilution, 25 °C; CRC Handbook).
  double diffusivity_oh = 5.273e-9;
  double initial_mg = 0.0;      ///< Mg²⁺ in the medium at t = 0, mol/m³
  double initial_oh = 2.512e-4; ///< OH⁻ in the medium at t = 0, mol/m³ (pH 7.4)
  /// Rate constant k of the precipitation Mg²⁺ + 2 OH⁻ → Mg(OH)₂ (immobile), 1/s, at rate
  /// k [Mg²⁺] g(√S − 1) where supersaturated (S = [Mg²⁺][OH⁻]² / K_sp, g as in
  /// hydroxide_supersaturation()): it holds the pH near the
  /// Mg(OH)₂ saturation (≈ 10.4) instead of letting it climb without bound in a closed
  /// medium. Default 7 1/h (Barzegari et al. 2021's film formation rate k₁); 0 turns it off.
  double precipitation_rate = 7.0 / 3600.0;
  /// K_sp of Mg(OH)₂, (mol/m³)³: 5.61e-12 mol³/L³ at 25 °C (CRC Handbook) = 5.61e-3.
  double solubility_product = 5.61e-3;
  /// Throws InputError naming the parameter when one is non-physical.
  void validate() const;
};

/// Recession speed (m/s) of a corrosion rate given as penetration in mm/year (Julian year,
/// 365.25 days): e.g. 1 mm/year = 3.169e-11 m/s.
[[nodiscard]] constexpr double recession_speed_from_mm_per_year(double mm_per_year) {
  return units::from_mm_per_year(mm_per_year);
}

/// Number of metal cells in each state, over all ranks.
struct SurfaceDamageCounts {
  GlobalIndex intact = 0;    ///< not yet exposed to the medium (D = 0)
  GlobalIndex corroding = 0; ///< exposed, D < 1
  GlobalIndex removed = 0;   ///< D reached 1: now medium
};

/// Surface continuum damage corrosion of the cell group @p metal_group (see the file
/// comment for the model and its choices).
class SurfaceDamageCorrosion final : public CorrosionModel {
public:
  /// Sets up the cells' lengths, pitting factors, face neighbours (across ranks) and the
  /// initially exposed cells; with `transport`, the species Mg2+ and OH-. Faces in the facet
  /// groups @p exposed_facet_groups count as exposed to the medium as well. Collective.
  /// @throws InputError for non-physical parameters, an unknown or empty cell group, an
  ///         unknown facet group, or a metal with no cell exposed to the medium
  SurfaceDamageCorrosion(const mesh::TetMesh& mesh, std::string_view metal_group,
                         SurfaceDamageParameters parameters,
                         const std::vector<std::string>& exposed_facet_groups = {},
                         TransportSettings settings = defaults());
  ~SurfaceDamageCorrosion() override;

  /// Transport settings for the released ions: backward Euler (its inflow is exactly the
  /// released amount), adaptive, steps of at most 1 h.
  [[nodiscard]] static TransportSettings defaults();

  [[nodiscard]] double time() const override { return time_; }
  /// Advances to the earliest of @p t_limit, the next removal of a cell, the damage limit
  /// of a step and (with transport) the transport's own step. Collective.
  CorrosionReport step(double t_limit) override;
  /// Metal volume Σ (1 − D_e) V_e, Mg dissolved ρ/M (V₀ − V), H₂, the area of the faces
  /// between metal still present and the medium, pH; film 0 (the precipitated Mg(OH)₂ is
  /// transport()->amount(2), not a protective film). balance_error compares the Mg
  /// released into the medium (integrated source) with the metal lost. Collective.
  [[nodiscard]] CorrosionReport report() const override;
  /// Nodal "metal_fraction" (mean of metal_fraction() over the cells around a node); with
  /// transport also "pH", "Mg2+", "OH-" and "Mg(OH)2". Collective.
  [[nodiscard]] std::vector<fem::Field> output_fields() const override;
  /// 1 − D_e for metal cells still present, 0 for removed cells and other groups.
  [[nodiscard]] std::vector<double> metal_fraction() const override;
  /// Cell states, exposure and removal times, pitting factors in use, the transport.
  void save(Checkpoint& checkpoint, const std::string& prefix) const override;
  void restore(const Checkpoint& checkpoint, const std::string& prefix) override;
  /// Per-cell fields for a viewer: "damage" (D; 1 for removed, 0 outside the metal),
  /// "pitting_factor" (λ in use; 0 outside the metal) and "corrosion_state" (0 other group,
  /// 1 intact, 2 corroding, 3 removed).
  [[nodiscard]] std::vector<fem::CellField> cell_fields() const;

  /// Damage D of each owned cell at time(): 1 for removed cells, 0 outside the metal.
  [[nodiscard]] std::vector<double> damage() const;
  /// Pitting factor λ in use by each owned cell (after inheritance); 0 outside the metal.
  [[nodiscard]] std::span<const double> pitting_factors() const { return lambda_; }
  /// Characteristic length L_e of each owned cell, m.
  [[nodiscard]] std::span<const double> characteristic_lengths() const { return length_; }
  /// Metal cells per state over all ranks. Collective.
  [[nodiscard]] SurfaceDamageCounts counts() const;
  /// Mg released into the medium since t = 0 (the integrated source), mol. Collective.
  [[nodiscard]] double released() const;
  /// The transport problem (species Mg2+, OH-, Mg(OH)2 in this order), or nullptr without
  /// transport.
  [[nodiscard]] ReactionDiffusion* transport() { return transport_.get(); }
  /// pH = 14 + log₁₀[OH⁻ in mol/L] at every node (NaN without transport). Collective.
  [[nodiscard]] fem::Field ph() const;
  /// The parameters.
  [[nodiscard]] const SurfaceDamageParameters& parameters() const { return parameters_; }
  /// Distance from the metal within which report() takes pH statistics, m (default: four
  /// times the longest edge of a metal cell).
  void set_ph_distance(double distance);

  /// The pitting factor of a cell with vertex coordinates @p x (any vertex order) for
  /// @p seed and Weibull @p shape: the hash and inverse CDF described in the file comment.
  [[nodiscard]] static double pitting_factor(std::uint64_t seed, double shape,
                                             const std::array<std::array<double, 3>, 4>& x);

private:
  enum class State : char { other, intact, corroding, removed };
  struct RemoteFace {
    LocalIndex cell = 0;      // owned cell
    int facet = 0;            // its local facet
    int rank = 0;             // rank of the cell across the face
    std::int32_t partner = 0; // index of the face in that rank's list
    bool partner_metal = false;
    bool partner_removed = false;
  };
  struct Exposure {
    LocalIndex cell;
    double time;   // removal time of the neighbour that exposed it, s
    double lambda; // its pitting factor
  };

  void expose(LocalIndex c, double t, double lambda);
  std::int64_t remove_due_cells(); // removes cells due by time_, exposes neighbours; global count
  [[nodiscard]] bool face_wet(LocalIndex c, int f) const;
  [[nodiscard]] double cell_damage(std::size_t c, double t) const;
  void update_transport();
  void update_distance();

  const mesh::TetMesh& mesh_;
  SurfaceDamageParameters parameters_;
  fem::DofMap dofmap_;
  std::vector<State> state_;
  std::vector<double> volume_, length_, own_lambda_, lambda_, rate_, exposed_at_, removal_at_;
  std::vector<double> face_area_;     // 4 per cell
  std::vector<LocalIndex> neighbour_; // 4 per cell: >= 0 local, -1 boundary, <= -2 remote
  std::vector<char> wet_facet_;       // 4 per cell: facet in an exposed facet group
  std::vector<RemoteFace> remote_;
  std::unique_ptr<ReactionDiffusion> transport_;
  fem::Field distance_; // signed distance to the metal's surface (> 0 in the metal), m
  double time_ = 0.0;
  double last_dt_ = 0.0;
  double released_ = 0.0; // this rank's share, mol
  double initial_volume_ = 0.0;
  double ph_distance_ = 0.0;
  bool has_surface_ = false; // any node on the metal's wet surface (on any rank)
  StepReport last_;
};

} // namespace resorb::physics
