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
#include <resorb/core/conversions.hpp>
#include <resorb/core/environment.hpp>
#include <resorb/core/error.hpp>
#include <resorb/core/log.hpp>
#include <resorb/core/progress.hpp>
#include <resorb/core/units.hpp>
#include <resorb/io/data_files.hpp>
#include <resorb/io/gmsh.hpp>
#include <resorb/io/summary.hpp>
#include <resorb/mesh/quality.hpp>
#include <resorb/meshes/geometries.hpp>
#include <resorb/simulation/calibration.hpp>
#include <resorb/simulation/case.hpp>
#include <resorb/simulation/label_meshing.hpp>
#include <resorb/simulation/mesh_case.hpp>
#include <resorb/simulation/outputs.hpp>
#include <resorb/simulation/simulation.hpp>

#include "cli/mesh_command.hpp"
#include "cli/scaffold_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/ranges.h>

#include <filesystem>
#include <iostream>
#include <memory>

using namespace resorb;

namespace {

/// `resorb run CONFIG` or, with @p resume_directory, `resorb run --resume DIR` (the case is
/// then the run's own copy, DIR/config.toml, and the output goes on into DIR).
void run(MPI_Comm comm, const std::string& config_name, const std::string& resume_directory,
         const std::string& device) {
  auto edit = [&](simulation::Case& c) {
    if (!device.empty()) // --device overrides [solver] device
      c.solver.device = parse_execution_space(device);
  };
  auto sim = [&] {
    if (!resume_directory.empty())
      return simulation::Simulation::resume(resume_directory, comm, edit);
    auto c = simulation::read_case(io::locate_data_file(config_name, "cases", "case"));
    edit(c);
    return simulation::Simulation(std::move(c), comm);
  }();
  if (sim.corrosion_model() != nullptr)
    sim.observe(std::make_shared<simulation::ProgressLine>(sim));
  sim.run();
  const auto summary = sim.summary();
  io::print_summary(comm, summary);
  const auto& directory = sim.get_case().output_directory.string();
  if (sim.corrosion_model() != nullptr)
    log::info(comm,
              "wrote {0}/timeseries.csv, {0}/corrosion.xdmf (ParaView, {1} times) and "
              "summary.json",
              directory, sim.figures().index + 1);
  else
    log::info(comm, "wrote {}/elasticity.xdmf (open in ParaView) and summary.json", directory);
}

} // namespace

// `resorb calibrate`: the rate factor of an alloy in a medium, printed as the TOML table its
// data file records, and with --write recorded there.
void calibrate(MPI_Comm comm, const simulation::CalibrationRequest& request,
               const std::string& target_text, bool write) {
  log::info(comm, "calibrating {} in {} to {} over {} (cells {:.4g} um)", request.alloy,
            request.medium, target_text, format_duration(request.duration),
            request.cell_size * 1e6);
  const auto result = simulation::calibrate_alloy(comm, request);
  log::info(comm, "[calibration.{}]\n{}", result.calibration.medium,
            simulation::calibration_table(result));
  if (write) {
    simulation::write_calibration(comm, result);
    log::info(comm, "wrote [calibration.{}] into {}", result.calibration.medium,
              result.alloy_file.string());
  }
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

  simulation::CalibrationRequest calibration;
  std::string target, duration = "7 days", cell_size = "50 um";
  bool write_calibration = false;
  auto* calibrate_cmd = app.add_subcommand(
      "calibrate", "fit an alloy's rate factor in a medium to a measured corrosion rate");
  calibrate_cmd->add_option("--alloy", calibration.alloy,
                            "alloy: data/alloys name or file (its density)");
  calibrate_cmd->add_option("--medium", calibration.medium, "medium: data/media name or file");
  calibrate_cmd->add_option("--target", target, "measured rate, e.g. \"0.5 mm/year\"")->required();
  calibrate_cmd->add_option("--duration", duration, "coupon run the rate is averaged over");
  calibrate_cmd->add_option("--cell-size", cell_size, "coupon cell size at the surface");
  calibrate_cmd->add_option("--source", calibration.source,
                            "where the measured rate comes from (recorded with --write)");
  calibrate_cmd->add_flag("--write", write_calibration,
                          "record the fit in the alloy's file as its [calibration.MEDIUM] table "
                          "(needs --source)");
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
        auto config =
            simulation::read_label_mesh_config(io::locate_data_file(geometry, "cases", "case"));
        if (!output.empty())
          config.output = output;
        simulation::run_label_mesh(env.comm(), config);
      } else {
        mesh_flags.labels_image = geometry;
        mesh_flags.output = output;
        simulation::run_label_mesh(env.comm(), cli::label_mesh_config(mesh_flags));
      }
    } else if (*calibrate_cmd) {
      calibration.target_speed = parse_quantity(target, dim::speed, "--target");
      calibration.duration = parse_quantity(duration, dim::time, "--duration");
      calibration.cell_size = parse_quantity(cell_size, dim::length, "--cell-size");
      calibrate(env.comm(), calibration, target, write_calibration);
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
