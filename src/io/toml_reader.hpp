#pragma once
// Reading TOML input files with errors that name the file and the key (private to io).
#include "resorb/core/error.hpp"
#include "resorb/core/units.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <array>
#include <filesystem>
#include <initializer_list>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace resorb::io {

/// Parses @p path as TOML. @throws InputError with the file, line and column of a syntax error
inline toml::table parse_toml_file(const std::filesystem::path& path) {
  try {
    return toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: {}", path.string(), e.source().begin.line,
                                 e.source().begin.column, e.description()));
  }
}

/// Typed access to the keys of one file; every error names the file and the key.
class Reader {
public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw InputError(fmt::format("{}: key '{}': {}", file_, key, message));
  }

  void only_keys(const toml::table& table, const std::string& prefix,
                 const std::set<std::string>& allowed) const {
    for (const auto& [key, value] : table) {
      const std::string k(key.str());
      if (!allowed.count(k)) {
        std::string list;
        for (const auto& a : allowed)
          list += (list.empty() ? "" : ", ") + a;
        fail(prefix.empty() ? k : prefix + "." + k,
             fmt::format("unknown key (allowed here: {})", list));
      }
    }
  }

  const toml::table& table(const toml::node* node, const std::string& key) const {
    if (node == nullptr || !node->is_table())
      fail(key, "must be a table");
    return *node->as_table();
  }

  double quantity(const toml::node& node, const Dimension& dim, const std::string& key) const {
    if (const auto* s = node.as_string())
      return parse_quantity(s->get(), dim, fmt::format("{}: key '{}'", file_, key));
    if (dim == resorb::dim::dimensionless && (node.is_floating_point() || node.is_integer()))
      return node.value<double>().value();
    if (node.is_floating_point() || node.is_integer())
      fail(key,
           fmt::format("'{}' has no unit: write it as a string with a unit of {}, e.g. "
                       "\"{} {}\"",
                       node.value<double>().value(), dim.to_string(), node.value<double>().value(),
                       dim == resorb::dim::pressure ? "GPa"
                       : dim == resorb::dim::force  ? "N"
                       : dim == resorb::dim::length ? "mm"
                                                    : "<unit>"));
    fail(key, "must be a number with a unit, as a string");
  }

  std::array<double, 3> vector(const toml::node& node, const Dimension& dim,
                               const std::string& key) const {
    const auto* array = node.as_array();
    if (array == nullptr || array->size() != 3)
      fail(key, "must be an array of 3 quantities [x, y, z]");
    std::array<double, 3> v{};
    for (std::size_t i = 0; i < 3; ++i)
      v[i] = quantity(*array->get(i), dim, fmt::format("{}[{}]", key, i));
    return v;
  }

  /// Reads the length keys of a generator table (all optional) and rejects any other key
  /// but @p other_keys (which the caller reads).
  void lengths(const toml::table& table, const std::string& key,
               const std::vector<std::pair<const char*, double*>>& fields,
               std::initializer_list<const char*> other_keys = {}) const {
    std::set<std::string> allowed(other_keys.begin(), other_keys.end());
    for (const auto& [name, ptr] : fields) {
      allowed.insert(name);
      if (const auto* v = table.get(name))
        *ptr = quantity(*v, dim::length, fmt::format("{}.{}", key, name));
    }
    only_keys(table, key, allowed);
  }

  /// Reads the `[output]` table (only `directory`, a string) into @p directory when present.
  void output_directory(const toml::table& root, std::filesystem::path& directory) const {
    const auto* output = root.get("output");
    if (output == nullptr)
      return;
    const auto& t = table(output, "output");
    only_keys(t, "output", {"directory"});
    if (const auto* v = t.get("directory")) {
      if (!v->is_string())
        fail("output.directory", "must be a string");
      directory = v->as_string()->get();
    }
  }

  const std::string& file() const { return file_; }

private:
  std::string file_;
};

} // namespace resorb::io
