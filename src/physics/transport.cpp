#include "resorb/physics/transport.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/log.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/fem/facets.hpp"
#include "resorb/solvers/petsc_options.hpp"

#include "fem/cell_loop.hpp"
#include "transport_kernels.hpp"

#include <fmt/format.h>
#include <petscsnes.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <set>

namespace resorb::physics {

namespace {

// Species per node: bounds the stack arrays of the cell loops (a 64 × 64 element matrix).
constexpr int max_species = 16;

using Snes = la::Owned<SNES, SNESDestroy>;

/// u^p and its derivative. Orders 1 and 2 are plain polynomials (smooth through zero, so
/// Newton is not disturbed by a small negative undershoot); other orders use the positive
/// part of u.
double power(double u, double p, double& derivative) {
  if (p == 1.0) {
    derivative = 1.0;
    return u;
  }
  if (p == 2.0) {
    derivative = 2.0 * u;
    return u * u;
  }
  const double v = std::max(u, 0.0);
  derivative = v > 0.0 ? p * std::pow(v, p - 1.0) : 0.0;
  return std::pow(v, p);
}

bool finite_nonnegative(double v) {
  return std::isfinite(v) && v >= 0.0;
}

} // namespace

/// Reactions compiled to dense per-species arrays; evaluated node by node.
struct ReactionDiffusion::Chemistry {
  struct Term {
    double rate_constant = 0.0;
    std::vector<std::pair<int, double>> orders;        // (species, p > 0)
    std::vector<std::pair<int, double>> stoichiometry; // (species, ν != 0)
    RateFactor factor;
  };
  int n = 0;
  std::vector<Term> terms;

  /// r_i(u) (mol/(m³·s)) and, when @p jacobian is not null, J_ij = ∂r_i/∂u_j (row-major n×n).
  void evaluate(const double* u, double* r, double* jacobian) const {
    std::fill(r, r + n, 0.0);
    if (jacobian != nullptr)
      std::fill(jacobian, jacobian + n * n, 0.0);
    std::array<double, max_species> value{}, derivative{}, factor_gradient{};
    for (const auto& term : terms) {
      double product = 1.0;
      for (const auto& [j, p] : term.orders) {
        value[static_cast<std::size_t>(j)] =
            power(u[j], p, derivative[static_cast<std::size_t>(j)]);
        product *= value[static_cast<std::size_t>(j)];
      }
      double g = 1.0;
      if (term.factor) {
        std::fill(factor_gradient.begin(), factor_gradient.begin() + n, 0.0);
        g = term.factor(u, factor_gradient.data());
      }
      const double w = term.rate_constant * product * g;
      for (const auto& [i, nu] : term.stoichiometry)
        r[i] += nu * w;
      if (jacobian == nullptr)
        continue;
      // ∂w/∂u_m = k (∂Π/∂u_m g + Π ∂g/∂u_m)
      std::array<double, max_species> dw{};
      for (const auto& [m, p] : term.orders) {
        double others = 1.0;
        for (const auto& [j, q] : term.orders)
          if (j != m)
            others *= value[static_cast<std::size_t>(j)];
        dw[static_cast<std::size_t>(m)] +=
            term.rate_constant * derivative[static_cast<std::size_t>(m)] * others * g;
      }
      if (term.factor)
        for (int m = 0; m < n; ++m)
          dw[static_cast<std::size_t>(m)] +=
              term.rate_constant * product * factor_gradient[static_cast<std::size_t>(m)];
      for (const auto& [i, nu] : term.stoichiometry)
        for (int m = 0; m < n; ++m)
          jacobian[i * n + m] += nu * dw[static_cast<std::size_t>(m)];
    }
  }
};

/// The SNES and its C callbacks (exceptions are kept and rethrown after SNESSolve).
struct ReactionDiffusion::Solver {
  Snes snes;
  la::Vector residual;
  std::exception_ptr failure;
  bool user_atol = false; // -<prefix>snes_atol given: do not scale it per step

  static PetscErrorCode function(SNES, Vec x, Vec f, void* context) {
    auto* self = static_cast<ReactionDiffusion*>(context);
    try {
      self->residual(x, f, false);
    } catch (...) {
      self->solver_->failure = std::current_exception();
      return PETSC_ERR_LIB;
    }
    return 0;
  }
  // TransportSettings::nonnegative: no entry of the line search's new iterate W falls below
  // a tenth of its value in the old iterate X less atol (or below twice a negative value
  // less atol: P1 diffusion of a steep front undershoots legitimately). Near the solution
  // Newton's steps are far smaller, so the bound leaves its convergence alone. Constrained
  // entries hold imposed values and are left alone.
  static PetscErrorCode clip(SNESLineSearch, Vec x, Vec, Vec w, PetscBool*, PetscBool* changed,
                             void* context) {
    auto* self = static_cast<ReactionDiffusion*>(context);
    *changed = PETSC_FALSE;
    if (!self->settings_.nonnegative && !self->update_limiter_)
      return 0; // the same on every rank: settings and limiter are set collectively
    const double atol = self->settings_.atol;
    const PetscScalar* old = nullptr;
    PetscScalar* values = nullptr;
    PetscInt size = 0;
    PetscCall(VecGetLocalSize(w, &size));
    PetscCall(VecGetArrayRead(x, &old));
    PetscCall(VecGetArray(w, &values));
    bool clipped = false;
    for (PetscInt k = 0; self->settings_.nonnegative && k < size; ++k) {
      const double floor = (old[k] >= 0.0 ? 0.1 * old[k] : 2.0 * old[k]) - atol;
      if (values[k] < floor && !self->constraints_.constrained(static_cast<std::size_t>(k))) {
        values[k] = floor;
        clipped = true;
      }
    }
    if (self->update_limiter_) {
      const auto ns = static_cast<std::size_t>(self->num_species());
      std::array<double, max_species> kept{};
      for (std::size_t first = 0; first + ns <= static_cast<std::size_t>(size); first += ns) {
        std::copy_n(values + first, ns, kept.begin());
        if (!self->update_limiter_(old + first, values + first))
          continue;
        for (std::size_t i = 0; i < ns; ++i)
          if (self->constraints_.constrained(first + i))
            values[first + i] = kept[i];
        clipped = true;
      }
    }
    PetscCall(VecRestoreArray(w, &values));
    PetscCall(VecRestoreArrayRead(x, &old));
    // The same answer on every rank: a changed iterate is re-evaluated collectively.
    *changed = mpi::max(self->mesh_.comm(), clipped ? 1 : 0) > 0 ? PETSC_TRUE : PETSC_FALSE;
    return 0;
  }
  // Newton also stops once its update is negligible: every free entry moved by less than
  // newton_update_tolerance of the time-error scale (species atol + rtol |u|). The residual
  // tests alone cannot end a step whose state is at rest with large concentrations: the
  // residual's rounding error (ε times the diffusive fluxes of ~1 mol/L of OH⁻) then sits
  // above the absolute floor and rtol times a small first residual, so Newton "diverged"
  // after max iterations with updates of 1e-11 mol/m³ (a closed scaffold cell after two
  // days: steps cut from an hour to seconds; RESULTS.md). Such an update changes the
  // conserved sums by ~1e-14 of the metal per step.
  static PetscErrorCode converged(SNES snes, PetscInt it, PetscReal xnorm, PetscReal step_norm,
                                  PetscReal fnorm, SNESConvergedReason* reason, void* context) {
    PetscCall(SNESConvergedDefault(snes, it, xnorm, step_norm, fnorm, reason, nullptr));
    if (*reason != SNES_CONVERGED_ITERATING || it == 0)
      return 0;
    auto* self = static_cast<ReactionDiffusion*>(context);
    Vec x = nullptr, update = nullptr;
    PetscCall(SNESGetSolution(snes, &x));
    PetscCall(SNESGetSolutionUpdate(snes, &update));
    const PetscScalar *u = nullptr, *du = nullptr;
    PetscInt size = 0;
    PetscCall(VecGetLocalSize(x, &size));
    PetscCall(VecGetArrayRead(x, &u));
    PetscCall(VecGetArrayRead(update, &du));
    double largest = 0.0;
    for (PetscInt k = 0; k < size; ++k) {
      const auto dof = static_cast<std::size_t>(k);
      if (!self->constraints_.constrained(dof))
        largest = std::max(largest, std::abs(du[k]) / self->error_scale(dof, u[k]));
    }
    PetscCall(VecRestoreArrayRead(update, &du));
    PetscCall(VecRestoreArrayRead(x, &u));
    if (mpi::max(self->mesh_.comm(), largest) <= TransportSettings::newton_update_tolerance)
      *reason = SNES_CONVERGED_SNORM_RELATIVE;
    return 0;
  }
  static PetscErrorCode jacobian(SNES, Vec x, Mat, Mat, void* context) {
    auto* self = static_cast<ReactionDiffusion*>(context);
    try {
      self->jacobian(x);
    } catch (...) {
      self->solver_->failure = std::current_exception();
      return PETSC_ERR_LIB;
    }
    return 0;
  }
};

solvers::OptionList ReactionDiffusion::default_solver_options() {
  // Newton with backtracking; GMRES + block Jacobi/ILU(0) (the preconditioner type itself
  // is chosen in configure_preconditioner()): the operator is a mass matrix
  // plus diffusion, nonsymmetric through the reaction Jacobian. Tolerances: a linear
  // problem converges in one Newton step, and the bookkeeping (which relies on the residual
  // at free nodes being zero) closes to ~1e-10 of the step's change. Zero pivots: in SI
  // units a node's row is its volume over dt, ~1e-15 on 25 um cells, below PETSc's
  // absolute zero-pivot tolerance (2.2e-14), so a factorisation declared healthy pivots
  // zero and, with LU, failed every larger step (the steps collapsed to seconds). The
  // tolerance is therefore 1e-300 (factors are invariant under row scaling); the nonzero
  // shift stays for a pivot that is exactly zero.
  return {{"-snes_type", "newtonls"},
          {"-snes_rtol", "1e-10"},
          {"-snes_stol", "0"},
          {"-ksp_type", "gmres"},
          {"-ksp_rtol", "1e-11"},
          {"-sub_pc_type", "ilu"},
          {"-sub_pc_factor_shift_type", "nonzero"},
          {"-sub_pc_factor_zeropivot", "1e-300"},
          {"-pc_factor_zeropivot", "1e-300"}};
}

ReactionDiffusion::ReactionDiffusion(const mesh::TetMesh& mesh, std::vector<Species> species,
                                     std::vector<Reaction> reactions, TransportSettings settings)
    : mesh_(mesh), species_(std::move(species)), settings_(std::move(settings)), dofmap_(mesh, 1),
      chemistry_(std::make_unique<Chemistry>()),
      constraints_(dofmap_, std::max(1, static_cast<int>(species_.size()))),
      u_(dofmap_, std::max(1, static_cast<int>(species_.size())), "concentrations", "mol/m^3"),
      solver_(std::make_unique<Solver>()) {
  const int n = num_species();
  const auto un = static_cast<std::size_t>(n);
  RESORB_REQUIRE(
      n >= 1 && n <= max_species, InputError,
      fmt::format("transport: {} species given; between 1 and {} are supported", n, max_species));
  // Settings.
  const auto& s = settings_;
  RESORB_REQUIRE(s.dt_initial > 0 && std::isfinite(s.dt_initial), InputError,
                 fmt::format("transport: initial time step {} s must be positive", s.dt_initial));
  RESORB_REQUIRE(s.dt_min > 0 && s.dt_min <= s.dt_initial && s.dt_max >= s.dt_initial, InputError,
                 fmt::format("transport: time steps must satisfy 0 < dt_min ({} s) <= dt_initial "
                             "({} s) <= dt_max ({} s)",
                             s.dt_min, s.dt_initial, s.dt_max));
  RESORB_REQUIRE(s.atol > 0 && s.control.rtol > 0, InputError,
                 fmt::format("transport: error tolerances must be positive (atol {} mol/m^3, "
                             "rtol {})",
                             s.atol, s.control.rtol));
  RESORB_REQUIRE(s.max_newton_iterations >= 1, InputError,
                 "transport: max_newton_iterations must be at least 1");

  // Species: names, initial values, diffusivities per cell.
  std::set<std::string, std::less<>> names;
  for (const auto& sp : species_) {
    RESORB_REQUIRE(!sp.name.empty(), InputError, "transport: a species has no name");
    RESORB_REQUIRE(names.insert(sp.name).second, InputError,
                   fmt::format("transport: species '{}' is listed twice", sp.name));
    RESORB_REQUIRE(finite_nonnegative(sp.initial), InputError,
                   fmt::format("transport: species '{}': initial concentration {} mol/m^3 must "
                               "be >= 0",
                               sp.name, sp.initial));
    RESORB_REQUIRE(!sp.error_atol || (*sp.error_atol > 0 && std::isfinite(*sp.error_atol)),
                   InputError,
                   fmt::format("transport: species '{}': error tolerance {} mol/m^3 must be "
                               "positive",
                               sp.name, sp.error_atol.value_or(0.0)));
    error_atol_.push_back(sp.error_atol.value_or(s.atol));
  }
  base_diffusivity_.assign(un * static_cast<std::size_t>(mesh.num_cells()), 0.0);
  for (std::size_t i = 0; i < un; ++i) {
    const auto& sp = species_[i];
    auto check = [&](double d, std::string_view where) {
      RESORB_REQUIRE(finite_nonnegative(d), InputError,
                     fmt::format("transport: species '{}': diffusivity {} m^2/s in {} must be "
                                 ">= 0",
                                 sp.name, d, where));
    };
    std::vector<std::pair<int, double>> by_tag;
    for (const auto& [group, d] : sp.diffusivity) {
      check(d, fmt::format("cell group '{}'", group));
      by_tag.emplace_back(mesh.cell_tag(group), d);
    }
    if (sp.default_diffusivity)
      check(*sp.default_diffusivity, "the default");
    std::optional<std::string> missing;
    const auto tags = mesh.cell_tags();
    for (std::size_t c = 0; c < tags.size(); ++c) {
      const auto it = std::find_if(by_tag.begin(), by_tag.end(),
                                   [&](const auto& e) { return e.first == tags[c]; });
      if (it != by_tag.end())
        base_diffusivity_[un * c + i] = it->second;
      else if (sp.default_diffusivity)
        base_diffusivity_[un * c + i] = *sp.default_diffusivity;
      else if (!missing)
        missing = fmt::format("transport: species '{}' has no diffusivity for cell group '{}' "
                              "(list the group or give a default diffusivity)",
                              sp.name, mesh.group_name(3, tags[c]));
    }
    mpi::throw_first_error<InputError>(mesh.comm(), missing);
  }
  diffusivity_ = base_diffusivity_;
  reaction_fraction_.assign(static_cast<std::size_t>(mesh.num_cells()), 1.0);
  fem::impl::for_each_cell(mesh, [&](LocalIndex, const mesh::CellCoordinates& x) {
    double j[3][3];
    volume_ += std::abs(mesh::jacobian(x, j)) / 6.0;
  });
  volume_ = mpi::sum(mesh.comm(), volume_);

  // Reactions.
  chemistry_->n = n;
  for (const auto& reaction : reactions) {
    Chemistry::Term term;
    const std::string context = fmt::format("transport: reaction '{}'", reaction.name);
    RESORB_REQUIRE(
        finite_nonnegative(reaction.rate_constant), InputError,
        fmt::format("{}: rate constant {} must be >= 0", context, reaction.rate_constant));
    term.rate_constant = reaction.rate_constant;
    auto index = [&](const std::string& name) {
      try {
        return species_index(name);
      } catch (const InputError& e) {
        throw InputError(fmt::format("{}: {}", context, e.what()));
      }
    };
    for (const auto& [name, p] : reaction.orders) {
      RESORB_REQUIRE(finite_nonnegative(p), InputError,
                     fmt::format("{}: order {} of '{}' must be >= 0", context, p, name));
      if (p > 0)
        term.orders.emplace_back(index(name), p);
    }
    for (const auto& [name, nu] : reaction.stoichiometry) {
      RESORB_REQUIRE(
          std::isfinite(nu), InputError,
          fmt::format("{}: stoichiometric coefficient of '{}' is not finite", context, name));
      if (nu != 0)
        term.stoichiometry.emplace_back(index(name), nu);
    }
    term.factor = reaction.factor;
    chemistry_->terms.push_back(std::move(term));
  }

  // Boundary conditions: Dirichlet values into the constraints, inflows into a load vector.
  inflow_load_ = la::create_ghosted_vector(dofmap_, n);
  RESORB_PETSC(VecSet(inflow_load_.get(), 0.0));
  for (std::size_t i = 0; i < un; ++i)
    for (const auto& bc : species_[i].boundaries) {
      const std::string context =
          fmt::format("transport: species '{}', boundary '{}'", species_[i].name, bc.facet_group);
      RESORB_REQUIRE(std::isfinite(bc.value), InputError,
                     fmt::format("{}: value is not finite", context));
      int tag = 0;
      try {
        tag = mesh.facet_tag(bc.facet_group);
      } catch (const InputError& e) {
        throw InputError(fmt::format("{}: {}", context, e.what()));
      }
      if (bc.kind == SpeciesBoundary::Kind::concentration) {
        RESORB_REQUIRE(bc.value >= 0, InputError,
                       fmt::format("{}: concentration {} mol/m^3 must be >= 0", context, bc.value));
        const double value = bc.value;
        std::array<bool, max_species> flags{};
        flags[i] = true;
        constraints_.add(tag, std::span<const bool>(flags.data(), un),
                         [i, value, un](const std::array<double, 3>&, double* g) {
                           std::fill(g, g + un, 0.0);
                           g[i] = value;
                         });
      } else {
        const double q = bc.value;
        fem::assemble_facet_load(
            dofmap_, tag, n, 0,
            [i, q, un](const std::array<double, 3>&, const std::array<double, 3>&, double* g) {
              std::fill(g, g + un, 0.0);
              g[i] = q;
            },
            inflow_load_.get());
      }
    }
  RESORB_PETSC(VecAssemblyBegin(inflow_load_.get()));
  RESORB_PETSC(VecAssemblyEnd(inflow_load_.get()));
  source_ = la::create_ghosted_vector(dofmap_, n);
  la::zero_local_form(source_.get());

  // Initial state and history.
  {
    la::LocalWrite u(u_.vec());
    const auto local = static_cast<std::size_t>(dofmap_.index_map().size_local());
    for (std::size_t a = 0; a < local; ++a)
      for (std::size_t i = 0; i < un; ++i)
        u[static_cast<PetscInt>(un * a + i)] = species_[i].initial;
  }
  constraints_.impose(u_.vec());
  for (auto* v : {&u_n_, &u_nm1_, &u_nm2_, &work_, &f_local_})
    *v = la::create_ghosted_vector(dofmap_, n);
  la::copy_local_form(u_.vec(), u_n_.get());
  dt_next_ = settings_.dt_initial;
  inflow_.assign(un, 0.0);
  produced_.assign(un, 0.0);
  last_inflow_.assign(un, 0.0);
  last_produced_.assign(un, 0.0);
  flux_rate_.assign(un, 0.0);
  reaction_rate_.assign(un, 0.0);
  constraint_flux_.assign(un * static_cast<std::size_t>(dofmap_.index_map().size_local()), 0.0);
  node_rates_.resize(un * static_cast<std::size_t>(dofmap_.index_map().size_local()));
  node_jacobians_.resize(un * un * static_cast<std::size_t>(dofmap_.index_map().size_local()));

  // Jacobian storage and the nonlinear solver, created once.
  const std::string& prefix = settings_.options_prefix;
  // Species react within a node and diffuse on their own: between nodes only the diagonal
  // of each block is stored (see la::BlockCoupling).
  assembler_ = std::make_unique<la::MatrixAssembler>(dofmap_, la::BlockCoupling::diagonal(n),
                                                     prefix.c_str());
  RESORB_PETSC(SNESCreate(mesh.comm(), solver_->snes.out()));
  SNES snes = solver_->snes.get();
  RESORB_PETSC(SNESSetOptionsPrefix(snes, prefix.c_str()));
  RESORB_PETSC(VecDuplicate(u_.vec(), solver_->residual.out()));
  RESORB_PETSC(SNESSetFunction(snes, solver_->residual.get(), &Solver::function, this));
  RESORB_PETSC(
      SNESSetJacobian(snes, assembler_->matrix(), assembler_->matrix(), &Solver::jacobian, this));
  RESORB_PETSC(SNESSetTolerances(snes, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT,
                                 settings_.max_newton_iterations, -1));
  PetscBool user_pc = PETSC_FALSE;
  RESORB_PETSC(PetscOptionsHasName(nullptr, prefix.c_str(), "-pc_type", &user_pc));
  solvers::set_default_options(prefix, default_solver_options());
  PetscBool user_atol = PETSC_FALSE;
  RESORB_PETSC(PetscOptionsHasName(nullptr, prefix.c_str(), "-snes_atol", &user_atol));
  solver_->user_atol = user_atol == PETSC_TRUE;
  SNESLineSearch search = nullptr;
  RESORB_PETSC(SNESGetLineSearch(snes, &search));
  RESORB_PETSC(SNESLineSearchSetType(search, settings_.line_search.c_str()));
  solvers::read_options_checked(prefix, [&] { RESORB_PETSC(SNESSetFromOptions(snes)); });
  // The post-check bounds the iterate (nonnegative) and applies the update limiter; it is
  // installed always and does nothing when neither is asked for.
  RESORB_PETSC(SNESLineSearchSetPostCheck(search, &Solver::clip, this));
  RESORB_PETSC(SNESSetConvergenceTest(snes, &Solver::converged, this, nullptr));
  configure_preconditioner(user_pc == PETSC_TRUE);
}

void ReactionDiffusion::configure_preconditioner(bool user_pc) {
  // Fast species (diffusivity within a factor 10 of the fastest, e.g. OH⁻ and the buffer)
  // have D dt / h² of hundreds: ILU's iterations grow with the mesh for them, AMG's do not.
  // The slow ones (and immobile films) are mass-dominated: ILU suffices. The reactions
  // couple the two groups node by node, hence a multiplicative split.
  const int n = num_species();
  const auto un = static_cast<std::size_t>(n);
  const MPI_Comm comm = mesh_.comm();
  std::vector<double> fastest(un, 0.0);
  for (std::size_t c = 0; c < base_diffusivity_.size() / un; ++c)
    for (std::size_t i = 0; i < un; ++i)
      fastest[i] = std::max(fastest[i], base_diffusivity_[c * un + i]);
  RESORB_REQUIRE(MPI_Allreduce(MPI_IN_PLACE, fastest.data(), n, MPI_DOUBLE, MPI_MAX, comm) ==
                     MPI_SUCCESS,
                 Error, "transport: MPI_Allreduce of the species' diffusivities failed");
  const double top = *std::max_element(fastest.begin(), fastest.end());
  std::vector<int> fast, slow;
  for (int i = 0; i < n; ++i)
    (top > 0 && fastest[static_cast<std::size_t>(i)] >= 0.1 * top ? fast : slow).push_back(i);
  const bool mixed = !fast.empty() && !slow.empty();

  const std::string& prefix = settings_.options_prefix;
  KSP ksp = nullptr;
  PC pc = nullptr;
  RESORB_PETSC(SNESGetKSP(solver_->snes.get(), &ksp));
  RESORB_PETSC(KSPGetPC(ksp, &pc));
  const double vertices = static_cast<double>(dofmap_.index_map().size_global());
  // The type is set here, not through the options database: a default left there would
  // reach every later problem under the same prefix, whatever its species.
  if (!user_pc)
    RESORB_PETSC(
        PCSetType(pc, mixed && vertices >= fieldsplit_min_vertices ? PCFIELDSPLIT : PCBJACOBI));
  PetscBool fieldsplit = PETSC_FALSE;
  RESORB_PETSC(
      PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCFIELDSPLIT, &fieldsplit));
  PetscBool user_fields = PETSC_FALSE;
  RESORB_PETSC(
      PetscOptionsHasName(nullptr, prefix.c_str(), "-pc_fieldsplit_0_fields", &user_fields));
  if (fieldsplit && mixed && !user_fields)
    split_fast_from_slow(pc, fast, slow);
  // Options of the type chosen here (SNESSetFromOptions read those of the type before).
  if (!user_pc || fieldsplit)
    solvers::read_options_checked(prefix, [&] { RESORB_PETSC(PCSetFromOptions(pc)); });
}

void ReactionDiffusion::split_fast_from_slow(PC pc, const std::vector<int>& fast,
                                             const std::vector<int>& slow) {
  const std::string& prefix = settings_.options_prefix;
  const int n = num_species();
  solvers::set_default_options(prefix, {{"-pc_fieldsplit_type", "multiplicative"}});
  solvers::set_default_options(prefix + "fieldsplit_slow_",
                               {{"-ksp_type", "preonly"},
                                {"-pc_type", "bjacobi"},
                                {"-sub_pc_type", "ilu"},
                                {"-sub_pc_factor_shift_type", "nonzero"},
                                {"-sub_pc_factor_zeropivot", "1e-300"}});
  solvers::set_default_options(prefix + "fieldsplit_fast_",
                               {{"-ksp_type", "preonly"},
                                {"-pc_type", "hypre"},
                                {"-pc_hypre_type", "boomeramg"},
                                // The usual 3D settings (measured on the 53³ box: 1.5 s per
                                // step against 2.4 s with hypre's own defaults).
                                {"-pc_hypre_boomeramg_coarsen_type", "HMIS"},
                                {"-pc_hypre_boomeramg_interp_type", "ext+i"},
                                {"-pc_hypre_boomeramg_P_max", "4"},
                                {"-pc_hypre_boomeramg_agg_nl", "1"}});
  const auto owned = static_cast<std::size_t>(dofmap_.index_map().num_owned());
  const auto first = static_cast<PetscInt>(dofmap_.index_map().offset()) * n;
  for (const auto& [name, group] : {std::pair{"slow", &slow}, std::pair{"fast", &fast}}) {
    std::vector<PetscInt> rows;
    rows.reserve(owned * group->size());
    for (std::size_t r = 0; r < owned; ++r)
      for (const int i : *group)
        rows.push_back(first + static_cast<PetscInt>(r) * n + i);
    IS is = nullptr;
    RESORB_PETSC(ISCreateGeneral(mesh_.comm(), static_cast<PetscInt>(rows.size()), rows.data(),
                                 PETSC_COPY_VALUES, &is));
    const PetscErrorCode code = PCFieldSplitSetIS(pc, name, is);
    RESORB_PETSC(ISDestroy(&is));
    RESORB_PETSC(code);
  }
}

ReactionDiffusion::~ReactionDiffusion() = default;

int ReactionDiffusion::species_index(std::string_view name) const {
  std::string known;
  for (std::size_t i = 0; i < species_.size(); ++i) {
    if (species_[i].name == name)
      return static_cast<int>(i);
    known += (known.empty() ? "" : ", ") + species_[i].name;
  }
  throw InputError(fmt::format("unknown species '{}' (species: {})", name, known));
}

void ReactionDiffusion::set_concentration(
    int species, const std::function<double(const std::array<double, 3>&)>& value) {
  RESORB_REQUIRE(species >= 0 && species < num_species(), Error,
                 fmt::format("set_concentration: species index {} out of range", species));
  const auto un = static_cast<std::size_t>(num_species());
  const auto xn = dofmap_.node_coordinates();
  {
    la::LocalWrite u(u_.vec());
    for (std::size_t a = 0; a < xn.size() / 3; ++a)
      u[static_cast<PetscInt>(un * a + static_cast<std::size_t>(species))] =
          value({xn[3 * a], xn[3 * a + 1], xn[3 * a + 2]});
  }
  constraints_.impose(u_.vec());
  la::copy_local_form(u_.vec(), u_n_.get());
  dt_n_ = dt_nm1_ = 0.0;
}

namespace {

/// The local form (owned + ghosts) of ghosted vector @p v.
std::vector<double> local_form(Vec v, std::size_t size) {
  const la::LocalRead values(v);
  return {values.data(), values.data() + size};
}

/// Writes @p values into the local form of ghosted vector @p v.
void set_local_form(Vec v, std::span<const double> values) {
  la::LocalWrite out(v);
  std::copy(values.begin(), values.end(), out.data());
}

} // namespace

void ReactionDiffusion::save(Checkpoint& checkpoint, const std::string& prefix) const {
  const auto local = static_cast<std::size_t>(num_species()) *
                     static_cast<std::size_t>(dofmap_.index_map().size_local());
  checkpoint.put(prefix + "u", local_form(u_.vec(), local));
  checkpoint.put(prefix + "u_n", local_form(u_n_.get(), local));
  checkpoint.put(prefix + "u_nm1", local_form(u_nm1_.get(), local));
  checkpoint.put(prefix + "u_nm2", local_form(u_nm2_.get(), local));
  checkpoint.put(prefix + "source", local_form(source_.get(), local));
  checkpoint.put(prefix + "steps", std::vector{dt_n_, dt_nm1_, dt_, time_, dt_next_});
  checkpoint.put(prefix + "inflow", inflow_);
  checkpoint.put(prefix + "produced", produced_);
  checkpoint.put(prefix + "last_inflow", last_inflow_);
  checkpoint.put(prefix + "last_produced", last_produced_);
  checkpoint.put(prefix + "flux_rate", flux_rate_);
  checkpoint.put(prefix + "reaction_rate", reaction_rate_);
  checkpoint.put(prefix + "constraint_flux", constraint_flux_);
  checkpoint.put(prefix + "diffusivity", diffusivity_);
  checkpoint.put(prefix + "reaction_fraction", reaction_fraction_);
  std::vector<double> constrained(local), values(local);
  for (std::size_t dof = 0; dof < local; ++dof) {
    constrained[dof] = constraints_.constrained(dof) ? 1.0 : 0.0;
    values[dof] = constraints_.value(dof);
  }
  checkpoint.put(prefix + "constrained", constrained);
  checkpoint.put(prefix + "constraint_values", values);
}

void ReactionDiffusion::restore(const Checkpoint& checkpoint, const std::string& prefix) {
  const auto local = static_cast<std::ptrdiff_t>(num_species()) *
                     static_cast<std::ptrdiff_t>(dofmap_.index_map().size_local());
  set_local_form(u_.vec(), checkpoint.get(prefix + "u", local));
  set_local_form(u_n_.get(), checkpoint.get(prefix + "u_n", local));
  set_local_form(u_nm1_.get(), checkpoint.get(prefix + "u_nm1", local));
  set_local_form(u_nm2_.get(), checkpoint.get(prefix + "u_nm2", local));
  set_local_form(source_.get(), checkpoint.get(prefix + "source", local));
  const auto steps = checkpoint.get(prefix + "steps", 5);
  dt_n_ = steps[0];
  dt_nm1_ = steps[1];
  dt_ = steps[2];
  time_ = steps[3];
  dt_next_ = steps[4];
  checkpoint.get_into(prefix + "inflow", inflow_);
  checkpoint.get_into(prefix + "produced", produced_);
  checkpoint.get_into(prefix + "last_inflow", last_inflow_);
  checkpoint.get_into(prefix + "last_produced", last_produced_);
  checkpoint.get_into(prefix + "flux_rate", flux_rate_);
  checkpoint.get_into(prefix + "reaction_rate", reaction_rate_);
  checkpoint.get_into(prefix + "constraint_flux", constraint_flux_);
  checkpoint.get_into(prefix + "diffusivity", diffusivity_);
  checkpoint.get_into(prefix + "reaction_fraction", reaction_fraction_);
  const auto constrained = checkpoint.get(prefix + "constrained", local);
  const auto values = checkpoint.get(prefix + "constraint_values", local);
  for (std::size_t dof = 0; dof < static_cast<std::size_t>(local); ++dof)
    if (constrained[dof] != 0.0)
      constraints_.set(dof, values[dof]);
    else if (constraints_.constrained(dof))
      constraints_.release(dof);
}

void ReactionDiffusion::set_update_limiter(NodeUpdateLimiter limiter) {
  update_limiter_ = std::move(limiter);
}

void ReactionDiffusion::reset_history() {
  constraints_.impose(u_.vec());
  la::copy_local_form(u_.vec(), u_n_.get());
  dt_n_ = dt_nm1_ = 0.0;
}

void ReactionDiffusion::set_source(std::span<const double> values) {
  PetscInt size = 0;
  RESORB_PETSC(VecGetLocalSize(source_.get(), &size));
  RESORB_REQUIRE(values.size() == static_cast<std::size_t>(size), Error,
                 fmt::format("set_source: {} values given for {} owned DOFs", values.size(), size));
  PetscScalar* v = nullptr;
  RESORB_PETSC(VecGetArray(source_.get(), &v));
  std::copy(values.begin(), values.end(), v);
  RESORB_PETSC(VecRestoreArray(source_.get(), &v));
}

void ReactionDiffusion::evaluate_chemistry(const double* u, bool with_jacobian) {
  const auto un = static_cast<std::size_t>(num_species());
  const auto nodes = node_rates_.size() / un;
  for (std::size_t a = 0; a < nodes; ++a)
    chemistry_->evaluate(u + un * a, node_rates_.data() + un * a,
                         with_jacobian ? node_jacobians_.data() + un * un * a : nullptr);
}

void ReactionDiffusion::residual(Vec x, Vec f, bool record) {
  const auto timing = timer_.time("assemble");
  const int n = num_species();
  const auto un = static_cast<std::size_t>(n);
  RESORB_PETSC(VecCopy(x, work_.get()));
  la::update_ghosts(work_.get());
  la::zero_local_form(f_local_.get());
  std::array<double, max_species> reaction_total{};
  {
    const la::LocalRead u(work_.get()), u1(u_n_.get()), u2(u_nm1_.get());
    la::LocalWrite fv(f_local_.get());
    evaluate_chemistry(u.data(), false);
    const double a0 = bdf_.a0 / dt_, a1 = bdf_.a1 / dt_, a2 = bdf_.a2 / dt_;
    const bool lumped = settings_.lumped_mass;
    const double* d = diffusivity_.data();
    fem::impl::for_each_cell(mesh_, [&](LocalIndex c, const mesh::CellCoordinates& xc) {
      double g[4][3], k[4][4];
      const double volume = kernels::p1_gradients(xc, g);
      kernels::p1_laplacian(g, volume, k);
      const auto nodes = dofmap_.cell_nodes(c);
      for (int a = 0; a < 4; ++a) {
        const auto na = un * static_cast<std::size_t>(nodes[static_cast<std::size_t>(a)]);
        for (std::size_t i = 0; i < un; ++i) {
          double s = 0.0;
          const double dci = d[un * static_cast<std::size_t>(c) + i];
          for (int b = 0; b < 4; ++b) {
            const auto nb = un * static_cast<std::size_t>(nodes[static_cast<std::size_t>(b)]) + i;
            const auto ib = static_cast<PetscInt>(nb);
            const double rate = a0 * u[ib] + a1 * u1[ib] + a2 * u2[ib];
            s += kernels::p1_mass(volume, a, b, lumped) * rate + dci * k[a][b] * u[ib];
          }
          const double r =
              0.25 * volume * reaction_fraction_[static_cast<std::size_t>(c)] * node_rates_[na + i];
          reaction_total[i] += r;
          fv[static_cast<PetscInt>(na + i)] += s - r;
        }
      }
    });
  }
  la::accumulate_ghosts(f_local_.get());
  RESORB_PETSC(VecAXPY(f_local_.get(), -1.0, inflow_load_.get()));
  RESORB_PETSC(VecAXPY(f_local_.get(), -1.0, source_.get()));
  {
    la::LocalWrite fv(f_local_.get());
    const auto owned = un * static_cast<std::size_t>(dofmap_.index_map().num_owned());
    if (record) {
      std::fill(constraint_flux_.begin(), constraint_flux_.end(), 0.0);
      std::array<double, max_species> dirichlet{};
      for (std::size_t dof = 0; dof < owned; ++dof)
        if (constraints_.constrained(dof)) {
          constraint_flux_[dof] = fv[static_cast<PetscInt>(dof)];
          dirichlet[dof % un] += fv[static_cast<PetscInt>(dof)];
        }
      // Inflow through Neumann conditions: ∫ q N_a summed over owned nodes.
      const la::LocalRead q(inflow_load_.get()), source(source_.get());
      std::array<double, max_species> neumann{};
      for (std::size_t dof = 0; dof < owned; ++dof)
        neumann[dof % un] += q[static_cast<PetscInt>(dof)] + source[static_cast<PetscInt>(dof)];
      for (std::size_t i = 0; i < un; ++i) {
        flux_rate_[i] = mpi::sum(mesh_.comm(), dirichlet[i] + neumann[i]);
        reaction_rate_[i] = mpi::sum(mesh_.comm(), reaction_total[i]);
      }
    }
    for (std::size_t dof = 0; dof < owned; ++dof)
      if (constraints_.constrained(dof))
        fv[static_cast<PetscInt>(dof)] = 0.0;
  }
  RESORB_PETSC(VecCopy(f_local_.get(), f));
}

void ReactionDiffusion::jacobian(Vec x) {
  const auto timing = timer_.time("assemble");
  const int n = num_species();
  const auto un = static_cast<std::size_t>(n);
  const auto m = 4 * un;
  RESORB_PETSC(VecCopy(x, work_.get()));
  la::update_ghosts(work_.get());
  {
    const la::LocalRead u(work_.get());
    evaluate_chemistry(u.data(), true);
  }
  const double a0 = bdf_.a0 / dt_;
  const bool lumped = settings_.lumped_mass;
  const double* d = diffusivity_.data();
  assembler_->begin();
  fem::impl::for_each_cell(mesh_, [&](LocalIndex c, const mesh::CellCoordinates& xc) {
    std::array<double, (4 * max_species) * (4 * max_species)> ke;
    std::array<double, 4 * max_species> be;
    double g[4][3], k[4][4];
    const double volume = kernels::p1_gradients(xc, g);
    kernels::p1_laplacian(g, volume, k);
    const auto nodes = dofmap_.cell_nodes(c);
    std::fill(ke.begin(), ke.begin() + static_cast<std::ptrdiff_t>(m * m), 0.0);
    for (std::size_t a = 0; a < 4; ++a)
      for (std::size_t b = 0; b < 4; ++b) {
        const double mass =
            a0 * kernels::p1_mass(volume, static_cast<int>(a), static_cast<int>(b), lumped);
        for (std::size_t i = 0; i < un; ++i)
          ke[(un * a + i) * m + un * b + i] =
              mass + d[un * static_cast<std::size_t>(c) + i] * k[a][b];
      }
    const double weight = 0.25 * volume * reaction_fraction_[static_cast<std::size_t>(c)];
    for (std::size_t a = 0; a < 4; ++a) {
      const double* jac = node_jacobians_.data() + un * un * static_cast<std::size_t>(nodes[a]);
      for (std::size_t i = 0; i < un; ++i)
        for (std::size_t j = 0; j < un; ++j)
          ke[(un * a + i) * m + un * a + j] -= weight * jac[un * i + j];
    }
    if (constraints_.touches(nodes))
      constraints_.eliminate(nodes, ke.data(), be.data());
    assembler_->add(c, ke.data());
  });
  assembler_->end();
}

bool ReactionDiffusion::attempt(double dt, StepReport& report) {
  dt_ = dt;
  bdf_ = solvers::bdf_coefficients(settings_.scheme, dt, dt_n_);
  RESORB_PETSC(VecCopy(u_n_.get(), u_.vec()));
  constraints_.impose(u_.vec());
  SNES snes = solver_->snes.get();
  if (!solver_->user_atol) {
    // An absolute floor so that a state already at rest converges: a residual of a 1e-8
    // fraction of atol per node and step (rms over the nodes).
    const double nodes = static_cast<double>(dofmap_.index_map().size_global());
    const double atol = 1e-8 * settings_.atol * volume_ / std::sqrt(nodes) / dt;
    RESORB_PETSC(
        SNESSetTolerances(snes, atol, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT, PETSC_DEFAULT));
  }
  solver_->failure = nullptr;
  const auto timing = timer_.time("solve");
  const PetscErrorCode code = SNESSolve(snes, nullptr, u_.vec());
  if (solver_->failure)
    std::rethrow_exception(solver_->failure);
  RESORB_PETSC(code);
  SNESConvergedReason reason{};
  RESORB_PETSC(SNESGetConvergedReason(snes, &reason));
  PetscInt newton = 0, linear = 0;
  RESORB_PETSC(SNESGetIterationNumber(snes, &newton));
  RESORB_PETSC(SNESGetLinearSolveIterations(snes, &linear));
  report.newton_iterations = static_cast<int>(newton);
  report.linear_iterations = static_cast<int>(linear);
  if (reason <= 0) {
    last_failure_ =
        fmt::format("Newton {} after {} iterations", SNESConvergedReasons[reason], newton);
    if (log::level() >= 2)
      log::detail(mesh_.comm(), "{}", largest_residual());
    return false;
  }
  u_.update_ghosts();
  return true;
}

std::string ReactionDiffusion::largest_residual() const {
  // Where Newton stalled: the free entry of the last residual largest in magnitude, with the
  // state of its node. Collective.
  Vec f = nullptr;
  RESORB_PETSC(SNESGetFunction(solver_->snes.get(), &f, nullptr, nullptr));
  const la::LocalRead fv(f), u(u_.vec());
  const auto un = static_cast<std::size_t>(num_species());
  const auto owned = un * static_cast<std::size_t>(dofmap_.index_map().num_owned());
  std::size_t at = 0;
  double largest = -1.0;
  for (std::size_t dof = 0; dof < owned; ++dof)
    if (!constraints_.constrained(dof) && std::abs(fv[static_cast<PetscInt>(dof)]) > largest) {
      largest = std::abs(fv[static_cast<PetscInt>(dof)]);
      at = dof;
    }
  struct {
    double value;
    int rank;
  } mine{largest, mpi::rank(mesh_.comm())}, best{};
  MPI_Allreduce(&mine, &best, 1, MPI_DOUBLE_INT, MPI_MAXLOC, mesh_.comm());
  std::string text;
  if (best.rank == mine.rank && largest >= 0) {
    const std::size_t node = at / un;
    const auto x = mesh_.coordinates();
    text = fmt::format("  largest residual {:.3e} in {} at ({:.4f}, {:.4f}, {:.4f}) mm; state",
                       largest, species_[at % un].name, x[3 * node] * 1e3, x[3 * node + 1] * 1e3,
                       x[3 * node + 2] * 1e3);
    for (std::size_t i = 0; i < un; ++i)
      text += fmt::format(" {} {:.4g}", species_[i].name, u[static_cast<PetscInt>(un * node + i)]);
  }
  int length = static_cast<int>(text.size());
  MPI_Bcast(&length, 1, MPI_INT, best.rank, mesh_.comm());
  text.resize(static_cast<std::size_t>(length));
  MPI_Bcast(text.data(), length, MPI_CHAR, best.rank, mesh_.comm());
  return text;
}

double ReactionDiffusion::error_estimate(double dt) const {
  if (dt_n_ <= 0.0)
    return 0.0; // first step: nothing to extrapolate from
  const auto scheme = dt_nm1_ > 0.0 ? settings_.scheme : solvers::TimeScheme::backward_euler;
  const auto w = solvers::extrapolation(scheme, dt, dt_n_, dt_nm1_);
  const double factor =
      solvers::milne_factor(dt_n_ > 0.0 ? settings_.scheme : solvers::TimeScheme::backward_euler);
  const PetscScalar *u = nullptr, *p0 = nullptr, *p1 = nullptr, *p2 = nullptr;
  PetscInt size = 0;
  RESORB_PETSC(VecGetLocalSize(u_.vec(), &size));
  RESORB_PETSC(VecGetArrayRead(u_.vec(), &u));
  RESORB_PETSC(VecGetArrayRead(u_n_.get(), &p0));
  RESORB_PETSC(VecGetArrayRead(u_nm1_.get(), &p1));
  RESORB_PETSC(VecGetArrayRead(u_nm2_.get(), &p2));
  double largest = 0.0, squares = 0.0, count = 0.0;
  for (PetscInt k = 0; k < size; ++k) {
    if (constraints_.constrained(static_cast<std::size_t>(k)))
      continue;
    const double predicted = w.w0 * p0[k] + w.w1 * p1[k] + w.w2 * p2[k];
    const double scale = error_scale(static_cast<std::size_t>(k), u[k]);
    const double e = factor * std::abs(u[k] - predicted) / scale;
    largest = std::max(largest, e);
    squares += e * e;
    count += 1.0;
  }
  RESORB_PETSC(VecRestoreArrayRead(u_.vec(), &u));
  RESORB_PETSC(VecRestoreArrayRead(u_n_.get(), &p0));
  RESORB_PETSC(VecRestoreArrayRead(u_nm1_.get(), &p1));
  RESORB_PETSC(VecRestoreArrayRead(u_nm2_.get(), &p2));
  if (settings_.control.norm == solvers::StepControl::Norm::max)
    return mpi::max(mesh_.comm(), largest);
  const double n = mpi::sum(mesh_.comm(), count);
  return n > 0 ? std::sqrt(mpi::sum(mesh_.comm(), squares) / n) : 0.0;
}

void ReactionDiffusion::accept(double dt) {
  // Fluxes and reaction totals at the new state, then the exact balance of the scheme:
  // a0 T^{n+1} + a1 T^n + a2 T^{n-1} = dt S^{n+1} gives the increment
  // ΔT_{n+1} = (dt S^{n+1} + a2 ΔT_n) / a0 (a1 = −a0 − a2), split into inflow and production.
  residual(u_.vec(), solver_->residual.get(), true);
  for (std::size_t i = 0; i < inflow_.size(); ++i) {
    last_inflow_[i] = (dt * flux_rate_[i] + bdf_.a2 * last_inflow_[i]) / bdf_.a0;
    last_produced_[i] = (dt * reaction_rate_[i] + bdf_.a2 * last_produced_[i]) / bdf_.a0;
    inflow_[i] += last_inflow_[i];
    produced_[i] += last_produced_[i];
  }
  la::copy_local_form(u_nm1_.get(), u_nm2_.get());
  la::copy_local_form(u_n_.get(), u_nm1_.get());
  la::copy_local_form(u_.vec(), u_n_.get());
  dt_nm1_ = dt_n_;
  dt_n_ = dt;
  time_ += dt;
}

StepReport ReactionDiffusion::step(double t_limit) {
  const double remaining = t_limit - time_;
  RESORB_REQUIRE(remaining > 0, Error,
                 fmt::format("transport: step to t = {} s requested at t = {} s", t_limit, time_));
  // Land on t_limit without a sliver: a remainder between one and two steps is split in two.
  double dt = std::min(dt_next_, remaining);
  if (remaining > dt && remaining < 2.0 * dt)
    dt = 0.5 * remaining;
  const bool clipped = dt < dt_next_;
  StepReport report;
  const int p = solvers::order(settings_.scheme);
  for (;;) {
    const bool ok = attempt(dt, report);
    double error = 0.0;
    if (ok && settings_.adaptive)
      error = error_estimate(dt);
    if (ok && error <= 1.0) {
      accept(dt);
      report.time = time_;
      report.dt = dt;
      report.error = error;
      if (settings_.adaptive) {
        const double proposal = settings_.control.next(dt, error, dt_n_ > 0 ? p : 1);
        dt_next_ = clipped ? std::min(dt_next_, std::max(proposal, dt)) : proposal;
      } else {
        dt_next_ = settings_.dt_initial;
      }
      dt_next_ = std::clamp(dt_next_, settings_.dt_min, settings_.dt_max);
      return report;
    }
    ++report.rejected;
    if (!ok)
      ++report.newton_failures;
    const double retry = ok ? settings_.control.next(dt, error, p) : 0.25 * dt;
    log::detail(mesh_.comm(),
                "transport: step {:.4g} s at t = {:.6g} s rejected ({}); retrying "
                "with {:.4g} s",
                dt, time_, ok ? fmt::format("error estimate {:.3g}", error) : last_failure_, retry);
    if (retry < settings_.dt_min) {
      // Leave the last accepted state in place, not the failed iterate.
      la::copy_local_form(u_n_.get(), u_.vec());
      throw SolverError(
          fmt::format("transport: time step fell below dt_min = {:.3g} s at t = {:.6g} s "
                      "after {} rejected attempts (last: {}); lower dt_min, loosen the "
                      "tolerance, or check the data for non-physical values",
                      settings_.dt_min, time_, report.rejected,
                      ok ? fmt::format("error estimate {:.3g}", error) : last_failure_));
    }
    dt = retry;
  }
}

void ReactionDiffusion::advance_to(double t_end,
                                   const std::function<void(const StepReport&)>& on_step) {
  // Compare against a relative slack so that round-off in the time sum never asks for a
  // step of 1e-16 s.
  while (t_end - time_ > 1e-12 * std::max(std::abs(t_end), settings_.dt_min)) {
    const auto report = step(t_end);
    if (on_step)
      on_step(report);
  }
  time_ = std::max(time_, t_end);
}

fem::Field ReactionDiffusion::concentration(int species) const {
  RESORB_REQUIRE(species >= 0 && species < num_species(), Error,
                 fmt::format("concentration: species index {} out of range", species));
  fem::Field out(dofmap_, 1, species_[static_cast<std::size_t>(species)].name, "mol/m^3");
  const auto un = static_cast<std::size_t>(num_species());
  {
    const la::LocalRead u(u_.vec());
    la::LocalWrite v(out.vec());
    const auto local = static_cast<std::size_t>(dofmap_.index_map().size_local());
    for (std::size_t a = 0; a < local; ++a)
      v[static_cast<PetscInt>(a)] =
          u[static_cast<PetscInt>(un * a + static_cast<std::size_t>(species))];
  }
  return out;
}

double ReactionDiffusion::amount(int species) const {
  const auto un = static_cast<std::size_t>(num_species());
  const auto s = static_cast<std::size_t>(species);
  double total = 0.0;
  const la::LocalRead u(u_.vec());
  fem::impl::for_each_cell(mesh_, [&](LocalIndex c, const mesh::CellCoordinates& x) {
    double j[3][3];
    const double volume = std::abs(mesh::jacobian(x, j)) / 6.0;
    double sum = 0.0;
    for (LocalIndex node : dofmap_.cell_nodes(c))
      sum += u[static_cast<PetscInt>(un * static_cast<std::size_t>(node) + s)];
    total += 0.25 * volume * sum;
  });
  return mpi::sum(mesh_.comm(), total);
}

} // namespace resorb::physics
