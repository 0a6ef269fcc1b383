#pragma once
/// @file
/// A corroding implant under load: the mechanics of the metal a corrosion model has left,
/// re-solved whenever the caller asks (at output times). One or two load cases: the
/// prescribed supports and loads (pull-out, axial stiffness) and, optionally, a lateral
/// force on the first force-loaded group (bending stiffness). The implant's cells are the
/// Voigt mix of metal, film and the tissue that fills the vacated space (DegradingImplant).
#include "resorb/core/checkpoint.hpp"
#include "resorb/fem/field.hpp"
#include "resorb/mesh/tet_mesh.hpp"
#include "resorb/physics/corrosion_model.hpp"
#include "resorb/physics/degrading_implant.hpp"
#include "resorb/physics/material.hpp"

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace resorb::physics {

/// What is prescribed on one facet group of an elasticity problem.
struct BoundaryCondition {
  std::string group;                           ///< facet group name (or tag number)
  std::optional<std::array<bool, 3>> fix = {}; ///< components held at zero displacement
  std::optional<Vec3> force = {};              ///< total force on the whole part, N
  std::optional<Vec3> traction = {};           ///< traction, Pa
  std::optional<double> pressure = {};         ///< pressure, Pa
};

/// The groups that boundary conditions load and hold.
struct LoadedGroups {
  std::vector<std::string> force_groups; ///< groups with a force, in the order given
  std::vector<std::string> fixed_groups; ///< groups with fixed components, in the order given
};

/// Applies @p conditions to @p problem. Forces are for the whole part: a mesh that is one of
/// @p symmetry_factor symmetric copies carries its share.
template <fem::LagrangeElement Element>
LoadedGroups apply_boundary_conditions(Elasticity<Element>& problem,
                                       const std::vector<BoundaryCondition>& conditions,
                                       double symmetry_factor = 1.0);

/// The implant's materials and loads for a CoupledImplant.
struct CoupledImplantSpec {
  std::string metal_group = "implant";   ///< the cell group that corrodes
  IsotropicMaterial metal;               ///< the alloy
  IsotropicMaterial replacement;         ///< what fills the space the metal leaves
  std::optional<IsotropicMaterial> film; ///< the corrosion product, or none
  /// Every other cell group with its material.
  std::vector<std::pair<std::string, IsotropicMaterial>> materials;
  std::vector<BoundaryCondition> boundaries; ///< supports and loads (whole part)
  std::optional<Vec3> body_force;            ///< N/m³, on the axial load case
  /// Copies of the mesh in the whole part (4 for a quarter screw): forces are divided by it,
  /// stiffness, energy and volume multiplied.
  double symmetry_factor = 1.0;
  /// Lateral force along x on the first force-loaded group, N (whole part), for the bending
  /// stiffness; 0: no bending load case. On a quarter mesh the plane x = 0 (facet group
  /// `symmetry_x`) is antisymmetric for this load: u_y = u_z = 0 there, u_x free.
  double bending_force = 0.0;
};

/// What the mechanics gives at one update, for the whole part.
struct ImplantFigures {
  ImplantMechanicsReport report;  ///< of the axial (prescribed) load case
  double axial_stiffness = 0.0;   ///< N/m (NaN without a force)
  double bending_stiffness = 0.0; ///< N/m (NaN without a bending load case)
};

/// A corroding implant under load, of either Lagrange degree (make_coupled_implant()).
class CoupledImplant {
public:
  virtual ~CoupledImplant() = default;
  CoupledImplant() = default;
  CoupledImplant(const CoupledImplant&) = delete;
  CoupledImplant& operator=(const CoupledImplant&) = delete;

  /// Re-solves every load case with the metal and film @p model has left. A cell's metal
  /// never comes back: each cell keeps the least fraction seen so far (redistancing a level
  /// set moves a fraction of a cell's volume between cut cells). Collective.
  /// @throws SolverError when a solve does not converge
  virtual ImplantFigures update(const CorrosionModel& model) = 0;
  /// Whether there is a bending load case.
  [[nodiscard]] virtual bool has_bending() const = 0;
  /// Lagrange degree of the displacement.
  [[nodiscard]] virtual int degree() const = 0;
  /// Displacement DOFs of one load case.
  [[nodiscard]] virtual GlobalIndex num_dofs() const = 0;
  /// The axial load case's displacement.
  [[nodiscard]] virtual const fem::Field& displacement() const = 0;
  /// The axial load case's von Mises and hydrostatic stress per cell.
  [[nodiscard]] virtual std::array<fem::CellField, 2> stress_invariants() const = 0;
  /// Stores the state under @p prefix (the least metal fractions and the last solutions).
  virtual void save(Checkpoint& checkpoint, const std::string& prefix) const = 0;
  /// Restores what save() stored. @throws InputError when it does not fit
  virtual void restore(const Checkpoint& checkpoint, const std::string& prefix) = 0;
};

/// The coupled implant on @p mesh with P@p degree displacements.
/// @throws InputError for an unknown group, a non-physical material, a degree other than
///         1 or 2, or a bending force without a force-loaded group
[[nodiscard]] std::unique_ptr<CoupledImplant>
make_coupled_implant(const mesh::TetMesh& mesh, int degree, const CoupledImplantSpec& spec);

extern template LoadedGroups
apply_boundary_conditions(Elasticity<fem::P1>&, const std::vector<BoundaryCondition>&, double);
extern template LoadedGroups
apply_boundary_conditions(Elasticity<fem::P2>&, const std::vector<BoundaryCondition>&, double);

} // namespace resorb::physics
