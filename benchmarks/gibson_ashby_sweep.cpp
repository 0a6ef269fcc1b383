// Gibson–Ashby coefficients per cell type and variant from a porosity sweep: the
// homogenized Young's modulus (evaluate_design without corrosion: P2, L/h as given) against
// the relative density, fitted by scaffold::fit_gibson_ashby. Used for benchmarks/RESULTS.md.
//
//   gibson_ashby_sweep CELLS_PER_PERIOD POROSITY [POROSITY ...]
//   gibson_ashby_sweep 10 0.5 0.6 0.7 0.8
#include <resorb/core/environment.hpp>
#include <resorb/core/error.hpp>
#include <resorb/scaffold/design.hpp>
#include <resorb/scaffold/porous_models.hpp>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

int run(int argc, char** argv) {
  using namespace resorb::scaffold;
  EvaluationSettings settings;
  settings.cells_per_period = std::atof(argv[1]);
  settings.horizon = 0.0;
  DesignMaterial material; // E 45 GPa, ν 0.35; no corrosion
  material.metal_mg = 1.0;
  std::vector<double> porosities;
  for (int i = 2; i < argc && argv[i][0] != '-'; ++i)
    porosities.push_back(std::atof(argv[i]));
  std::printf("# E_s = %.0f GPa, nu = %.2f, P%d, L/h = %.0f\n", material.metal.E / 1e9,
              material.metal.nu, settings.degree, settings.cells_per_period);
  for (const auto type : {CellType::gyroid, CellType::schwarz_p, CellType::diamond, CellType::iwp})
    for (const auto variant : {Variant::skeletal, Variant::sheet}) {
      std::vector<double> rho, e;
      std::printf("%-9s %-8s", std::string(name(type)).c_str(), std::string(name(variant)).c_str());
      for (const double porosity : porosities) {
        Design d{type, variant, porosity, 1e-3, ""};
        try {
          const auto p = evaluate_design(d, material, settings);
          std::printf("  %.2f:%.4f", 1.0 - p.porosity, p.young / material.metal.E);
          if (p.young > 0.0) {
            rho.push_back(1.0 - p.porosity);
            e.push_back(p.young / material.metal.E);
          }
        } catch (const resorb::Error& err) {
          std::printf("  %.2f:(%s)", 1.0 - porosity, err.what());
        }
        std::fflush(stdout);
      }
      if (rho.size() >= 2) {
        const auto fit = fit_gibson_ashby(rho, e);
        std::printf("   C %.3f n %.3f max residual %.1f %%\n", fit.coefficient, fit.exponent,
                    100 * fit.max_relative_residual);
      } else {
        std::printf("   (too few connected samples)\n");
      }
    }
  return 0;
}

} // namespace

int main(int argc, char** argv) {
  resorb::Environment env(argc, argv);
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s CELLS_PER_PERIOD POROSITY POROSITY [...]\n", argv[0]);
    return 2;
  }
  try {
    return run(argc, argv);
  } catch (const resorb::Error& e) {
    std::fprintf(stderr, "gibson_ashby_sweep: %s\n", e.what());
    return 2;
  }
}
