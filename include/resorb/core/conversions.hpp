#pragma once
/// @file
/// The conversions between resorb's SI figures and the units corrosion papers report in:
/// mm/year, mg/(cm² day), mL of H₂, mg of Mg. Stated once, here; everything that prints or
/// compares such a figure calls these.
///
/// Gas conditions: H₂ as an ideal gas at body temperature, 37 °C (310.15 K), and 1 atm
/// (101325 Pa): 25.45 L/mol, so 1 mg of Mg dissolved releases 1.047 mL of H₂.

namespace resorb::units {

/// Molar mass of magnesium, kg/mol (IUPAC standard atomic weight 24.305).
inline constexpr double molar_mass_mg = 24.305e-3;
/// Density of pure magnesium at 20 °C, kg/m³ (CRC Handbook of Chemistry and Physics:
/// 1.738 g/cm³). An alloy's own density is in its data file (data/alloys).
inline constexpr double density_mg = 1738.0;
/// Seconds in a day.
inline constexpr double day = 86400.0;
/// Seconds in a (Julian) year, 365.25 days: corrosion rates in mm/year use it.
inline constexpr double year = 365.25 * day;
/// Molar gas constant, J/(mol K).
inline constexpr double gas_constant = 8.314462618;
/// Body temperature, K (37 °C).
inline constexpr double body_temperature = 310.15;
/// One standard atmosphere, Pa.
inline constexpr double atmosphere = 101325.0;

/// Volume (m³) of @p moles of ideal gas at body temperature and 1 atm.
[[nodiscard]] constexpr double gas_volume_at_body_temperature(double moles) {
  return moles * gas_constant * body_temperature / atmosphere;
}
/// A speed (m/s) in mm/year.
[[nodiscard]] constexpr double to_mm_per_year(double speed) {
  return speed * 1e3 * year;
}
/// A speed given in mm/year, in m/s.
[[nodiscard]] constexpr double from_mm_per_year(double mm_per_year) {
  return mm_per_year * 1e-3 / year;
}
/// A mass flux (kg/(m² s)) in mg/(cm² day).
[[nodiscard]] constexpr double to_mg_per_cm2_day(double mass_flux) {
  return mass_flux * 1e6 * 1e-4 * day;
}
/// The mass flux (kg/(m² s)) of a metal of density @p density (kg/m³) receding at @p speed
/// (m/s): P_W (mm/year) = 2.10 Δm (mg/(cm² day)) for pure Mg (Shi et al. 2010).
[[nodiscard]] constexpr double mass_flux_of_recession(double speed, double density) {
  return speed * density;
}
/// A volume (m³) in mL.
[[nodiscard]] constexpr double to_mL(double volume) {
  return volume * 1e6;
}
/// A gas flux (m³/(m² s)) in mL/(cm² day).
[[nodiscard]] constexpr double to_mL_per_cm2_day(double gas_flux) {
  return gas_flux * 1e6 * 1e-4 * day;
}
/// An amount of Mg (mol) in mg.
[[nodiscard]] constexpr double mg_of_magnesium(double moles) {
  return moles * molar_mass_mg * 1e6;
}
/// The H₂ (m³ at body temperature, 1 atm) that @p mass (kg) of dissolved Mg releases
/// (Mg + 2 H₂O → Mg(OH)₂ + H₂: one H₂ per Mg).
[[nodiscard]] constexpr double hydrogen_of_magnesium_mass(double mass) {
  return gas_volume_at_body_temperature(mass / molar_mass_mg);
}

} // namespace resorb::units
