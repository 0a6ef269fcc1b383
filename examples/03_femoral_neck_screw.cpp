//                 resorb example 03 — a Mg screw in a patient's femoral neck
//
// Sample runs (from the repository root, with ../shared/data beside it):
//   03_femoral_neck_screw                                  (the defaults below)
//   03_femoral_neck_screw --cell-size 3 --screw-cell-size 0.7 --output results/ex03_fine
//   03_femoral_neck_screw --law keller1994_femur --load 2000
//   mpiexec -n 2 03_femoral_neck_screw -elasticity_ksp_monitor
//
// Description:
//   From segmentation to stresses on real data: the TotalSegmentator example CT (abdomen and
//   pelvis, 3 mm voxels) and its labels. The right femur (label 89) and right hip bone
//   (label 91) are meshed with CGAL from the label volume, with boundaries smoothed instead of
//   voxel staircases; a magnesium screw (6.5 mm cancellous-type: core 2.5 mm radius, 1 mm
//   thread, 2.75 mm pitch, 65 mm long) is placed before meshing, entering the lateral cortex
//   below the greater trochanter and running up the femoral neck into the head, the path of
//   a femoral-neck fracture screw. Its exact surface bounds its cells; it overrides the labels
//   it covers. Each bone cell's Young's modulus comes from the CT (Bonemat-style, E-first):
//   HU → equivalent mineral density by a phantom calibration, → apparent density, → E by
//   Morgan et al.'s (2003) pooled law, averaged over the cell. The distal cut of the femur
//   (where the CT ends) is held; the iliac crest carries a load straight down, which the hip
//   bone passes to the femoral head through the (bonded) hip joint and the femur to the
//   screw. Written for ParaView: displacement, von Mises and hydrostatic stress, modulus and
//   density per cell.
//
//   Weak form (small strain, isotropic, per-cell E(x) and ν):
//     ∫ σ(u) : ε(v) dx = ∫_crest t · v ds,  σ = λ(x) tr ε I + 2 μ(x) ε,  u = 0 on the cut
//
//          iliac crest ↓ F
//             ╭──╮
//             │hip│
//        head ╭┴──┤╲ screw (Mg) from the lateral cortex into the head
//        neck ╰╮  │ ╲═══
//              │femur
//              ▔▔▔▔  distal cut (held)
//
// Outputs in --output: femur.msh (MSH 4.1, mm), elasticity.xdmf + .h5 (ParaView) and
// summary.json (units in the keys; its "quality" group is the mesh report).
//
// Figures of the default run (2-core VM, 2 ranks; benchmarks/RESULTS.md, "Example 03"):
//   59k tets (femur 14k, hip 36k, screw 9k), 40k DOFs; min dihedral 10.0°, radius–edge ≤ 3.9
//   meshing 3.4 s, CT moduli 0.4 s, assembly + solve 0.8 s (81 CG iterations); 180 MB a rank
//   construct stiffness along the load 1.17 MN/m; strain energy 0.43 J; bone E 1 MPa–15 GPa
#include <resorb/core/environment.hpp>
#include <resorb/core/error.hpp>
#include <resorb/core/log.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/core/timer.hpp>
#include <resorb/imaging/bone_material.hpp>
#include <resorb/imaging/label_mesher.hpp>
#include <resorb/io/gmsh.hpp>
#include <resorb/io/image.hpp>
#include <resorb/io/summary.hpp>
#include <resorb/io/xdmf.hpp>
#include <resorb/mesh/facet_patch.hpp>
#include <resorb/mesh/quality.hpp>
#include <resorb/physics/alloy.hpp>
#include <resorb/physics/elasticity.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <optional>

using namespace resorb;

int main(int argc, char** argv) {
  Environment env(argc, argv);
  const MPI_Comm comm = env.comm();
  std::string data = "../shared/data/totalsegmentator", output = "results/ex03",
              law = "morgan2003_pooled";
  double cell_size = 4.0, screw_cell_size = 1.0, load = 1000.0;
  CLI::App app{"resorb example 03: a Mg screw in the femoral neck of a segmented CT"};
  app.add_option("--data", data, "folder with the TotalSegmentator example files");
  app.add_option("--output", output, "output directory");
  app.add_option("--cell-size", cell_size, "largest cell in the bone, mm")
      ->check(CLI::PositiveNumber);
  app.add_option("--screw-cell-size", screw_cell_size, "largest cell in the screw, mm")
      ->check(CLI::PositiveNumber);
  app.add_option("--law", law, "modulus–density law (imaging::modulus_density_law_names())");
  app.add_option("--load", load, "load on the iliac crest, N (downwards)")
      ->check(CLI::PositiveNumber);
  app.allow_extras(); // PETSc options
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return env.rank() == 0 ? app.exit(e) : 0;
  }
  try {
    constexpr double mm = 1e-3;
    PhaseTimer timer;
    const std::filesystem::path dir = data;
    // 1. Mesh the labels with the screw placed, on rank 0 (CGAL Mesh_3 is sequential).
    mesh::MeshData mesh_data;
    std::optional<std::string> error;
    if (env.rank() == 0) {
      try {
        const auto scope = timer.time("mesh");
        const auto labels = io::read_label_image(dir / "ts_example_seg_v1_3mm_uint8.nii.gz");
        imaging::LabelMeshSettings settings;
        settings.labels = {{89, "femur", 0.0}, {91, "hip", 0.0}};
        settings.sizing = mesh::ImplicitMeshSizing::uniform(cell_size * mm);
        settings.sizing.facet_distance = 0.5 * mm; // a sixth of a voxel
        // The screw's head sits outside the lateral cortex; its axis points up the neck
        // towards the head's centre (world RAS coordinates, read off the label volume).
        settings.implant = imaging::PlacedImplant{
            imaging::ImplantShape::screw(2.5 * mm, 1.0 * mm, 2.75 * mm, 65 * mm),
            imaging::Pose::along({156 * mm, 139 * mm, 104 * mm}, {-63, 6, 24}), "screw",
            screw_cell_size * mm};
        log::info(MPI_COMM_SELF, "[1/5] meshing femur and hip with the screw placed");
        mesh_data = imaging::mesh_label_image(labels, settings);
        // Supports and loads on the label boundaries: the femur where the CT ends, the top
        // of the iliac crest.
        mesh::split_facet_group(mesh_data, "femur|outside", "distal_cut",
                                [](const auto& x) { return x[2] < 96 * mm; });
        mesh::split_facet_group(mesh_data, "hip|outside", "iliac_crest",
                                [](const auto& x) { return x[2] > 255 * mm; });
      } catch (const std::exception& e) {
        error = e.what();
      }
    }
    mpi::throw_first_error<InputError>(comm, error);
    const auto mesh = mesh::TetMesh::distribute(comm, std::move(mesh_data));
    const auto quality = mesh::quality_report(mesh);
    log::info(comm, "{}", mesh::format_report(quality));
    if (env.rank() == 0)
      std::filesystem::create_directories(output);
    MPI_Barrier(comm);
    io::write_gmsh(mesh, std::filesystem::path(output) / "femur.msh", mm, true);

    // 2. Bone moduli from the CT (each rank maps its own cells).
    imaging::BoneMaterialMap map;
    map.density_per_hu = 0.8; // kg/m³ per HU: 0.0008 g/cm³, a typical K2HPO4 phantom slope
    map.law = imaging::modulus_density_law(law);
    const auto ct = io::read_scalar_image(dir / "ts_example_ct_3mm.nii.gz");
    const std::vector<std::string> bones{"femur", "hip"};
    const auto bone = [&] {
      const auto scope = timer.time("bone material");
      return imaging::map_bone_material(mesh, ct, map, bones);
    }();
    log::info(comm, "[2/5] bone moduli from the CT ({}, E-first)", law);

    // 3. Elasticity: per-cell bone moduli, the screw's alloy (WE43, data/alloys/we43.toml).
    physics::Elasticity<fem::P1> problem(mesh);
    const auto we43 = physics::read_alloy("we43");
    auto E = bone.E, nu = bone.nu;
    const auto screw = mesh.cell_tag("screw");
    for (std::size_t c = 0; c < E.size(); ++c)
      if (mesh.cell_tags()[c] == screw) {
        E[c] = we43.youngs_modulus;
        nu[c] = we43.poisson_ratio;
      }
    problem.set_cell_materials(E, nu);
    problem.fix("distal_cut");
    problem.apply_force("iliac_crest", {0, 0, -load});
    log::info(comm, "[3/5] solving: {} DOFs on {} rank(s)", problem.num_dofs(), mpi::size(comm));
    const auto report = problem.solve();

    // 4. Fields for ParaView.
    auto cells = problem.stress_invariants();
    std::vector<fem::CellField> fields(cells.begin(), cells.end());
    for (auto& f :
         std::vector<fem::CellField>{{"bone_modulus", 1, bone.E, "Pa"},
                                     {"bone_apparent_density", 1, bone.density, "kg/m^3"}}) {
      for (auto& v : f.values)
        v = std::isnan(v) ? 0.0 : v;
      fields.push_back(std::move(f));
    }
    io::write_xdmf(mesh, output, "elasticity", std::vector{io::point_field(problem.displacement())},
                   fields);
    log::info(comm, "[4/5] wrote {}/elasticity.xdmf (open in ParaView)", output);

    // 5. Figures: the construct's stiffness, the screw's and the bone's peak stress.
    const auto& von_mises = fields[0].values;
    double screw_peak = 0.0, bone_peak = 0.0;
    for (std::size_t c = 0; c < von_mises.size(); ++c) {
      auto& peak = mesh.cell_tags()[c] == screw ? screw_peak : bone_peak;
      peak = std::max(peak, von_mises[c]);
    }
    auto results = physics::summarize(problem, report, {"iliac_crest"}, {"distal_cut"});
    results.set("screw_peak_von_mises_Pa", mpi::max(comm, screw_peak))
        .set("bone_peak_von_mises_Pa", mpi::max(comm, bone_peak));
    results.group("quality").merge(mesh::to_record(quality));
    for (const auto& [phase, seconds] : problem.timer().phases())
      timer.add(phase, seconds);
    const auto summary = io::run_summary(mesh, results, timer);
    io::write_summary(comm, summary, output);
    log::info(comm, "[5/5] summary");
    io::print_summary(comm, summary);
  } catch (const InputError& e) {
    if (env.rank() == 0)
      std::cerr << "03_femoral_neck_screw: " << e.what()
                << "\n(the example reads ../shared/data/totalsegmentator; --data names "
                   "another folder)\n";
    return 2;
  }
  return 0;
}
