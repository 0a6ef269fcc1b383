#pragma once
/// @file
/// The embedding of P1 into P2 on the same mesh: the prolongation of p-multigrid.

#include "resorb/fem/dirichlet.hpp"
#include "resorb/fem/dof_map.hpp"
#include "resorb/la/petsc.hpp"

namespace resorb::fem {

/// The matrix P (fine P2 DOFs × coarse P1 DOFs, @p block_size per node, MPIAIJ) that writes a
/// P1 function as the P2 function it is: a vertex node takes its vertex's value, an edge
/// node the mean of its two vertices'. Exact for every P1 function, so Pᵀ A₂ P is the P1
/// operator of the same bilinear form when the quadrature integrates both exactly.
///
/// With @p fine_constraints and @p coarse_constraints (Dirichlet DOFs of the two levels),
/// P has no entries in constrained rows or columns: a coarse correction then never moves a
/// prescribed fine value, and Pᵀ A₂ P equals the eliminated P1 operator on the free DOFs.
/// Both DofMaps must be on the same mesh. Collective.
/// @throws InputError when @p p1 is not degree 1, @p p2 not degree 2, or the meshes differ
[[nodiscard]] la::Matrix
p1_to_p2_interpolation(const DofMap& p1, const DofMap& p2, int block_size,
                       const DirichletConstraints* fine_constraints = nullptr,
                       const DirichletConstraints* coarse_constraints = nullptr);

/// The constraints of @p fine restricted to the vertex nodes of @p coarse (same mesh):
/// a coarse DOF is constrained, to the same value, where the fine DOF of its vertex is.
[[nodiscard]] DirichletConstraints vertex_constraints(const DirichletConstraints& fine,
                                                      const DofMap& fine_dofmap,
                                                      const DofMap& coarse_dofmap);

} // namespace resorb::fem
