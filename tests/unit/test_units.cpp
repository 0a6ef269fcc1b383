#include <resorb/core/conversions.hpp>
#include <resorb/core/error.hpp>
#include <resorb/core/progress.hpp>
#include <resorb/core/units.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

using namespace resorb;

TEST(Units, ParsesQuantitiesToSI) {
  EXPECT_DOUBLE_EQ(parse_quantity("17 GPa", dim::pressure, "E"), 17e9);
  EXPECT_DOUBLE_EQ(parse_quantity("3.2 mm", dim::length, "r"), 3.2e-3);
  EXPECT_DOUBLE_EQ(parse_quantity("-200 N", dim::force, "F"), -200.0);
  EXPECT_DOUBLE_EQ(parse_quantity("12 weeks", dim::time, "t"), 12 * 604800.0);
  EXPECT_DOUBLE_EQ(parse_quantity("146 mM", dim::concentration, "c"), 146.0);
  EXPECT_DOUBLE_EQ(parse_quantity("0.3", dim::dimensionless, "nu"), 0.3);
}

TEST(Units, LiteralsAreSI) {
  using namespace resorb::literals;
  EXPECT_DOUBLE_EQ(17.0_GPa, 17e9);
  EXPECT_DOUBLE_EQ(3.2_mm, 3.2e-3);
  EXPECT_DOUBLE_EQ(1.0_weeks, 604800.0);
}

TEST(Units, MissingUnitNamesTheKey) {
  try {
    (void)parse_quantity("17", dim::pressure, "materials.cortical.E");
    FAIL() << "no error for a missing unit";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("materials.cortical.E"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("no unit"), std::string::npos);
  }
}

TEST(Units, WrongDimensionAndUnknownUnitAreErrors) {
  EXPECT_THROW((void)parse_quantity("17 mm", dim::pressure, "E"), InputError);
  EXPECT_THROW((void)parse_quantity("17 furlongs", dim::length, "L"), InputError);
  EXPECT_THROW((void)parse_quantity("abc GPa", dim::pressure, "E"), InputError);
  EXPECT_THROW((void)parse_quantity("", dim::pressure, "E"), InputError);
  EXPECT_THROW((void)parse_quantity("nan GPa", dim::pressure, "E"), InputError);
}

// Progress written to a file (not a terminal): one line per update, no control characters.
TEST(Progress, PlainLinesWhenNotATerminal) {
  unsetenv("RESORB_PROGRESS");
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    resorb::Progress progress(MPI_COMM_SELF, 7200.0, file);
    progress.update(1800.0, "mass loss 0.1 %");
    EXPECT_NE(progress.last_line().find("25 %"), std::string::npos) << progress.last_line();
    EXPECT_NE(progress.last_line().find("ETA"), std::string::npos);
    progress.update(7200.0, "mass loss 0.4 %");
  }
  std::rewind(file);
  std::string text;
  for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file))
    text.push_back(static_cast<char>(c));
  std::fclose(file);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_EQ(text.find('\033'), std::string::npos);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << text;
  EXPECT_NE(text.find("t = 30.0 min"), std::string::npos) << text;
  EXPECT_EQ(resorb::format_duration(42), "42 s");
  EXPECT_EQ(resorb::format_duration(3 * 86400.0), "3.0 d");
}

// RESORB_PROGRESS overrides the terminal check (mpiexec gives rank 0 a pseudo-terminal):
// "terminal" rewrites one line in place, "lines" prints whole lines; due() throttles.
TEST(Progress, LauncherSaysWhetherItIsATerminal) {
  for (const char* mode : {"terminal", "lines"}) {
    ASSERT_EQ(setenv("RESORB_PROGRESS", mode, 1), 0);
    std::FILE* file = std::tmpfile();
    ASSERT_NE(file, nullptr);
    {
      resorb::Progress progress(MPI_COMM_SELF, 100.0, file);
      progress.update(50.0, "half");
      EXPECT_FALSE(progress.due()) << mode << ": due right after an update";
      progress.update(100.0, "done");
    }
    std::rewind(file);
    std::string text;
    for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file))
      text.push_back(static_cast<char>(c));
    std::fclose(file);
    const bool terminal = std::string(mode) == "terminal";
    EXPECT_EQ(text.find('\r') != std::string::npos, terminal) << mode << ": " << text;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), terminal ? 1 : 2) << mode;
  }
  unsetenv("RESORB_PROGRESS");
}

// The corrosion-report conversions against values computed by hand (DESIGN.md, "Useful
// conversions"): 1 mm/year of pure Mg (1.738 g/cm^3) is 0.1738 g/cm^2 a year, 173.8 mg over
// 365.25 days = 0.47584 mg/(cm^2 day), so P_W = 2.10 mg/(cm^2 day) per mm/year; 1 mg of Mg is
// 4.1144e-5 mol, as H2 at 310.15 K and 101325 Pa (R T / p = 0.025450 m^3/mol) 1.0471 mL.
TEST(Conversions, CorrosionRatesAndHydrogenAgainstHandValues) {
  using namespace resorb::units;
  const double one_mm_per_year = from_mm_per_year(1.0);
  EXPECT_NEAR(one_mm_per_year, 1e-3 / 31557600.0, 1e-24);
  EXPECT_NEAR(to_mm_per_year(one_mm_per_year), 1.0, 1e-14);
  const double mass_rate = to_mg_per_cm2_day(mass_flux_of_recession(one_mm_per_year, density_mg));
  EXPECT_NEAR(mass_rate, 173.8 / 365.25, 1e-12);
  EXPECT_NEAR(mass_rate, 0.476, 5e-4);
  EXPECT_NEAR(1.0 / mass_rate, 2.10, 5e-3); // P_W = 2.10 dm
  const double hydrogen = to_mL(hydrogen_of_magnesium_mass(1e-6));
  EXPECT_NEAR(hydrogen, 1e-6 / 24.305e-3 * 8.314462618 * 310.15 / 101325.0 * 1e6, 1e-12);
  EXPECT_NEAR(hydrogen, 1.047, 5e-4);
  EXPECT_NEAR(gas_volume_at_body_temperature(1.0), 0.025450, 1e-6);
  EXPECT_DOUBLE_EQ(mg_of_magnesium(1.0), 24305.0);
  EXPECT_DOUBLE_EQ(to_mL(2e-6), 2.0);
  // 1 m^3 of gas per m^2 and second: 1e6 mL over 1e4 cm^2, 86400 s a day.
  EXPECT_DOUBLE_EQ(to_mL_per_cm2_day(1.0), 8.64e6);
}
