// Periodic homogenization of one gyroid unit cell (skeletal, threshold 0.3 unless given) at a
// sequence of resolutions L/h: meshing time, DOFs, solve time and iterations, peak memory,
// and the effective constants. Used for benchmarks/RESULTS.md.
//
//   homogenization_gyroid DEGREE THRESHOLD LH [LH ...] [PETSc options]
//   homogenization_gyroid 2 0.3 6 9 13 -homogenization_ksp_monitor
#include <resorb/core/environment.hpp>
#include <resorb/core/error.hpp>
#include <resorb/scaffold/homogenization.hpp>
#include <resorb/scaffold/unit_cell.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace {

double peak_memory_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0; // Linux: KiB
}

int run(int argc, char** argv) {
  using namespace resorb;
  const int degree = std::atoi(argv[1]);
  const double threshold = std::atof(argv[2]);
  const double cell = std::getenv("CELL")
                          ? std::atof(std::getenv("CELL"))
                          : 1e-3; // 1 mm cell; the constants scale with the material, not L
  const physics::IsotropicMaterial magnesium{45e9, 0.35};
  std::printf("# gyroid skeletal t=%.3f, P%d, Mg E=45 GPa nu=0.35\n", threshold, degree);
  std::printf("# %5s %9s %9s %8s %9s %9s %8s %22s %10s %10s %10s %8s\n", "L/h", "cells", "dofs",
              "mesh_s", "assem_s", "solve_s", "its", "iterations(6)", "E_GPa", "G_GPa", "nu",
              "zener");
  for (int i = 3; i < argc && argv[i][0] != '-'; ++i) {
    const double lh = std::atof(argv[i]);
    const auto t0 = std::chrono::steady_clock::now();
    const auto m =
        scaffold::unit_cell_mesh(scaffold::CellType::gyroid, scaffold::Variant::skeletal, threshold,
                                 cell, mesh::ImplicitMeshSizing::uniform(cell / lh));
    const double mesh_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    scaffold::HomogenizationSettings settings;
    settings.degree = degree;
    const auto h = scaffold::homogenize_elasticity(m, {{scaffold::solid_tag, magnesium}}, settings);
    const auto e = scaffold::engineering_constants(h.stiffness);
    int total = 0;
    for (const int it : h.iterations)
      total += it;
    std::printf(
        "  %5.1f %9zu %9lld %8.2f %9.2f %9.2f %8d %3d,%3d,%3d,%3d,%3d,%3d %10.4f %10.4f "
        "%10.4f %8.4f  phi=%.4f cubic_dev=%.2e mem=%.0fMiB\n",
        lh, m.data.cells.size() / 4, static_cast<long long>(h.dofs), mesh_s, h.assembly_seconds,
        h.solve_seconds, total, h.iterations[0], h.iterations[1], h.iterations[2], h.iterations[3],
        h.iterations[4], h.iterations[5], (e.young[0] + e.young[1] + e.young[2]) / 3e9,
        (e.shear[0] + e.shear[1] + e.shear[2]) / 3e9,
        (e.poisson[0][1] + e.poisson[1][2] + e.poisson[0][2]) / 3.0, e.zener, h.solid_fraction,
        scaffold::cubic_symmetry_deviation(h.stiffness), peak_memory_mib());
    std::fflush(stdout);
  }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  resorb::Environment env(argc, argv);
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s DEGREE THRESHOLD LH [LH ...] [PETSc options]\n", argv[0]);
    return 2;
  }
  try {
    return run(argc, argv);
  } catch (const resorb::Error& e) {
    std::fprintf(stderr, "homogenization_gyroid: %s\n", e.what());
    return 2;
  }
}
