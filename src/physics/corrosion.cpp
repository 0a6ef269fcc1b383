#include "resorb/physics/corrosion.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/log.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/fem/level_set.hpp"
#include "resorb/mesh/cut_cell.hpp"

#include "fem/cell_loop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace resorb::physics {

namespace {

/// pH = 14 + log₁₀[OH⁻ in mol/L] of OH⁻ at @p oh mol/m³.
double ph_of(double oh) {
  return 14.0 + std::log10(std::max(oh, 1e-30) * 1e-3);
}
/// Longest edge of a tetrahedron, m.
double longest_edge(const mesh::CellCoordinates& x) {
  double longest = 0.0;
  for (int a = 0; a < 4; ++a)
    for (int b = a + 1; b < 4; ++b)
      longest =
          std::max(longest, std::hypot(x[a][0] - x[b][0], x[a][1] - x[b][1], x[a][2] - x[b][2]));
  return longest;
}
} // namespace

void CorrosionParameters::validate() const {
  auto positive = [&](double v, const char* key) {
    RESORB_REQUIRE(std::isfinite(v) && v > 0, InputError,
                   fmt::format("corrosion parameters '{}': {} = {} must be > 0", name, key, v));
  };
  auto nonnegative = [&](double v, const char* key) {
    RESORB_REQUIRE(std::isfinite(v) && v >= 0, InputError,
                   fmt::format("corrosion parameters '{}': {} = {} must be >= 0", name, key, v));
  };
  positive(diffusivity_mg, "diffusivity_mg");
  positive(diffusivity_oh, "diffusivity_oh");
  positive(diffusivity_cl, "diffusivity_cl");
  nonnegative(film_formation_rate, "film_formation_rate");
  nonnegative(film_breakdown_rate, "film_breakdown_rate");
  nonnegative(film_beta, "film_beta");
  positive(film_capacity, "film_capacity");
  positive(film_tortuosity, "film_tortuosity");
  RESORB_REQUIRE(film_porosity > 0 && film_porosity < 1, InputError,
                 fmt::format("corrosion parameters '{}': film_porosity = {} must lie in (0, 1)",
                             name, film_porosity));
  positive(mg_saturation, "mg_saturation");
  RESORB_REQUIRE(metal_mg > mg_saturation, InputError,
                 fmt::format("corrosion parameters '{}': metal_mg = {} mol/m^3 must exceed "
                             "mg_saturation = {} mol/m^3",
                             name, metal_mg, mg_saturation));
  nonnegative(initial_mg, "initial_mg");
  nonnegative(initial_oh, "initial_oh");
  nonnegative(initial_cl, "initial_cl");
  positive(solubility_product, "solubility_product");
  if (buffer)
    buffer->validate(name);
  for (const auto& [group, factor] : region_diffusivity)
    RESORB_REQUIRE(std::isfinite(factor) && factor >= 0, InputError,
                   fmt::format("corrosion parameters '{}': region_diffusivity of '{}' = {} must "
                               "be >= 0",
                               name, group, factor));
}

void BicarbonateBuffer::validate(const std::string& name) const {
  auto positive = [&](double v, const char* key) {
    RESORB_REQUIRE(
        std::isfinite(v) && v > 0, InputError,
        fmt::format("corrosion parameters '{}': buffer {} = {} must be > 0", name, key, v));
  };
  positive(co2, "co2");
  positive(hco3, "hco3");
  positive(hydration_rate, "hydration_rate");
  positive(diffusivity_co2, "diffusivity_co2");
  positive(diffusivity_hco3, "diffusivity_hco3");
  RESORB_REQUIRE(
      std::isfinite(pka) && pka > 0 && pka < 14, InputError,
      fmt::format("corrosion parameters '{}': buffer pka = {} must lie in (0, 14)", name, pka));
  RESORB_REQUIRE(std::isfinite(perfusion_rate) && perfusion_rate >= 0, InputError,
                 fmt::format("corrosion parameters '{}': buffer perfusion_rate = {} must be >= 0",
                             name, perfusion_rate));
}

double saturation_hydroxide(double background_mg, double solubility_product) {
  // (m + w/2) w² rises monotonically in w >= 0: bisect between 0 and the no-background root.
  double lo = 0.0, hi = std::cbrt(2.0 * solubility_product);
  for (int i = 0; i < 200 && hi - lo > 1e-15 * hi; ++i) {
    const double w = 0.5 * (lo + hi);
    ((background_mg + 0.5 * w) * w * w > solubility_product ? hi : lo) = w;
  }
  return 0.5 * (lo + hi);
}

TransportSettings MagnesiumCorrosion::defaults() {
  return corrosion_transport_settings();
}

TransportSettings corrosion_transport_settings() {
  TransportSettings s;
  s.scheme = solvers::TimeScheme::backward_euler;
  s.dt_initial = 1.0;
  s.dt_min = 1e-6;
  s.dt_max = 3600.0;
  s.control.rtol = 2e-3;
  // RMS: a few nodes next to the receding surface jump whenever it uncovers one; the max
  // norm would hold the whole run to their steps. rtol 2e-3 keeps the 24 h mass loss of
  // the pin within ~1 % of its time-converged value (RESULTS.md).
  s.control.norm = solvers::StepControl::Norm::rms;
  s.atol = 1e-3; // mol/m³: far below the millimolar levels that matter
  s.nonnegative = true;
  // Full Newton steps: at the metal [Mg²⁺] is held at 5.5 mol/L, and the film's rate there
  // pins [OH⁻] at its Mg(OH)₂ saturation value; from the undersaturated side the residual
  // grows on the way to that root, so backtracking crawls at its minimum step (0.1) and the
  // steps collapse, while full steps reach it (the in-vivo screw: 11 simulated days in 90 s
  // against 4; RESULTS.md).
  s.line_search = "basic";
  return s;
}

MagnesiumCorrosion::MagnesiumCorrosion(const mesh::TetMesh& mesh, std::string_view metal_group,
                                       CorrosionParameters parameters, TransportSettings settings)
    : mesh_(mesh), parameters_(std::move(parameters)), dofmap_(mesh, 1),
      phi_(dofmap_, 1, "level_set", "m") {
  parameters_.validate();
  free_hydroxide_limit_ =
      parameters_.ph_closure == CorrosionParameters::PhClosure::mg_hydroxide_saturation
          ? saturation_hydroxide(parameters_.initial_mg, parameters_.solubility_product)
          : std::numeric_limits<double>::infinity();
  const int metal_tag = mesh.cell_tag(metal_group);
  const auto& p = parameters_;

  // φ: +1 on nodes only metal cells touch, 0 on the metal's surface, −1 elsewhere; its zero
  // set is exactly the metal's surface, and redistancing makes it the signed distance.
  fem::Field metal_cells(dofmap_, 1, "metal", "1"), other_cells(dofmap_, 1, "other", "1");
  double edge = 0.0; // longest edge of a metal-adjacent cell: sets the band
  {
    la::LocalWrite m(metal_cells.vec()), o(other_cells.vec());
    const auto tags = mesh.cell_tags();
    fem::impl::for_each_cell(mesh, [&](LocalIndex c, const mesh::CellCoordinates& x) {
      const bool metal = tags[static_cast<std::size_t>(c)] == metal_tag;
      for (LocalIndex node : dofmap_.cell_nodes(c))
        (metal ? m : o)[node] += 1.0;
      if (metal)
        edge = std::max(edge, longest_edge(x));
    });
  }
  la::accumulate_ghosts(metal_cells.vec());
  la::accumulate_ghosts(other_cells.vec());
  edge = mpi::max(mesh.comm(), edge);
  RESORB_REQUIRE(
      edge > 0, InputError,
      fmt::format("corrosion: cell group '{}' of {} has no cells", metal_group, mesh.source()));
  {
    const la::LocalRead m(metal_cells.vec()), o(other_cells.vec());
    la::LocalWrite phi(phi_.vec());
    for (LocalIndex a = 0; a < dofmap_.index_map().size_local(); ++a)
      phi[a] = m[a] > 0 ? (o[a] > 0 ? 0.0 : 1.0) : -1.0;
  }
  band_ = 4.0 * edge;
  ph_distance_ = band_;
  // Smoothing over four of the surface's own cells (graded meshes coarsen inside the metal).
  double surface_edge = 0.0;
  {
    const la::LocalRead phi(phi_.vec());
    const auto tags = mesh.cell_tags();
    fem::impl::for_each_cell(mesh, [&](LocalIndex c, const mesh::CellCoordinates& x) {
      const auto nodes = dofmap_.cell_nodes(c);
      if (tags[static_cast<std::size_t>(c)] != metal_tag ||
          std::none_of(nodes.begin(), nodes.end(), [&](LocalIndex n) { return phi[n] == 0.0; }))
        return;
      surface_edge = std::max(surface_edge, longest_edge(x));
    });
  }
  smoothing_radius_ = 4.0 * mpi::max(mesh.comm(), surface_edge);
  fem::redistance(phi_, band_);
  initial_volume_ = metal_volume_ = fem::positive_volume(phi_);
  RESORB_REQUIRE(fem::zero_set_area(phi_) > 0, InputError,
                 fmt::format("corrosion: the metal '{}' has no surface in contact with the "
                             "medium",
                             metal_group));

  // Species (Mg2+, OH-, Cl-, Mg(OH)2) and reactions as data.
  auto species = [&p](const char* name, int charge, double initial, double d) {
    Species s;
    s.name = name;
    s.charge = charge;
    s.initial = initial;
    s.default_diffusivity = d;
    for (const auto& [group, factor] : p.region_diffusivity)
      s.diffusivity.emplace_back(group, factor * d);
    return s;
  };
  std::vector<Reaction> reactions;
  std::vector<Species> list = {species("Mg2+", 2, p.initial_mg, p.diffusivity_mg),
                               species("OH-", -1, p.initial_oh, p.diffusivity_oh),
                               species("Cl-", -1, p.initial_cl, p.diffusivity_cl),
                               species("Mg(OH)2", 0, 0.0, 0.0)};
  const double ds = p.film_beta / (p.film_capacity * (1.0 - p.film_porosity)); // ∂s/∂C_film
  // The film acts through its volume fraction s: its time error is measured on s (a film
  // with β = 0 takes no volume: the medium's tolerance).
  if (ds > 0)
    list[3].error_atol = film_fraction_tolerance / ds;
  const bool balanced = p.hydroxide == CorrosionParameters::Hydroxide::stoichiometric;
  const double ksp = p.solubility_product;
  Reaction formation{"film formation",
                     p.film_formation_rate,
                     {{"Mg2+", 1.0}},
                     {{"Mg2+", -1.0}, {"Mg(OH)2", 1.0}},
                     [ds, balanced, ksp](const double* u, double* gradient) {
                       // Free surface fraction 1 − s, and (balanced) the supersaturation
                       // drive (hydroxide_supersaturation). 1 − s is not clipped at 0: a backward
                       // Euler step keeps s < 1 (the rate vanishes there), and the clip's
                       // flat side stalled Newton for good once an iterate overshot s = 1.
                       const double free = 1.0 - ds * u[3];
                       if (!balanced) {
                         gradient[3] = -ds;
                         return free;
                       }
                       double d_mg = 0.0, d_oh = 0.0;
                       const double drive = hydroxide_supersaturation(u[0], u[1], ksp, d_mg, d_oh);
                       if (drive <= 0.0)
                         return 0.0;
                       gradient[0] = free * d_mg;
                       gradient[1] = free * d_oh;
                       gradient[3] = -ds * drive;
                       return free * drive;
                     }};
  if (balanced)
    formation.stoichiometry.emplace_back("OH-", -2.0);
  Reaction breakdown{"film breakdown",
                     p.film_breakdown_rate,
                     {{"Mg(OH)2", 1.0}, {"Cl-", 2.0}},
                     {{"Mg(OH)2", -1.0}, {"Mg2+", 1.0}, {"OH-", 2.0}},
                     {}};
  reactions = {formation, breakdown};
  if (p.buffer) {
    // CO₂ + OH⁻ ⇌ HCO₃⁻ (forward k, backward k / K), and perfusion: supply k_p C_blood
    // and wash-out k_p C of CO₂ and HCO₃⁻ (mass-action data, weighted by the wet fraction).
    const auto& b = *p.buffer;
    const double equilibrium = std::pow(10.0, 14.0 - b.pka) * 1e-3; // m³/mol
    list.push_back(species("CO2", 0, b.co2, b.diffusivity_co2));
    list.push_back(species("HCO3-", -1, b.hco3, b.diffusivity_hco3));
    reactions.push_back({"CO2 hydration",
                         b.hydration_rate,
                         {{"CO2", 1.0}, {"OH-", 1.0}},
                         {{"CO2", -1.0}, {"OH-", -1.0}, {"HCO3-", 1.0}},
                         {}});
    reactions.push_back({"HCO3- dehydration",
                         b.hydration_rate / equilibrium,
                         {{"HCO3-", 1.0}},
                         {{"HCO3-", -1.0}, {"CO2", 1.0}, {"OH-", 1.0}},
                         {}});
    if (b.perfusion_rate > 0)
      for (const auto& [name, blood] : {std::pair{"CO2", b.co2}, std::pair{"HCO3-", b.hco3}}) {
        reactions.push_back(
            {fmt::format("{} supply", name), b.perfusion_rate * blood, {}, {{name, 1.0}}, {}});
        reactions.push_back({fmt::format("{} wash-out", name),
                             b.perfusion_rate,
                             {{name, 1.0}},
                             {{name, -1.0}},
                             {}});
      }
  }
  transport_ = std::make_unique<ReactionDiffusion>(mesh, std::move(list), std::move(reactions),
                                                   std::move(settings));
  if (balanced)
    transport_->set_update_limiter([ksp](const double* old, double* updated) {
      return limit_hydroxide_step(old, updated, ksp);
    });
  // Inside the metal: Mg²⁺ at saturation (its nodes are constrained), the other species at
  // their medium values (they cannot move there: the metal's diffusivity is zero).
  update_coefficients();
  update_metal_nodes();
  count_initial_layer();
  transport_->reset_history();
  initial_sum_ = conserved_sum();
}

void MagnesiumCorrosion::count_initial_layer() {
  // The discrete initial state holds [Mg]_sat on the surface nodes over the whole of their
  // lumped volume: the medium-side part of each surface node's hat holds (sat − C₀) more
  // Mg than the continuum, whose layer starts with zero thickness. That excess S₀ ≈
  // (sat − C₀) h/2 per area is Mg the discrete model has put into solution without taking
  // it from the metal. Counting only the later flux loses it for ever (the dissolved amount
  // converges at first order in h); taking it from the metal makes it converge at second
  // order once √(D t) > h (RESULTS.md, "The initial surface layer"). It is taken as the
  // continuum would dissolve it: like the planar similarity solution, ∝ √t, all of it by
  // t₀ = π ℓ² / (4 D) with ℓ = S₀ / ((sat − C₀) A), the layer's thickness.
  const auto& p = parameters_;
  const auto metal = fem::positive_volumes(phi_);
  const auto ns = static_cast<std::size_t>(transport_->num_species());
  const auto diffusivity = transport_->diffusivity();
  const double excess = std::max(p.mg_saturation - p.initial_mg, 0.0);
  auto& constraints = transport_->constraints();
  // Per node, in one pass: its share of the layer (mol), and its volume within the pH band
  // of the wet side, which spreads the layer's OH⁻ (2 per Mg, stoichiometric balance): OH⁻
  // diffuses ~10⁵× faster than Mg²⁺, so by t₀ it has spread over millimetres; released at
  // the surface nodes, a 1/√t pulse there drives the buffer and K_sp chemistry faster than
  // Newton follows (RESULTS.md).
  fem::Field per_node(dofmap_, 2, "initial layer, band volume", "mol, m^3");
  double weighted_diffusivity = 0.0; // Σ (layer share × D of its cell), for the mean D
  {
    const la::LocalRead phi(phi_.vec());
    la::LocalWrite v(per_node.vec());
    fem::impl::for_each_cell(mesh_, [&](LocalIndex c, const mesh::CellCoordinates& x) {
      const auto cell = static_cast<std::size_t>(c);
      double j[3][3];
      const double volume = std::abs(mesh::jacobian(x, j)) / 6.0;
      const double share = 0.25 * std::max(0.0, volume - metal[cell]) * excess;
      for (LocalIndex node : dofmap_.cell_nodes(c)) {
        if (constraints.constrained(ns * static_cast<std::size_t>(node))) {
          v[2 * node] += share;
          weighted_diffusivity += share * diffusivity[ns * cell];
        }
        if (phi[node] < 0 && -phi[node] <= ph_distance_)
          v[2 * node + 1] += 0.25 * volume;
      }
    });
  }
  la::accumulate_ghosts(per_node.vec());
  const auto owned = static_cast<std::size_t>(dofmap_.index_map().num_owned());
  const MPI_Comm comm = mesh_.comm();
  layer_hydroxide_share_.assign(owned, 0.0);
  double amount = 0.0, band = 0.0;
  {
    const la::LocalRead v(per_node.vec());
    for (std::size_t a = 0; a < owned; ++a) {
      amount += v[static_cast<PetscInt>(2 * a)];
      band += layer_hydroxide_share_[a] = v[static_cast<PetscInt>(2 * a + 1)];
    }
  }
  initial_layer_ = mpi::sum(comm, amount); // each share is counted once, by its owner
  band = mpi::sum(comm, band);
  for (auto& share : layer_hydroxide_share_)
    share = band > 0 ? share / band : 0.0;
  const double total_weight = mpi::sum(comm, weighted_diffusivity);
  layer_time_ = 0.0; // none to take (or no diffusion to take it by)
  if (initial_layer_ > 0 && total_weight > 0) {
    const double d = total_weight / initial_layer_;
    const double thickness = initial_layer_ / (excess * fem::zero_set_area(phi_));
    layer_time_ = std::numbers::pi * thickness * thickness / (4.0 * d);
  }
}

MagnesiumCorrosion::~MagnesiumCorrosion() = default;

void MagnesiumCorrosion::update_coefficients() {
  const auto& p = parameters_;
  const auto metal = fem::positive_volumes(phi_);
  const auto film = film_fraction();
  const auto ns = static_cast<std::size_t>(transport_->num_species());
  const auto base = transport_->base_diffusivity();
  auto d = transport_->diffusivity();
  auto wet = transport_->reaction_fraction();
  fem::impl::for_each_cell(mesh_, [&](LocalIndex c, const mesh::CellCoordinates& x) {
    const auto cell = static_cast<std::size_t>(c);
    double j[3][3];
    const double volume = std::abs(mesh::jacobian(x, j)) / 6.0;
    const double fraction = std::clamp(1.0 - metal[cell] / volume, 0.0, 1.0);
    const double s = film[cell];
    const double hindrance = (1.0 - s) + s * p.film_porosity / p.film_tortuosity;
    // A cut cell joins the metal's nodes (held at [Mg]_sat) to its wet nodes across only
    // its wet part: over a fraction f of the edge instead of all of it. Scaling D by 1/f
    // gives that part its conductance (exact for a planar front in 1D); fully metal cells
    // do not conduct. f is floored at 0.05 so that a sliver cell stays bounded.
    const double scale =
        fraction <= 0.0 ? 0.0 : (fraction >= 1.0 ? 1.0 : 1.0 / std::max(fraction, 0.05));
    for (std::size_t i = 0; i < ns; ++i)
      d[ns * cell + i] = scale * hindrance * base[ns * cell + i];
    wet[cell] = fraction;
  });
}

bool MagnesiumCorrosion::update_metal_nodes() {
  // A node is metal when φ >= 0 (the surface's own nodes included, φ = ±0 there).
  auto& constraints = transport_->constraints();
  const la::LocalRead phi(phi_.vec());
  const double tolerance = 1e-9 * band_;
  // Metal only recedes: a node once uncovered stays wet, even when redistancing a curved
  // surface and re-matching its volume lifts φ there by round-off (a node held at
  // [Mg]_sat again would create Mg).
  int changed = 0;
  wetted_.resize(static_cast<std::size_t>(dofmap_.index_map().size_local()), 0);
  for (LocalIndex a = 0; a < dofmap_.index_map().size_local(); ++a) {
    const auto dof =
        static_cast<std::size_t>(transport_->num_species()) * static_cast<std::size_t>(a);
    auto& wet = wetted_[static_cast<std::size_t>(a)];
    const bool metal = !wet && phi[a] >= -tolerance;
    if (!metal && constraints.constrained(dof)) {
      constraints.release(dof);
      ++changed;
    } else if (metal && !constraints.constrained(dof)) {
      constraints.set(dof, parameters_.mg_saturation); // only at set-up
    }
    wet = metal ? 0 : 1;
  }
  constraints.impose(transport_->concentrations().vec());
  return mpi::max(mesh_.comm(), changed) > 0;
}

double MagnesiumCorrosion::conserved_sum() const {
  // The initial layer's Mg not yet taken from the metal is in solution already.
  return (parameters_.metal_mg - parameters_.mg_saturation) * metal_volume_ +
         transport_->amount(0) + transport_->amount(3) -
         (1.0 - layer_taken(transport_->time())) * initial_layer_ - held_excess_ -
         pending_dissolution_;
}

double MagnesiumCorrosion::layer_taken(double t) const {
  return layer_time_ > 0 ? std::min(1.0, std::sqrt(t / layer_time_)) : 1.0;
}

CorrosionReport MagnesiumCorrosion::step(double t_limit) {
  const auto& p = parameters_;
  update_coefficients();
  const double inflow_before = transport_->inflow(0), time_before = transport_->time();
  last_ = transport_->step(t_limit);
  const double dissolved = transport_->inflow(0) - inflow_before; // mol, through metal nodes
  const double area = fem::zero_set_area(phi_);
  // The part of the initial layer due by now (count_initial_layer()).
  const double layer =
      (layer_taken(transport_->time()) - layer_taken(time_before)) * initial_layer_;
  const double taken = dissolved + layer + pending_dissolution_; // from the metal, mol
  pending_dissolution_ = 0.0;
  double target = metal_volume_ - taken / (p.metal_mg - p.mg_saturation);
  RESORB_REQUIRE(
      target > 0, SolverError,
      fmt::format("corrosion: the metal is used up at t = {:.6g} s", transport_->time()));
  const double shift_guess = std::abs(metal_volume_ - target) / std::max(area, 1e-300);
  // Move the surface at its local speeds (the smoothed Rankine–Hugoniot flux density), then
  // redistance and shift φ so that the cut-cell volume is exactly the target: the local
  // speeds set the shape, the exact flux total (and the initial layer) the volume.
  const double largest_move = smoothing_radius_ > 0 ? move_at_local_speeds(last_.dt) : shift_guess;
  fem::redistance(phi_, band_);
  fem::shift_to_volume(phi_, target, std::max(4.0 * shift_guess, 0.05 * band_));
  if (stressed_) {
    // Held values above [Mg]_sat in the metal the surface leaves enter the medium with it:
    // (ρ − [Mg]_sat) ΔV = ΔE − taken, with E of the new surface: the root of
    // g(V) = V − V_n + (taken − E(V) + E_n) / (ρ − [Mg]_sat), by secant steps from the
    // volume without E (g is nearly linear: dE/dV ≈ (f − 1) [Mg]_sat).
    const double volume_before = metal_volume_, excess_before = held_excess_;
    const double rho = p.metal_mg - p.mg_saturation;
    auto g = [&](double volume) {
      fem::shift_to_volume(phi_, volume, std::max(4.0 * shift_guess, 0.05 * band_));
      return volume - volume_before + (taken - held_excess() + excess_before) / rho;
    };
    double v0 = target, g0 = g(v0);
    double v1 = v0 - g0, g1 = g(v1); // the fixed-point step
    for (int pass = 0; pass < 10 && std::abs(g1) > 1e-14 * initial_volume_ && g1 != g0; ++pass) {
      const double v2 = v1 - g1 * (v1 - v0) / (g1 - g0);
      v0 = v1;
      g0 = g1;
      v1 = v2;
      g1 = g(v1);
    }
    target = v1; // φ holds it (the last g())
    held_excess_ = held_excess();
  }
  metal_volume_ = target;
  if (p.hydroxide == CorrosionParameters::Hydroxide::stoichiometric) {
    // Cathodic OH⁻: 2 per Mg dissolved. A metal node's flux N carries (ρ − [Mg]_sat)/ρ of
    // the Mg it dissolved (the rest fills the uncovered volume at [Mg]_sat), so the OH⁻ is
    // 2 N ρ / (ρ − [Mg]_sat), released at the node during the next step. A node whose flux
    // is negative (Mg²⁺ flowing back into the metal: P1's undershoot next to a node just
    // uncovered at [Mg]_sat) releases none: a sink of OH⁻ there took more than the node's
    // wet volume held and drove OH⁻, CO₂ and HCO₃⁻ to ±1e4 mol/m³ (the in-vivo screw).
    const auto flux = transport_->constraint_flux();
    const auto owned = static_cast<std::size_t>(dofmap_.index_map().num_owned());
    const auto ns = static_cast<std::size_t>(transport_->num_species());
    std::vector<double> source(ns * owned, 0.0);
    for (std::size_t a = 0; a < owned; ++a)
      source[ns * a + 1] =
          2.0 *
          std::max(0.0, flux[ns * a] + (taken - dissolved) * layer_hydroxide_share_[a] / last_.dt) *
          p.metal_mg / (p.metal_mg - p.mg_saturation);
    transport_->set_source(source);
  }
  // Uncovered nodes change the problem between steps; the time-error estimate (which
  // extrapolates the last steps) would read that jump as error, so the history restarts.
  const bool uncovered = update_metal_nodes();
  if (uncovered)
    transport_->reset_history();
  // The interface may move at most a quarter of the band per step, and at local speeds a
  // fifth of a cell: the shape then lags the flux by first order in the move per step (the
  // two-media slab: 3 % deeper at a cell per step, 0.8 % at a fifth; test_corrosion).
  const double move_limit = (smoothing_radius_ > 0 ? 0.05 : 0.25) * band_;
  const double proposed = transport_->next_dt();
  if (largest_move > 0)
    transport_->limit_next_dt(last_.dt * move_limit / largest_move);
  // What sets the steps (verbosity 2): the error control, the surface's move or an event.
  log::detail(mesh_.comm(),
              "corrosion: t = {:.6g} s, dt {:.4g} s (error {:.3g}, {} rejected, {} Newton), "
              "next {:.4g} s (error control {:.4g} s, surface move {:.4g} s){}",
              last_.time, last_.dt, last_.error, last_.rejected, last_.newton_iterations,
              transport_->next_dt(), proposed,
              largest_move > 0 ? last_.dt * move_limit / largest_move : 0.0,
              uncovered ? ", nodes uncovered" : "");
  return report();
}

double MagnesiumCorrosion::move_at_local_speeds(double dt) {
  // Normal speed V = q / (ρ − [Mg]_sat) from the flux density q that the metal nodes deliver
  // (Rankine–Hugoniot), smoothed over the surface (fem::surface_density), extended along
  // normals to the band (closest point), φ ← φ − V dt. Metal only recedes: V >= 0.
  const auto& p = parameters_;
  const auto flux = transport_->constraint_flux();
  const auto ns = static_cast<std::size_t>(transport_->num_species());
  const auto owned = static_cast<std::size_t>(dofmap_.index_map().num_owned());
  std::vector<double> node_flux(owned);
  for (std::size_t a = 0; a < owned; ++a)
    node_flux[a] = flux[ns * a];
  auto speed = fem::surface_density(phi_, node_flux, smoothing_radius_);
  for (auto& v : speed)
    v = std::max(v, 0.0) / (p.metal_mg - p.mg_saturation);
  const auto extended = fem::extend_from_zero_set(phi_, speed, band_);
  double largest = 0.0;
  {
    const la::LocalRead v(extended.vec());
    la::LocalWrite phi(phi_.vec());
    for (LocalIndex a = 0; a < dofmap_.index_map().size_local(); ++a) {
      phi[a] -= v[a] * dt;
      largest = std::max(largest, v[a] * dt);
    }
  }
  return mpi::max(mesh_.comm(), largest);
}

double MagnesiumCorrosion::held_excess() const {
  // Σ over the metal nodes of (c_a − [Mg]_sat) times the metal part of the node's lumped
  // volume (a quarter of each adjacent cell's metal volume).
  const auto metal = fem::positive_volumes(phi_);
  fem::Field share(dofmap_, 1, "metal volume", "m^3");
  {
    la::LocalWrite w(share.vec());
    for (LocalIndex c = 0; c < mesh_.num_cells(); ++c)
      for (LocalIndex node : dofmap_.cell_nodes(c))
        w[node] += 0.25 * metal[static_cast<std::size_t>(c)];
  }
  la::accumulate_ghosts(share.vec());
  // Each node counts with the excess it was last held at, also once the surface has passed
  // it: its share of the metal then goes to 0 with the metal of its cells, so E is
  // continuous in the surface's position (the step's volume solve needs that).
  const la::LocalRead w(share.vec());
  double sum = 0.0;
  for (LocalIndex a = 0; a < dofmap_.index_map().num_owned(); ++a)
    sum += node_excess_[static_cast<std::size_t>(a)] * w[a];
  return mpi::sum(mesh_.comm(), sum);
}

void MagnesiumCorrosion::set_stress(std::span<const double> cell_hydrostatic_stress) {
  const auto& p = parameters_;
  RESORB_REQUIRE(cell_hydrostatic_stress.size() == static_cast<std::size_t>(mesh_.num_cells()),
                 Error,
                 fmt::format("set_stress: {} values for {} cells", cell_hydrostatic_stress.size(),
                             mesh_.num_cells()));
  // Node value: the metal-volume-weighted mean over the cells around it.
  const auto metal = fem::positive_volumes(phi_);
  fem::Field sums(dofmap_, 2, "stress sum, weight", "Pa m^3, m^3");
  {
    la::LocalWrite v(sums.vec());
    for (LocalIndex c = 0; c < mesh_.num_cells(); ++c) {
      const double w = metal[static_cast<std::size_t>(c)];
      if (w <= 0)
        continue;
      for (LocalIndex node : dofmap_.cell_nodes(c)) {
        v[2 * node] += w * cell_hydrostatic_stress[static_cast<std::size_t>(c)];
        v[2 * node + 1] += w;
      }
    }
  }
  la::accumulate_ghosts(sums.vec());
  la::update_ghosts(sums.vec());
  const double amount_before = transport_->amount(0), excess_before = held_excess_;
  auto& constraints = transport_->constraints();
  const auto ns = static_cast<std::size_t>(transport_->num_species());
  node_excess_.resize(static_cast<std::size_t>(dofmap_.index_map().size_local()), 0.0);
  {
    const la::LocalRead v(sums.vec());
    for (LocalIndex a = 0; a < dofmap_.index_map().size_local(); ++a) {
      const auto dof = ns * static_cast<std::size_t>(a);
      if (!constraints.constrained(dof))
        continue;
      const double weight = v[2 * a + 1];
      const double stress = weight > 0 ? v[2 * a] / weight : 0.0;
      const double held = p.mg_saturation * gutman_factor(stress, 1.0 / p.metal_mg);
      constraints.set(dof, held);
      node_excess_[static_cast<std::size_t>(a)] = held - p.mg_saturation;
    }
  }
  // The new values are the state, not a flux of the next step; the part of the change
  // inside the metal is held excess, the rest (the medium side of the surface nodes' hats)
  // changes the discrete initial layer (count_initial_layer()): while that is still being
  // taken from the metal (∝ √t) the change joins it, as f scales the continuum's layer;
  // later the next step takes it at once.
  transport_->reset_history();
  stressed_ = true;
  held_excess_ = held_excess();
  const double wet_side = (transport_->amount(0) - amount_before) - (held_excess_ - excess_before);
  const double taken = layer_taken(transport_->time());
  if (taken < 0.5)
    initial_layer_ += wet_side / (1.0 - taken);
  else
    pending_dissolution_ += wet_side;
}

void save_step_report(Checkpoint& checkpoint, const std::string& key, const StepReport& r) {
  checkpoint.put(key, std::vector{r.time, r.dt, static_cast<double>(r.newton_iterations),
                                  static_cast<double>(r.linear_iterations),
                                  static_cast<double>(r.rejected), r.error,
                                  static_cast<double>(r.newton_failures)});
}

StepReport restore_step_report(const Checkpoint& checkpoint, const std::string& key) {
  const auto v = checkpoint.get(key, 7);
  return {v[0],
          v[1],
          static_cast<int>(v[2]),
          static_cast<int>(v[3]),
          static_cast<int>(v[4]),
          v[5],
          static_cast<int>(v[6])};
}

void MagnesiumCorrosion::save(Checkpoint& checkpoint, const std::string& prefix) const {
  transport_->save(checkpoint, prefix + "transport/");
  const auto local = static_cast<std::size_t>(dofmap_.index_map().size_local());
  {
    const la::LocalRead phi(phi_.vec());
    checkpoint.put(prefix + "phi", std::span<const double>(phi.data(), local));
  }
  checkpoint.put(prefix + "wetted", std::vector<double>(wetted_.begin(), wetted_.end()));
  checkpoint.put(prefix + "metal_volume", metal_volume_);
  checkpoint.put(prefix + "held", std::vector{held_excess_, pending_dissolution_,
                                              stressed_ ? 1.0 : 0.0, initial_layer_});
  checkpoint.put(prefix + "node_excess", node_excess_);
  save_step_report(checkpoint, prefix + "last_step", last_);
}

void MagnesiumCorrosion::restore(const Checkpoint& checkpoint, const std::string& prefix) {
  // Everything else (layer, initial sum, band) follows from the constructor's inputs.
  transport_->restore(checkpoint, prefix + "transport/");
  const auto local = static_cast<std::ptrdiff_t>(dofmap_.index_map().size_local());
  {
    const auto values = checkpoint.get(prefix + "phi", local);
    la::LocalWrite phi(phi_.vec());
    std::copy(values.begin(), values.end(), phi.data());
  }
  const auto wetted = checkpoint.get(prefix + "wetted", local);
  wetted_.assign(wetted.begin(), wetted.end());
  metal_volume_ = checkpoint.scalar(prefix + "metal_volume");
  const auto held = checkpoint.get(prefix + "held", 4);
  held_excess_ = held[0];
  pending_dissolution_ = held[1];
  stressed_ = held[2] != 0.0;
  initial_layer_ = held[3];
  const auto excess = checkpoint.get(prefix + "node_excess");
  node_excess_.assign(excess.begin(), excess.end());
  last_ = restore_step_report(checkpoint, prefix + "last_step");
}

void CorrosionModel::advance_to(double t_end,
                                const std::function<void(const CorrosionReport&)>& on_step) {
  while (t_end - time() > 1e-12 * std::max(std::abs(t_end), 1.0)) {
    const auto r = step(t_end);
    if (on_step)
      on_step(r);
  }
}

std::vector<double> CorrosionModel::film_fraction() const {
  return std::vector<double>(metal_fraction().size(), 0.0);
}

void CorrosionModel::set_stress(std::span<const double>) {
  throw InputError("this corrosion model has no stress-assisted dissolution (only the "
                   "reaction-diffusion model has)");
}

std::vector<double> MagnesiumCorrosion::film_fraction() const {
  const auto& p = parameters_;
  const double ds = p.film_beta / (p.film_capacity * (1.0 - p.film_porosity));
  const auto ns = static_cast<std::size_t>(transport_->num_species());
  const la::LocalRead u(transport_->concentrations().vec());
  std::vector<double> s(static_cast<std::size_t>(mesh_.num_cells()));
  for (LocalIndex c = 0; c < mesh_.num_cells(); ++c) {
    double film = 0.0;
    for (LocalIndex node : dofmap_.cell_nodes(c))
      film += 0.25 * u[ns * node + 3];
    s[static_cast<std::size_t>(c)] = std::clamp(ds * film, 0.0, 1.0);
  }
  return s;
}

std::vector<double> MagnesiumCorrosion::metal_fraction() const {
  auto fraction = fem::positive_volumes(phi_);
  for (LocalIndex c = 0; c < mesh_.num_cells(); ++c)
    fraction[static_cast<std::size_t>(c)] /= mesh::signed_volume(mesh_.cell_coordinates(c));
  return fraction;
}

CorrosionReport MagnesiumCorrosion::report() const {
  const auto& p = parameters_;
  CorrosionReport r;
  r.time = transport_->time();
  r.dt = last_.dt;
  r.transport = last_;
  r.metal_volume = metal_volume_;
  r.mass_loss = 1.0 - metal_volume_ / initial_volume_;
  r.dissolved = p.metal_mg * (initial_volume_ - metal_volume_);
  r.hydrogen_volume = hydrogen_volume_at_body_temperature(r.dissolved);
  r.interface_area = fem::zero_set_area(phi_);
  r.film = transport_->amount(3);
  r.balance_error = std::abs(conserved_sum() - initial_sum_) / (p.metal_mg * initial_volume_);
  // pH over the wet nodes within ph_distance_ of the metal.
  double lo = std::numeric_limits<double>::max(), hi = -lo, sum = 0.0, count = 0.0;
  {
    const la::LocalRead phi(phi_.vec()), u(transport_->concentrations().vec());
    const auto ns = static_cast<std::size_t>(transport_->num_species());
    for (LocalIndex a = 0; a < dofmap_.index_map().num_owned(); ++a)
      if (phi[a] < 0 && -phi[a] <= ph_distance_) {
        const double ph = ph_at(u[ns * static_cast<std::size_t>(a) + 1]);
        lo = std::min(lo, ph);
        hi = std::max(hi, ph);
        sum += ph;
        count += 1.0;
      }
  }
  const MPI_Comm comm = mesh_.comm();
  count = mpi::sum(comm, count);
  r.ph_min = mpi::min(comm, lo);
  r.ph_max = mpi::max(comm, hi);
  r.ph_mean = count > 0 ? mpi::sum(comm, sum) / count : 0.0;
  return r;
}

std::vector<fem::Field> MagnesiumCorrosion::output_fields() const {
  std::vector<fem::Field> fields;
  fields.emplace_back(dofmap_, 1, phi_.name(), phi_.unit()); // a copy, not a view
  la::copy_local_form(phi_.vec(), fields.back().vec());
  fields.push_back(ph());
  for (int i = 0; i < transport_->num_species(); ++i)
    fields.push_back(transport_->concentration(i));
  return fields;
}

double MagnesiumCorrosion::ph_at(double hydroxide) const {
  return ph_of(std::min(hydroxide, free_hydroxide_limit_));
}

fem::Field MagnesiumCorrosion::ph() const {
  fem::Field out(dofmap_, 1, "pH", "1");
  const la::LocalRead u(transport_->concentrations().vec());
  const auto ns = static_cast<std::size_t>(transport_->num_species());
  la::LocalWrite v(out.vec());
  for (LocalIndex a = 0; a < dofmap_.index_map().size_local(); ++a)
    v[a] = ph_at(u[ns * static_cast<std::size_t>(a) + 1]);
  return out;
}

} // namespace resorb::physics
