#pragma once
/// @file
/// Record: an ordered tree of named figures, the plain data by which physics reports results
/// and io writes them (summary.json, the terminal) without either knowing the other.

#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace resorb {

/// An ordered list of named values and nested records. Keys carry their unit
/// (`strain_energy_J`, `axial_stiffness_N_per_m`) since the values are bare numbers.
class Record {
public:
  /// A leaf value: a number, an integer count, text or a list of numbers.
  using Value = std::variant<double, std::int64_t, std::string, std::vector<double>>;

  /// One named entry: a value, or a nested record (group).
  struct Entry {
    std::string key;               ///< name, unique within its record
    Value value;                   ///< the value (unused for groups)
    std::unique_ptr<Record> group; ///< the nested record, or null for a value

    /// A value entry.
    Entry(std::string k, Value v) : key(std::move(k)), value(std::move(v)) {}
    /// Deep copy.
    Entry(const Entry& other);
    /// Deep copy.
    Entry& operator=(const Entry& other);
    Entry(Entry&&) noexcept = default;            ///< move
    Entry& operator=(Entry&&) noexcept = default; ///< move
    ~Entry();                                     ///< destroys the nested record
  };

  /// Sets @p key to @p value, replacing an existing value in place (order is kept).
  Record& set(std::string_view key, Value value);
  /// Number overload (without it a double would convert to an integer overload).
  Record& set(std::string_view key, double value) { return set(key, Value{value}); }
  /// Integer overload (counts: DOFs, ranks, iterations).
  template <std::integral Integer>
  Record& set(std::string_view key, Integer value) {
    return set(key, Value{static_cast<std::int64_t>(value)});
  }
  /// Text overload.
  Record& set(std::string_view key, const char* value) {
    return set(key, Value{std::string(value)});
  }
  /// The nested record @p key, created (at the end) if missing.
  /// @throws Error when @p key holds a value
  Record& group(std::string_view key);
  /// Appends (or replaces, key by key) the entries of @p other.
  Record& merge(const Record& other);

  /// The entries in insertion order.
  [[nodiscard]] const std::vector<Entry>& entries() const { return entries_; }
  /// The entry at @p path ("a.b.c"), or nullptr.
  [[nodiscard]] const Entry* find(std::string_view path) const;
  /// The number at @p path (double or integer).
  /// @throws Error when there is no number there
  [[nodiscard]] double number(std::string_view path) const;

private:
  std::vector<Entry> entries_;
};

} // namespace resorb
