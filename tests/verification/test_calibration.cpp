// Media and alloys as data files, and the calibration of an alloy's rate factor.
//
// The shipped media files must reproduce the code's published parameter sets exactly (to
// the 1e-9 of their printed digits), so the two cannot drift apart; every bad file gives an
// InputError naming the file and key. The calibration finds the factor on D_Mg that makes
// the reference coupon corrode at a target rate; re-running the coupon with it must give
// the target to the calibration tolerance (1e-3). Doubling the rate of pure Mg in SBF over
// 6 h takes a factor of 1.9: with the published film the rate is nearly linear in D_Mg, not
// the √D of a bare diffusion-limited surface.
#include <resorb/core/conversions.hpp>
#include <resorb/core/error.hpp>
#include <resorb/io/data_files.hpp>
#include <resorb/physics/alloy.hpp>
#include <resorb/physics/calibration.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

using namespace resorb;

namespace {

void expect_same(const physics::CorrosionParameters& a, const physics::CorrosionParameters& b) {
  auto near = [](double x, double y, const char* what) {
    EXPECT_NEAR(x, y, 1e-9 * std::abs(y)) << what;
  };
  near(a.diffusivity_mg, b.diffusivity_mg, "diffusivity_mg");
  near(a.diffusivity_oh, b.diffusivity_oh, "diffusivity_oh");
  near(a.diffusivity_cl, b.diffusivity_cl, "diffusivity_cl");
  near(a.film_formation_rate, b.film_formation_rate, "film_formation_rate");
  near(a.film_breakdown_rate, b.film_breakdown_rate, "film_breakdown_rate");
  near(a.film_beta, b.film_beta, "film_beta");
  near(a.film_porosity, b.film_porosity, "film_porosity");
  near(a.film_tortuosity, b.film_tortuosity, "film_tortuosity");
  near(a.film_capacity, b.film_capacity, "film_capacity");
  near(a.mg_saturation, b.mg_saturation, "mg_saturation");
  near(a.metal_mg, b.metal_mg, "metal_mg");
  near(a.initial_mg + 1.0, b.initial_mg + 1.0, "initial_mg");
  near(a.initial_oh, b.initial_oh, "initial_oh");
  near(a.initial_cl, b.initial_cl, "initial_cl");
  EXPECT_EQ(a.hydroxide, b.hydroxide);
  EXPECT_EQ(a.ph_closure, b.ph_closure);
}

std::string error_of(const auto& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no InputError";
}

} // namespace

// The data files hold Barzegari et al. 2021's calibrated sets (Corros. Sci. 190:109674, thesis
// parameter table; DESIGN.md) and the in-vivo buffer's physiology, each converted to SI by the
// file's units: checked here against the published numbers in their published units (mm, g,
// h; C_Cl in g/mm³ in k₂; Mg(OH)₂ and [Mg]_sat read as Mg mass per volume).
TEST(CorrosionData, MediaFilesMatchThePublishedSets) {
  constexpr double mm2_per_h = 1e-6 / 3600.0, per_h = 1.0 / 3600.0;
  constexpr double chloride_g_per_mol = 35.453;
  auto g_per_mm3 = [](double value) { return value * 1e-3 / units::molar_mass_mg * 1e9; };
  auto breakdown = [&](double k2) { // mm⁶/(g²·h) → m⁶/(mol²·s)
    return k2 * (chloride_g_per_mol * 1e-9) * (chloride_g_per_mol * 1e-9) * per_h;
  };
  physics::CorrosionParameters common;
  common.diffusivity_cl = 0.05 * mm2_per_h;
  common.diffusivity_oh = 25.2 * mm2_per_h;
  common.film_formation_rate = 7.0 * per_h;
  common.film_porosity = 0.55;
  common.film_tortuosity = 1.0;
  common.film_capacity = g_per_mm3(2344.6e-6);
  common.mg_saturation = g_per_mm3(134e-6);
  common.metal_mg = g_per_mm3(1735e-6);
  auto sbf = common;
  sbf.diffusivity_mg = 3.38e-4 * mm2_per_h;
  sbf.film_breakdown_rate = breakdown(1e15);
  sbf.film_beta = 0.125;
  sbf.initial_mg = 1.5;
  sbf.initial_cl = 147.8;
  sbf.initial_oh = std::pow(10.0, 7.4 - 14.0) * 1e3;
  auto nacl = common;
  nacl.diffusivity_mg = 0.06273 * mm2_per_h;
  nacl.film_breakdown_rate = breakdown(1e20);
  nacl.film_beta = 0.2;
  nacl.initial_cl = 145.4;
  nacl.initial_oh = std::pow(10.0, 7.0 - 14.0) * 1e3;
  const auto pure = physics::read_alloy("pure_mg");
  expect_same(physics::corrosion_parameters(pure, "sbf"), sbf);
  expect_same(physics::corrosion_parameters(pure, "nacl"), nacl);
  // A medium alone is for pure Mg of the handbook's density until an alloy says otherwise.
  EXPECT_DOUBLE_EQ(physics::read_medium("sbf").metal_mg, units::density_mg / units::molar_mass_mg);
  const auto vivo = physics::read_medium("in_vivo");
  ASSERT_TRUE(vivo.buffer.has_value());
  const auto& b = *vivo.buffer;
  EXPECT_DOUBLE_EQ(b.co2, 1.2);   // 0.0307 mM/mmHg × pCO₂ 40 mmHg (Guyton & Hall, ch. 31)
  EXPECT_DOUBLE_EQ(b.hco3, 24.0); // arterial plasma, mM
  EXPECT_DOUBLE_EQ(b.pka, 6.1);
  EXPECT_DOUBLE_EQ(b.hydration_rate, 8.5);  // 8.5e3 L/(mol s) (Pinsent et al. 1956)
  EXPECT_DOUBLE_EQ(b.perfusion_rate, 1e-3); // 1/s
  EXPECT_DOUBLE_EQ(b.diffusivity_co2, 2.6e-9);
  EXPECT_DOUBLE_EQ(b.diffusivity_hco3, 1.5e-9);
  // Its pH is the buffer's own equilibrium: [OH⁻] = [HCO₃⁻] / ([CO₂] 10^(14 − pKa)).
  EXPECT_NEAR(vivo.initial_oh, b.hco3 / (b.co2 * std::pow(10.0, 14.0 - b.pka) * 1e-3),
              3e-3 * vivo.initial_oh); // pH 7.4 printed with 2 decimals
}

TEST(CorrosionData, BadFilesAreNamed) {
  const auto dir = std::filesystem::temp_directory_path() / "resorb_test_corrosion_data";
  std::filesystem::create_directories(dir);
  const auto base = std::filesystem::path(io::data_directory()) / "media" / "sbf.toml";
  auto variant = [&](const std::string& name, const std::string& from, const std::string& to) {
    std::ifstream in(base);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    const auto path = dir / (name + ".toml");
    std::ofstream(path) << text;
    return path.string();
  };
  auto expect = [](const std::string& message, std::initializer_list<const char*> parts) {
    for (const char* part : parts)
      EXPECT_NE(message.find(part), std::string::npos) << message;
  };
  expect(error_of([&] {
           (void)physics::read_medium(variant("negative", "\"0.05 mm^2/h\"", "\"-0.05 mm^2/h\""));
         }),
         {"negative.toml", "diffusivity_cl"});
  expect(error_of([&] { (void)physics::read_medium(variant("unitless", "\"7 1/h\"", "7")); }),
         {"unitless.toml", "film_formation_rate", "no unit"});
  expect(error_of([&] { (void)physics::read_medium(variant("typo", "film_beta", "film_betta")); }),
         {"typo.toml", "film_betta", "unknown key"});
  expect(error_of([&] { (void)physics::read_medium(variant("acid", "ph = 7.4", "ph = 15")); }),
         {"acid.toml", "ph"});
  expect(error_of([&] {
           (void)physics::read_medium(
               variant("closure", "\"mg_hydroxide_saturation\"", "\"capped at 10\""));
         }),
         {"closure.toml", "ph_closure", "mg_hydroxide_saturation"});
  expect(error_of([&] { (void)physics::read_medium("seawater"); }), {"seawater", "sbf", "nacl"});
  {
    const auto alloy = dir / "rubber.toml";
    std::ifstream in(std::filesystem::path(io::data_directory()) / "alloys" / "we43.toml");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    text.replace(text.find("poisson_ratio = 0.27"), 20, "poisson_ratio = 0.5 ");
    std::ofstream(alloy) << text;
    expect(error_of([&] { (void)physics::read_alloy(alloy.string()); }),
           {"rubber.toml", "poisson_ratio"});
  }
  expect(error_of([&] {
           (void)physics::corrosion_parameters(physics::read_alloy("pure_mg"), "in_vivo");
         }),
         {"pure Mg", "in_vivo", "nacl, sbf"});
  std::filesystem::remove_all(dir);
}

// Every fit an alloy file records reproduces its target rate on its coupon (the factor is
// printed to 6 digits; the fit's own tolerance is 1e-3).
TEST(Calibration, RecordedAlloyFitsReproduceTheirTargets) {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(io::data_directory() / "alloys")) {
    if (entry.path().extension() != ".toml")
      continue;
    const auto alloy = physics::read_alloy(entry.path().string());
    for (const auto& c : alloy.calibrations) {
      if (c.target_speed <= 0)
        continue; // a factor taken from its source, not fitted
      physics::CalibrationCoupon coupon;
      coupon.duration = c.duration;
      coupon.cell_size = c.cell_size;
      const double speed = physics::coupon_recession_speed(
          MPI_COMM_WORLD, physics::corrosion_parameters(alloy, c.medium), coupon);
      EXPECT_NEAR(speed, c.target_speed, 2e-3 * c.target_speed)
          << alloy.name << " in " << c.medium << " (" << entry.path().filename() << ")";
      ++checked;
    }
  }
  EXPECT_GE(checked, 1);
}

TEST(Calibration, FittedFactorReproducesTheTargetRate) {
  const auto p = physics::corrosion_parameters(physics::read_alloy("pure_mg"), "sbf");
  physics::CalibrationCoupon coupon;
  coupon.duration = 6 * 3600.0;
  coupon.cell_size = 25e-6; // resolves the layer (√(D t) = 45 µm): the rate grows as √f
  const double base = physics::coupon_recession_speed(MPI_COMM_WORLD, p, coupon);
  EXPECT_GT(base, 0.0);
  const auto fit = physics::calibrate_rate_factor(MPI_COMM_WORLD, p, 2.0 * base, coupon);
  std::cerr << "base " << units::to_mm_per_year(base) << " mm/year; factor " << fit.rate_factor
            << " after " << fit.runs << " runs\n";
  EXPECT_NEAR(fit.speed, 2.0 * base, 1e-3 * 2.0 * base);
  EXPECT_GT(fit.rate_factor, 3.0); // diffusion-limited: twice the rate needs f ≈ 4
  EXPECT_LT(fit.rate_factor, 5.0);
  EXPECT_LE(fit.runs, 8);
  auto q = p;
  q.diffusivity_mg *= fit.rate_factor;
  EXPECT_NEAR(physics::coupon_recession_speed(MPI_COMM_WORLD, q, coupon), 2.0 * base,
              1e-3 * 2.0 * base);
  EXPECT_THROW((void)physics::calibrate_rate_factor(MPI_COMM_WORLD, p, -1.0, coupon), InputError);
}

// One coupon run reports the depth at several times: the first time's depth is that of a run
// to it alone (the same steps), a later one that of a separate run to within the time error
// of stepping through the earlier time (rtol 2e-3 per step).
TEST(Calibration, CouponDepthsOfOneRunMatchSeparateRuns) {
  const auto p = physics::corrosion_parameters(physics::read_alloy("pure_mg"), "sbf");
  physics::CalibrationCoupon coupon;
  coupon.cell_size = 50e-6;
  const std::vector<double> times{3 * 3600.0, 12 * 3600.0};
  const auto depths = physics::coupon_recession_depths(MPI_COMM_WORLD, p, coupon, times);
  ASSERT_EQ(depths.size(), 2u);
  for (std::size_t k = 0; k < times.size(); ++k) {
    coupon.duration = times[k];
    const double alone =
        physics::coupon_recession_speed(MPI_COMM_WORLD, p, coupon) * coupon.duration;
    EXPECT_NEAR(depths[k], alone, (k == 0 ? 1e-10 : 5e-3) * alone) << "at " << times[k] << " s";
  }
  EXPECT_GT(depths[1], depths[0]);
  // Diffusion-limited dissolution slows down: four times as long recedes less than 4x as far.
  EXPECT_LT(depths[1], 4.0 * depths[0]);
  EXPECT_THROW((void)physics::coupon_recession_depths(MPI_COMM_WORLD, p, coupon, {7200.0, 3600.0}),
               InputError);
  EXPECT_THROW((void)physics::coupon_recession_depths(MPI_COMM_WORLD, p, coupon, {}), InputError);
  coupon.dt_max = 0.0;
  EXPECT_THROW((void)physics::coupon_recession_depths(MPI_COMM_WORLD, p, coupon, times),
               InputError);
}
