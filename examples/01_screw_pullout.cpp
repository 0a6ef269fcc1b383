//                       resorb example 01 — screw pull-out
//
// Sample runs:
//   01_screw_pullout                                   (P1, default geometry, 200 N)
//   mpiexec -n 2 01_screw_pullout --degree 2 --mesh-size 2 --force 300
//   01_screw_pullout --output results/ex01 -elasticity_ksp_monitor -log_view
//
// Description:
//   A magnesium-alloy (WE43) implant rod sits along the axis of a cylindrical bone block: a
//   cortical shell and cap around a cancellous core. The rod enters through the cortical
//   cap and is fused to the bone through conforming interfaces (bonded, as after
//   osseointegration). The bone base is held fixed and the implant head is pulled with a
//   force F along the axis. We report the implant's axial stiffness F / (mean head
//   displacement along F) and the strain energy, and write displacement and stress fields
//   for ParaView.
//
//   Weak form (small-strain linear elasticity, isotropic per material):
//     find u with u = 0 on the bone base such that for all admissible v
//       ∫_Ω σ(u) : ε(v) dx = ∫_head t · v ds,   t = F / |head|,
//       σ = λ tr(ε) I + 2 μ ε.
//
//   Domain (axial section):           F ↑
//                                   ┌───┐  implant head
//                              ┌────┤   ├────┐  cortical cap
//                              │ ┌──┤   ├──┐ │
//                              │ │  │ Mg│  │ │  cancellous core
//                              │ │  └───┘  │ │
//                              └─┴─────────┴─┘  bone base (fixed)
//
//   The same problem runs from a config on any .msh with the same physical groups:
//   `resorb run examples/01_screw_pullout.toml`.
#include <resorb/core/environment.hpp>
#include <resorb/core/error.hpp>
#include <resorb/core/log.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/io/summary.hpp>
#include <resorb/io/xdmf.hpp>
#include <resorb/mesh/quality.hpp>
#include <resorb/meshes/geometries.hpp>
#include <resorb/physics/alloy.hpp>
#include <resorb/physics/elasticity.hpp>

#include <CLI/CLI.hpp>

#include <iostream>

using namespace resorb;

namespace {

template <fem::LagrangeElement Element>
void pull_out(const mesh::TetMesh& mesh, double force, const std::string& output,
              PhaseTimer& timer) {
  const MPI_Comm comm = mesh.comm();
  // 3. Materials. Cortical and cancellous bone after Morgan & Keaveny-type values (the
  //    cancellous modulus of osteoporotic bone is lower); WE43 magnesium alloy for the rod,
  //    its E and nu from its data file.
  physics::Elasticity<Element> problem(mesh);
  problem.set_material("cortical", {.E = 17e9, .nu = 0.30});
  problem.set_material("cancellous", {.E = 1.0e9, .nu = 0.30});
  const auto we43 = physics::read_alloy("we43"); // E and nu from data/alloys/we43.toml
  problem.set_material("implant", {.E = we43.youngs_modulus, .nu = we43.poisson_ratio});

  // 4. Boundary conditions: the base is clamped, the head pulled along +z.
  problem.fix("bone_base");
  problem.apply_force("implant_head", {0.0, 0.0, force});

  // 5. Assemble and solve with CG + GAMG (rigid-body modes as near-null space). Any PETSc
  //    option with the physics' prefix on the command line (-elasticity_ksp_monitor,
  //    -elasticity_pc_type hypre) overrides the defaults.
  log::info(comm, "[3/5] solving: {} DOFs (P{}) on {} rank(s)", problem.num_dofs(), Element::degree,
            mpi::size(comm));
  const auto report = problem.solve();
  log::info(comm, "      CG: {} iterations, relative residual {:.2e}", report.iterations,
            report.relative_residual);

  // 6. Results a person can look at. The physics hands out fields (the displacement as a
  //    finite-element field, stresses per cell) and its figures as a plain Record; io writes
  //    them without knowing what elasticity is: XDMF+HDF5 for ParaView, summary.json.
  log::info(comm, "[4/5] writing {}/elasticity.xdmf", output);
  {
    const auto scope = timer.time("write");
    const auto stresses = problem.stress_invariants();
    io::write_xdmf(mesh, output, "elasticity", std::vector{io::point_field(problem.displacement())},
                   stresses);
  }
  log::info(comm, "[5/5] post-processing");
  for (const auto& [name, seconds] : problem.timer().phases())
    timer.add(name, seconds);
  const auto summary = io::run_summary(
      mesh, physics::summarize(problem, report, {"implant_head"}, {"bone_base"}), timer);
  io::write_summary(comm, summary, output);
  io::print_summary(comm, summary);
  log::info(comm, "open {}/elasticity.xdmf in ParaView; figures in {}/summary.json", output,
            output);
}

} // namespace

int main(int argc, char** argv) {
  Environment env(argc, argv);
  CLI::App app{"resorb example 01: screw pull-out"};
  app.allow_extras();
  int degree = 1;
  double mesh_size_mm = 2.5, implant_mesh_size_mm = 1.0, force = 200.0;
  std::string output = "results/01_screw_pullout";
  app.add_option("--degree", degree, "Lagrange degree (1 or 2)")->check(CLI::IsMember({1, 2}));
  app.add_option("--mesh-size", mesh_size_mm, "element size in the bone, mm");
  app.add_option("--implant-mesh-size", implant_mesh_size_mm, "element size on the implant, mm");
  app.add_option("--force", force, "pull-out force on the implant head, N");
  app.add_option("--output", output, "output directory");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return env.rank() == 0 ? app.exit(e) : 2;
  }
  try {
    PhaseTimer timer;
    // 1. Geometry: parametric, built with Gmsh's OpenCASCADE kernel and meshed on rank 0.
    meshes::ScrewInBoneGeometry geometry;
    geometry.mesh_size = mesh_size_mm * 1e-3;
    geometry.implant_mesh_size = implant_mesh_size_mm * 1e-3;
    log::info(env.comm(), "[1/5] meshing the screw-in-bone geometry (bone {} x {} mm, rod {} mm)",
              2e3 * geometry.bone_radius, 1e3 * geometry.bone_length,
              2e3 * geometry.implant_radius);
    mesh::MeshData data;
    {
      const auto scope = timer.time("read");
      data = meshes::screw_in_bone_mesh_data(env.comm(), geometry);
    }
    // 2. Distribute: METIS partitions the cells, each rank keeps its part.
    log::info(env.comm(), "[2/5] partitioning over {} rank(s)", env.size());
    std::optional<mesh::TetMesh> mesh;
    {
      const auto scope = timer.time("partition");
      mesh.emplace(mesh::TetMesh::distribute(env.comm(), std::move(data)));
    }
    log::info(env.comm(), "{}", mesh::format_report(mesh::quality_report(*mesh)));
    fem::with_element(degree,
                      [&]<class Element>() { pull_out<Element>(*mesh, force, output, timer); });
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
