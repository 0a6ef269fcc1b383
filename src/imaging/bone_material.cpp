#include "resorb/imaging/bone_material.hpp"

#include "resorb/core/error.hpp"
#include "resorb/fem/quadrature.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace resorb::imaging {
namespace {

constexpr double g_per_cm3 = 1000.0; // kg/m³
constexpr double MPa = 1e6;

struct NamedLaw {
  const char* name;
  double coefficient_MPa;
  double exponent;
  DensityBasis basis;
};

constexpr std::array<NamedLaw, 7> published_laws{{
    {"morgan2003_vertebra", 4730, 1.56, DensityBasis::apparent},
    {"morgan2003_proximal_tibia", 15490, 1.93, DensityBasis::apparent},
    {"morgan2003_greater_trochanter", 15010, 2.18, DensityBasis::apparent},
    {"morgan2003_femoral_neck", 6850, 1.49, DensityBasis::apparent},
    {"morgan2003_pooled", 8920, 1.83, DensityBasis::apparent},
    {"keller1994_femur", 10500, 2.29, DensityBasis::ash},
    {"keller1994_vertebra", 1890, 1.92, DensityBasis::ash},
}};

bool finite_positive(double v) {
  return std::isfinite(v) && v > 0;
}

// Gauss degree whose collapsed-product rule has about n points along an edge (a degree-d
// Gauss–Jacobi rule has ⌈(d + 2) / 2⌉ points per direction).
int degree_for_points(int n) {
  return std::max(2, 2 * n - 1);
}

} // namespace

void ModulusDensityLaw::validate(std::string_view context) const {
  RESORB_REQUIRE(
      finite_positive(coefficient), InputError,
      fmt::format("{}: modulus coefficient {} Pa must be positive", context, coefficient));
  RESORB_REQUIRE(finite_positive(exponent), InputError,
                 fmt::format("{}: modulus exponent {} must be positive", context, exponent));
}

ModulusDensityLaw modulus_density_law(std::string_view name, std::string_view context) {
  for (const auto& law : published_laws)
    if (name == law.name)
      return {law.name, law.coefficient_MPa * MPa, law.exponent, law.basis};
  throw InputError(fmt::format("{}: unknown modulus–density law '{}' (known: {})", context, name,
                               fmt::join(modulus_density_law_names(), ", ")));
}

std::vector<std::string> modulus_density_law_names() {
  std::vector<std::string> names;
  for (const auto& law : published_laws)
    names.emplace_back(law.name);
  return names;
}

void BoneMaterialMap::validate(std::string_view context) const {
  RESORB_REQUIRE(finite_positive(density_per_hu), InputError,
                 fmt::format("{}: density per HU {} kg/m³ must be positive (a calibration "
                             "phantom's slope)",
                             context, density_per_hu));
  RESORB_REQUIRE(std::isfinite(density_at_0_hu) && std::isfinite(ash_offset), InputError,
                 fmt::format("{}: density offsets must be finite", context));
  RESORB_REQUIRE(finite_positive(ash_scale), InputError,
                 fmt::format("{}: ash scale {} must be positive", context, ash_scale));
  RESORB_REQUIRE(finite_positive(ash_fraction) && ash_fraction <= 1.0, InputError,
                 fmt::format("{}: ash fraction {} must lie in (0, 1]", context, ash_fraction));
  law.validate(context);
  RESORB_REQUIRE(
      std::isfinite(poisson_ratio) && poisson_ratio > -1.0 && poisson_ratio < 0.5, InputError,
      fmt::format("{}: Poisson's ratio {} must lie in (-1, 0.5)", context, poisson_ratio));
  RESORB_REQUIRE(finite_positive(min_modulus), InputError,
                 fmt::format("{}: minimum modulus {} Pa must be positive", context, min_modulus));
  RESORB_REQUIRE(
      finite_positive(points_per_voxel) && points_per_voxel <= 64, InputError,
      fmt::format("{}: points per voxel {} must lie in (0, 64]", context, points_per_voxel));
}

double BoneMaterialMap::calibrated_density(double hu) const {
  return density_at_0_hu + density_per_hu * hu;
}

double BoneMaterialMap::law_density(double hu) const {
  const double ash = (calibrated_density(hu) - ash_offset) / ash_scale;
  return law.basis == DensityBasis::ash ? ash : ash / ash_fraction;
}

double BoneMaterialMap::modulus(double hu) const {
  const double rho = law_density(hu);
  if (rho <= 0)
    return min_modulus;
  return std::max(min_modulus, law.coefficient * std::pow(rho / g_per_cm3, law.exponent));
}

double interpolate_hu(const io::ScalarImage& ct, const io::Vector3& x) {
  const auto& g = ct.geometry;
  const auto u = g.to_index(x);
  std::array<std::int64_t, 3> i0{};
  std::array<double, 3> t{};
  for (std::size_t d = 0; d < 3; ++d) {
    const double last = static_cast<double>(g.size[d] - 1);
    const double ud = std::clamp(u[d], 0.0, last);
    i0[d] = std::min(static_cast<std::int64_t>(std::floor(ud)),
                     std::max<std::int64_t>(0, g.size[d] - 2));
    t[d] = g.size[d] > 1 ? ud - static_cast<double>(i0[d]) : 0.0;
  }
  double value = 0.0;
  for (int corner = 0; corner < 8; ++corner) {
    double weight = 1.0;
    std::array<std::int64_t, 3> i = i0;
    for (std::size_t d = 0; d < 3; ++d) {
      const bool upper = (corner >> d) & 1;
      if (upper && g.size[d] == 1)
        weight = 0.0;
      i[d] += upper ? 1 : 0;
      weight *= upper ? t[d] : 1.0 - t[d];
    }
    if (weight != 0.0)
      value += weight * static_cast<double>(ct.at(i[0], i[1], i[2]));
  }
  return value;
}

CellBoneMaterial map_bone_material(const mesh::TetMesh& mesh, const io::ScalarImage& ct,
                                   const BoneMaterialMap& map,
                                   std::span<const std::string> cell_groups) {
  const std::string& source = ct.source;
  map.validate(fmt::format("{}: bone material", source));
  const auto& g = ct.geometry;
  RESORB_REQUIRE(
      g.voxel_count() > 0 && ct.values.size() == static_cast<std::size_t>(g.voxel_count()),
      InputError,
      fmt::format("{}: {} values for {} voxels", source, ct.values.size(), g.voxel_count()));
  std::vector<int> tags;
  for (const auto& group : cell_groups)
    tags.push_back(mesh.cell_tag(group));

  const auto cells = static_cast<std::size_t>(mesh.num_cells());
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  CellBoneMaterial out{std::vector<double>(cells, nan), std::vector<double>(cells, nan),
                       std::vector<double>(cells, nan), std::vector<bool>(cells, false)};
  const double spacing = *std::min_element(g.spacing.begin(), g.spacing.end());
  const double step = spacing / map.points_per_voxel;
  // Voxel-index box a mapped cell's centroid must lie in: the voxels plus half a voxel.
  const auto inside = [&](const io::Vector3& x) {
    const auto u = g.to_index(x);
    for (std::size_t d = 0; d < 3; ++d)
      if (!(u[d] >= -0.5 - 1e-9 && u[d] <= static_cast<double>(g.size[d]) - 0.5 + 1e-9))
        return false;
    return true;
  };
  const auto cell_tags = mesh.cell_tags();
  for (std::size_t c = 0; c < cells; ++c) {
    if (std::find(tags.begin(), tags.end(), cell_tags[c]) == tags.end())
      continue;
    const auto x = mesh.cell_coordinates(static_cast<LocalIndex>(c));
    io::Vector3 centroid{0, 0, 0};
    double longest = 0.0;
    for (int a = 0; a < 4; ++a) {
      for (std::size_t d = 0; d < 3; ++d)
        centroid[d] += 0.25 * x[a][d];
      for (int b = a + 1; b < 4; ++b)
        longest =
            std::max(longest, std::hypot(x[a][0] - x[b][0], x[a][1] - x[b][1], x[a][2] - x[b][2]));
    }
    RESORB_REQUIRE(inside(centroid), InputError,
                   fmt::format("{}: the CT does not cover the mesh: a cell of group '{}' at "
                               "({:.4g}, {:.4g}, {:.4g}) mm lies outside the image (do the mesh "
                               "and the CT share a world frame?)",
                               source, mesh.group_name(3, cell_tags[c]), centroid[0] * 1e3,
                               centroid[1] * 1e3, centroid[2] * 1e3));
    const int points = static_cast<int>(std::ceil(longest / step));
    const auto& rule = fem::tetrahedron_rule(degree_for_points(std::min(points, 32)));
    double weight_sum = 0.0, modulus_sum = 0.0, density_sum = 0.0;
    for (std::size_t q = 0; q < rule.weights.size(); ++q) {
      const auto& r = rule.points[q];
      const double l[4] = {1.0 - r[0] - r[1] - r[2], r[0], r[1], r[2]};
      io::Vector3 p{0, 0, 0};
      for (int a = 0; a < 4; ++a)
        for (std::size_t d = 0; d < 3; ++d)
          p[d] += l[a] * x[a][d];
      const double hu = interpolate_hu(ct, p);
      const double rho_ash = (map.calibrated_density(hu) - map.ash_offset) / map.ash_scale;
      weight_sum += rule.weights[q];
      modulus_sum += rule.weights[q] * map.modulus(hu);
      density_sum += rule.weights[q] * rho_ash / map.ash_fraction;
    }
    out.E[c] = modulus_sum / weight_sum;
    out.nu[c] = map.poisson_ratio;
    out.density[c] = density_sum / weight_sum;
    out.mapped[c] = true;
  }
  return out;
}

} // namespace resorb::imaging
