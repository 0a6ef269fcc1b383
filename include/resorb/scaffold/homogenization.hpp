#pragma once
/// @file
/// Periodic homogenization of linear elasticity: the effective stiffness of a periodic
/// medium (a lattice's unit cell) from six cell problems with periodic boundary conditions.
///
/// For each unit macroscopic strain E_I the fluctuation χ_I (periodic, up to a translation)
/// solves ∫ ε(v) : C : (E_I + ε(χ_I)) dx = 0 for every periodic v, and
///   C*_IJ = (1 / |Y|) ∫ (E_I + ε(χ_I)) : C : (E_J + ε(χ_J)) dx,
/// with |Y| the period's volume (solid and pore): the energy form, symmetric by construction
/// and accurate to the square of the solve's error. Pores are void (not meshed).
///
/// Voigt order: 11, 22, 33, 23, 13, 12, acting on engineering strains
/// (ε11, ε22, ε33, 2ε23, 2ε13, 2ε12), so that σ = C* ε in that order.

#include "resorb/mesh/periodic_mesh.hpp"
#include "resorb/physics/material.hpp"
#include "resorb/solvers/linear_solver.hpp"

#include <array>
#include <map>

namespace resorb::scaffold {

/// A 6 × 6 elastic stiffness in Voigt order (see the file comment), Pa.
using VoigtMatrix = std::array<std::array<double, 6>, 6>;

/// The Voigt stiffness of an isotropic material.
[[nodiscard]] VoigtMatrix isotropic_stiffness(const physics::IsotropicMaterial& material);

/// Engineering constants of a stiffness (from its compliance S = C⁻¹), axes 1, 2, 3 = x, y, z.
struct EngineeringConstants {
  std::array<double, 3> young{}; ///< E_i = 1 / S_ii, Pa
  std::array<double, 3> shear{}; ///< G23, G13, G12 = 1 / S_44, 1 / S_55, 1 / S_66, Pa
  /// ν_ij = −S_ij / S_ii: contraction along j under uniaxial stress along i.
  std::array<std::array<double, 3>, 3> poisson{};
  /// Zener ratio 2 C44 / (C11 − C12) of the cubic average: 1 for an isotropic medium.
  double zener = 0.0;
};

/// Engineering constants of @p stiffness. @throws InputError when it is not invertible
[[nodiscard]] EngineeringConstants engineering_constants(const VoigtMatrix& stiffness);

/// ‖C − P(C)‖ / ‖C‖ (Frobenius), P the projection onto cubic symmetry with the coordinate
/// axes as cube axes (C11 = C22 = C33, C12 = C13 = C23, C44 = C55 = C66, the rest 0):
/// 0 for a cubic (or isotropic) medium.
[[nodiscard]] double cubic_symmetry_deviation(const VoigtMatrix& stiffness);

/// Settings of homogenize_elasticity().
struct HomogenizationSettings {
  int degree = 2; ///< Lagrange degree of the fluctuations (1 or 2)
  /// Linear solver of the cell problems; PETSc options under `-homogenization_` override it.
  solvers::LinearSolverSettings solver = default_solver();

  /// CG, tolerance 1e-10 (C* is then exact to about 1e-12 relative, far below the mesh's
  /// error), preconditioned as Elasticity is: GAMG with rigid-body near-null space for P1,
  /// p-multigrid (P2 Chebyshev, one GAMG cycle of the P1 cell problem) for P2. The
  /// preconditioner is chosen when pc_type is "" (the default).
  [[nodiscard]] static solvers::LinearSolverSettings default_solver();
};

/// What homogenize_elasticity() found.
struct HomogenizedElasticity {
  VoigtMatrix stiffness{};     ///< effective stiffness C*, Pa
  double solid_fraction = 0.0; ///< meshed (solid) volume / period volume
  GlobalIndex dofs = 0;        ///< unknowns of one cell problem
  int islands = 0; ///< solid pieces that touch no periodic image (dropped: they carry no load)
  double island_volume = 0.0;      ///< their volume, m³
  std::array<int, 6> iterations{}; ///< Krylov iterations of each load case
  double assembly_seconds = 0.0;   ///< matrix and load assembly
  double solve_seconds = 0.0;      ///< set-up and the six solves
};

/// Effective stiffness of the periodic medium meshed by @p mesh, with the material of each
/// cell tag in @p materials (every tag the mesh uses must have one). Runs on one process
/// (MPI_COMM_SELF): a unit cell is small, and design sweeps evaluate one candidate per rank.
/// @throws InputError for a tag without material, a non-physical material or an invalid mesh;
///         SolverError when a cell problem does not converge
[[nodiscard]] HomogenizedElasticity
homogenize_elasticity(const mesh::PeriodicMesh& mesh,
                      const std::map<int, physics::IsotropicMaterial>& materials,
                      const HomogenizationSettings& settings = {});

} // namespace resorb::scaffold
