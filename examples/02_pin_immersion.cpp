//                       resorb example 02 — pin immersion test
//
// Sample runs:
//   02_pin_immersion                                 (SBF and 0.85 % NaCl, 24 h)
//   02_pin_immersion --medium nacl --hours 6 --pin-mesh-size 0.2
//   02_pin_immersion --hydroxide stoichiometric       (OH⁻ by reaction mass balance)
//   02_pin_immersion --ph-closure none                (pH of the transported OH⁻ as it is)
//   02_pin_immersion --uniform-recession              (the surface at its mean speed)
//   mpiexec -n 2 02_pin_immersion --output results/ex02 -transport_snes_monitor
//
// Description:
//   A pure-Mg pin (radius 0.5 mm, height 2 mm) stands in the centre of a closed 10 mm box
//   of medium, like an immersion test in a beaker, and corrodes for 24 hours. The model is
//   Barzegari et al. (2021): Mg²⁺, OH⁻ and Cl⁻ diffuse, a porous Mg(OH)₂ film forms from
//   Mg²⁺ (rate k₁) and chloride breaks it down (rate k₂ C_Cl²), the film hinders diffusion,
//   and the metal's surface (the zero set of a level set φ) recedes as the Mg²⁺ flux it
//   delivers demands (Rankine–Hugoniot). We report the metal volume, mass loss, Mg²⁺
//   released, H₂ evolved and pH near the pin every hour, in SBF and in 0.85 % NaCl with the
//   published parameter sets.
//
//   Equations (concentrations c in mol/m³, s = film fraction):
//     ∂c_Mg/∂t = ∇·(D_Mg(s) ∇c_Mg) − k₁ c_Mg (1−s) + k₂ c_film c_Cl²,  c_Mg = [Mg]_sat in the metal
//     ∂c_film/∂t = k₁ c_Mg (1−s) − k₂ c_film c_Cl²
//     ∂c_OH/∂t = ∇·(D_OH(s) ∇c_OH) + 2 k₂ c_film c_Cl²,  ∂c_Cl/∂t = ∇·(D_Cl(s) ∇c_Cl)
//     metal volume lost = (Mg delivered + initial layer taken) / (ρ_Mg − [Mg]_sat)
//     pH = 14 + log₁₀ min(c_OH, w_sat) [mol/L],  (c_Mg,0 + w_sat/2) w_sat² = K_sp(Mg(OH)₂)
//   (the pH closure: OH⁻ above Mg(OH)₂ saturation precipitates with the Mg²⁺ paired with
//   it, so the pH levels off at 10.35 in NaCl and 9.78 in SBF; the published OH⁻ source
//   read as free OH⁻ would give pH > 14)
//   (the initial layer: the Mg that the surface nodes' half-cells hold at t = 0, taken from
//   the metal ∝ √t; without it the rate would go as 1/h of the surface cells)
//
//   Domain: one octant (x, y, z >= 0) of the box; the symmetry planes and the walls are
//   closed (no flux), so nothing is imposed there. Volumes and amounts are reported for the
//   whole pin (8 octants).
//          z ↑  walls (closed)
//            ├──────────┐
//            │          │
//            ├─┐ medium │
//            │M│g       │
//            └─┴────────┘→ x   (x = 0, y = 0, z = 0: symmetry)
#include <resorb/core/conversions.hpp>
#include <resorb/core/environment.hpp>
#include <resorb/core/error.hpp>
#include <resorb/core/log.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/core/progress.hpp>
#include <resorb/io/xdmf.hpp>
#include <resorb/meshes/geometries.hpp>
#include <resorb/physics/alloy.hpp>
#include <resorb/physics/corrosion.hpp>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

using namespace resorb;

namespace {

constexpr double octants = 8.0;

/// Runs one medium and writes <output>/<name>/timeseries.csv and corrosion.xdmf.
physics::CorrosionReport immerse(const mesh::TetMesh& mesh, const physics::CorrosionParameters& p,
                                 const std::string& name, double hours, double rtol,
                                 bool uniform_recession, const std::filesystem::path& output) {
  const MPI_Comm comm = mesh.comm();
  // 2. The model on the mesh's "pin" cells; corrosion's default stepping: backward Euler
  //    (exact Mg bookkeeping), adaptive steps up to one hour.
  auto settings = physics::MagnesiumCorrosion::defaults();
  settings.control.rtol = rtol;
  physics::MagnesiumCorrosion model(mesh, "pin", p, settings);
  model.set_ph_distance(0.5e-3); // pH statistics within 0.5 mm of the metal
  if (uniform_recession)
    model.set_interface_smoothing(0.0); // the whole surface at its mean speed
  const auto start = model.report();
  const auto directory = output / name;
  std::ofstream csv;
  if (mpi::rank(comm) == 0) {
    std::filesystem::create_directories(directory);
    csv.open(directory / "timeseries.csv");
    csv << "time_h,metal_volume_mm3,mass_loss_percent,mg_released_mg,h2_mL,ph_mean,ph_min,"
           "ph_max,film_thickness_um,balance_error\n";
  }
  auto row = [&](const physics::CorrosionReport& r) {
    // Film thickness: the film's solid volume (Mg(OH)₂, 58.32 g/mol, 2.3446 g/cm³) over
    // the pin's surface, swollen by its porosity.
    const double film_volume = r.film * 58.32e-3 / 2344.6 / (1.0 - p.film_porosity);
    const double thickness = r.interface_area > 0 ? film_volume / r.interface_area : 0.0;
    if (csv)
      csv << fmt::format("{:.6g},{:.9g},{:.6g},{:.6g},{:.6g},{:.5g},{:.5g},{:.5g},{:.5g},{:.3e}\n",
                         r.time / 3600, octants * r.metal_volume * 1e9, 100 * r.mass_loss,
                         units::mg_of_magnesium(octants * r.dissolved),
                         units::to_mL(octants * r.hydrogen_volume), r.ph_mean, r.ph_min, r.ph_max,
                         thickness * 1e6, r.balance_error);
  };
  row(start);
  // 3. March in one-hour output intervals; the steps inside adapt to the chemistry.
  Progress progress(comm, hours * 3600.0);
  physics::CorrosionReport r = start;
  int steps = 0;
  for (int hour = 1; hour <= static_cast<int>(std::ceil(hours)); ++hour) {
    model.advance_to(std::min(hour * 3600.0, hours * 3600.0),
                     [&](const physics::CorrosionReport& s) {
                       r = s;
                       ++steps;
                       log::detail(comm,
                                   "    step {}: t = {:.1f} s, dt = {:.3g} s, Newton {}, "
                                   "GMRES {}, rejected {}",
                                   steps, s.time, s.dt, s.transport.newton_iterations,
                                   s.transport.linear_iterations, s.transport.rejected);
                     });
    row(r);
    progress.update(r.time,
                    fmt::format("{:>4s}  mass loss {:6.3f} %  H2 {:.4f} mL  pH {:.2f}  "
                                "steps {}",
                                name, 100 * r.mass_loss, units::to_mL(octants * r.hydrogen_volume),
                                r.ph_mean, steps));
  }
  progress.finish();
  // 4. Fields for ParaView: the level set (metal where > 0), pH and every concentration.
  std::vector<io::PointField> fields;
  for (const auto& field : model.output_fields())
    fields.push_back(io::point_field(field));
  io::write_xdmf(mesh, directory, "corrosion", fields, {});
  return r;
}

} // namespace

int main(int argc, char** argv) {
  Environment env(argc, argv);
  const MPI_Comm comm = env.comm();
  std::string medium = "both", output = "results/02_pin_immersion", hydroxide = "published",
              ph_closure = "mg_hydroxide_saturation";
  double hours = 24.0, pin_mesh_size = 0.1, mesh_size = 1.0;
  CLI::App app{"resorb example 02: a pure-Mg pin corroding in SBF and 0.85 % NaCl"};
  app.allow_extras(); // PETSc options pass through
  app.add_option("--medium", medium, "sbf, nacl or both")
      ->check(CLI::IsMember({"sbf", "nacl", "both"}));
  app.add_option("--hours", hours, "simulated time, h")->check(CLI::PositiveNumber);
  app.add_option("--pin-mesh-size", pin_mesh_size, "element size on the pin, mm")
      ->check(CLI::PositiveNumber);
  app.add_option("--mesh-size", mesh_size, "element size far from the pin, mm")
      ->check(CLI::PositiveNumber);
  app.add_option("--hydroxide", hydroxide,
                 "OH- balance: published (film breakdown only) or stoichiometric (cathodic "
                 "OH-, film formation consumes OH- above the solubility product)")
      ->check(CLI::IsMember({"published", "stoichiometric"}));
  app.add_option("--ph-closure", ph_closure,
                 "pH from the free OH-: at most Mg(OH)2 saturation (mg_hydroxide_saturation), "
                 "or the transported OH- as it is (none)")
      ->check(CLI::IsMember({"mg_hydroxide_saturation", "none"}));
  app.add_option("--output", output, "output directory");
  double rtol = physics::MagnesiumCorrosion::defaults().control.rtol;
  app.add_option("--rtol", rtol, "relative tolerance of the local time error")
      ->check(CLI::PositiveNumber);
  bool uniform_recession = false;
  app.add_flag("--uniform-recession", uniform_recession,
               "recede the whole surface at its mean speed instead of its local speeds");
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "print every step and every rejected attempt");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return env.rank() == 0 ? app.exit(e) : 2;
  }
  log::set_level(verbose ? 2 : 1);
  try {
    // 1. Mesh one octant of the pin in its box (Gmsh, graded towards the pin).
    meshes::PinInMediumGeometry geometry;
    geometry.pin_mesh_size = pin_mesh_size * 1e-3;
    geometry.mesh_size = mesh_size * 1e-3;
    const auto mesh =
        mesh::TetMesh::distribute(comm, meshes::pin_in_medium_mesh_data(comm, geometry));
    log::info(comm, "[1/3] mesh: {} cells, {} vertices (octant)", mesh.num_global_cells(),
              mesh.vertex_map().size_global());
    // Barzegari et al.'s calibrated sets for pure Mg, from the data files (data/media,
    // data/alloys/pure_mg.toml).
    const auto pure_mg = physics::read_alloy("pure_mg");
    std::vector<std::pair<std::string, physics::CorrosionParameters>> runs;
    if (medium != "nacl")
      runs.emplace_back("sbf", physics::corrosion_parameters(pure_mg, "sbf"));
    if (medium != "sbf")
      runs.emplace_back("nacl", physics::corrosion_parameters(pure_mg, "nacl"));
    for (auto& run : runs) {
      run.second.hydroxide = hydroxide == "published"
                                 ? physics::CorrosionParameters::Hydroxide::published
                                 : physics::CorrosionParameters::Hydroxide::stoichiometric;
      run.second.ph_closure =
          ph_closure == "none" ? physics::CorrosionParameters::PhClosure::none
                               : physics::CorrosionParameters::PhClosure::mg_hydroxide_saturation;
    }
    log::info(comm, "[2/3] corroding for {} h ({} OH- balance)", hours, hydroxide);
    std::vector<std::pair<std::string, physics::CorrosionReport>> results;
    for (const auto& [name, parameters] : runs)
      results.emplace_back(name,
                           immerse(mesh, parameters, name, hours, rtol, uniform_recession, output));
    log::info(comm, "[3/3] after {} h (whole pin):", hours);
    for (const auto& [name, r] : results)
      log::info(comm,
                "  {:>5s}: mass loss {:.3f} %, Mg released {:.4f} mg, H2 {:.4f} mL, pH near the "
                "pin {:.2f} (min {:.2f}, max {:.2f}), Mg balance error {:.1e}",
                name, 100 * r.mass_loss, units::mg_of_magnesium(octants * r.dissolved),
                units::to_mL(octants * r.hydrogen_volume), r.ph_mean, r.ph_min, r.ph_max,
                r.balance_error);
    // 5. A PNG of the curves (mass loss, H₂, pH, film) for all media, drawn by
    //    examples/plot_timeseries.py when the build found matplotlib.
    const std::string plot = RESORB_PLOT_COMMAND;
    if (!plot.empty() && env.rank() == 0) {
      std::string command = plot + " '" + output + "/timeseries.png'";
      for (const auto& [name, r] : results)
        command += " '" + output + "/" + name + "/timeseries.csv'";
      if (std::system(command.c_str()) != 0)
        log::info(comm, "warning: plotting failed ({})", command);
    }
    log::info(comm,
              "time series in {0}/<medium>/timeseries.csv{1}; fields in "
              "{0}/<medium>/corrosion.xdmf (ParaView)",
              output, plot.empty() ? "" : fmt::format(", plotted in {}/timeseries.png", output));
  } catch (const InputError& e) {
    if (env.rank() == 0)
      std::cerr << "error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    if (env.rank() == 0)
      std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
