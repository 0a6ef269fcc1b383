#pragma once
// The `[bone_material]` table, shared by the run and the mesh configurations.
#include "resorb/io/config.hpp"

#include "io/toml_reader.hpp"

#include <filesystem>

namespace resorb::io::impl {

/// Reads `[bone_material]` (@p table); paths relative to @p base. @throws InputError naming
/// the key
[[nodiscard]] BoneMaterialSpec read_bone_material(const Reader& reader, const toml::table& table,
                                                  const std::filesystem::path& base);

} // namespace resorb::io::impl
