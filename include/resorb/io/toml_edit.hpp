#pragma once
/// @file
/// Editing a TOML file in place without losing its comments: one table replaced or added.

#include <filesystem>
#include <string>

namespace resorb::io {

/// Replaces the table `[@p table]` of @p file (its header line and every line up to the next
/// table header or the end) by `[@p table]` and @p body, or appends it when the file has no
/// such table. Everything else, comments included, stays as it was. Written to a temporary
/// file and renamed, so a reader never sees half a file.
/// @throws Error naming the file when it cannot be read or written
void replace_toml_table(const std::filesystem::path& file, const std::string& table,
                        const std::string& body);

} // namespace resorb::io
