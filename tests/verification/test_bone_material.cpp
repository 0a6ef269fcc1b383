// CT → bone moduli (Bonemat-style, E-first): exact per-element moduli on constant and
// linear-ramp HU volumes, the published presets, the elasticity solver on the mapped field,
// and bad input named.
#include "expect_error.hpp"

#include <resorb/core/mpi.hpp>
#include <resorb/imaging/bone_material.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/physics/elasticity.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <numeric>

using namespace resorb;
using test_support::expect_input_error;

namespace {

constexpr double mm = 1e-3;

// A CT of 1 mm voxels whose centres run from −1 to 7 mm along each axis (covering the
// 6 mm box mesh with a voxel to spare), HU given by @p hu at each centre.
io::ScalarImage ct_volume(const std::function<double(const io::Vector3&)>& hu) {
  io::ScalarImage ct;
  ct.source = "phantom_ct.nii";
  ct.geometry.size = {9, 9, 9};
  ct.geometry.spacing = {mm, mm, mm};
  ct.geometry.origin = {-mm, -mm, -mm};
  ct.values.resize(9 * 9 * 9);
  for (std::int64_t k = 0; k < 9; ++k)
    for (std::int64_t j = 0; j < 9; ++j)
      for (std::int64_t i = 0; i < 9; ++i) {
        const auto x = ct.geometry.to_world(
            {static_cast<double>(i), static_cast<double>(j), static_cast<double>(k)});
        ct.values[static_cast<std::size_t>(i + 9 * (j + 9 * k))] = static_cast<float>(hu(x));
      }
  return ct;
}

mesh::TetMesh box(MPI_Comm comm = MPI_COMM_WORLD) {
  return mesh::make_box(comm, {3, 3, 3}, {0, 0, 0}, {6 * mm, 6 * mm, 6 * mm});
}

imaging::BoneMaterialMap femoral_neck_map() {
  imaging::BoneMaterialMap map;
  map.density_per_hu = 0.8;   // kg/m³ per HU (0.0008 g/cm³)
  map.density_at_0_hu = 10.0; // kg/m³
  map.law = imaging::modulus_density_law("morgan2003_femoral_neck");
  return map;
}

// Third divided difference F[s0, s1, s2, s3] (distinct nodes).
double divided_difference(const std::function<double(double)>& f, std::array<double, 4> s) {
  std::array<double, 4> d{f(s[0]), f(s[1]), f(s[2]), f(s[3])};
  for (int order = 1; order < 4; ++order)
    for (int i = 3; i >= order; --i)
      d[i] = (d[i] - d[i - 1]) / (s[i] - s[i - order]);
  return d[3];
}

} // namespace

TEST(BoneMaterial, PresetsAreThePublishedLaws) {
  const auto neck = imaging::modulus_density_law("morgan2003_femoral_neck");
  EXPECT_DOUBLE_EQ(neck.coefficient, 6850e6);
  EXPECT_DOUBLE_EQ(neck.exponent, 1.49);
  EXPECT_EQ(neck.basis, imaging::DensityBasis::apparent);
  const auto keller = imaging::modulus_density_law("keller1994_femur");
  EXPECT_DOUBLE_EQ(keller.coefficient, 10500e6);
  EXPECT_DOUBLE_EQ(keller.exponent, 2.29);
  EXPECT_EQ(keller.basis, imaging::DensityBasis::ash);
  EXPECT_EQ(imaging::modulus_density_law_names().size(), 7U);
  // One point by hand: HU 1000, ρ_QCT = 0.81 g/cm³, ρ_app = 1.35 g/cm³,
  // E = 6850 · 1.35^1.49 MPa.
  const auto map = femoral_neck_map();
  EXPECT_NEAR(map.modulus(1000.0), 6850e6 * std::pow(1.35, 1.49), 1e-6);
  // Schileo's ash correction with Keller's ash law: ρ_ash = (0.81 − 0.0789) / 0.8772 g/cm³.
  auto ash = map;
  ash.law = keller;
  ash.ash_scale = 0.8772;
  ash.ash_offset = 78.9;
  EXPECT_NEAR(ash.modulus(1000.0), 10500e6 * std::pow((0.81 - 0.0789) / 0.8772, 2.29), 1e-6);
  // Fat and marrow (ρ ≤ 0) get the floor.
  EXPECT_DOUBLE_EQ(map.modulus(-100.0), map.min_modulus);
}

TEST(BoneMaterial, ConstantHuGivesTheLawsModulusInEveryCell) {
  const auto mesh = box();
  const auto map = femoral_neck_map();
  const auto ct = ct_volume([](const io::Vector3&) { return 850.0; });
  const std::vector<std::string> groups{"box"};
  const auto field = imaging::map_bone_material(mesh, ct, map, groups);
  ASSERT_EQ(field.E.size(), static_cast<std::size_t>(mesh.num_cells()));
  const double expected = map.modulus(850.0);
  for (std::size_t c = 0; c < field.E.size(); ++c) {
    ASSERT_TRUE(field.mapped[c]);
    EXPECT_NEAR(field.E[c], expected, 1e-12 * expected);
    EXPECT_DOUBLE_EQ(field.nu[c], 0.3);
    EXPECT_NEAR(field.density[c], map.law_density(850.0), 1e-9);
  }
}

// HU linear in x makes ρ_app a linear function ℓ on each tetrahedron, so the E-first modulus
// is the mean of a ℓ^b over the cell, which has a closed form: 6 a F[ℓ0, ℓ1, ℓ2, ℓ3] with
// F(s) = s^(b+3) / ((b+1)(b+2)(b+3)) and ℓi the vertex densities (g/cm³). The Gauss rule
// integrates the smooth power to round-off, and trilinear interpolation reproduces the ramp.
TEST(BoneMaterial, LinearRampGivesTheExactElementMeanOfE) {
  const auto mesh = box();
  const auto map = femoral_neck_map();
  const auto ramp = [](const io::Vector3& x) {
    return 300.0 + 150.0 * (x[0] + 0.37 * x[1] + 0.19 * x[2]) / mm;
  };
  const auto ct = ct_volume(ramp);
  const std::vector<std::string> groups{"box"};
  const auto field = imaging::map_bone_material(mesh, ct, map, groups);
  const double a = map.law.coefficient, b = map.law.exponent;
  const auto F = [b](double s) { return std::pow(s, b + 3) / ((b + 1) * (b + 2) * (b + 3)); };
  double worst = 0.0;
  for (LocalIndex c = 0; c < mesh.num_cells(); ++c) {
    const auto x = mesh.cell_coordinates(c);
    std::array<double, 4> s{};
    double mean_hu = 0.0;
    for (int v = 0; v < 4; ++v) {
      const io::Vector3 p{x[v][0], x[v][1], x[v][2]};
      s[v] = map.law_density(ramp(p)) / 1000.0;
      mean_hu += 0.25 * ramp(p);
    }
    const double exact = 6.0 * a * divided_difference(F, s);
    const auto i = static_cast<std::size_t>(c);
    worst = std::max(worst, std::abs(field.E[i] - exact) / exact);
    // E-first, not HU-first: the law is convex, so the mean of E exceeds E of the mean.
    EXPECT_GT(field.E[i], map.modulus(mean_hu) * (1 + 1e-6));
    EXPECT_NEAR(field.density[i], map.law_density(mean_hu), 1e-9 * field.density[i]);
  }
  EXPECT_LT(worst, 1e-9) << "largest relative error of the element moduli";
}

// A heterogeneous material reaches the solver: the mapped field of a constant CT solves as
// the same material given per group, and the ramp's stiffer end deforms less.
TEST(BoneMaterial, ElasticityUsesTheMappedModuli) {
  const auto mesh = box();
  const auto map = femoral_neck_map();
  const std::vector<std::string> groups{"box"};
  const auto solve = [&](const io::ScalarImage* ct) {
    physics::Elasticity<fem::P1> problem(mesh);
    if (ct) {
      const auto field = imaging::map_bone_material(mesh, *ct, map, groups);
      problem.set_cell_materials(field.E, field.nu);
    } else {
      problem.set_material("box", {map.modulus(850.0), 0.3});
    }
    problem.fix("zmin");
    problem.apply_force("zmax", {0, 0, -100.0});
    solvers::LinearSolverSettings settings;
    settings.rtol = 1e-12;
    (void)problem.solve(settings);
    return problem.strain_energy();
  };
  const auto constant = ct_volume([](const io::Vector3&) { return 850.0; });
  const double mapped = solve(&constant), per_group = solve(nullptr);
  EXPECT_NEAR(mapped, per_group, 1e-9 * per_group);
  // A CT whose HU rise towards +z: softer at the support, stiffer at the load than 850 HU
  // everywhere, with the same mean HU — the energy must differ (heterogeneity is seen).
  const auto ramp = ct_volume([](const io::Vector3& x) { return 850.0 + 100.0 * (x[2] / mm - 3); });
  EXPECT_GT(std::abs(solve(&ramp) - per_group), 1e-3 * per_group);
}

TEST(BoneMaterial, BadInputIsNamed) {
  const auto mesh = box();
  const auto ct = ct_volume([](const io::Vector3&) { return 850.0; });
  const std::vector<std::string> groups{"box"};
  expect_input_error([] { (void)imaging::modulus_density_law("carter1977", "key 'law'"); },
                     "unknown modulus–density law 'carter1977' (known: morgan2003_vertebra");
  auto map = femoral_neck_map();
  map.density_per_hu = -0.8;
  expect_input_error([&] { (void)imaging::map_bone_material(mesh, ct, map, groups); },
                     "phantom_ct.nii: bone material: density per HU -0.8");
  map = femoral_neck_map();
  map.poisson_ratio = 0.5;
  expect_input_error([&] { (void)imaging::map_bone_material(mesh, ct, map, groups); },
                     "Poisson's ratio 0.5");
  map = femoral_neck_map();
  map.ash_fraction = 1.5;
  expect_input_error([&] { (void)imaging::map_bone_material(mesh, ct, map, groups); },
                     "ash fraction 1.5");
  map = femoral_neck_map();
  map.law.exponent = -1;
  expect_input_error([&] { (void)imaging::map_bone_material(mesh, ct, map, groups); },
                     "modulus exponent -1");
  map = femoral_neck_map();
  const std::vector<std::string> unknown{"femur"};
  expect_input_error([&] { (void)imaging::map_bone_material(mesh, ct, map, unknown); }, "femur");
  // A CT whose header puts it elsewhere (the cropped TotalSegmentator file's kind of error).
  auto shifted = ct;
  shifted.geometry.origin[2] -= 246 * mm;
  if (mesh.num_cells() > 0)
    expect_input_error([&] { (void)imaging::map_bone_material(mesh, shifted, map, groups); },
                       "phantom_ct.nii: the CT does not cover the mesh");
}
