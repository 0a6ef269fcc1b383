// The `resorb` program.
//
//   resorb run CONFIG.toml [PETSc options]   solve the problem a config describes
//   resorb run --resume DIR                  continue a killed corrosion run
//   resorb check MESH.msh --unit mm          mesh quality report
//   resorb mesh screw-in-bone -o FILE.msh    write the built-in screw-in-bone mesh
//   resorb mesh LABELS.nii.gz --labels 1=cortical,2=cancellous --size "2 mm" [--implant SPEC]
//               [--ct CT --calibration "SLOPE,INTERCEPT"] -o FILE.msh
//   resorb mesh CONFIG.toml                  the same from a config file
//
// Exit status: 0 success, 2 bad input (file, key, value), 3 solver failure, 1 other errors.
#include <resorb/core/checkpoint.hpp>
#include <resorb/core/environment.hpp>
#include <resorb/core/error.hpp>
#include <resorb/core/log.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/core/progress.hpp>
#include <resorb/core/units.hpp>
#include <resorb/imaging/bone_material.hpp>
#include <resorb/io/config.hpp>
#include <resorb/io/corrosion_data.hpp>
#include <resorb/io/gmsh.hpp>
#include <resorb/io/image.hpp>
#include <resorb/io/mesh_config.hpp>
#include <resorb/io/summary.hpp>
#include <resorb/io/xdmf.hpp>
#include <resorb/mesh/quality.hpp>
#include <resorb/physics/calibration.hpp>
#include <resorb/physics/corrosion.hpp>
#include <resorb/physics/degrading_implant.hpp>
#include <resorb/physics/elasticity.hpp>
#include <resorb/physics/surface_damage.hpp>

#include "cli/mesh_command.hpp"
#include "cli/scaffold_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/ranges.h>
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
#include <span>
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

// `[bone_material]`: the CT's moduli in the groups it names (the others keep [materials]);
// returns the per-cell modulus and apparent density for the output (0 where not mapped).
template <fem::LagrangeElement Element>
std::vector<fem::CellField> set_bone_material(const io::RunConfig& config,
                                              const mesh::TetMesh& mesh,
                                              physics::Elasticity<Element>& problem) {
  const auto& spec = *config.bone_material;
  const MPI_Comm comm = mesh.comm();
  const auto context = fmt::format("{}: [bone_material]", config.file.string());
  const auto map = cli::to_bone_material_map(spec, context);
  // Every volume group needs its material from one place (checked on the global group list,
  // so that every rank decides alike).
  std::vector<int> given;
  for (const auto& m : config.materials)
    given.push_back(mesh.cell_tag(m.group));
  for (const auto& g : spec.groups)
    given.push_back(mesh.cell_tag(g));
  for (const auto& g : mesh.groups())
    RESORB_REQUIRE(g.dim != 3 || std::find(given.begin(), given.end(), g.tag) != given.end(),
                   InputError,
                   fmt::format("{}: volume group '{}' has neither [materials] nor "
                               "[bone_material]",
                               config.file.string(), g.name));
  const auto cells = cli::map_bone_material(mesh, spec, map);
  // Cells outside the mapped groups keep their [materials] value: their λ, μ are already set.
  std::vector<double> E(cells.E.size()), nu(cells.E.size());
  const auto tags = mesh.cell_tags();
  for (std::size_t c = 0; c < E.size(); ++c) {
    if (cells.mapped[c]) {
      E[c] = cells.E[c];
      nu[c] = cells.nu[c];
      continue;
    }
    const auto it = std::find_if(config.materials.begin(), config.materials.end(),
                                 [&](auto& m) { return mesh.cell_tag(m.group) == tags[c]; });
    RESORB_REQUIRE(it != config.materials.end(), InputError,
                   fmt::format("{}: volume group '{}' has neither [materials] nor "
                               "[bone_material]",
                               config.file.string(), mesh.group_name(3, tags[c])));
    E[c] = it->E;
    nu[c] = it->nu;
  }
  problem.set_cell_materials(E, nu);
  double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
  for (std::size_t c = 0; c < E.size(); ++c)
    if (cells.mapped[c]) {
      lo = std::min(lo, E[c]);
      hi = std::max(hi, E[c]);
    }
  log::info(comm, "      bone E from {:.3g} to {:.3g} GPa", mpi::min(comm, lo) * 1e-9,
            mpi::max(comm, hi) * 1e-9);
  return cli::bone_fields(cells);
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
  std::vector<fem::CellField> bone_fields;
  if (config.bone_material) {
    const auto scope = timer.time("bone material");
    bone_fields = set_bone_material(config, mesh, problem);
  }
  const auto [force_groups, fixed_groups] = apply_loads(config, problem);
  log::info(comm, "[3/5] assembling and solving: {} DOFs (P{}) on {} rank(s)", problem.num_dofs(),
            Element::degree, mpi::size(comm));
  const auto report = problem.solve(config.solver);
  log::info(comm, "      CG converged in {} iterations ({}), relative residual {:.2e}",
            report.iterations, report.reason, report.relative_residual);
  if (config.solver.device != ExecutionSpace::host)
    log::info(comm, "      on {}: {} host-device copies ({} bytes)",
              to_string(config.solver.device), report.transfers.copies(),
              report.transfers.bytes_to_device + report.transfers.bytes_to_host);
  log::info(comm, "[4/5] writing fields to {}", config.output_directory.string());
  {
    const auto scope = timer.time("write");
    std::vector<fem::CellField> cell_fields;
    for (auto& f : problem.stress_invariants())
      cell_fields.push_back(std::move(f));
    for (auto& f : bone_fields)
      cell_fields.push_back(std::move(f));
    io::write_xdmf(mesh, config.output_directory, "elasticity",
                   std::vector{io::point_field(problem.displacement())}, cell_fields);
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

/// The bending load case of a coupled run: the config's supports and, on the first
/// force-loaded group, the lateral force `[corrosion] bending_force` along x (the whole part's;
/// a symmetric mesh carries its share). On a quarter threaded screw the symmetry plane x = 0
/// (group symmetry_x) is antisymmetric for a load along x: u_y = u_z = 0 there, u_x free; the
/// plane y = 0 stays symmetric. Returns the loaded group.
template <fem::LagrangeElement Element>
std::string apply_bending(const io::RunConfig& config, physics::Elasticity<Element>& problem) {
  std::string loaded;
  for (const auto& b : config.boundaries) {
    if (b.fix) {
      auto fix = *b.fix;
      if (config.symmetry_factor > 1 && b.group == "symmetry_x")
        fix = {false, true, true};
      problem.fix(b.group, fix);
    }
    if (b.force && loaded.empty())
      loaded = b.group;
  }
  problem.apply_force(loaded, {config.corrosion->bending_force / config.symmetry_factor, 0.0, 0.0});
  return loaded;
}

/// What the mechanics gives at an output time.
struct MechanicsFigures {
  physics::ImplantMechanicsReport report; ///< of the axial (pull-out) load case
  double axial_stiffness = 0.0;           ///< N/m, whole part (NaN without a force)
  double bending_stiffness = 0.0;         ///< N/m, whole part (NaN without bending_force)
};

// `[corrosion]` with `[boundary]` loads: the implant's mechanics, re-solved at every output
// time with the metal the corrosion model has left (and the film, with `film_E`), for the
// config's loads and, with `bending_force`, for a lateral load as well.
template <fem::LagrangeElement Element>
struct CoupledMechanics {
  /// One load case: the problem and the implant's materials on it.
  struct LoadCase {
    explicit LoadCase(const mesh::TetMesh& mesh) : problem(mesh) {}
    physics::Elasticity<Element> problem;
    std::unique_ptr<physics::DegradingImplant<Element>> implant;
  };

  CoupledMechanics(const io::RunConfig& config, const mesh::TetMesh& mesh)
      : axial(mesh), symmetry(config.symmetry_factor) {
    const auto& spec = *config.corrosion;
    force_groups = apply_loads(config, axial.problem).first;
    if (spec.bending_force > 0) {
      bending = std::make_unique<LoadCase>(mesh);
      bending_group = apply_bending(config, bending->problem);
    }
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
    for (auto* c : cases()) {
      c->implant = std::make_unique<physics::DegradingImplant<Element>>(
          c->problem, spec.metal_group, *metal,
          physics::IsotropicMaterial{*spec.replacement_E, *spec.replacement_nu}, others);
      if (spec.film_E)
        c->implant->set_film({*spec.film_E, *spec.film_nu});
    }
  }
  std::vector<LoadCase*> cases() {
    std::vector<LoadCase*> all{&axial};
    if (bending)
      all.push_back(bending.get());
    return all;
  }
  /// Re-solves every load case with the model's metal and film.
  MechanicsFigures update(const physics::CorrosionModel& model) {
    // Metal a cell has lost does not come back: redistancing the level set moves a fraction
    // of a cell's volume between cut cells, which alone raised the stiffness by 0.3 % over
    // the main job's first output interval while the metal only shrank.
    const auto fraction = model.metal_fraction();
    if (least_fraction.empty())
      least_fraction = fraction;
    for (std::size_t c = 0; c < fraction.size(); ++c)
      least_fraction[c] = std::min(least_fraction[c], fraction[c]);
    const auto film = model.film_fraction();
    MechanicsFigures out;
    out.report = axial.implant->update(least_fraction, film);
    out.axial_stiffness = force_groups.empty()
                              ? std::numeric_limits<double>::quiet_NaN()
                              : symmetry * axial.problem.axial_stiffness(force_groups.front());
    out.report.strain_energy *= symmetry;
    out.report.metal_volume *= symmetry;
    out.bending_stiffness = std::numeric_limits<double>::quiet_NaN();
    if (bending) {
      (void)bending->implant->update(least_fraction, film);
      out.bending_stiffness = symmetry * bending->problem.axial_stiffness(bending_group);
    }
    return out;
  }
  void save(Checkpoint& checkpoint) const {
    checkpoint.put("mechanics/least_fraction", least_fraction);
    axial.problem.save(checkpoint, "mechanics/");
    if (bending)
      bending->problem.save(checkpoint, "mechanics/bending/");
  }
  void restore(const Checkpoint& checkpoint) {
    const auto fraction = checkpoint.get("mechanics/least_fraction");
    least_fraction.assign(fraction.begin(), fraction.end());
    axial.problem.restore(checkpoint, "mechanics/");
    if (bending)
      bending->problem.restore(checkpoint, "mechanics/bending/");
  }
  LoadCase axial;                    // the config's loads
  std::unique_ptr<LoadCase> bending; // `bending_force`, or none
  double symmetry;                   // copies of the mesh in the whole part
  std::vector<std::string> force_groups;
  std::string bending_group;
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

/// A series of (time, value) pairs as one flat array, and back.
std::vector<double> flatten(const std::vector<std::pair<double, double>>& series) {
  std::vector<double> flat;
  for (const auto& [t, v] : series) {
    flat.push_back(t);
    flat.push_back(v);
  }
  return flat;
}
std::vector<std::pair<double, double>> unflatten(std::span<const double> flat) {
  std::vector<std::pair<double, double>> series;
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2)
    series.emplace_back(flat[i], flat[i + 1]);
  return series;
}

/// Global figures that tell meshes apart (vertices, cells, a weighted coordinate sum): a
/// checkpoint resumes only on the mesh it was written on. Collective.
std::vector<double> mesh_fingerprint(const mesh::TetMesh& mesh) {
  double sum = 0.0;
  const auto x = mesh.coordinates();
  for (LocalIndex v = 0; v < mesh.vertex_map().num_owned(); ++v) {
    const auto i = 3 * static_cast<std::size_t>(v);
    sum += x[i] + 2.0 * x[i + 1] + 3.0 * x[i + 2];
  }
  return {static_cast<double>(mesh.vertex_map().size_global()),
          static_cast<double>(mesh.num_global_cells()), mpi::sum(mesh.comm(), sum)};
}

/// Keeps the header and the first @p rows data rows of @p csv (a killed run may have
/// written rows after its last checkpoint). Rank 0 only.
void truncate_csv(const std::filesystem::path& csv, std::size_t rows) {
  std::ifstream in(csv);
  RESORB_REQUIRE(
      in, InputError,
      fmt::format("cannot resume: '{}' is missing (the run's time series)", csv.string()));
  std::string kept, line;
  std::size_t lines = 0;
  while (lines < rows + 1 && std::getline(in, line)) {
    kept += line + "\n";
    ++lines;
  }
  RESORB_REQUIRE(lines == rows + 1, InputError,
                 fmt::format("cannot resume: '{}' has {} rows, the checkpoint {}", csv.string(),
                             lines == 0 ? 0 : lines - 1, rows));
  in.close();
  std::ofstream out(csv, std::ios::trunc);
  out << kept;
}

// `[corrosion]`: the corrosion model on the mesh, output every interval; with `[boundary]`
// loads also the implant's mechanics at every output. Checkpoints every
// checkpoint_interval (at output times); @p resume continues from the output directory's.
template <fem::LagrangeElement Element>
void corrode(const io::RunConfig& config, const mesh::TetMesh& mesh, PhaseTimer& timer,
             bool resume) {
  const MPI_Comm comm = mesh.comm();
  const auto& spec = *config.corrosion;
  const auto& directory = config.output_directory;
  const std::unique_ptr<physics::CorrosionModel> model = make_corrosion_model(spec, mesh);
  std::unique_ptr<CoupledMechanics<Element>> mechanics;
  if (!config.boundaries.empty()) {
    mechanics = std::make_unique<CoupledMechanics<Element>>(config, mesh);
    log::info(comm, "      mechanics re-solved at every output: {} DOFs (P{})",
              mechanics->axial.problem.num_dofs(), Element::degree);
  }
  auto* stressed =
      spec.stress_assisted ? dynamic_cast<physics::MagnesiumCorrosion*>(model.get()) : nullptr;
  // (s, fraction left)
  std::vector<std::pair<double, double>> stiffness_series, bending_series, mass_series;
  if (spec.model == "surface_damage")
    log::info(comm, "[3/5] corroding '{}' by surface damage at {:.4g} mm/year for {:.4g} h",
              spec.metal_group, spec.rate * 1e3 * 365.25 * 86400, spec.end_time / 3600);
  else
    log::info(comm, "[3/5] corroding '{}' ({}) in {} for {:.4g} h{}", spec.metal_group, spec.alloy,
              spec.medium, spec.end_time / 3600, stressed ? ", stress-assisted (Gutman)" : "");
  const auto csv_path = directory / "timeseries.csv";
  io::XdmfTimeSeries xdmf(mesh, directory, "corrosion");
  double stiffness0 = 0.0, stiffness = 0.0, bending0 = 0.0, bending = 0.0, last_checkpoint = 0.0;
  int steps = 0;
  std::size_t outputs = 0; // rows written, the one at t = 0 included
  const double copies = config.symmetry_factor;
  if (resume) {
    const auto checkpoint = Checkpoint::read(comm, directory);
    const auto fingerprint = mesh_fingerprint(mesh);
    const auto saved = checkpoint.get("run/mesh", 3);
    RESORB_REQUIRE(
        saved[0] == fingerprint[0] && saved[1] == fingerprint[1] &&
            std::abs(saved[2] - fingerprint[2]) <= 1e-12 * std::max(1.0, std::abs(saved[2])),
        InputError,
        fmt::format("cannot resume '{}': its checkpoint was written on another mesh "
                    "({:.0f} vertices, {:.0f} cells; this one {:.0f}, {:.0f})",
                    directory.string(), saved[0], saved[1], fingerprint[0], fingerprint[1]));
    model->restore(checkpoint, "corrosion/");
    if (mechanics)
      mechanics->restore(checkpoint);
    const auto counters = checkpoint.get("run/counters", 7);
    outputs = static_cast<std::size_t>(counters[0]);
    steps = static_cast<int>(counters[1]);
    stiffness0 = counters[2];
    stiffness = counters[3];
    last_checkpoint = counters[4];
    bending0 = counters[5];
    bending = counters[6];
    stiffness_series = unflatten(checkpoint.get("run/stiffness_series"));
    bending_series = unflatten(checkpoint.get("run/bending_series"));
    mass_series = unflatten(checkpoint.get("run/mass_series"));
    xdmf.continue_after(checkpoint.get("run/xdmf_times"));
    std::optional<std::string> error;
    if (mpi::rank(comm) == 0) {
      try {
        truncate_csv(csv_path, outputs);
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    mpi::throw_first_error<InputError>(comm, error);
    log::info(comm, "      resuming from the checkpoint at t = {} (step {}, {} outputs)",
              format_duration(model->time()), steps, outputs);
  }
  std::ofstream csv;
  if (mpi::rank(comm) == 0) {
    std::filesystem::create_directories(directory);
    csv.open(csv_path, resume ? std::ios::app : std::ios::trunc);
    if (!resume) {
      csv << "time_h,metal_volume_mm3,mass_loss_percent,mg_released_mg,h2_mL,"
             "h2_rate_mL_per_cm2_day,ph_mean,ph_min,ph_max,corrosion_rate_mm_per_year,"
             "balance_error";
      if (mechanics)
        csv << ",axial_stiffness_N_per_m,strain_energy_J,implant_von_mises_peak_MPa,"
               "implant_von_mises_mean_MPa,bone_von_mises_peak_MPa,bone_von_mises_mean_MPa";
      if (mechanics && mechanics->bending)
        csv << ",bending_stiffness_N_per_m";
      csv << "\n";
    }
  }
  Progress progress(comm, spec.end_time, stdout, model->time());
  physics::CorrosionReport previous = whole_part(model->report(), copies);
  auto write_fields = [&](double time) {
    const auto scope = timer.time("write");
    std::vector<io::PointField> fields;
    for (const auto& field : model->output_fields())
      fields.push_back(io::point_field(field));
    std::vector<fem::CellField> cell_fields;
    cell_fields.push_back({"cell_metal_fraction", 1, model->metal_fraction(), "1"});
    if (mechanics) {
      fields.push_back(io::point_field(mechanics->axial.problem.displacement()));
      for (auto& stress : mechanics->axial.problem.stress_invariants())
        cell_fields.push_back(std::move(stress));
    }
    xdmf.write(time, fields, cell_fields);
  };
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
      const auto figures = mechanics->update(*model);
      const auto& m = figures.report;
      const double k = figures.axial_stiffness;
      stiffness = k;
      if (stiffness_series.empty()) {
        stiffness0 = k;
        bending0 = figures.bending_stiffness;
      }
      stiffness_series.emplace_back(r.time, k / stiffness0);
      bending = figures.bending_stiffness;
      mechanical = fmt::format(",{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g}", k, m.strain_energy,
                               m.implant_peak_stress * 1e-6, m.implant_mean_stress * 1e-6,
                               m.bone_peak_stress * 1e-6, m.bone_mean_stress * 1e-6);
      if (mechanics->bending) {
        bending_series.emplace_back(r.time, bending / bending0);
        mechanical += fmt::format(",{:.6g}", bending);
      }
      if (stressed) // the dissolution until the next output feels this stress
        stressed->set_stress(m.metal_hydrostatic_stress);
    }
    mass_series.emplace_back(r.time, 1.0 - r.mass_loss);
    if (csv)
      csv << fmt::format("{:.6g},{:.9g},{:.6g},{:.6g},{:.6g},{:.6g},{:.5g},{:.5g},{:.5g},{:.6g},"
                         "{:.3e}{}\n",
                         r.time / 3600, r.metal_volume * 1e9, 100 * r.mass_loss,
                         r.dissolved * 24.305e3, r.hydrogen_volume * 1e6, h2_rate, r.ph_mean,
                         r.ph_min, r.ph_max, rate_mm_year, r.balance_error, mechanical)
          << std::flush; // a killed run leaves its rows so far
    write_fields(r.time);
    ++outputs;
    previous = r;
  };
  auto save_checkpoint = [&] {
    const auto scope = timer.time("checkpoint");
    Checkpoint checkpoint;
    checkpoint.put("run/mesh", mesh_fingerprint(mesh));
    model->save(checkpoint, "corrosion/");
    if (mechanics)
      mechanics->save(checkpoint);
    checkpoint.put("run/counters",
                   std::vector{static_cast<double>(outputs), static_cast<double>(steps), stiffness0,
                               stiffness, previous.time, bending0, bending});
    checkpoint.put("run/stiffness_series", flatten(stiffness_series));
    checkpoint.put("run/bending_series", flatten(bending_series));
    checkpoint.put("run/mass_series", flatten(mass_series));
    checkpoint.put("run/xdmf_times", xdmf.times());
    checkpoint.write(comm, directory);
    last_checkpoint = previous.time;
  };
  if (!resume)
    row(previous);
  physics::CorrosionReport last = previous;
  auto progress_line = [&](const physics::CorrosionReport& r) {
    return fmt::format("step {} (dt {})  mass loss {:.3f} %  H2 {:.4g} mL  pH {:.2f}{}", steps,
                       format_duration(r.dt), 100 * r.mass_loss, r.hydrogen_volume * 1e6, r.ph_mean,
                       mechanics ? fmt::format("  stiffness {:.1f} %", 100 * stiffness / stiffness0)
                                 : std::string());
  };
  for (std::size_t k = outputs; model->time() < spec.end_time * (1 - 1e-12); ++k) {
    const double target = std::min(static_cast<double>(k) * spec.output_interval, spec.end_time);
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
    const bool finished = model->time() >= spec.end_time * (1 - 1e-12);
    if (!finished && last.time - last_checkpoint >= spec.checkpoint_interval * (1 - 1e-9))
      save_checkpoint();
  }
  progress.finish();
  log::info(comm, "[4/5] wrote fields at {} output times to {}", xdmf.times().size(),
            directory.string());
  log::info(comm, "[5/5] post-processing");
  Record figures;
  figures.set("model", spec.model.c_str());
  if (spec.model == "reaction_diffusion") {
    figures.set("alloy", spec.alloy.c_str());
    figures.set("medium", spec.medium.c_str());
    figures.set("stress_assisted", static_cast<std::int64_t>(stressed ? 1 : 0));
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
  figures.set("time_steps", static_cast<std::int64_t>(steps));
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
  if (mechanics && mechanics->bending) {
    figures.set("initial_bending_stiffness_N_per_m", bending0);
    figures.set("final_bending_stiffness_N_per_m", bending);
    const double half = first_crossing(bending_series, 0.5);
    if (std::isfinite(half))
      figures.set("time_to_half_bending_stiffness_h", half / 3600);
  }
  const auto summary = io::run_summary(mesh, figures, timer);
  io::write_summary(comm, summary, directory);
  io::print_summary(comm, summary);
  log::info(comm,
            "wrote {0}/timeseries.csv, {0}/corrosion.xdmf (ParaView, {1} times) and "
            "summary.json",
            directory.string(), xdmf.times().size());
}

/// Physical ranges of the config's materials, checked before anything is written or removed.
void check_materials(const io::RunConfig& config) {
  for (const auto& m : config.materials)
    physics::IsotropicMaterial{m.E, m.nu}.validate(
        fmt::format("{}: key 'materials.{}'", config.file.string(), m.group));
  if (config.corrosion && config.corrosion->film_E)
    physics::IsotropicMaterial{*config.corrosion->film_E, *config.corrosion->film_nu}.validate(
        fmt::format("{}: keys 'corrosion.film_E' / 'film_nu'", config.file.string()));
}

/// `resorb run CONFIG` or, with @p resume_directory, `resorb run --resume DIR`: the config
/// is then the run's own copy, DIR/config.toml, and the output goes on into DIR.
void run(MPI_Comm comm, const std::string& config_name, const std::string& resume_directory,
         const std::string& device) {
  const bool resume = !resume_directory.empty();
  if (resume)
    RESORB_REQUIRE(Checkpoint::exists(resume_directory), InputError,
                   fmt::format("cannot resume '{}': no checkpoint there (is it the output "
                               "directory of a corrosion run that wrote one?)",
                               resume_directory));
  auto config = io::read_run_config(resume ? std::filesystem::path(resume_directory) / "config.toml"
                                           : io::locate_data_file(config_name, "cases", "case"));
  if (resume) {
    RESORB_REQUIRE(
        config.corrosion, InputError,
        fmt::format("cannot resume '{}': its config.toml has no [corrosion]", resume_directory));
    config.output_directory = resume_directory;
  }
  if (!device.empty()) // --device overrides [solver] device
    config.solver.device = parse_execution_space(device);
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
    namespace fs = std::filesystem;
    fs::remove(config.output_directory / "summary.json");
    fs::create_directories(config.output_directory);
    if (!resume) { // a new run: an old checkpoint or time series here is not this run's
      fs::remove_all(config.output_directory / "checkpoint");
      fs::remove_all(config.output_directory / "checkpoint.old");
      for (const auto& entry : fs::directory_iterator(config.output_directory)) {
        const auto name = entry.path().filename().string();
        if (name.starts_with("corrosion_") && name.ends_with(".h5"))
          fs::remove(entry.path());
      }
    }
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
                      [&]<class Element>() { corrode<Element>(config, *mesh, timer, resume); });
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

// `resorb mesh screw-in-bone|threaded-screw`: a built-in geometry's Gmsh mesh.
void write_builtin_mesh(MPI_Comm comm, const std::string& geometry, const CLI::App& mesh_cmd,
                        double mesh_size_mm, double implant_mesh_size_mm, const std::string& output,
                        bool ascii) {
  auto data = [&] {
    if (geometry == "threaded-screw") {
      meshes::ThreadedScrewGeometry g;
      if (!mesh_cmd.get_option("--mesh-size")->empty())
        g.mesh_size = mesh_size_mm * 1e-3;
      if (!mesh_cmd.get_option("--implant-mesh-size")->empty())
        g.implant_mesh_size = implant_mesh_size_mm * 1e-3;
      return meshes::threaded_screw_mesh_data(comm, g);
    }
    meshes::ScrewInBoneGeometry g;
    g.mesh_size = mesh_size_mm * 1e-3;
    g.implant_mesh_size = implant_mesh_size_mm * 1e-3;
    return meshes::screw_in_bone_mesh_data(comm, g);
  }();
  const auto mesh = mesh::TetMesh::distribute(comm, std::move(data));
  io::write_gmsh(mesh, output, 1e-3, !ascii);
  log::info(comm, "wrote {} ({} tetrahedra, coordinates in mm, {})", output,
            mesh.num_global_cells(), ascii ? "ASCII" : "binary");
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
  std::string resume_directory;
  run_cmd
      ->add_option("--resume", resume_directory,
                   "continue the killed corrosion run whose output directory this is, from "
                   "its last checkpoint (same number of ranks); it ends with the results "
                   "of an uninterrupted run")
      ->excludes(run_cmd->get_option("config"));
  std::string device;
  run_cmd
      ->add_option("--device", device,
                   "where the elasticity operator runs: cpu (assembled, the default) or cuda "
                   "(matrix-free on the GPU; overrides [solver] device)")
      ->check(CLI::IsMember({"cpu", "cuda"}));
  run_cmd->footer("Outputs in the config's [output] directory: config.toml (the config used), "
                  "timeseries.csv, corrosion.xdmf + corrosion_NNNN.h5 (ParaView, one step per "
                  "output time), summary.json, checkpoint/ (every [corrosion] "
                  "checkpoint_interval). PETSc options (-ksp_monitor, -transport_snes_monitor, "
                  "-log_view, ...) pass through.");
  run_cmd->allow_extras();

  std::string mesh_file, unit = "mm";
  auto* check_cmd = app.add_subcommand("check", "mesh quality report of a Gmsh file");
  check_cmd->add_option("mesh", mesh_file, "mesh file (.msh)")->required();
  check_cmd->add_option("--unit", unit, "length unit of the file's coordinates");
  check_cmd->allow_extras();

  std::string geometry, output;
  cli::LabelMeshFlags mesh_flags;
  double mesh_size_mm = 2.5, implant_mesh_size_mm = 1.0;
  bool ascii = false;
  auto* mesh_cmd = app.add_subcommand(
      "mesh", "mesh a label volume (segmentation) into bone and implant, or write a built-in "
              "geometry's mesh (binary MSH 4.1, mm)");
  mesh_cmd
      ->add_option("input", geometry,
                   "a label volume (.nii, .nii.gz, .nrrd, .nhdr, .mha, .mhd), a mesh config "
                   "(.toml, or a case name such as femur_mesh; data/cases/femur_mesh.toml "
                   "documents every key), or a built-in geometry: "
                   "screw-in-bone, threaded-screw")
      ->required();
  mesh_cmd->add_option("-o,--output", output, "output .msh file (the config's [output] file)");
  mesh_cmd->add_option("--labels", mesh_flags.labels,
                       "label volume: the labels to mesh and their group names, e.g. "
                       "\"1=cortical,2=cancellous\"");
  mesh_cmd->add_option("--size", mesh_flags.size, "label volume: largest cell size, e.g. \"2 mm\"");
  mesh_cmd->add_option("--facet-distance", mesh_flags.facet_distance,
                       "label volume: largest distance of a boundary triangle from the smoothed "
                       "label surface (default size / 10, at least half a voxel)");
  mesh_cmd->add_option("--smoothing", mesh_flags.smoothing,
                       "label volume: Gaussian smoothing of the label boundaries, voxels "
                       "(default 1; 0 meshes the voxel staircase)");
  mesh_cmd->add_option("--implant", mesh_flags.implant,
                       "label volume: an implant placed before meshing, \"KIND,key=value,...\": "
                       "cylinder (radius, length), screw (core_radius, thread_depth, pitch, "
                       "length) or stl (file, unit); base=\"x y z mm\" (the head), axis=\"x y "
                       "z\" (the shaft), cell_size, name (default implant)");
  mesh_cmd->add_option("--ct", mesh_flags.ct,
                       "label volume: a CT (HU) in the same world frame; writes per-cell bone "
                       "moduli (Bonemat-style, E-first) to the XDMF");
  mesh_cmd->add_option("--calibration", mesh_flags.calibration,
                       "with --ct: the phantom calibration \"SLOPE,INTERCEPT\" of rho = "
                       "INTERCEPT + SLOPE HU, e.g. \"0.0008 g/cm^3,0 g/cm^3\"");
  mesh_cmd->add_option("--law", mesh_flags.law,
                       "with --ct: the modulus-density law (default "
                       "morgan2003_pooled; see data/cases/femur_mesh.toml)");
  mesh_cmd->add_option("--bone-groups", mesh_flags.bone_groups,
                       "with --ct: the groups that get CT moduli (default: every label)");
  mesh_cmd->add_option("--mesh-size", mesh_size_mm,
                       "built-in geometry: element size in the bone, mm (default 2.5; "
                       "threaded-screw 1.5)");
  mesh_cmd->add_option("--implant-mesh-size", implant_mesh_size_mm,
                       "built-in geometry: element size on the implant, mm (default 1; "
                       "threaded-screw 0.2)");
  mesh_cmd->add_flag("--ascii", ascii, "built-in geometry: write ASCII MSH (slower to read)");
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

  std::string scaffold_config = "scaffold_search";
  auto* scaffold_cmd = app.add_subcommand(
      "scaffold", "degradation-aware scaffold design search (TPMS cell type, porosity, cell "
                  "size, alloy): candidates.csv, pareto.png, the winner as STL + JSON");
  scaffold_cmd->add_option("config", scaffold_config,
                           "configuration file, or a case in data/cases (default "
                           "scaffold_search, which documents every key)");
  scaffold_cmd->allow_extras();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return env.rank() == 0 ? app.exit(e) : (e.get_exit_code() == 0 ? 0 : 2);
  }
  log::set_level(verbosity);
  try {
    if (*run_cmd) {
      run(env.comm(), config_file, resume_directory, device);
    } else if (*check_cmd) {
      const double u = unit_factor(unit, dim::length, "--unit");
      const auto mesh = io::read_gmsh(env.comm(), mesh_file, u);
      log::info(env.comm(), "{}", mesh::format_report(mesh::quality_report(mesh)));
    } else if (*mesh_cmd) {
      if (geometry == "screw-in-bone" || geometry == "threaded-screw") {
        RESORB_REQUIRE(!output.empty(), InputError, "resorb mesh: -o/--output is required");
        write_builtin_mesh(env.comm(), geometry, *mesh_cmd, mesh_size_mm, implant_mesh_size_mm,
                           output, ascii);
      } else if (const auto path = std::filesystem::path(geometry);
                 path.extension() == ".toml" ||
                 (path.extension().empty() && !std::filesystem::exists(path))) {
        auto config = io::read_label_mesh_config(io::locate_data_file(geometry, "cases", "case"));
        if (!output.empty())
          config.output = output;
        cli::run_label_mesh(env.comm(), config);
      } else {
        mesh_flags.labels_image = geometry;
        mesh_flags.output = output;
        cli::run_label_mesh(env.comm(), cli::label_mesh_config(mesh_flags));
      }
    } else if (*calibrate_cmd) {
      calibrate(env.comm(), alloy, medium, target, duration, cell_size);
    } else if (*scaffold_cmd) {
      cli::run_scaffold_search(env.comm(), scaffold_config);
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
