#pragma once
/// @file
/// A case's `[bone_material]` made ready: the modulus-density law by name, the CT read and
/// mapped onto the mesh's bone groups (E-first), the per-cell fields for the output. Shared
/// by elasticity cases and `resorb mesh --ct`.
#include "resorb/fem/field.hpp"
#include "resorb/imaging/bone_material.hpp"
#include "resorb/mesh/tet_mesh.hpp"
#include "resorb/simulation/case.hpp"

#include <string>
#include <vector>

namespace resorb::simulation {

/// The bone material map a `[bone_material]` table describes, validated.
/// @throws InputError naming @p context for an unknown law or a non-physical value
[[nodiscard]] imaging::BoneMaterialMap bone_material_map(const BoneMaterialSpec& spec,
                                                         const std::string& context);

/// Reads the CT of @p spec and maps @p map onto its groups of @p mesh (E-first). Collective:
/// an error on any rank (a cell outside the CT) is thrown on every rank.
[[nodiscard]] imaging::CellBoneMaterial map_ct_bone_material(const mesh::TetMesh& mesh,
                                                             const BoneMaterialSpec& spec,
                                                             const imaging::BoneMaterialMap& map);

/// The per-cell modulus (`bone_modulus`, Pa) and mean apparent density
/// (`bone_apparent_density`, kg/m^3) for the output, 0 in cells not mapped.
[[nodiscard]] std::vector<fem::CellField> bone_fields(const imaging::CellBoneMaterial& cells);

} // namespace resorb::simulation
