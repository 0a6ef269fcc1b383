// The simulation layer: a case built in C++ runs as a Simulation on any communicator; stepping
// with advance_to() gives what run() gives; observers see every output; the model registry
// names what it knows; an elasticity case gives the physics' own solve; bad cases are refused
// before anything is written; a checkpoint of another run format is refused naming both
// versions.
#include <resorb/core/checkpoint.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/physics/coupled_implant.hpp>
#include <resorb/physics/elasticity.hpp>
#include <resorb/physics/surface_damage.hpp>
#include <resorb/simulation/model_registry.hpp>
#include <resorb/simulation/simulation.hpp>

#include "expect_error.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

using namespace resorb;
using resorb::test_support::expect_input_error;

namespace {

/// A pin of pure Mg in NaCl for 2 h, coarse: seconds on one rank.
simulation::Case pin_case() {
  simulation::Case c;
  meshes::PinInMediumGeometry pin;
  pin.mesh_size = 1.5e-3;
  pin.pin_mesh_size = 0.25e-3;
  c.pin = pin;
  simulation::CorrosionSpec corrosion;
  corrosion.metal_group = "pin";
  corrosion.medium = "nacl";
  corrosion.end_time = 2 * 3600.0;
  corrosion.output_interval = 40 * 60.0;
  c.corrosion = corrosion;
  return c;
}

/// Records the time and mass loss of every output it sees.
struct Recorder final : simulation::Observer {
  void stepped(simulation::Simulation&, const physics::CorrosionReport&) override { ++steps; }
  void output(simulation::Simulation&, const simulation::OutputFigures& f) override {
    times.push_back(f.corrosion.time);
    mass_loss.push_back(f.corrosion.mass_loss);
  }
  void finished(simulation::Simulation&) override { ++finished_calls; }
  std::vector<double> times, mass_loss;
  int steps = 0, finished_calls = 0;
};

/// A communicator of every other rank of COMM_WORLD (all of it on one rank).
struct SplitComm {
  SplitComm() { MPI_Comm_split(MPI_COMM_WORLD, mpi::rank(MPI_COMM_WORLD) % 2, 0, &comm); }
  ~SplitComm() { MPI_Comm_free(&comm); }
  MPI_Comm comm = MPI_COMM_NULL;
};

} // namespace

// Stepping to an output time, then running on, takes the very steps of one run() on a
// sub-communicator: the figures agree to round-off (1e-12), and the observer saw the initial
// state, every output time and the end.
TEST(Simulation, StepwiseEqualsOneRunOnASubCommunicator) {
  SplitComm part;
  simulation::Simulation whole(pin_case(), part.comm);
  auto seen = std::make_shared<Recorder>();
  whole.observe(seen);
  whole.run();
  ASSERT_EQ(seen->times.size(), 4u); // t = 0, 40, 80, 120 min
  EXPECT_DOUBLE_EQ(seen->times.back(), 2 * 3600.0);
  EXPECT_EQ(seen->finished_calls, 1);
  EXPECT_EQ(seen->steps, whole.steps());
  EXPECT_GT(whole.figures().corrosion.mass_loss, 0.0);
  EXPECT_LT(whole.figures().corrosion.balance_error, 1e-10);
  EXPECT_TRUE(whole.finished());

  simulation::Simulation stepwise(pin_case(), part.comm);
  stepwise.advance_to(40 * 60.0);
  EXPECT_DOUBLE_EQ(stepwise.time(), 40 * 60.0);
  EXPECT_EQ(stepwise.figures().index, 1u);
  EXPECT_DOUBLE_EQ(stepwise.figures().corrosion.mass_loss, seen->mass_loss[1]);
  stepwise.run();
  EXPECT_EQ(stepwise.steps(), whole.steps());
  EXPECT_NEAR(stepwise.figures().corrosion.mass_loss, whole.figures().corrosion.mass_loss,
              1e-12 * whole.figures().corrosion.mass_loss);
  const auto summary = stepwise.summary();
  EXPECT_TRUE(summary.find("mass_loss_fraction") != nullptr);
}

// The registry knows resorb's models, names them when asked for another, and runs one an
// application added (here: the surface-damage model under a name of its own).
TEST(Simulation, ModelRegistryByName) {
  const auto names = simulation::CorrosionModels::names();
  EXPECT_NE(std::find(names.begin(), names.end(), "reaction_diffusion"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "surface_damage"), names.end());
  auto c = pin_case();
  c.corrosion->model = "phase_field";
  expect_input_error([&] { simulation::Simulation s(c, MPI_COMM_WORLD); }, "surface_damage");
  if (!simulation::CorrosionModels::contains("test_uniform_recession"))
    simulation::CorrosionModels::add(
        "test_uniform_recession",
        [](const simulation::CorrosionModelInputs& in) -> std::unique_ptr<physics::CorrosionModel> {
          physics::SurfaceDamageParameters p;
          p.recession_speed = physics::recession_speed_from_mm_per_year(100.0);
          return std::make_unique<physics::SurfaceDamageCorrosion>(
              in.mesh, in.spec.metal_group, p, std::vector<std::string>{},
              physics::SurfaceDamageCorrosion::defaults());
        },
        false);
  expect_input_error(
      [] {
        simulation::CorrosionModels::add(
            "surface_damage", [](const auto&) { return nullptr; }, false);
      },
      "registered already");
  c.corrosion->model = "test_uniform_recession";
  simulation::Simulation s(c, MPI_COMM_WORLD);
  s.run();
  EXPECT_GT(s.figures().corrosion.mass_loss, 0.0);
  EXPECT_EQ(s.corrosion_model()->supports_stress(), false);
}

// An elasticity case gives the solve of the physics object it stands for.
TEST(Simulation, ElasticityCaseIsThePhysicsSolve) {
  simulation::Case c;
  meshes::ScrewInBoneGeometry screw;
  screw.mesh_size = 4e-3;
  screw.implant_mesh_size = 2e-3;
  c.generate = screw;
  c.materials = {{"cortical", 17e9, 0.3}, {"cancellous", 1e9, 0.3}, {"implant", 46e9, 0.27}};
  c.boundaries = {{.group = "bone_base", .fix = std::array{true, true, true}},
                  {.group = "implant_head", .force = physics::Vec3{0.0, 0.0, 200.0}}};
  c.solver.rtol = 1e-10;
  simulation::Simulation sim(c, MPI_COMM_WORLD);
  sim.run();
  const auto summary = sim.summary();
  const auto* energy = summary.find("strain_energy_J");
  ASSERT_NE(energy, nullptr);

  physics::Elasticity<fem::P1> problem(sim.mesh());
  for (const auto& m : c.materials)
    problem.set_material(m.group, {m.E, m.nu});
  problem.fix("bone_base");
  problem.apply_force("implant_head", {0.0, 0.0, 200.0});
  problem.solve(c.solver);
  EXPECT_NEAR(std::get<double>(energy->value), problem.strain_energy(),
              1e-9 * problem.strain_energy());
  expect_input_error([&] { sim.advance_to(1.0); }, "no [corrosion]");
}

// Bad cases built in C++ are refused with the key named, before the output directory exists.
TEST(Simulation, BadCasesAreRefusedBeforeWriting) {
  const auto directory = std::filesystem::temp_directory_path() / "resorb_test_simulation_bad";
  if (mpi::rank(MPI_COMM_WORLD) == 0)
    std::filesystem::remove_all(directory);
  MPI_Barrier(MPI_COMM_WORLD);
  auto refused = [&](simulation::Case c, const std::string& fragment) {
    c.output_directory = directory;
    expect_input_error([&] { simulation::Simulation s(std::move(c), MPI_COMM_WORLD); }, fragment);
    EXPECT_FALSE(std::filesystem::exists(directory)) << fragment;
  };
  auto c = pin_case();
  c.materials = {{"medium", -1e9, 0.3}};
  refused(c, "materials.medium");
  c = pin_case();
  c.corrosion->end_time = 0.0;
  refused(c, "corrosion.end_time");
  c = pin_case();
  c.corrosion->medium = "seawater";
  refused(c, "corrosion.alloy/medium");
  c = pin_case();
  c.generate = meshes::ScrewInBoneGeometry{};
  refused(c, "mesh");
  c = pin_case();
  c.boundaries = {{.group = "walls", .fix = std::array{true, true, true}}};
  refused(c, "corrosion.replacement_E");
  c = pin_case();
  c.corrosion->stress_assisted = true;
  refused(c, "corrosion.stress_assisted");
}

// A checkpoint whose run contents have another format version is refused, naming the file and
// both versions; so is a directory without a checkpoint.
TEST(Simulation, ResumeRefusesAnotherCheckpointVersion) {
  const auto directory =
      std::filesystem::temp_directory_path() /
      ("resorb_test_simulation_resume_" + std::to_string(mpi::size(MPI_COMM_WORLD)));
  if (mpi::rank(MPI_COMM_WORLD) == 0) {
    std::filesystem::remove_all(directory);
    std::filesystem::create_directories(directory);
    std::ofstream(directory / "config.toml") << R"([mesh.pin_in_medium]
mesh_size = "1.5 mm"
pin_mesh_size = "0.25 mm"
[corrosion]
metal = "pin"
medium = "nacl"
end_time = "2 h"
output_interval = "40 min"
)";
  }
  MPI_Barrier(MPI_COMM_WORLD);
  expect_input_error([&] { (void)simulation::Simulation::resume(directory, MPI_COMM_WORLD); },
                     "no checkpoint");
  Checkpoint old;
  old.put("run/version", 1.0);
  old.write(MPI_COMM_WORLD, directory);
  expect_input_error([&] { (void)simulation::Simulation::resume(directory, MPI_COMM_WORLD); },
                     "run format version 1, this resorb reads version 2");
}
