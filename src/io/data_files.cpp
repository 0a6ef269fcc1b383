#include "resorb/io/data_files.hpp"

#include "resorb/core/error.hpp"

#include <fmt/ranges.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace resorb::io {

std::filesystem::path locate_data_file(const std::string& name_or_path, const std::string& kind,
                                       const std::string& what) {
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       std::filesystem::path(name_or_path).extension() == ".toml";
  const auto path = is_path ? std::filesystem::path(name_or_path)
                            : data_directory() / kind / (name_or_path + ".toml");
  if (!std::filesystem::exists(path)) {
    std::vector<std::string> known;
    if (!is_path && std::filesystem::is_directory(data_directory() / kind))
      for (const auto& entry : std::filesystem::directory_iterator(data_directory() / kind))
        if (entry.path().extension() == ".toml")
          known.push_back(entry.path().stem().string());
    std::sort(known.begin(), known.end());
    throw InputError(
        fmt::format("{} '{}' not found ({}){}", what, name_or_path, path.string(),
                    known.empty() ? "" : fmt::format("; known: {}", fmt::join(known, ", "))));
  }
  return path;
}

std::filesystem::path data_directory() {
  if (const char* env = std::getenv("RESORB_DATA_DIR"); env != nullptr && *env != '\0')
    return env;
  if (std::filesystem::is_directory(RESORB_INSTALLED_DATA_DIR))
    return RESORB_INSTALLED_DATA_DIR;
  return RESORB_SOURCE_DATA_DIR;
}

} // namespace resorb::io
