#include "resorb/simulation/scaffold_search.hpp"

#include "resorb/core/conversions.hpp"
#include "resorb/core/error.hpp"
#include "resorb/core/log.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/io/stl.hpp"
#include "resorb/io/summary.hpp"
#include "resorb/io/threemf.hpp"
#include "resorb/mesh/triangle_surface.hpp"
#include "resorb/scaffold/measures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numbers>

namespace resorb::simulation {
namespace {

/// The candidates as CSV, units in the header; written to FILE.tmp and renamed.
void write_candidates_csv(const scaffold::OptimizationResult& result,
                          const std::filesystem::path& file) {
  const auto tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp);
    RESORB_REQUIRE(out.good(), Error, fmt::format("{}: cannot write", tmp));
    out << "family,cell_type,variant,alloy,porosity,cell_size_mm,threshold,young_GPa,shear_GPa,"
           "zener,specific_surface_per_mm,permeability_m2,recession_um,porosity_at_horizon,"
           "young_at_horizon_GPa,stiffness_retention,h2_rate_mean_mL_per_cm3_day,"
           "h2_rate_initial_mL_per_cm3_day,feasible,pareto,violation,seconds,error\n";
    std::vector<bool> pareto(result.candidates.size(), false);
    for (const auto i : result.pareto)
      pareto[i] = true;
    for (std::size_t i = 0; i < result.candidates.size(); ++i) {
      const auto& c = result.candidates[i];
      const auto& p = c.properties;
      std::string error = c.error;
      for (auto& ch : error)
        if (ch == ',' || ch == '\n' || ch == '"')
          ch = ' ';
      out << fmt::format(
          "{}_{}_{},{},{},{},{:.6f},{:.6f},{:.6f},{:.6f},{:.6f},{:.5f},{:.6f},{:.6e},"
          "{:.3f},{:.6f},{:.6f},{:.6f},{:.6e},{:.6e},{},{},{:.4f},{:.2f},{}\n",
          scaffold::name(c.design.type), scaffold::name(c.design.variant), c.design.alloy,
          scaffold::name(c.design.type), scaffold::name(c.design.variant), c.design.alloy,
          p.porosity, c.design.cell_size * 1e3, p.threshold, p.young / 1e9, p.shear / 1e9, p.zener,
          p.specific_surface * 1e-3, p.permeability, p.recession * 1e6, p.porosity_at_horizon,
          p.young_at_horizon / 1e9, p.stiffness_retention, p.hydrogen_rate_mean * units::day,
          p.hydrogen_rate_initial * units::day, c.feasible ? 1 : 0, pareto[i] ? 1 : 0, c.violation,
          p.seconds, error);
    }
    RESORB_REQUIRE(out.good(), Error, fmt::format("{}: write failed", tmp));
  }
  std::filesystem::rename(tmp, file);
}

Record design_record(const scaffold::Candidate& c) {
  Record r;
  const auto& p = c.properties;
  r.set("cell_type", std::string(scaffold::name(c.design.type)));
  r.set("variant", std::string(scaffold::name(c.design.variant)));
  r.set("alloy", c.design.alloy);
  r.set("porosity", p.porosity);
  r.set("cell_size_mm", c.design.cell_size * 1e3);
  r.set("threshold", p.threshold);
  r.set("young_GPa", p.young / 1e9);
  r.set("shear_GPa", p.shear / 1e9);
  r.set("zener", p.zener);
  r.set("specific_surface_per_mm", p.specific_surface * 1e-3);
  r.set("permeability_m2", p.permeability);
  r.set("recession_um", p.recession * 1e6);
  r.set("porosity_at_horizon", p.porosity_at_horizon);
  r.set("young_at_horizon_GPa", p.young_at_horizon / 1e9);
  r.set("stiffness_retention", p.stiffness_retention);
  r.set("h2_rate_mean_mL_per_cm3_day", p.hydrogen_rate_mean * units::day);
  r.set("h2_rate_initial_mL_per_cm3_day", p.hydrogen_rate_initial * units::day);
  return r;
}

/// The region the winner is printed in, its box and volume.
struct PrintedPart {
  scaffold::BoundingShape shape;
  scaffold::Point lo, hi;
  double volume = 0.0;
  std::string description;
};

PrintedPart printed_part(const ScaffoldConfig& config) {
  if (config.export_surface) {
    const auto outline = io::read_stl(*config.export_surface);
    scaffold::Point lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
    for (const auto& v : outline.vertices)
      for (std::size_t d = 0; d < 3; ++d) {
        lo[d] = std::min(lo[d], v[d]);
        hi[d] = std::max(hi[d], v[d]);
      }
    const double margin = 0.05 * std::max({hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]});
    for (std::size_t d = 0; d < 3; ++d) {
      lo[d] -= margin;
      hi[d] += margin;
    }
    return {scaffold::BoundingShape::enclosed_by(outline), lo, hi, mesh::enclosed_volume(outline),
            fmt::format("inside {}", config.export_surface->filename().string())};
  }
  const double r = config.export_radius, h = config.export_height;
  const double margin = 0.05 * std::max(r, h);
  return {scaffold::BoundingShape::cylinder({r, r, 0.0}, {0, 0, 1}, r, h),
          {-margin, -margin, -margin},
          {2 * r + margin, 2 * r + margin, h + margin},
          std::numbers::pi * r * r * h,
          fmt::format("cylinder r {} mm h {} mm", r * 1e3, h * 1e3)};
}

} // namespace

void run_scaffold_search(MPI_Comm comm, const ScaffoldConfig& config) {
  const auto start = std::chrono::steady_clock::now();
  const int rank = mpi::rank(comm);
  std::size_t families =
      config.space.types.size() * config.space.variants.size() * config.space.alloys.size();
  log::info(comm,
            "scaffold search: {} families ({} cell types x {} variants x {} alloys) on {} "
            "ranks, up to {} evaluations each, horizon {:.1f} weeks in '{}'",
            families, config.space.types.size(), config.space.variants.size(),
            config.space.alloys.size(), mpi::size(comm), config.search.max_evaluations_per_family,
            config.search.evaluation.horizon / (7 * units::day), config.medium);

  std::map<std::string, scaffold::DesignMaterial> materials;
  for (const auto& alloy : config.space.alloys) {
    const double horizon = config.search.evaluation.horizon;
    materials[alloy] = scaffold::design_material(comm, alloy, config.medium, horizon);
    log::info(comm,
              "  alloy {}: calibrated coupon {:.3f} mm/year over its calibration, {:.1f} um "
              "receded at the horizon; E {:.1f} GPa",
              alloy, units::to_mm_per_year(materials[alloy].recession_speed),
              materials[alloy].recession_depth(horizon) * 1e6, materials[alloy].metal.E / 1e9);
  }
  int evaluated = 0;
  const auto result = scaffold::optimize_designs(
      comm, config.space, materials, config.targets, config.search,
      [&](const scaffold::Candidate& c) {
        ++evaluated;
        if (log::level() < 1)
          return;
        const auto& p = c.properties;
        std::printf("  [rank %d, %d] %s %s %s porosity %.3f L %.2f mm: E %.3f GPa, retention "
                    "%.2f, H2 %.2e mL/cm^3/day%s (%.1f s)\n",
                    rank, evaluated, std::string(scaffold::name(c.design.type)).c_str(),
                    std::string(scaffold::name(c.design.variant)).c_str(), c.design.alloy.c_str(),
                    c.design.porosity, c.design.cell_size * 1e3, p.young / 1e9,
                    p.stiffness_retention, p.hydrogen_rate_mean * units::day,
                    c.error.empty() ? (c.feasible ? ", feasible" : "") : (", " + c.error).c_str(),
                    p.seconds);
        std::fflush(stdout);
      });

  const auto& dir = config.output_directory;
  if (rank == 0)
    std::filesystem::create_directories(dir);
  MPI_Barrier(comm);
  if (rank == 0)
    write_candidates_csv(result, dir / "candidates.csv");
  Record summary;
  summary.set("config", config.file.string());
  summary.set("candidates", static_cast<std::int64_t>(result.candidates.size()));
  summary.set("feasible", static_cast<std::int64_t>(
                              std::count_if(result.candidates.begin(), result.candidates.end(),
                                            [](const auto& c) { return c.feasible; })));
  summary.set("pareto", static_cast<std::int64_t>(result.pareto.size()));
  summary.set("horizon_days", config.search.evaluation.horizon / units::day);
  summary.set("medium", config.medium);
  if (result.best) {
    const auto& best = result.candidates[*result.best];
    summary.group("winner") = design_record(best);
    // The printed part: the winner in the export shape, its surface watertight.
    const auto part = printed_part(config);
    const scaffold::Lattice lattice(best.design.type, best.design.variant, best.design.cell_size,
                                    best.properties.threshold);
    const auto level = scaffold::scaffold_level(lattice, part.shape);
    const auto& lo = part.lo;
    const auto& hi = part.hi;
    const int cells = static_cast<int>(
        std::ceil(config.export_cells_per_period *
                  std::max({hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]}) / best.design.cell_size));
    const auto surface = scaffold::solid_surface(comm, level, lo, hi, cells);
    const auto measured = scaffold::measure_solid(comm, level, lo, hi, cells);
    if (rank == 0)
      io::write_stl(dir / "winner.stl", surface,
                    fmt::format("resorb scaffold winner: {} {}", scaffold::name(best.design.type),
                                scaffold::name(best.design.variant)));
    auto record =
        scaffold::print_record({best.design.type, best.design.variant, best.design.cell_size,
                                best.properties.threshold, part.description, part.volume},
                               measured);
    record.group("design") = design_record(best);
    io::write_record_json(comm, record, dir / "winner.json");
    if (rank == 0) // 3MF keeps the design in the package itself
      io::write_3mf(
          dir / "winner.3mf", surface,
          fmt::format("{} {} scaffold", scaffold::name(best.design.type),
                      scaffold::name(best.design.variant)),
          {{"Title", fmt::format("resorb scaffold: {} {} in {}", scaffold::name(best.design.type),
                                 scaffold::name(best.design.variant), best.design.alloy)},
           {"Designer", "resorb scaffold"},
           {"Description",
            fmt::format("cell size {:.4f} mm, threshold {:.6f}, porosity {:.4f} in the "
                        "shape ({} intact cell), {}",
                        best.design.cell_size * 1e3, best.properties.threshold,
                        1.0 - measured.solid_volume / part.volume, best.properties.porosity,
                        part.description)}});
    log::info(comm,
              "winner: {} {} {}, porosity {:.3f}, cell {:.2f} mm, E {:.3f} GPa, {:.0f} % of it "
              "after {:.1f} weeks; printed part {} ({}, {} triangles)",
              scaffold::name(best.design.type), scaffold::name(best.design.variant),
              best.design.alloy, best.properties.porosity, best.design.cell_size * 1e3,
              best.properties.young / 1e9, 100 * best.properties.stiffness_retention,
              config.search.evaluation.horizon / (7 * units::day), (dir / "winner.stl").string(),
              part.description, surface.triangles.size());
  } else {
    log::info(comm, "no candidate meets every target: see candidates.csv (violation column)");
  }
  summary.set("wall_seconds",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  io::write_summary(comm, summary, dir);
}

} // namespace resorb::simulation
