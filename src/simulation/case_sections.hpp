#pragma once
// One reader per section of a case file (private to simulation/): each reads its keys,
// rejects unknown ones and names the key in every error. read_case() calls them and checks
// what spans sections.
#include "resorb/simulation/case.hpp"

#include "io/toml_reader.hpp"

#include <filesystem>
#include <optional>

namespace resorb::simulation {

using io::parse_toml_file;
using io::Reader;

namespace impl {

/// `[mesh]`: a file with its unit, or one built-in geometry (and the symmetry it implies).
void read_mesh_section(const Reader& reader, const toml::table& root,
                       const std::filesystem::path& base, Case& c);
/// `[corrosion]`, or none.
[[nodiscard]] std::optional<CorrosionSpec> read_corrosion_section(const Reader& reader,
                                                                  const toml::table& root);
/// `[fem]`, `[materials.<volume>]` and `[bone_material]` (after `[corrosion]`: a corrosion
/// case may leave the materials out).
void read_materials_section(const Reader& reader, const toml::table& root,
                            const std::filesystem::path& base, Case& c);
/// `[boundary.<surface>]` and `[body_force]`.
void read_boundary_section(const Reader& reader, const toml::table& root, Case& c);
/// `[solver]`.
void read_solver_section(const Reader& reader, const toml::table& root, Case& c);

/// Reads `[bone_material]` (@p table); paths relative to @p base. @throws InputError naming
/// the key
[[nodiscard]] BoneMaterialSpec read_bone_material(const Reader& reader, const toml::table& table,
                                                  const std::filesystem::path& base);

} // namespace impl
} // namespace resorb::simulation
