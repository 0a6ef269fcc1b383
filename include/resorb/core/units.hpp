#pragma once
/// @file
/// SI units: user-defined literals for code and parsing of "17 GPa"-style strings for input.
///
/// Everything inside resorb is SI (m, kg, s, Pa, N, mol/m^3, K). Quantities typed by a person
/// carry their unit and are converted on input; a missing or wrong-dimension unit is an error.

#include <array>
#include <string>
#include <string_view>

namespace resorb {

/// Physical dimension as exponents of (m, kg, s, mol, K).
struct Dimension {
  std::array<int, 5> exponents{}; ///< exponents of m, kg, s, mol, K
  friend bool operator==(const Dimension&, const Dimension&) = default;
  /// Readable SI form such as "kg m^-1 s^-2".
  [[nodiscard]] std::string to_string() const;
};

/// Named dimensions used by the configuration keys.
namespace dim {
inline constexpr Dimension dimensionless{};
inline constexpr Dimension length{{1, 0, 0, 0, 0}};
inline constexpr Dimension time{{0, 0, 1, 0, 0}};
inline constexpr Dimension mass{{0, 1, 0, 0, 0}};
inline constexpr Dimension force{{1, 1, -2, 0, 0}};
inline constexpr Dimension pressure{{-1, 1, -2, 0, 0}};
inline constexpr Dimension force_per_volume{{-2, 1, -2, 0, 0}};
inline constexpr Dimension concentration{{-3, 0, 0, 1, 0}};
inline constexpr Dimension temperature{{0, 0, 0, 0, 1}};
inline constexpr Dimension diffusivity{{2, 0, -1, 0, 0}};
inline constexpr Dimension rate{{0, 0, -1, 0, 0}};
inline constexpr Dimension speed{{1, 0, -1, 0, 0}};
inline constexpr Dimension density{{-3, 1, 0, 0, 0}};
} // namespace dim

/// Parses "<number> <unit>" (e.g. "17 GPa", "3.2 mm", "-200 N", "12 weeks") into SI.
/// @param text     the string as typed
/// @param expected the dimension the value must have
/// @param context  what is being parsed (config key, CLI flag) — named in error messages
/// @throws InputError when the number or unit is missing, unknown or of the wrong dimension
[[nodiscard]] double parse_quantity(std::string_view text, const Dimension& expected,
                                    std::string_view context);

/// SI factor of a bare unit symbol ("mm" -> 1e-3) after checking its dimension.
/// @throws InputError naming @p context when the unit is unknown or has another dimension
[[nodiscard]] double unit_factor(std::string_view unit, const Dimension& expected,
                                 std::string_view context);

/// User-defined literals converting to SI: `17.0_GPa`, `3.2_mm`, `12.0_weeks`.
namespace literals {
constexpr double operator""_m(long double v) {
  return static_cast<double>(v);
}
constexpr double operator""_mm(long double v) {
  return static_cast<double>(v) * 1e-3;
}
constexpr double operator""_um(long double v) {
  return static_cast<double>(v) * 1e-6;
}
constexpr double operator""_Pa(long double v) {
  return static_cast<double>(v);
}
constexpr double operator""_kPa(long double v) {
  return static_cast<double>(v) * 1e3;
}
constexpr double operator""_MPa(long double v) {
  return static_cast<double>(v) * 1e6;
}
constexpr double operator""_GPa(long double v) {
  return static_cast<double>(v) * 1e9;
}
constexpr double operator""_N(long double v) {
  return static_cast<double>(v);
}
constexpr double operator""_s(long double v) {
  return static_cast<double>(v);
}
constexpr double operator""_h(long double v) {
  return static_cast<double>(v) * 3600.0;
}
constexpr double operator""_days(long double v) {
  return static_cast<double>(v) * 86400.0;
}
constexpr double operator""_weeks(long double v) {
  return static_cast<double>(v) * 604800.0;
}
} // namespace literals

} // namespace resorb
