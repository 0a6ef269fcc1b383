// An outside program linked against an installed resorb:
// 1. a cantilever box under end load (physics objects by hand);
// 2. the coupled screw of coupled_screw.toml built in C++ without any TOML, run as a
//    Simulation on a communicator split from COMM_WORLD (with two ranks, two copies run side
//    by side, one per rank); it prints the figures that run_consumer.cmake compares with the
//    installed program's run of coupled_screw.toml.
#include <resorb/resorb.hpp>

#include <cstdio>
#include <memory>

namespace {

using namespace resorb::literals;

/// The case of coupled_screw.toml, in C++.
resorb::simulation::Case coupled_screw() {
  resorb::simulation::Case c;
  resorb::meshes::ThreadedScrewGeometry screw;
  screw.threaded_length = 6.0_mm;
  screw.bone_radius = 4.0_mm;
  screw.bone_length = 9.0_mm;
  screw.cortical_thickness = 1.5_mm;
  screw.tissue_thickness = 1.0_mm;
  screw.implant_mesh_size = 0.6_mm;
  screw.refinement_depth = 0.6_mm;
  screw.mesh_size = 2.5_mm;
  screw.quarter = true;
  c.threaded_screw = screw;
  c.symmetry_factor = 4.0; // a quarter screw
  c.materials = {
      {"cortical", 17.0_GPa, 0.30}, {"cancellous", 1.0_GPa, 0.30}, {"tissue", 3.0_MPa, 0.40}};
  resorb::simulation::CorrosionSpec corrosion;
  corrosion.alloy = "we43";
  corrosion.medium = "in_vivo";
  corrosion.end_time = 1.0_days;
  corrosion.output_interval = 12.0_h;
  corrosion.dt_max = 6.0_h;
  corrosion.replacement_E = 3.0_MPa;
  corrosion.replacement_nu = 0.40;
  corrosion.film_E = 10.0_GPa;
  corrosion.film_nu = 0.25;
  corrosion.bending_force = 10.0_N;
  corrosion.diffusivity_factor = {{"cortical", 0.1}};
  c.corrosion = corrosion;
  c.boundaries = {{.group = "base", .fix = std::array{true, true, true}},
                  {.group = "implant_head", .force = resorb::physics::Vec3{0.0, 0.0, 100.0}},
                  {.group = "symmetry_x", .fix = std::array{true, false, false}},
                  {.group = "symmetry_y", .fix = std::array{false, true, false}}};
  return c; // no output directory: nothing written
}

/// Counts the output times it sees.
struct OutputCounter final : resorb::simulation::Observer {
  void output(resorb::simulation::Simulation&, const resorb::simulation::OutputFigures&) override {
    ++outputs;
  }
  int outputs = 0;
};

} // namespace

int main(int argc, char** argv) {
  resorb::Environment env(argc, argv);
  const auto mesh = resorb::mesh::make_box(env.comm(), {4, 2, 2}, {0, 0, 0}, {0.04, 0.01, 0.01});
  resorb::physics::Elasticity<resorb::fem::P1> problem(mesh);
  problem.set_material("box", {.E = 17e9, .nu = 0.3});
  problem.fix("xmin");
  problem.apply_force("xmax", {0.0, 0.0, -10.0});
  const auto report = problem.solve();
  const double energy = problem.strain_energy();
  if (env.rank() == 0)
    std::printf("consumer: %d iterations, strain energy %.6e J\n", report.iterations, energy);

  // One simulation per rank parity: side by side on sub-communicators.
  MPI_Comm part = MPI_COMM_NULL;
  MPI_Comm_split(env.comm(), env.rank() % 2, env.rank(), &part);
  int outputs = 0;
  double mass_loss = 0.0, stiffness = 0.0, bending = 0.0, half_day_mass_loss = 0.0;
  {
    resorb::simulation::Simulation sim(coupled_screw(), part);
    auto counter = std::make_shared<OutputCounter>();
    sim.observe(counter);
    sim.advance_to(12.0_h); // step by step ...
    half_day_mass_loss = sim.figures().corrosion.mass_loss;
    sim.run(); // ... and on to the end
    outputs = counter->outputs;
    mass_loss = sim.figures().corrosion.mass_loss;
    stiffness = sim.figures().mechanics->axial_stiffness;
    bending = sim.figures().mechanics->bending_stiffness;
  }
  MPI_Comm_free(&part);
  if (env.rank() < 2)
    std::printf("consumer rank %d: outputs %d mass_loss_fraction %.17g "
                "final_axial_stiffness_N_per_m %.17g final_bending_stiffness_N_per_m %.17g "
                "half_day_mass_loss %.17g\n",
                env.rank(), outputs, mass_loss, stiffness, bending, half_day_mass_loss);
  const bool plausible = energy > 0.0 && outputs == 3 && mass_loss > 0.0 && mass_loss < 0.5 &&
                         stiffness > 0.0 && half_day_mass_loss > 0.0 &&
                         half_day_mass_loss < mass_loss;
  return plausible ? 0 : 1;
}
