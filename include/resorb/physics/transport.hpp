#pragma once
/// @file
/// Multi-species reaction–diffusion on P1 tetrahedra with implicit adaptive time stepping.
///
/// For every species i (concentration u_i, mol/m³), find u_i in V_h with the Dirichlet values
/// of its boundary conditions such that for all v
///   ∫_Ω ∂u_i/∂t v dx + ∫_Ω D_i ∇u_i · ∇v dx = ∫_Ω Σ_r ν_ir w_r(u) v dx + ∫_Γ q_i v ds,
/// with D_i piecewise constant per cell (per region, and changeable between steps by coupled
/// models), w_r the reaction rates and q_i prescribed inflows. Time: backward Euler or
/// variable-step BDF2. Reactions are integrated with the nodal (lumped) rule, so they act
/// node by node and conserve what their stoichiometry conserves at every node; the mass
/// matrix is lumped by default (monotone, no spurious undershoots at sharp fronts) or
/// consistent.
#include "resorb/core/checkpoint.hpp"
#include "resorb/core/timer.hpp"
#include "resorb/fem/dirichlet.hpp"
#include "resorb/fem/dof_map.hpp"
#include "resorb/fem/field.hpp"
#include "resorb/la/matrix_assembler.hpp"
#include "resorb/physics/species.hpp"
#include "resorb/solvers/petsc_options.hpp"
#include "resorb/solvers/time_stepping.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace resorb::physics {

/// Time stepping and solver settings of a reaction–diffusion problem.
struct TransportSettings {
  solvers::TimeScheme scheme = solvers::TimeScheme::bdf2; ///< time scheme
  bool lumped_mass = true;                                ///< lumped (true) or consistent mass
  /// Adaptive steps on the local-error estimate (see solvers::StepControl); when false every
  /// step is dt_initial (cut only when Newton fails).
  bool adaptive = true;
  double dt_initial = 1.0;                                 ///< first step, s
  double dt_min = 1e-9;                                    ///< smallest step, s
  double dt_max = std::numeric_limits<double>::infinity(); ///< largest step, s
  solvers::StepControl control;                            ///< relative tolerance etc.
  double atol = 1e-6; ///< absolute error scale of concentrations, mol/m³
  /// Newton iterations before a step counts as failed (and is retried with dt / 4).
  int max_newton_iterations = 25;
  /// Newton has converged, whatever its residual, once no free entry moves by more than
  /// this fraction of its time-error scale (atol + control.rtol |u|) in one iteration.
  static constexpr double newton_update_tolerance = 1e-8;
  /// Bound each Newton iterate's fall per iteration (to a tenth of the value less atol) for
  /// concentrations that cannot go far below zero: mass action on two negative iterates
  /// (CO₂ + OH⁻) otherwise runs away from the solution in one step. Steps near the
  /// solution are far smaller, so Newton converges as before.
  bool nonnegative = false;
  /// Newton's line search (PETSc SNESLineSearchType; `-<prefix>snes_linesearch_type`
  /// overrides): "bt" (backtracking) or "basic" (full steps, for stiff kinetics whose
  /// residual grows on the way to the root; see MagnesiumCorrosion::defaults()).
  std::string line_search = "bt";
  /// PETSc options prefix: `-transport_snes_monitor`, `-transport_ksp_type`, ...
  std::string options_prefix = "transport_";
};

/// What one accepted time step did.
struct StepReport {
  double time = 0.0;         ///< time at the end of the step, s
  double dt = 0.0;           ///< accepted step, s
  int newton_iterations = 0; ///< Newton iterations of the accepted step
  int linear_iterations = 0; ///< Krylov iterations of the accepted step (all Newton steps)
  int rejected = 0;          ///< attempts rejected before this one (error or Newton failure)
  double error = 0.0;        ///< weighted local-error estimate (<= 1 when adaptive)
  int newton_failures = 0;   ///< of the rejected attempts, those whose Newton did not converge
};

/// Reaction–diffusion of a list of species (chemistry as data, see species.hpp).
///
/// Unknowns are interlaced per node (block size = number of species). Each step is one
/// nonlinear solve by PETSc SNES (Newton with backtracking line search; GMRES + block
/// Jacobi/ILU by default) under the options prefix `transport_`. The Jacobian's sparsity,
/// its scatter map and the SNES/KSP objects are built once and reused every Newton step and
/// time step. Dirichlet conditions are eliminated symmetrically; the residual the constrained
/// nodes would carry is kept as the flux through them, so amounts close exactly:
/// amount(t) = amount(0) + inflow(t) + produced(t) to the Newton tolerance, with either
/// scheme. The mesh must outlive the object.
class ReactionDiffusion {
public:
  /// Sets up species, reactions and the function space. Collective.
  /// @throws InputError for a duplicate or unknown species name, a negative or missing
  ///         diffusivity, a negative initial value, an unknown group, an invalid setting
  ReactionDiffusion(const mesh::TetMesh& mesh, std::vector<Species> species,
                    std::vector<Reaction> reactions, TransportSettings settings = {});
  ~ReactionDiffusion();
  ReactionDiffusion(const ReactionDiffusion&) = delete;
  ReactionDiffusion& operator=(const ReactionDiffusion&) = delete;

  /// Number of species.
  [[nodiscard]] int num_species() const { return static_cast<int>(species_.size()); }
  /// The species, in unknown order.
  [[nodiscard]] const std::vector<Species>& species() const { return species_; }
  /// Index of species @p name. @throws InputError listing the species
  [[nodiscard]] int species_index(std::string_view name) const;

  /// Sets species @p species to @p value (mol/m³, of the position in m) at every node, then
  /// re-imposes the Dirichlet values. Clears the step history (the next step is BDF1).
  void set_concentration(int species,
                         const std::function<double(const std::array<double, 3>&)>& value);

  /// Makes the current concentrations (with the constraint values imposed) the step
  /// history, as set_concentration() does: the next step is BDF1, and the change since the
  /// last step (e.g. a coupled model's initial constraint values) counts neither as flux
  /// nor as production.
  void reset_history();

  /// Stores the state under @p prefix: concentrations and their step history, time, the
  /// proposed step, balances, sources and constraints, so that restore() continues with
  /// exactly the steps this object would have taken.
  void save(Checkpoint& checkpoint, const std::string& prefix) const;
  /// Restores what save() stored under @p prefix, on the same mesh and partition (the
  /// species and settings come from the constructor, as in the saved run).
  /// @throws InputError naming the entry when the checkpoint does not fit this problem
  void restore(const Checkpoint& checkpoint, const std::string& prefix);

  /// Current time, s.
  [[nodiscard]] double time() const { return time_; }
  /// Step proposed for the next step, s.
  [[nodiscard]] double next_dt() const { return dt_next_; }

  /// Adjusts one node's Newton iterate: given the node's species values before (@p old) and
  /// after (@p updated, writable) a Newton step, moves @p updated and returns true when it
  /// changed it. Constrained entries are restored afterwards.
  using NodeUpdateLimiter = std::function<bool(const double* old, double* updated)>;
  /// Installs @p limiter, applied to every owned node after each Newton step (after the
  /// TransportSettings::nonnegative bound): chemistry that switches on or off at a state
  /// (a solubility limit) can keep Newton from stepping across the switch into the region
  /// where its linearisation no longer sees the reaction. Collective (the same on every rank).
  void set_update_limiter(NodeUpdateLimiter limiter);
  /// Takes one accepted step that ends at most at @p t_limit (exactly there when the
  /// proposed step would pass it). Rejected attempts are retried with smaller steps.
  /// Collective.
  /// @throws SolverError when the step would fall below dt_min
  StepReport step(double t_limit);
  /// Steps until time() == @p t_end, calling @p on_step after each accepted step.
  void advance_to(double t_end, const std::function<void(const StepReport&)>& on_step = {});

  /// All concentrations (block size num_species(), mol/m³), owned + ghost values current.
  [[nodiscard]] const fem::Field& concentrations() const { return u_; }
  /// A copy of species @p species as a scalar field named after it (mol/m³). Collective.
  [[nodiscard]] fem::Field concentration(int species) const;
  /// ∫_Ω u_i dx (mol) of species @p species: the exact integral of the P1 field. Collective.
  [[nodiscard]] double amount(int species) const;
  /// Amount of species @p species that entered through boundaries (Dirichlet nodes,
  /// inflow conditions and point sources) since time 0, mol. Exact (to the Newton
  /// tolerance) with both schemes: each step adds what the scheme's own balance
  /// a0 T^{n+1} + a1 T^n + a2 T^{n-1} = dt S^{n+1} attributes to the boundary flux.
  [[nodiscard]] double inflow(int species) const {
    return inflow_[static_cast<std::size_t>(species)];
  }
  /// Amount of species @p species produced by reactions since time 0, mol (same exact
  /// balance as inflow()).
  [[nodiscard]] double produced(int species) const {
    return produced_[static_cast<std::size_t>(species)];
  }
  /// Flux into the domain through the Dirichlet nodes at the end of the last step, mol/s,
  /// per local DOF (num_species() · node + species; owned nodes only, zero at unconstrained
  /// DOFs and at ghosts). Coupled models read it (e.g. the dissolution flux of a metal).
  [[nodiscard]] std::span<const double> constraint_flux() const { return constraint_flux_; }

  /// Diffusivity per owned cell and species (m²/s, index num_species() · cell + species), as
  /// used by the next step. Coupled models may change it between steps (film, cut cells);
  /// base_diffusivity() keeps the values the species data gave.
  [[nodiscard]] std::span<double> diffusivity() { return diffusivity_; }
  /// Fraction of each owned cell where the reactions take place (1 by default): a coupled
  /// model sets it to the wet part of cells that a solid partly fills. Nodal reactions are
  /// weighted by it, and so is produced().
  [[nodiscard]] std::span<double> reaction_fraction() { return reaction_fraction_; }
  /// Sets point sources (mol/s) per owned DOF (num_species() · node + species), held until
  /// changed: coupled models' fluxes that are not reactions (e.g. OH⁻ from the cathodic
  /// reaction at a corroding surface). They count as inflow().
  void set_source(std::span<const double> values);
  /// Caps the next proposed step (s), e.g. by how far a coupled interface may move.
  void limit_next_dt(double dt) { dt_next_ = std::max(settings_.dt_min, std::min(dt_next_, dt)); }
  /// Diffusivity per owned cell and species from the species data, m²/s.
  [[nodiscard]] std::span<const double> base_diffusivity() const { return base_diffusivity_; }
  /// The Dirichlet constraints (block size num_species()). Coupled models may add node
  /// constraints between steps.
  [[nodiscard]] fem::DirichletConstraints& constraints() { return constraints_; }
  /// Node numbering of the concentrations.
  [[nodiscard]] const fem::DofMap& dofmap() const { return dofmap_; }
  /// Wall time per phase ("assemble", "solve") on this rank.
  [[nodiscard]] const PhaseTimer& timer() const { return timer_; }
  /// PETSc options prefix unless the settings name another.
  static constexpr const char* options_prefix = "transport_";
  /// Defaults under the prefix (applied unless the options database sets them).
  [[nodiscard]] static solvers::OptionList default_solver_options();
  /// From this many mesh vertices on, and when some species diffuse fast (within a factor
  /// 10 of the fastest) and others do not, the default preconditioner is a multiplicative
  /// field split: hypre BoomerAMG on the fast species (sub-prefix `fieldsplit_fast_`),
  /// block Jacobi/ILU(0) on the rest (`fieldsplit_slow_`). Below it, ILU(0) on the whole
  /// system is cheaper (measured, benchmarks/RESULTS.md). `-<prefix>pc_type fieldsplit`
  /// selects the split at any size.
  static constexpr double fieldsplit_min_vertices = 10000;

private:
  struct Solver;    // SNES and its callbacks
  struct Chemistry; // reactions compiled to dense per-species arrays
  void evaluate_chemistry(const double* u, bool with_jacobian); // per local node
  void residual(Vec u, Vec f, bool record); // f = F(u) with constrained entries zeroed
  void jacobian(Vec u);                     // into assembler_
  bool attempt(double dt, StepReport& report);
  [[nodiscard]] double error_estimate(double dt) const;
  // The time-error scale of local DOF @p dof at value @p u: its species' atol + rtol |u|
  // (the local-error estimate and Newton's update test both weigh by it).
  [[nodiscard]] double error_scale(std::size_t dof, double u) const {
    return error_atol_[dof % static_cast<std::size_t>(num_species())] +
           settings_.control.rtol * std::abs(u);
  }
  [[nodiscard]] std::string largest_residual() const; // where Newton stalled (log detail)
  void accept(double dt);
  void record_balances(double dt);
  void configure_preconditioner(bool user_pc); // see fieldsplit_min_vertices
  // Named splits "fast" (BoomerAMG) and "slow" (ILU) of the species, with their defaults.
  void split_fast_from_slow(PC pc, const std::vector<int>& fast, const std::vector<int>& slow);

  const mesh::TetMesh& mesh_;
  std::vector<Species> species_;
  TransportSettings settings_;
  fem::DofMap dofmap_;
  std::unique_ptr<Chemistry> chemistry_;
  std::vector<double> base_diffusivity_, diffusivity_;
  std::vector<double> reaction_fraction_; // per owned cell
  fem::DirichletConstraints constraints_;
  la::Vector inflow_load_; // ∫ q_i N_a ds of the inflow conditions (block layout, ghosted)
  la::Vector source_;      // point sources per DOF (owned part used), mol/s
  fem::Field u_;
  la::Vector u_n_, u_nm1_, u_nm2_, work_, f_local_;
  double dt_n_ = 0.0, dt_nm1_ = 0.0; // steps that produced u_n and u_nm1 (0: none)
  solvers::BdfCoefficients bdf_;
  double dt_ = 0.0;
  double time_ = 0.0;
  double dt_next_ = 0.0;
  std::unique_ptr<la::MatrixAssembler> assembler_;
  std::unique_ptr<Solver> solver_;
  std::vector<double> inflow_, produced_;
  std::vector<double> flux_rate_, reaction_rate_;   // per species, mol/s, at the last record
  std::vector<double> last_inflow_, last_produced_; // increments of the last step, mol
  std::vector<double> constraint_flux_;             // per local DOF, mol/s
  std::vector<double> node_rates_, node_jacobians_; // reactions per local node
  std::string last_failure_;                        // why the last attempt failed
  std::vector<double> error_atol_;                  // per species, mol/m³
  NodeUpdateLimiter update_limiter_;
  double volume_ = 0.0; // of the mesh, m³
  PhaseTimer timer_;
};

} // namespace resorb::physics
