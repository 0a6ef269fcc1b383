// The `resorb` program.
//
//   resorb run CONFIG.toml [PETSc options]   solve the problem a config describes
//   resorb check MESH.msh --unit mm          mesh quality report
//   resorb mesh screw-in-bone -o FILE.msh    write the built-in screw-in-bone mesh
//
// Exit status: 0 success, 2 bad input (file, key, value), 3 solver failure, 1 other errors.
#include <resorb/core/environment.hpp>
#include <resorb/core/error.hpp>
#include <resorb/core/log.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/core/progress.hpp>
#include <resorb/core/units.hpp>
#include <resorb/io/config.hpp>
#include <resorb/io/corrosion_data.hpp>
#include <resorb/io/gmsh.hpp>
#include <resorb/io/summary.hpp>
#include <resorb/io/xdmf.hpp>
#include <resorb/mesh/quality.hpp>
#include <resorb/physics/calibration.hpp>
#include <resorb/physics/corrosion.hpp>
#include <resorb/physics/degrading_implant.hpp>
#include <resorb/physics/elasticity.hpp>
#include <resorb/physics/surface_damage.hpp>

#include <CLI/CLI.hpp>
#include <petscsys.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

using namespace resorb;

namespace {

// The config's supports and loads on an elasticity problem; returns the force-loaded and the
// fixed groups (for stiffness and reactions).
// Forces in the config are for the whole part; a symmetric mesh carries its share.
template <fem::LagrangeElement Element>
std::pair<std::vector<std::string>, std::vector<std::string>>
apply_loads(const io::RunConfig& config, physics::Elasticity<Element>& problem) {
  std::vector<std::string> force_groups, fixed_groups;
  for (const auto& b : config.boundaries) {
    if (b.fix) {
      problem.fix(b.group, *b.fix);
      fixed_groups.push_back(b.group);
    }
    if (b.force) {
      auto share = *b.force;
      for (auto& component : share)
        component /= config.symmetry_factor;
      problem.apply_force(b.group, share);
      force_groups.push_back(b.group);
    }
    if (b.traction)
      problem.apply_traction(b.group, *b.traction);
    if (b.pressure)
      problem.apply_pressure(b.group, *b.pressure);
  }
  if (config.body_force) {
    const physics::Vec3 f = *config.body_force;
    problem.set_body_force([f](const physics::Vec3&) { return f; });
  }
  return {force_groups, fixed_groups};
}

// The program's job: turn the config into physics objects (io never sees physics).
template <fem::LagrangeElement Element>
void solve_config(const io::RunConfig& config, const mesh::TetMesh& mesh, PhaseTimer& timer) {
  const MPI_Comm comm = mesh.comm();
  // DOF numbering (P2 edges, ghosts) is real work on big meshes: time it as its own phase.
  const auto problem_ptr = [&] {
    const auto scope = timer.time("dofs");
    return std::make_unique<physics::Elasticity<Element>>(mesh);
  }();
  auto& problem = *problem_ptr;
  for (const auto& m : config.materials)
    problem.set_material(m.group, {m.E, m.nu});
  const auto [force_groups, fixed_groups] = apply_loads(config, problem);
  log::info(comm, "[3/5] assembling and solving: {} DOFs (P{}) on {} rank(s)", problem.num_dofs(),
            Element::degree, mpi::size(comm));
  const auto report = problem.solve(config.solver);
  log::info(comm, "      CG converged in {} iterations ({}), relative residual {:.2e}",
            report.iterations, report.reason, report.relative_residual);
  log::info(comm, "[4/5] writing fields to {}", config.output_directory.string());
  {
    const auto scope = timer.time("write");
    const auto stresses = problem.stress_invariants();
    io::write_xdmf(mesh, config.output_directory, "elasticity",
                   std::vector{io::point_field(problem.displacement())}, stresses);
  }
  log::info(comm, "[5/5] post-processing");
  for (const auto& [name, seconds] : problem.timer().phases())
    timer.add(name, seconds);
  const auto summary =
      io::run_summary(mesh, physics::summarize(problem, report, force_groups, fixed_groups), timer);
  io::write_summary(comm, summary, config.output_directory);
  io::print_summary(comm, summary);
  log::info(comm, "wrote {}/elasticity.xdmf (open in ParaView) and summary.json",
            config.output_directory.string());
}

// The model `[corrosion] model` names, with the config's medium and step control.
std::unique_ptr<physics::CorrosionModel> make_corrosion_model(const io::CorrosionSpec& spec,
                                                              const mesh::TetMesh& mesh) {
  auto settings = physics::MagnesiumCorrosion::defaults();
  settings.dt_initial = std::min(spec.dt_initial, spec.dt_max);
  settings.dt_min = std::min(settings.dt_min, settings.dt_initial);
  settings.dt_max = spec.dt_max;
  settings.control.rtol = spec.rtol;
  if (spec.model == "surface_damage") {
    physics::SurfaceDamageParameters p;
    p.name = "surface damage";
    p.recession_speed = spec.rate;
    if (spec.pitting_shape > 0)
      p.weibull_shape = spec.pitting_shape;
    p.seed = spec.seed;
    auto damage_settings = physics::SurfaceDamageCorrosion::defaults();
    damage_settings.dt_initial = settings.dt_initial;
    damage_settings.dt_min = settings.dt_min;
    damage_settings.dt_max = settings.dt_max;
    damage_settings.control.rtol = settings.control.rtol;
    return std::make_unique<physics::SurfaceDamageCorrosion>(mesh, spec.metal_group, p,
                                                             spec.exposed, damage_settings);
  }
  auto parameters = io::corrosion_parameters(io::read_alloy(spec.alloy), spec.medium);
  for (const auto& factor : spec.diffusivity_factor)
    parameters.region_diffusivity.push_back(factor);
  if (!spec.hydroxide.empty())
    parameters.hydroxide = spec.hydroxide == "stoichiometric"
                               ? physics::CorrosionParameters::Hydroxide::stoichiometric
                               : physics::CorrosionParameters::Hydroxide::published;
  return std::make_unique<physics::MagnesiumCorrosion>(mesh, spec.metal_group, parameters,
                                                       settings);
}

// `[corrosion]` with `[boundary]` loads: the implant's mechanics, re-solved at every output
// time with the metal the corrosion model has left.
template <fem::LagrangeElement Element>
struct CoupledMechanics {
  CoupledMechanics(const io::RunConfig& config, const mesh::TetMesh& mesh)
      : problem(mesh), symmetry(config.symmetry_factor) {
    const auto& spec = *config.corrosion;
    force_groups = apply_loads(config, problem).first;
    std::vector<std::pair<std::string, physics::IsotropicMaterial>> others;
    std::optional<physics::IsotropicMaterial> metal;
    for (const auto& m : config.materials)
      if (m.group == spec.metal_group)
        metal = physics::IsotropicMaterial{m.E, m.nu};
      else
        others.emplace_back(m.group, physics::IsotropicMaterial{m.E, m.nu});
    if (!metal) {
      RESORB_REQUIRE(spec.model == "reaction_diffusion", InputError,
                     fmt::format("{}: key 'materials.{}' missing: the surface damage model has "
                                 "no alloy to take the implant's E and nu from",
                                 config.file.string(), spec.metal_group));
      const auto alloy = io::read_alloy(spec.alloy);
      metal = physics::IsotropicMaterial{alloy.youngs_modulus, alloy.poisson_ratio};
    }
    implant = std::make_unique<physics::DegradingImplant<Element>>(
        problem, spec.metal_group, *metal,
        physics::IsotropicMaterial{*spec.replacement_E, *spec.replacement_nu}, std::move(others));
  }
  /// Re-solves with the model's metal; returns the figures and the axial stiffness of the
  /// first force-loaded group (NaN without one).
  std::pair<physics::ImplantMechanicsReport, double> update(const physics::CorrosionModel& model) {
    // Metal a cell has lost does not come back: redistancing the level set moves a fraction
    // of a cell's volume between cut cells, which alone raised the stiffness by 0.3 % over
    // the main job's first output interval while the metal only shrank.
    const auto fraction = model.metal_fraction();
    if (least_fraction.empty())
      least_fraction = fraction;
    for (std::size_t c = 0; c < fraction.size(); ++c)
      least_fraction[c] = std::min(least_fraction[c], fraction[c]);
    auto r = implant->update(least_fraction);
    const double k = force_groups.empty()
                         ? std::numeric_limits<double>::quiet_NaN()
                         : symmetry * problem.axial_stiffness(force_groups.front());
    r.strain_energy *= symmetry;
    r.metal_volume *= symmetry;
    return {r, k};
  }
  physics::Elasticity<Element> problem;
  double symmetry; // copies of the mesh in the whole part
  std::vector<std::string> force_groups;
  std::unique_ptr<physics::DegradingImplant<Element>> implant;
  std::vector<double> least_fraction; // per owned cell, over the outputs so far
};

/// @p r for the whole part when the mesh is one of @p copies symmetric copies of it.
physics::CorrosionReport whole_part(physics::CorrosionReport r, double copies) {
  r.metal_volume *= copies;
  r.dissolved *= copies;
  r.hydrogen_volume *= copies;
  r.interface_area *= copies;
  r.film *= copies;
  return r;
}

/// Time (s) at which a series first falls to @p level, linearly interpolated; NaN if never.
double first_crossing(const std::vector<std::pair<double, double>>& series, double level) {
  for (std::size_t i = 1; i < series.size(); ++i) {
    const auto [t0, v0] = series[i - 1];
    const auto [t1, v1] = series[i];
    if (v0 > level && v1 <= level)
      return t0 + (t1 - t0) * (v0 - level) / (v0 - v1);
  }
  return std::numeric_limits<double>::quiet_NaN();
}

// `[corrosion]`: the corrosion model on the mesh, output every interval; with `[boundary]`
// loads also the implant's mechanics at every output.
template <fem::LagrangeElement Element>
void corrode(const io::RunConfig& config, const mesh::TetMesh& mesh, PhaseTimer& timer) {
  const MPI_Comm comm = mesh.comm();
  const auto& spec = *config.corrosion;
  const std::unique_ptr<physics::CorrosionModel> model = make_corrosion_model(spec, mesh);
  std::unique_ptr<CoupledMechanics<Element>> mechanics;
  if (!config.boundaries.empty()) {
    mechanics = std::make_unique<CoupledMechanics<Element>>(config, mesh);
    log::info(comm, "      mechanics re-solved at every output: {} DOFs (P{})",
              mechanics->problem.num_dofs(), Element::degree);
  }
  std::vector<std::pair<double, double>> stiffness_series, mass_series; // (s, fraction left)
  if (spec.model == "surface_damage")
    log::info(comm, "[3/5] corroding '{}' by surface damage at {:.4g} mm/year for {:.4g} h",
              spec.metal_group, spec.rate * 1e3 * 365.25 * 86400, spec.end_time / 3600);
  else
    log::info(comm, "[3/5] corroding '{}' ({}) in {} for {:.4g} h", spec.metal_group, spec.alloy,
              spec.medium, spec.end_time / 3600);
  const auto csv_path = config.output_directory / "timeseries.csv";
  std::ofstream csv;
  if (mpi::rank(comm) == 0) {
    std::filesystem::create_directories(config.output_directory);
    csv.open(csv_path);
    csv << "time_h,metal_volume_mm3,mass_loss_percent,mg_released_mg,h2_mL,"
           "h2_rate_mL_per_cm2_day,ph_mean,ph_min,ph_max,corrosion_rate_mm_per_year,"
           "balance_error";
    if (mechanics)
      csv << ",axial_stiffness_N_per_m,strain_energy_J,implant_von_mises_peak_MPa,"
             "implant_von_mises_mean_MPa,bone_von_mises_peak_MPa,bone_von_mises_mean_MPa";
    csv << "\n";
  }
  double stiffness0 = 0.0, stiffness = 0.0;
  Progress progress(comm, spec.end_time);
  const double copies = config.symmetry_factor;
  physics::CorrosionReport previous = whole_part(model->report(), copies);
  auto row = [&](const physics::CorrosionReport& r) {
    // Rates over the last output interval, per current surface area.
    const double dt = r.time - previous.time;
    const double area_cm2 = r.interface_area * 1e4;
    const double h2_rate = dt > 0 && area_cm2 > 0 ? (r.hydrogen_volume - previous.hydrogen_volume) *
                                                        1e6 / area_cm2 / (dt / 86400.0)
                                                  : 0.0;
    const double recession = dt > 0 && r.interface_area > 0
                                 ? (previous.metal_volume - r.metal_volume) / r.interface_area
                                 : 0.0;
    const double rate_mm_year = dt > 0 ? recession * 1e3 / (dt / (365.25 * 86400.0)) : 0.0;
    std::string mechanical;
    if (mechanics) {
      const auto scope = timer.time("mechanics");
      const auto [m, k] = mechanics->update(*model);
      stiffness = k;
      if (stiffness_series.empty())
        stiffness0 = k;
      stiffness_series.emplace_back(r.time, k / stiffness0);
      mechanical = fmt::format(",{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g}", k, m.strain_energy,
                               m.implant_peak_stress * 1e-6, m.implant_mean_stress * 1e-6,
                               m.bone_peak_stress * 1e-6, m.bone_mean_stress * 1e-6);
    }
    mass_series.emplace_back(r.time, 1.0 - r.mass_loss);
    if (csv)
      csv << fmt::format("{:.6g},{:.9g},{:.6g},{:.6g},{:.6g},{:.6g},{:.5g},{:.5g},{:.5g},{:.6g},"
                         "{:.3e}{}\n",
                         r.time / 3600, r.metal_volume * 1e9, 100 * r.mass_loss,
                         r.dissolved * 24.305e3, r.hydrogen_volume * 1e6, h2_rate, r.ph_mean,
                         r.ph_min, r.ph_max, rate_mm_year, r.balance_error, mechanical)
          << std::flush; // a killed run leaves its rows so far
    previous = r;
  };
  row(previous);
  physics::CorrosionReport last = previous;
  int steps = 0;
  auto progress_line = [&](const physics::CorrosionReport& r) {
    return fmt::format("step {} (dt {})  mass loss {:.3f} %  H2 {:.4g} mL  pH {:.2f}{}", steps,
                       format_duration(r.dt), 100 * r.mass_loss, r.hydrogen_volume * 1e6, r.ph_mean,
                       mechanics ? fmt::format("  stiffness {:.1f} %", 100 * stiffness / stiffness0)
                                 : std::string());
  };
  for (double t = spec.output_interval; model->time() < spec.end_time * (1 - 1e-12);
       t += spec.output_interval) {
    const double target = std::min(t, spec.end_time);
    {
      const auto scope = timer.time("corrode");
      model->advance_to(target, [&](const physics::CorrosionReport& r) {
        last = whole_part(r, copies);
        ++steps;
        if (progress.due())
          progress.update(last.time, progress_line(last));
      });
    }
    row(last);
    progress.update(last.time, progress_line(last));
  }
  progress.finish();
  log::info(comm, "[4/5] writing fields to {}", config.output_directory.string());
  {
    const auto scope = timer.time("write");
    std::vector<io::PointField> fields;
    for (const auto& field : model->output_fields())
      fields.push_back(io::point_field(field));
    std::vector<fem::CellField> cell_fields;
    cell_fields.push_back({"cell_metal_fraction", 1, model->metal_fraction(), "1"});
    if (mechanics) {
      fields.push_back(io::point_field(mechanics->problem.displacement()));
      for (auto& stress : mechanics->problem.stress_invariants())
        cell_fields.push_back(std::move(stress));
    }
    io::write_xdmf(mesh, config.output_directory, "corrosion", fields, cell_fields);
  }
  log::info(comm, "[5/5] post-processing");
  Record figures;
  figures.set("model", spec.model.c_str());
  if (spec.model == "reaction_diffusion") {
    figures.set("alloy", spec.alloy.c_str());
    figures.set("medium", spec.medium.c_str());
  }
  figures.set("end_time_h", last.time / 3600);
  figures.set("metal_volume_m3", last.metal_volume);
  figures.set("mass_loss_fraction", last.mass_loss);
  figures.set("mg_released_mol", last.dissolved);
  figures.set("hydrogen_volume_m3", last.hydrogen_volume);
  figures.set("ph_mean", last.ph_mean);
  figures.set("ph_min", last.ph_min);
  figures.set("ph_max", last.ph_max);
  figures.set("mg_balance_error", last.balance_error);
  const double half_mass = first_crossing(mass_series, 0.5);
  if (std::isfinite(half_mass))
    figures.set("time_to_half_mass_h", half_mass / 3600);
  if (mechanics && std::isfinite(stiffness0)) {
    figures.set("initial_axial_stiffness_N_per_m", stiffness0);
    figures.set("final_axial_stiffness_N_per_m", stiffness);
    const double half_stiffness = first_crossing(stiffness_series, 0.5);
    if (std::isfinite(half_stiffness))
      figures.set("time_to_half_stiffness_h", half_stiffness / 3600);
  }
  const auto summary = io::run_summary(mesh, figures, timer);
  io::write_summary(comm, summary, config.output_directory);
  io::print_summary(comm, summary);
  log::info(comm, "wrote {0}/timeseries.csv, {0}/corrosion.xdmf (ParaView) and summary.json",
            config.output_directory.string());
}

/// Physical ranges of the config's materials, checked before anything is written or removed.
void check_materials(const io::RunConfig& config) {
  for (const auto& m : config.materials)
    physics::IsotropicMaterial{m.E, m.nu}.validate(
        fmt::format("{}: key 'materials.{}'", config.file.string(), m.group));
}

void run(MPI_Comm comm, const std::string& config_name) {
  const auto config = io::read_run_config(io::locate_data_file(config_name, "cases", "case"));
  check_materials(config);
  RESORB_REQUIRE(config.corrosion || config.symmetry_factor == 1.0, InputError,
                 fmt::format("{}: key 'mesh.threaded_screw.quarter': a quarter screw is meshed "
                             "for axisymmetric corrosion runs; an elasticity run needs the "
                             "whole screw (quarter = false)",
                             config.file.string()));
  if (!config.petsc_options.empty())
    RESORB_PETSC(PetscOptionsInsertString(nullptr, config.petsc_options.c_str()));
  // Results of an earlier run in the same directory must not pass for this run's.
  if (mpi::rank(comm) == 0) {
    std::filesystem::remove(config.output_directory / "summary.json");
    std::filesystem::create_directories(config.output_directory);
    const auto copy = config.output_directory / "config.toml";
    if (!std::filesystem::exists(copy) || !std::filesystem::equivalent(copy, config.file))
      std::filesystem::copy_file(config.file, copy,
                                 std::filesystem::copy_options::overwrite_existing);
  }
  PhaseTimer timer;
  mesh::MeshData data;
  {
    const auto scope = timer.time("read");
    if (config.mesh_file) {
      log::info(comm, "[1/5] reading {}", config.mesh_file->string());
      data = io::read_gmsh_data(comm, *config.mesh_file, config.mesh_unit_m);
    } else if (config.threaded_screw) {
      log::info(comm, "[1/5] meshing the built-in threaded screw in bone with Gmsh");
      data = meshes::threaded_screw_mesh_data(comm, *config.threaded_screw);
    } else if (config.pin) {
      log::info(comm, "[1/5] meshing the built-in pin-in-medium geometry with Gmsh");
      data = meshes::pin_in_medium_mesh_data(comm, *config.pin);
    } else {
      log::info(comm, "[1/5] meshing the built-in screw-in-bone geometry with Gmsh");
      data = meshes::screw_in_bone_mesh_data(comm, *config.generate);
    }
  }
  std::optional<mesh::TetMesh> mesh;
  {
    const auto scope = timer.time("partition");
    log::info(comm, "[2/5] partitioning over {} rank(s)", mpi::size(comm));
    mesh.emplace(mesh::TetMesh::distribute(comm, std::move(data)));
  }
  log::info(comm, "{}", mesh::format_report(mesh::quality_report(*mesh)));
  if (config.corrosion)
    fem::with_element(config.degree,
                      [&]<class Element>() { corrode<Element>(config, *mesh, timer); });
  else
    fem::with_element(config.degree,
                      [&]<class Element>() { solve_config<Element>(config, *mesh, timer); });
}

} // namespace

// `resorb calibrate`: the rate factor of an alloy in a medium, printed as the TOML block its
// data file records.
void calibrate(MPI_Comm comm, const std::string& alloy_name, const std::string& medium,
               const std::string& target_text, const std::string& duration_text,
               const std::string& cell_size_text) {
  const auto alloy = io::read_alloy(alloy_name);
  auto p = io::read_medium(medium);
  p.metal_mg = alloy.metal_mg();
  physics::CalibrationCoupon coupon;
  const double target = parse_quantity(target_text, dim::speed, "--target");
  coupon.duration = parse_quantity(duration_text, dim::time, "--duration");
  coupon.cell_size = parse_quantity(cell_size_text, dim::length, "--cell-size");
  log::info(comm, "calibrating {} in {} to {} over {} (cells {})", alloy.name, p.name, target_text,
            duration_text, cell_size_text);
  const auto fit = physics::calibrate_rate_factor(comm, p, target, coupon);
  log::info(
      comm,
      "[calibration.{}]\ntarget_rate = \"{}\"\nrate_factor = {:.6g}\nduration = \"{}\"\n"
      "cell_size = \"{}\"\nsource = \"<where the target rate comes from>\"\n# {} coupon runs; "
      "the coupon corrodes at {:.6g} mm/year with this factor",
      std::filesystem::path(medium).stem().string(), target_text, fit.rate_factor, duration_text,
      cell_size_text, fit.runs, fit.speed * 1e3 * 365.25 * 86400);
}

int main(int argc, char** argv) {
  Environment env(argc, argv);
  CLI::App app{"resorb: finite elements for biodegradable magnesium implants in bone"};
  app.require_subcommand(1);
  app.allow_extras(); // PETSc options (-ksp_monitor, -log_view, ...) pass through
  int verbosity = 1;
  app.add_option("-v,--verbosity", verbosity, "0 quiet, 1 progress, 2 details");

  std::string config_file = "we43_screw";
  auto* run_cmd = app.add_subcommand(
      "run", "solve the problem a TOML config describes; without one, the main job: a WE43 "
             "screw degrading in bone for 12 weeks (the case data/cases/we43_screw.toml)");
  run_cmd->add_option("config", config_file,
                      "configuration file, or the name of a case in data/cases (we43_screw, "
                      "hp_mg_flap_screw, kmet_screw, interference_screw); each case file "
                      "documents every key and is the template for your own");
  run_cmd->footer("Outputs in the config's [output] directory: config.toml (the config used), "
                  "timeseries.csv, corrosion.xdmf/.h5 (ParaView), summary.json. PETSc options "
                  "(-ksp_monitor, -transport_snes_monitor, -log_view, ...) pass through.");
  run_cmd->allow_extras();

  std::string mesh_file, unit = "mm";
  auto* check_cmd = app.add_subcommand("check", "mesh quality report of a Gmsh file");
  check_cmd->add_option("mesh", mesh_file, "mesh file (.msh)")->required();
  check_cmd->add_option("--unit", unit, "length unit of the file's coordinates");
  check_cmd->allow_extras();

  std::string geometry, output;
  double mesh_size_mm = 2.5, implant_mesh_size_mm = 1.0;
  bool ascii = false;
  auto* mesh_cmd =
      app.add_subcommand("mesh", "write a built-in geometry's mesh (binary MSH 4.1, mm)");
  mesh_cmd->add_option("geometry", geometry, "geometry name")
      ->required()
      ->check(CLI::IsMember({"screw-in-bone", "threaded-screw"}));
  mesh_cmd->add_option("-o,--output", output, "output .msh file")->required();
  mesh_cmd->add_option("--mesh-size", mesh_size_mm,
                       "element size in the bone, mm (default 2.5; threaded-screw 1.5)");
  mesh_cmd->add_option("--implant-mesh-size", implant_mesh_size_mm,
                       "element size on the implant, mm (default 1; threaded-screw 0.2)");
  mesh_cmd->add_flag("--ascii", ascii, "write ASCII MSH instead of binary (slower to read)");
  mesh_cmd->allow_extras();

  std::string alloy = "pure_mg", medium = "sbf", target = "", duration = "7 days",
              cell_size = "50 um";
  auto* calibrate_cmd = app.add_subcommand(
      "calibrate", "fit an alloy's rate factor in a medium to a measured corrosion rate");
  calibrate_cmd->add_option("--alloy", alloy, "alloy: data/alloys name or file (its density)");
  calibrate_cmd->add_option("--medium", medium, "medium: data/media name or file");
  calibrate_cmd->add_option("--target", target, "measured rate, e.g. \"0.5 mm/year\"")->required();
  calibrate_cmd->add_option("--duration", duration, "coupon run the rate is averaged over");
  calibrate_cmd->add_option("--cell-size", cell_size, "coupon cell size at the surface");
  calibrate_cmd->allow_extras();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return env.rank() == 0 ? app.exit(e) : (e.get_exit_code() == 0 ? 0 : 2);
  }
  log::set_level(verbosity);
  try {
    if (*run_cmd) {
      run(env.comm(), config_file);
    } else if (*check_cmd) {
      const double u = unit_factor(unit, dim::length, "--unit");
      const auto mesh = io::read_gmsh(env.comm(), mesh_file, u);
      log::info(env.comm(), "{}", mesh::format_report(mesh::quality_report(mesh)));
    } else if (*mesh_cmd) {
      auto data = [&] {
        if (geometry == "threaded-screw") {
          meshes::ThreadedScrewGeometry g;
          if (!mesh_cmd->get_option("--mesh-size")->empty())
            g.mesh_size = mesh_size_mm * 1e-3;
          if (!mesh_cmd->get_option("--implant-mesh-size")->empty())
            g.implant_mesh_size = implant_mesh_size_mm * 1e-3;
          return meshes::threaded_screw_mesh_data(env.comm(), g);
        }
        meshes::ScrewInBoneGeometry g;
        g.mesh_size = mesh_size_mm * 1e-3;
        g.implant_mesh_size = implant_mesh_size_mm * 1e-3;
        return meshes::screw_in_bone_mesh_data(env.comm(), g);
      }();
      const auto mesh = mesh::TetMesh::distribute(env.comm(), std::move(data));
      io::write_gmsh(mesh, output, 1e-3, !ascii);
      log::info(env.comm(), "wrote {} ({} tetrahedra, coordinates in mm, {})", output,
                mesh.num_global_cells(), ascii ? "ASCII" : "binary");
    } else if (*calibrate_cmd) {
      calibrate(env.comm(), alloy, medium, target, duration, cell_size);
    }
  } catch (const InputError& e) {
    if (env.rank() == 0)
      std::cerr << "resorb: error: " << e.what() << '\n';
    return 2;
  } catch (const SolverError& e) {
    if (env.rank() == 0)
      std::cerr << "resorb: solver error: " << e.what() << '\n';
    return 3;
  } catch (const std::exception& e) {
    if (env.rank() == 0)
      std::cerr << "resorb: error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
