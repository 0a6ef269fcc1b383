#include "resorb/core/units.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <map>

namespace resorb {

namespace {

struct UnitDefinition {
  double factor;
  Dimension dimension;
};

const std::map<std::string, UnitDefinition, std::less<>>& unit_table() {
  static const std::map<std::string, UnitDefinition, std::less<>> table = {
      {"m", {1.0, dim::length}},
      {"cm", {1e-2, dim::length}},
      {"mm", {1e-3, dim::length}},
      {"um", {1e-6, dim::length}},
      {"µm", {1e-6, dim::length}},
      {"Pa", {1.0, dim::pressure}},
      {"kPa", {1e3, dim::pressure}},
      {"MPa", {1e6, dim::pressure}},
      {"GPa", {1e9, dim::pressure}},
      {"N", {1.0, dim::force}},
      {"kN", {1e3, dim::force}},
      {"mN", {1e-3, dim::force}},
      {"N/m^3", {1.0, dim::force_per_volume}},
      {"N/mm^3", {1e9, dim::force_per_volume}},
      {"kg", {1.0, dim::mass}},
      {"g", {1e-3, dim::mass}},
      {"mg", {1e-6, dim::mass}},
      {"s", {1.0, dim::time}},
      {"min", {60.0, dim::time}},
      {"h", {3600.0, dim::time}},
      {"day", {86400.0, dim::time}},
      {"days", {86400.0, dim::time}},
      {"week", {604800.0, dim::time}},
      {"weeks", {604800.0, dim::time}},
      {"year", {365.25 * 86400.0, dim::time}},
      {"years", {365.25 * 86400.0, dim::time}},
      {"m^2/s", {1.0, dim::diffusivity}},
      {"mm^2/s", {1e-6, dim::diffusivity}},
      {"mm^2/h", {1e-6 / 3600.0, dim::diffusivity}},
      {"1/s", {1.0, dim::rate}},
      {"1/h", {1.0 / 3600.0, dim::rate}},
      {"1/day", {1.0 / 86400.0, dim::rate}},
      // gas volume per scaffold volume per day (H₂ release): a rate
      {"mL/cm^3/day", {1.0 / 86400.0, dim::rate}},
      {"m/s", {1.0, dim::speed}},
      {"mm/year", {1e-3 / (365.25 * 86400.0), dim::speed}},
      {"um/day", {1e-6 / 86400.0, dim::speed}},
      {"m^3/(mol*s)", {1.0, Dimension{{3, 0, -1, -1, 0}}}},
      {"m^6/(mol^2*s)", {1.0, Dimension{{6, 0, -1, -2, 0}}}},
      {"kg/m^3", {1.0, dim::density}},
      {"g/cm^3", {1e3, dim::density}},
      {"mol/m^3", {1.0, dim::concentration}},
      {"M", {1e3, dim::concentration}},
      {"mM", {1.0, dim::concentration}},
      {"K", {1.0, dim::temperature}},
      {"1", {1.0, dim::dimensionless}},
  };
  return table;
}

} // namespace

std::string Dimension::to_string() const {
  static constexpr std::array<const char*, 5> symbols{"m", "kg", "s", "mol", "K"};
  std::string out;
  for (std::size_t i = 0; i < exponents.size(); ++i) {
    if (exponents[i] == 0)
      continue;
    if (!out.empty())
      out += ' ';
    out += symbols[i];
    if (exponents[i] != 1)
      out += fmt::format("^{}", exponents[i]);
  }
  return out.empty() ? "1 (dimensionless)" : out;
}

double unit_factor(std::string_view unit, const Dimension& expected, std::string_view context) {
  const auto& table = unit_table();
  const auto it = table.find(unit);
  RESORB_REQUIRE(it != table.end(), InputError,
                 fmt::format("{}: unknown unit '{}' (expected a unit of {})", context, unit,
                             expected.to_string()));
  RESORB_REQUIRE(it->second.dimension == expected, InputError,
                 fmt::format("{}: unit '{}' has dimension {} but {} is required", context, unit,
                             it->second.dimension.to_string(), expected.to_string()));
  return it->second.factor;
}

double parse_quantity(std::string_view text, const Dimension& expected, std::string_view context) {
  const auto first = text.find_first_not_of(" \t");
  RESORB_REQUIRE(first != std::string_view::npos, InputError,
                 fmt::format("{}: empty value, expected a number with a unit", context));
  text.remove_prefix(first);
  double value = 0.0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  if (*begin == '+')
    ++begin;
  const auto [ptr, ec] = std::from_chars(begin, end, value);
  RESORB_REQUIRE(!(ec != std::errc{} || !std::isfinite(value)), InputError,
                 fmt::format("{}: '{}' does not start with a finite number", context, text));
  std::string_view unit(ptr, static_cast<std::size_t>(end - ptr));
  const auto u0 = unit.find_first_not_of(" \t");
  unit = u0 == std::string_view::npos ? std::string_view{} : unit.substr(u0);
  while (!unit.empty() && (unit.back() == ' ' || unit.back() == '\t'))
    unit.remove_suffix(1);
  if (unit.empty()) {
    if (expected == dim::dimensionless)
      return value;
    throw InputError(fmt::format("{}: '{}' has no unit (expected a unit of {}, e.g. '{} {}')",
                                 context, text, expected.to_string(), value,
                                 expected == dim::pressure ? "GPa"
                                 : expected == dim::length ? "mm"
                                 : expected == dim::force  ? "N"
                                                           : "<unit>"));
  }
  return value * unit_factor(unit, expected, context);
}

} // namespace resorb
