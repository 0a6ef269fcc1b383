#include "resorb/physics/elasticity.hpp"

#include "resorb/solvers/device_cg.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/fem/assembly.hpp"
#include "resorb/fem/facets.hpp"
#include "resorb/fem/interpolation.hpp"
#include "resorb/solvers/p_multigrid.hpp"

#include "elasticity_kernels.hpp"
#include "fem/cell_loop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace resorb::physics {

namespace {

double norm(const Vec3& v) {
  return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

/// Rigid-body modes of the nodes of @p dofmap, set as the near-null space of @p a.
la::NullSpace set_rigid_body_modes(const fem::DofMap& dofmap, Mat a) {
  return la::set_rigid_body_near_null_space(a, dofmap.node_coordinates());
}

} // namespace

/// The P1 space on the same mesh as a P2 problem, with its operator (same materials, the
/// P2 constraints on the vertices) and the prolongation P1 → P2.
template <fem::LagrangeElement Element>
struct Elasticity<Element>::LinearLevel {
  explicit LinearLevel(const mesh::TetMesh& mesh)
      : dofmap(mesh, 1), constraints(dofmap, 3), lift(la::create_ghosted_vector(dofmap, 3)) {}
  fem::DofMap dofmap;
  fem::DirichletConstraints constraints;
  std::unique_ptr<la::MatrixAssembler> assembler;
  la::Vector lift; // the lifted loads of the constraints: not needed on this level
  la::Matrix interpolation;
  la::NullSpace near_null_space;
};

template <fem::LagrangeElement Element>
Elasticity<Element>::Elasticity(const mesh::TetMesh& mesh)
    : mesh_(mesh), dofmap_(mesh, Element::degree),
      lambda_(static_cast<std::size_t>(mesh.num_cells()), 0.0),
      mu_(static_cast<std::size_t>(mesh.num_cells()), 0.0), constraints_(dofmap_, 3),
      u_(dofmap_, 3, "displacement", "m") {
}

template <fem::LagrangeElement Element>
Elasticity<Element>::~Elasticity() = default;

template <fem::LagrangeElement Element>
void Elasticity<Element>::set_material(std::string_view cell_group,
                                       const IsotropicMaterial& material) {
  const int tag = mesh_.cell_tag(cell_group);
  material.validate(fmt::format("material of volume group '{}'", cell_group));
  const auto tags = mesh_.cell_tags();
  for (std::size_t c = 0; c < tags.size(); ++c)
    if (tags[c] == tag) {
      lambda_[c] = material.lambda();
      mu_[c] = material.mu();
    }
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::set_cell_materials(std::span<const double> E,
                                             std::span<const double> nu) {
  RESORB_REQUIRE(E.size() == lambda_.size() && nu.size() == lambda_.size(), InputError,
                 fmt::format("per-cell materials: {} / {} values for {} cells", E.size(), nu.size(),
                             lambda_.size()));
  for (std::size_t c = 0; c < E.size(); ++c) {
    const IsotropicMaterial m{E[c], nu[c]};
    m.validate(fmt::format("per-cell material of cell {}", c));
    lambda_[c] = m.lambda();
    mu_[c] = m.mu();
  }
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::fix(std::string_view facet_group, std::array<bool, 3> components,
                              VectorField value) {
  fem::DirichletConstraints::Value g;
  if (value)
    g = [value = std::move(value)](const std::array<double, 3>& x, double* out) {
      const Vec3 v = value(x);
      std::copy(v.begin(), v.end(), out);
    };
  constraints_.add(mesh_.facet_tag(facet_group), components, g);
  linear_stale_ = true;
  matrix_free_stale_ = true;
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::apply_force(std::string_view facet_group, const Vec3& total_force) {
  RESORB_REQUIRE(std::all_of(total_force.begin(), total_force.end(),
                             [](double f) { return std::isfinite(f); }),
                 InputError, fmt::format("force on '{}' is not finite", facet_group));
  loads_.push_back({mesh_.facet_tag(facet_group), {}, std::nullopt, total_force});
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::apply_traction(std::string_view facet_group, const Vec3& traction) {
  loads_.push_back({mesh_.facet_tag(facet_group), traction, std::nullopt, std::nullopt});
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::apply_pressure(std::string_view facet_group, double pressure) {
  loads_.push_back({mesh_.facet_tag(facet_group), {}, pressure, std::nullopt});
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::set_body_force(VectorField force) {
  body_force_ = std::move(force);
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::check_materials() const {
  const auto tags = mesh_.cell_tags();
  int missing = -1;
  for (std::size_t c = 0; c < mu_.size(); ++c)
    if (!(mu_[c] > 0.0)) {
      missing = tags[c];
      break;
    }
  const int any = mpi::max(mesh_.comm(), missing);
  RESORB_REQUIRE(any < 0, InputError,
                 fmt::format("{}: volume group '{}' has no material", mesh_.source(),
                             mesh_.group_name(3, any)));
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::assemble_loads(Vec rhs, const fem::DirichletConstraints* skip) const {
  if (body_force_) {
    // The load is an arbitrary function: integrate it two degrees above the basis.
    fem::assemble_cell_load(
        dofmap_, 3, Element::degree + 2,
        [&](const std::array<double, 3>& x, double* f) {
          const Vec3 v = body_force_(x);
          std::copy(v.begin(), v.end(), f);
        },
        rhs, skip);
  }
  for (const auto& load : loads_) {
    Vec3 traction = load.traction;
    if (load.total_force) {
      const double a = fem::facet_group_area(mesh_, load.tag);
      RESORB_REQUIRE(a > 0.0, InputError,
                     fmt::format("{}: force applied to surface '{}' which has no area",
                                 mesh_.source(), mesh_.group_name(2, load.tag)));
      for (int d = 0; d < 3; ++d)
        traction[d] = (*load.total_force)[d] / a;
    }
    // Tractions are constant per facet; a rule of degree 2p integrates them as before.
    fem::assemble_facet_load(
        dofmap_, load.tag, 3, Element::degree,
        [&](const std::array<double, 3>&, const std::array<double, 3>& normal, double* t) {
          for (int d = 0; d < 3; ++d)
            t[d] = load.pressure ? -*load.pressure * normal[d] : traction[d];
        },
        rhs, skip);
  }
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::assemble() {
  check_materials();
  ensure_matrix();
  if (!b_)
    b_ = la::create_ghosted_vector(dofmap_, 3);
  else
    RESORB_PETSC(VecSet(b_.get(), 0.0));
  const kernels::ElasticityStiffness<Element> kernel{{}, lambda_.data(), mu_.data()};
  fem::impl::assemble_matrix(dofmap_, kernel, *assembler_, constraints_, b_.get());
  if (p_multigrid_) {
    ensure_linear_level();
    const kernels::ElasticityStiffness<fem::P1> linear_kernel{{}, lambda_.data(), mu_.data()};
    la::zero_local_form(linear_->lift.get());
    fem::impl::assemble_matrix(linear_->dofmap, linear_kernel, *linear_->assembler,
                               linear_->constraints, linear_->lift.get());
  }
  assemble_loads(b_.get(), &constraints_);
  RESORB_PETSC(VecAssemblyBegin(b_.get()));
  RESORB_PETSC(VecAssemblyEnd(b_.get()));
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::ensure_matrix() {
  if (assembler_)
    return;
  // p-multigrid smooths with point-block Jacobi and MatMult only: BAIJ moves a third fewer
  // bytes. Algebraic multigrid on the P2 matrix itself needs AIJ (GAMG rejects BAIJ).
  p_multigrid_ = wants_p_multigrid(); // fixed for the object's life, like the matrix type
  assembler_ = std::make_unique<la::MatrixAssembler>(dofmap_, 3, prefix_.c_str(),
                                                     p_multigrid_ ? MATBAIJ : MATAIJ);
  // Rigid-body modes from the node coordinates: GAMG's near-null space. They depend on the
  // mesh only, so they are built once with the matrix.
  near_null_space_ = set_rigid_body_modes(dofmap_, assembler_->matrix());
  if (p_multigrid_)
    ensure_linear_level();
}

template <fem::LagrangeElement Element>
bool Elasticity<Element>::wants_p_multigrid() const {
  if constexpr (Element::degree == 1) {
    return false;
  } else {
    // The options database wins over the settings, as in LinearSolver.
    char type[64] = {};
    PetscBool set = PETSC_FALSE;
    RESORB_PETSC(
        PetscOptionsGetString(nullptr, prefix_.c_str(), "-pc_type", type, sizeof(type), &set));
    const std::string chosen = set ? std::string(type) : pc_type_;
    return chosen.empty() || chosen == PCMG;
  }
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::ensure_linear_level() {
  if (!linear_) {
    linear_ = std::make_unique<LinearLevel>(mesh_);
    linear_->assembler =
        std::make_unique<la::MatrixAssembler>(linear_->dofmap, 3, (prefix_ + "p1_").c_str());
    linear_->near_null_space = set_rigid_body_modes(linear_->dofmap, linear_->assembler->matrix());
  }
  if (!linear_stale_)
    return;
  linear_->constraints = fem::vertex_constraints(constraints_, dofmap_, linear_->dofmap);
  linear_->interpolation = fem::p1_to_p2_interpolation(linear_->dofmap, dofmap_, 3, &constraints_,
                                                       &linear_->constraints);
  linear_stale_ = false;
}

template <fem::LagrangeElement Element>
solvers::SolveReport
Elasticity<Element>::solve_matrix_free(const solvers::LinearSolverSettings& settings) {
  check_materials();
  solvers::MatrixFreeSettings mf;
  mf.space = settings.device;
  {
    const auto scope = timer_.time("assemble");
    if (!matrix_free_ || matrix_free_stale_ || matrix_free_->space() != settings.device)
      matrix_free_ = std::make_unique<solvers::MatrixFreeOperator>(
          solvers::MatrixFreeOperator::elasticity(dofmap_, lambda_, mu_, &constraints_, mf));
    else
      matrix_free_->set_lame_parameters(lambda_, mu_);
    matrix_free_stale_ = false;
    if (!b_)
      b_ = la::create_ghosted_vector(dofmap_, 3);
    else
      RESORB_PETSC(VecSet(b_.get(), 0.0));
    assemble_loads(b_.get(), &constraints_);
    RESORB_PETSC(VecAssemblyBegin(b_.get()));
    RESORB_PETSC(VecAssemblyEnd(b_.get()));
    const auto prescribed = la::create_ghosted_vector(dofmap_, 3);
    constraints_.initial_guess(prescribed.get());
    matrix_free_->lift(prescribed.get(), b_.get());
  }
  if (solved_ && settings.reuse)
    constraints_.impose(u_.vec());
  else
    constraints_.initial_guess(u_.vec());
  solvers::SolveReport report;
  if (settings.pc_type.empty() || settings.pc_type == "chebyshev") {
    solvers::DeviceCgSettings cg;
    cg.rtol = settings.rtol;
    cg.atol = settings.atol;
    cg.max_iterations = settings.max_iterations;
    const auto scope = timer_.time("solve");
    const auto result = solvers::solve_device_cg(*matrix_free_, b_.get(), u_.vec(), cg);
    report = result.solve;
    report.transfers = result.transfers;
  } else {
    const TransferLog before = matrix_free_->transfers();
    const auto shell = matrix_free_->petsc_shell();
    solvers::LinearSolverSettings tuned = settings;
    if (tuned.options_prefix.empty())
      tuned.options_prefix = options_prefix;
    solvers::LinearSolver solver(mesh_.comm(), tuned);
    solver.set_operator(shell.get());
    {
      const auto scope = timer_.time("solver setup");
      solver.setup();
    }
    RESORB_PETSC(KSPSetInitialGuessNonzero(solver.ksp(), PETSC_TRUE));
    const auto scope = timer_.time("solve");
    report = solver.solve(b_.get(), u_.vec());
    report.transfers = matrix_free_->transfers().since(before);
  }
  solved_ = true;
  u_.update_ghosts();
  return report;
}

template <fem::LagrangeElement Element>
solvers::SolveReport Elasticity<Element>::solve(const solvers::LinearSolverSettings& settings) {
  if (settings.matrix_free || settings.device != ExecutionSpace::host)
    return solve_matrix_free(settings);
  if (!assembler_) { // the first solve decides the matrix type and the preconditioner
    prefix_ = settings.options_prefix.empty() ? options_prefix : settings.options_prefix;
    pc_type_ = settings.pc_type;
  }
  {
    // Sparsity pattern, scatter map and near-null space: once per mesh, not per assembly.
    const auto scope = timer_.time("matrix setup");
    ensure_matrix();
  }
  {
    const auto scope = timer_.time("assemble");
    assemble();
  }
  solvers::LinearSolverSettings tuned = settings;
  tuned.options_prefix = prefix_;
  if (tuned.pc_type.empty())
    tuned.pc_type = p_multigrid_ ? PCMG : PCGAMG;
  if (tuned.pc_type == PCGAMG) {
    const auto defaults = elasticity_gamg_defaults();
    tuned.default_options.insert(tuned.default_options.end(), defaults.begin(), defaults.end());
  }
  // A re-solve with the same settings (new coefficients, e.g. a degrading implant) keeps the
  // Krylov solver and, with GAMG, its coarse spaces (elasticity_gamg_defaults()), and
  // starts from the last displacement. p-multigrid builds its levels afresh.
  const auto same = [](const solvers::LinearSolverSettings& a,
                       const solvers::LinearSolverSettings& b) {
    return a.ksp_type == b.ksp_type && a.pc_type == b.pc_type && a.rtol == b.rtol &&
           a.atol == b.atol && a.max_iterations == b.max_iterations &&
           a.options_prefix == b.options_prefix;
  };
  const bool reuse = settings.reuse && solver_ && !p_multigrid_ && same(tuned, solver_settings_);
  if (!reuse) {
    solver_ = std::make_unique<solvers::LinearSolver>(mesh_.comm(), tuned);
    solver_settings_ = tuned;
    PC pc = nullptr;
    RESORB_PETSC(KSPGetPC(solver_->ksp(), &pc));
    PetscBool mg = PETSC_FALSE;
    RESORB_PETSC(PetscObjectTypeCompare(reinterpret_cast<PetscObject>(pc), PCMG, &mg));
    if (p_multigrid_ && mg == PETSC_TRUE) { // the P1 level exists and the PC (still) is PCMG
      solvers::PMultigridSettings levels;
      levels.coarse_defaults = elasticity_p1_level_defaults();
      solvers::configure_p_multigrid(solver_->ksp(), prefix_, linear_->interpolation.get(),
                                     linear_->assembler->matrix(), levels);
    }
  }
  solver_->set_operator(assembler_->matrix());
  {
    const auto scope = timer_.time("solver setup");
    solver_->setup();
  }
  // Start from the prescribed values so the constrained rows hold from the first iterate;
  // a re-solve from the last displacement with them imposed.
  if (solved_ && settings.reuse) {
    constraints_.impose(u_.vec());
    RESORB_PETSC(KSPSetInitialGuessNonzero(solver_->ksp(), PETSC_TRUE));
  } else {
    constraints_.initial_guess(u_.vec());
  }
  solvers::SolveReport report;
  {
    const auto scope = timer_.time("solve");
    report = solver_->solve(b_.get(), u_.vec());
  }
  solved_ = true;
  u_.update_ghosts();
  return report;
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::save(Checkpoint& checkpoint, const std::string& prefix) const {
  const la::LocalRead u(u_.vec());
  checkpoint.put(prefix + "displacement",
                 std::span<const double>(
                     u.data(), 3 * static_cast<std::size_t>(dofmap_.index_map().size_local())));
  checkpoint.put(prefix + "solved", solved_ ? 1.0 : 0.0);
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::restore(const Checkpoint& checkpoint, const std::string& prefix) {
  const auto values = checkpoint.get(
      prefix + "displacement", 3 * static_cast<std::ptrdiff_t>(dofmap_.index_map().size_local()));
  {
    la::LocalWrite u(u_.vec());
    std::copy(values.begin(), values.end(), u.data());
  }
  solved_ = checkpoint.scalar(prefix + "solved") != 0.0;
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::internal_force(Vec out) const {
  const kernels::ElasticityStiffness<Element> kernel{{}, lambda_.data(), mu_.data()};
  fem::impl::apply_cell_matrices(dofmap_, kernel, u_.vec(), out);
}

template <fem::LagrangeElement Element>
double Elasticity<Element>::strain_energy() const {
  la::Vector f = la::create_ghosted_vector(dofmap_, 3);
  internal_force(f.get());
  PetscScalar dot = 0.0;
  RESORB_PETSC(VecDot(u_.vec(), f.get(), &dot));
  return 0.5 * dot;
}

template <fem::LagrangeElement Element>
double Elasticity<Element>::max_displacement() const {
  const la::LocalRead u(u_.vec());
  double local = 0.0;
  for (LocalIndex i = 0; i < dofmap_.index_map().num_owned(); ++i)
    local = std::max(local, norm({u[3 * i], u[3 * i + 1], u[3 * i + 2]}));
  return mpi::max(mesh_.comm(), local);
}

template <fem::LagrangeElement Element>
Vec3 Elasticity<Element>::reaction_force(std::string_view facet_group) const {
  const int tag = mesh_.facet_tag(facet_group);
  la::Vector r = la::create_ghosted_vector(dofmap_, 3);
  internal_force(r.get());
  la::Vector load = la::create_ghosted_vector(dofmap_, 3);
  assemble_loads(load.get(), nullptr);
  RESORB_PETSC(VecAssemblyBegin(load.get()));
  RESORB_PETSC(VecAssemblyEnd(load.get()));
  RESORB_PETSC(VecAXPY(r.get(), -1.0, load.get()));
  la::update_ghosts(r.get());
  // The support reaction is minus the residual carried by the constrained nodes.
  Vec3 local{};
  const la::LocalRead rv(r.get());
  for (LocalIndex node : fem::facet_group_nodes(dofmap_, tag))
    if (node < dofmap_.index_map().num_owned())
      for (int d = 0; d < 3; ++d)
        local[d] += rv[3 * node + d];
  Vec3 total{};
  for (int d = 0; d < 3; ++d)
    total[d] = mpi::sum(mesh_.comm(), local[d]);
  return total;
}

template <fem::LagrangeElement Element>
double Elasticity<Element>::area(std::string_view facet_group) const {
  return fem::facet_group_area(mesh_, mesh_.facet_tag(facet_group));
}

template <fem::LagrangeElement Element>
Vec3 Elasticity<Element>::mean_displacement(std::string_view facet_group) const {
  const int tag = mesh_.facet_tag(facet_group);
  const double total_area = fem::facet_group_area(mesh_, tag);
  RESORB_REQUIRE(total_area > 0.0, InputError,
                 fmt::format("surface '{}' has no area", facet_group));
  const auto integral = fem::facet_integral(u_, tag);
  return {integral[0] / total_area, integral[1] / total_area, integral[2] / total_area};
}

template <fem::LagrangeElement Element>
double Elasticity<Element>::axial_stiffness(std::string_view facet_group) const {
  const int tag = mesh_.facet_tag(facet_group);
  Vec3 force{};
  bool found = false;
  for (const auto& load : loads_)
    if (load.tag == tag && load.total_force) {
      for (int d = 0; d < 3; ++d)
        force[d] += (*load.total_force)[d];
      found = true;
    }
  RESORB_REQUIRE(found, InputError,
                 fmt::format("axial stiffness of '{}': no force is applied there", facet_group));
  const double magnitude = norm(force);
  const Vec3 u = mean_displacement(facet_group);
  const double along = (u[0] * force[0] + u[1] * force[1] + u[2] * force[2]) / magnitude;
  return magnitude / along;
}

template <fem::LagrangeElement Element>
std::array<fem::CellField, 2> Elasticity<Element>::stress_invariants() const {
  constexpr int n = Element::num_nodes;
  const kernels::GradientTabulation<Element> tab;
  const auto nc = static_cast<std::size_t>(mesh_.num_cells());
  std::array<fem::CellField, 2> out{
      fem::CellField{"von_mises_stress", 1, std::vector<double>(nc), "Pa"},
      fem::CellField{"hydrostatic_stress", 1, std::vector<double>(nc), "Pa"}};
  const la::LocalRead u(u_.vec());
  fem::impl::for_each_cell(mesh_, [&](LocalIndex c, const mesh::CellCoordinates& x) {
    const auto cn = dofmap_.cell_nodes(c);
    double ue[3 * n];
    for (int a = 0; a < n; ++a)
      for (int i = 0; i < 3; ++i)
        ue[3 * a + i] = u[3 * cn[static_cast<std::size_t>(a)] + i];
    const auto k = static_cast<std::size_t>(c);
    double s[2];
    kernels::stress_invariants<Element>(tab, x, lambda_[k], mu_[k], ue, s);
    out[0].values[k] = s[0];
    out[1].values[k] = s[1];
  });
  return out;
}

std::vector<std::pair<std::string, std::string>> elasticity_gamg_defaults() {
  // Against GAMG's own defaults (smoothed aggregation, V-cycle, two smoothing steps) on
  // example 01 at 3M DOFs, 2 ranks: set-up 38 s -> 11 s (no prolongator smoothing, so the
  // Galerkin products stay sparse), 35 -> 65 CG iterations, 78 s -> 50 s in all. The
  // W-cycle buys back most of the convergence that plain aggregation loses.
  return {{"-pc_gamg_agg_nsmooths", "0"},
          {"-pc_mg_cycle_type", "w"},
          {"-mg_levels_ksp_max_it", "1"},
          {"-pc_gamg_coarse_eq_limit", "2000"},
          // Chebyshev's bounds from 20 CG steps instead of 10: with 10, the interference
          // screw's coarse quarter mesh (0.5 mm on the screw) underestimated the largest
          // eigenvalue and CG stopped with DIVERGED_INDEFINITE_PC (15 already converge).
          {"-mg_levels_ksp_chebyshev_esteig_steps", "20"},
          // Re-solves with new coefficients keep the aggregates and prolongators of the
          // first set-up and recompute only the Galerkin products (RESULTS.md, "The main
          // job": what it saved); a single solve is unaffected.
          {"-pc_gamg_reuse_interpolation", "true"}};
}

std::vector<std::pair<std::string, std::string>> elasticity_p1_level_defaults() {
  // On the 140k-vertex screw (P2, 3.3M DOFs, 2 ranks; benchmarks/RESULTS.md): with the P1
  // solver's plain aggregation and one smoothing step the P1 correction is coarse enough
  // that CG needs 65 iterations; two steps give 52, and smoothed aggregation on top 30:
  // its set-up costs 5 s more and saves 15 s of iterations, whose P2 matrix products
  // dominate.
  return {{"-pc_gamg_agg_nsmooths", "1"},
          {"-pc_mg_cycle_type", "w"},
          {"-mg_levels_ksp_max_it", "2"},
          {"-pc_gamg_coarse_eq_limit", "2000"}};
}

template <fem::LagrangeElement Element>
Record summarize(const Elasticity<Element>& problem, const solvers::SolveReport& report,
                 const std::vector<std::string>& force_groups,
                 const std::vector<std::string>& fixed_groups) {
  Record r;
  r.set("degree", Element::degree);
  r.set("dofs", static_cast<std::int64_t>(problem.num_dofs()));
  r.set("strain_energy_J", problem.strain_energy());
  r.set("max_displacement_m", problem.max_displacement());
  auto& stiffness = r.group("axial_stiffness_N_per_m");
  for (const auto& g : force_groups)
    stiffness.set(g, problem.axial_stiffness(g));
  auto& reactions = r.group("reaction_force_N");
  for (const auto& g : fixed_groups) {
    const Vec3 f = problem.reaction_force(g);
    reactions.set(g, std::vector<double>(f.begin(), f.end()));
  }
  r.group("solver")
      .set("iterations", report.iterations)
      .set("relative_residual", report.relative_residual)
      .set("host_device_copies", report.transfers.copies())
      .set("host_device_bytes", report.transfers.bytes_to_device + report.transfers.bytes_to_host);
  return r;
}

template class Elasticity<fem::P1>;
template class Elasticity<fem::P2>;
template Record summarize(const Elasticity<fem::P1>&, const solvers::SolveReport&,
                          const std::vector<std::string>&, const std::vector<std::string>&);
template Record summarize(const Elasticity<fem::P2>&, const solvers::SolveReport&,
                          const std::vector<std::string>&, const std::vector<std::string>&);

} // namespace resorb::physics
