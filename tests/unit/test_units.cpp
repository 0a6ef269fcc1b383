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
