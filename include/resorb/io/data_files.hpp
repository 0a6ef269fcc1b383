#pragma once
/// @file
/// Where resorb's data files are (alloys, media, cases): the one place that knows the
/// data directory and turns a name ("we43") into a file.

#include <filesystem>
#include <string>

namespace resorb::io {

/// Where the data files are: $RESORB_DATA_DIR when set, else the installed
/// share/resorb/data when it exists, else the source tree's data/ (builds run in place).
[[nodiscard]] std::filesystem::path data_directory();
/// The data file @p name_or_path: a path (it has a '/' or ends in .toml) as it is, or a
/// name looked up as data_directory()/@p kind/NAME.toml ("alloys", "media", "cases").
/// @throws InputError naming @p what ("alloy", ...), the path tried and the known names
[[nodiscard]] std::filesystem::path
locate_data_file(const std::string& name_or_path, const std::string& kind, const std::string& what);

} // namespace resorb::io
