#pragma once
/// @file
/// Integration over tagged facet groups (boundaries and interfaces): nodes, areas, surface
/// integrals of fields and surface loads.

#include "resorb/fem/dof_map.hpp"
#include "resorb/fem/field.hpp"

#include <petscvec.h>

#include <array>
#include <functional>
#include <vector>

namespace resorb::fem {

class DirichletConstraints;

/// Local nodes (owned and ghost) of @p dofmap on facet group @p facet_tag. A facet is stored
/// on one rank only, but its nodes may be owned or ghosted elsewhere: every rank that holds
/// such a node lists it. Collective.
[[nodiscard]] std::vector<LocalIndex> facet_group_nodes(const DofMap& dofmap, int facet_tag);

/// Area of facet group @p facet_tag, m², summed over ranks. Collective.
[[nodiscard]] double facet_group_area(const mesh::TetMesh& mesh, int facet_tag);

/// ∫_Γ u ds over facet group Γ = @p facet_tag, one value per component of @p u (its ghosts
/// must be up to date). Collective.
[[nodiscard]] std::vector<double> facet_integral(const Field& u, int facet_tag);

/// A surface load density: writes block_size values at physical point @p x on a facet with
/// outward unit normal @p normal (outward from the cell the facet is stored with).
using FacetLoad = std::function<void(const std::array<double, 3>& x,
                                     const std::array<double, 3>& normal, double* value)>;

/// Adds ∫_Γ N_a g ds to the ghosted vector @p b (block size @p block_size, node numbering of
/// @p dofmap) with a rule exact for polynomial loads of degree @p load_degree. Entries at DOFs
/// of @p skip are left out. Call VecAssemblyBegin/End on @p b afterwards.
void assemble_facet_load(const DofMap& dofmap, int facet_tag, int block_size, int load_degree,
                         const FacetLoad& g, Vec b, const DirichletConstraints* skip = nullptr);

} // namespace resorb::fem
