#pragma once
/// @file
/// Small-strain isotropic linear elasticity on P1/P2 tetrahedra, multi-material.
///
/// Weak form: find u in V with u = g on Γ_D (component-wise) such that for all v
///   ∫_Ω σ(u) : ε(v) dx = ∫_Ω f · v dx + ∫_Γ_N t · v ds,
///   σ = λ tr(ε) I + 2 μ ε,  ε = (∇u + ∇uᵀ) / 2.

#include "resorb/core/checkpoint.hpp"
#include "resorb/core/record.hpp"
#include "resorb/core/timer.hpp"
#include "resorb/fem/dirichlet.hpp"
#include "resorb/fem/dof_map.hpp"
#include "resorb/fem/field.hpp"
#include "resorb/fem/lagrange.hpp"
#include "resorb/la/matrix_assembler.hpp"
#include "resorb/la/petsc.hpp"
#include "resorb/physics/material.hpp"
#include "resorb/solvers/linear_solver.hpp"
#include "resorb/solvers/matrix_free.hpp"

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace resorb::physics {

/// A point or vector in 3D, SI units.
using Vec3 = std::array<double, 3>;
/// A vector field of position (metres in, SI value out).
using VectorField = std::function<Vec3(const Vec3&)>;

/// Linear elasticity with Dirichlet, force/traction/pressure and body loads.
///
/// What is elasticity lives here: the material law (kernels/elasticity_kernels.hpp), the
/// loads, the near-null space and the derived quantities. The generic machinery comes from
/// fem/: the cell loop, Dirichlet elimination (fem::DirichletConstraints), facet and volume
/// load assembly, the displacement as a fem::Field. PETSc options are read under the prefix
/// `elasticity_` (`-elasticity_ksp_monitor`, `-elasticity_pc_type hypre`). Default solvers
/// (benchmarks/RESULTS.md):
/// - P1: AIJ matrix (block size 3, exact preallocation), CG + GAMG with the rigid-body modes
///   as near-null space and elasticity_gamg_defaults().
/// - P2: BAIJ matrix (bs 3: a third fewer bytes per MatMult), CG + two-level p-multigrid
///   (solvers::configure_p_multigrid): Chebyshev/point-block Jacobi on P2 (`-elasticity_p2_`),
///   the P1 operator of the same mesh with one GAMG cycle (elasticity_p1_level_defaults())
///   (`-elasticity_p1_`). `-elasticity_pc_type gamg` (or any other type) solves the P2 matrix
///   directly, stored as AIJ.
/// The mesh must outlive the object.
template <fem::LagrangeElement Element>
class Elasticity {
public:
  /// Sets up the function space on @p mesh. Collective.
  explicit Elasticity(const mesh::TetMesh& mesh);
  ~Elasticity();
  Elasticity(const Elasticity&) = delete;
  Elasticity& operator=(const Elasticity&) = delete;

  /// Material of every cell in volume group @p cell_group (name or tag number).
  /// @throws InputError for an unknown group or a non-physical material
  void set_material(std::string_view cell_group, const IsotropicMaterial& material);
  /// Per-cell material (heterogeneous, e.g. from CT): one E (Pa) and ν per owned cell.
  void set_cell_materials(std::span<const double> E, std::span<const double> nu);
  /// Prescribes displacement components on facet group @p facet_group. Collective.
  /// @param components which of x, y, z are prescribed
  /// @param value      prescribed displacement (m) as a function of position; zero if empty
  void fix(std::string_view facet_group, std::array<bool, 3> components = {true, true, true},
           VectorField value = {});
  /// Total force (N) spread uniformly over facet group @p facet_group as a traction.
  void apply_force(std::string_view facet_group, const Vec3& total_force);
  /// Uniform traction (Pa) on facet group @p facet_group.
  void apply_traction(std::string_view facet_group, const Vec3& traction);
  /// Pressure (Pa) on facet group @p facet_group, pushing against the outward normal of
  /// the cells the facets are attached to.
  void apply_pressure(std::string_view facet_group, double pressure);
  /// Body force density (N/m^3) as a function of position.
  void set_body_force(VectorField force);

  /// Assembles and solves with the default solver above unless @p settings or the options
  /// database choose another preconditioner. With GAMG the rigid-body modes are the
  /// near-null space and elasticity_gamg_defaults() apply unless the options database sets
  /// them. PETSc options are read under options_prefix (`elasticity_` unless @p settings
  /// names another). The first call fixes the matrix type and the preconditioner's structure
  /// (p-multigrid or not); later calls reuse them.
  /// @throws SolverError when the solve does not converge
  /// With settings.matrix_free or settings.device = cuda no matrix is assembled: the
  /// operator is solvers::MatrixFreeOperator and the solver solvers::solve_device_cg (or PETSc's
  /// KSP on its MATSHELL when settings.pc_type names a point-wise preconditioner).
  /// @throws InputError when a cell has no material
  solvers::SolveReport solve(const solvers::LinearSolverSettings& settings = {});

  /// Stores the displacement under @p prefix (a resumed run's re-solves start from it).
  void save(Checkpoint& checkpoint, const std::string& prefix) const;
  /// Restores what save() stored. @throws InputError when it does not fit this problem
  void restore(const Checkpoint& checkpoint, const std::string& prefix);

  /// PETSc options prefix of the solver unless the settings name another.
  static constexpr const char* options_prefix = "elasticity_";

  /// The displacement, m ("displacement"; block size 3, node order of dofmap()).
  [[nodiscard]] const fem::Field& displacement() const { return u_; }
  /// Node numbering of the displacement.
  [[nodiscard]] const fem::DofMap& dofmap() const { return dofmap_; }
  /// The mesh.
  [[nodiscard]] const mesh::TetMesh& mesh() const { return mesh_; }
  /// Number of global degrees of freedom (3 per node).
  [[nodiscard]] GlobalIndex num_dofs() const { return 3 * dofmap_.index_map().size_global(); }

  /// Strain energy ½ ∫ σ : ε dx of the solution, J.
  [[nodiscard]] double strain_energy() const;
  /// Largest displacement magnitude over the nodes, m.
  [[nodiscard]] double max_displacement() const;
  /// Reaction force (N) that the supports exert on the body through facet group @p facet_group:
  /// the sum of (K u − f) over the nodes of the group.
  [[nodiscard]] Vec3 reaction_force(std::string_view facet_group) const;
  /// Area-weighted mean displacement over facet group @p facet_group, m.
  [[nodiscard]] Vec3 mean_displacement(std::string_view facet_group) const;
  /// Area of facet group @p facet_group, m^2.
  [[nodiscard]] double area(std::string_view facet_group) const;
  /// Axial stiffness of a force-loaded group: |F| / (mean displacement · F/|F|), N/m.
  /// @throws InputError when no force was applied to the group
  [[nodiscard]] double axial_stiffness(std::string_view facet_group) const;
  /// Per owned cell: cell-averaged von Mises stress ("von_mises_stress", Pa) and hydrostatic
  /// stress ("hydrostatic_stress", Pa).
  [[nodiscard]] std::array<fem::CellField, 2> stress_invariants() const;
  /// Wall time per phase ("matrix setup", "assemble", "solver setup", "solve") on this rank.
  [[nodiscard]] const PhaseTimer& timer() const { return timer_; }

  /// Assembles the stiffness matrix (with Dirichlet rows eliminated symmetrically), the
  /// load vector and the near-null space. solve() calls it; exposed for benchmarks and for
  /// users who reuse the operator.
  void assemble();
  /// The assembled stiffness matrix (null before the first assemble()).
  [[nodiscard]] Mat stiffness_matrix() const { return assembler_ ? assembler_->matrix() : nullptr; }

private:
  struct SurfaceLoad {
    int tag;
    Vec3 traction; // used when pressure is not set
    std::optional<double> pressure;
    std::optional<Vec3> total_force;
  };

  struct LinearLevel; // the P1 level of p-multigrid (P2 only)

  void ensure_matrix(); // creates the matrix, scatter map and near-null space once
  // solve() with settings.matrix_free or a device: no matrix is assembled.
  solvers::SolveReport solve_matrix_free(const solvers::LinearSolverSettings& settings);
  [[nodiscard]] bool wants_p_multigrid() const;
  void ensure_linear_level();
  void check_materials() const;
  // Adds the surface and body loads to rhs, leaving out the DOFs of skip (if given).
  void assemble_loads(Vec rhs, const fem::DirichletConstraints* skip) const;
  void internal_force(Vec out) const;

  const mesh::TetMesh& mesh_;
  fem::DofMap dofmap_;
  std::vector<double> lambda_, mu_;
  fem::DirichletConstraints constraints_;
  std::vector<SurfaceLoad> loads_;
  VectorField body_force_;
  std::unique_ptr<la::MatrixAssembler> assembler_; // the stiffness matrix and its scatter map
  la::Vector b_;
  fem::Field u_;
  la::NullSpace near_null_space_;
  std::string prefix_ = options_prefix; // of the solver: decides matrix type and PC
  std::string pc_type_;                 // from the settings ("" = the default above)
  bool p_multigrid_ = false;            // decided with the matrix (ensure_matrix)
  std::unique_ptr<LinearLevel> linear_;
  std::unique_ptr<solvers::LinearSolver> solver_; // kept for re-solves with the same settings
  // The matrix-free operator, kept on its device across solves; rebuilt when constraints
  // change or the space does, its Lamé parameters refreshed otherwise.
  std::unique_ptr<solvers::MatrixFreeOperator> matrix_free_;
  bool matrix_free_stale_ = true;
  solvers::LinearSolverSettings solver_settings_; // what solver_ was built with
  bool solved_ = false;                           // u_ holds a solution (a re-solve's guess)
  bool linear_stale_ = true; // constraints changed since the P1 level was built
  PhaseTimer timer_;
};

extern template class Elasticity<fem::P1>;
extern template class Elasticity<fem::P2>;

/// The figures of a solved problem as plain data: `degree`, `dofs`, `strain_energy_J`,
/// `max_displacement_m`, `axial_stiffness_N_per_m` (per surface of @p force_groups),
/// `reaction_force_N` (per surface of @p fixed_groups, [x, y, z]) and `solver`
/// (`iterations`, `relative_residual`, `host_device_copies` and `host_device_bytes`: zero
/// unless the solve ran on a device). Collective.
template <fem::LagrangeElement Element>
[[nodiscard]] Record summarize(const Elasticity<Element>& problem,
                               const solvers::SolveReport& report,
                               const std::vector<std::string>& force_groups,
                               const std::vector<std::string>& fixed_groups);

/// GAMG settings tuned for linear elasticity (benchmarks/RESULTS.md, "Solver options"):
/// plain (unsmoothed) aggregation, W-cycle, one Chebyshev/Jacobi step per level, LU below
/// 2000 equations. Returned as (option, value) pairs for LinearSolverSettings::default_options.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> elasticity_gamg_defaults();

/// GAMG settings of the P1 level of P2 p-multigrid (options prefix `elasticity_p1_`):
/// smoothed aggregation, W-cycle, two Chebyshev/Jacobi steps per level, LU below 2000
/// equations. One such cycle is a better coarse correction than the P1 solver's defaults
/// (30 instead of 65 CG iterations on the 3.3M-DOF screw, 34 s instead of 45 s in all).
[[nodiscard]] std::vector<std::pair<std::string, std::string>> elasticity_p1_level_defaults();

} // namespace resorb::physics
