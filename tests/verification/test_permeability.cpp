// Permeability from the Stokes cell problem, against facts that do not come from the code.
// - A fluid layer of thickness h between solid layers is plane Poiseuille flow: along the
//   layer k = φ h² / 12 (the parabola is in P2, the pressure constant: exact to round-off),
//   across it k = 0. The same at another scale: k ∝ L².
// - The gyroid's pore space is cubic: k is isotropic up to the mesh's asymmetry, and the
//   fluid fraction is the measured porosity.
#include <resorb/core/error.hpp>
#include <resorb/scaffold/measures.hpp>
#include <resorb/scaffold/permeability.hpp>
#include <resorb/scaffold/porous_models.hpp>
#include <resorb/scaffold/unit_cell.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "expect_error.hpp"

#include <cmath>
#include <iostream>

using namespace resorb;

TEST(Permeability, FluidLayerIsPlanePoiseuille) {
  for (const double size : {1.0, 2e-3}) {
    auto m = mesh::periodic_box_mesh({2, 2, 4}, {0, 0, 0}, {size, size, size});
    const auto& d = m.data;
    for (std::size_t c = 0; c < d.cells.size() / 4; ++c) {
      double cz = 0.0;
      for (std::size_t k = 0; k < 4; ++k)
        cz += d.coordinates[3 * static_cast<std::size_t>(d.cells[4 * c + k]) + 2] / 4.0;
      m.data.cell_tags[c] = cz < 0.5 * size ? 2 : 1; // fluid: 0 < z < h = L / 2
    }
    const auto k = scaffold::stokes_permeability(m, 2);
    const double h = 0.5 * size, phi = 0.5, poiseuille = phi * h * h / 12.0;
    EXPECT_NEAR(k.fluid_fraction, phi, 1e-14);
    EXPECT_NEAR(k.tensor[0][0] / poiseuille, 1.0, 1e-10);
    EXPECT_NEAR(k.tensor[1][1] / poiseuille, 1.0, 1e-10);
    EXPECT_NEAR(k.tensor[2][2] / poiseuille, 0.0, 1e-10);
    EXPECT_NEAR(k.tensor[0][1] / poiseuille, 0.0, 1e-10);
    EXPECT_NEAR(k.tensor[0][2] / poiseuille, 0.0, 1e-10);
    EXPECT_EQ(k.closed_pores, 0);
  }
}

TEST(Permeability, GyroidPoresAreIsotropic) {
  const double cell = 1e-3, threshold = 0.3;
  const auto measured = scaffold::measure_unit_cell(MPI_COMM_SELF, scaffold::CellType::gyroid,
                                                    scaffold::Variant::skeletal, threshold, 64);
  for (const double lh : {8.0, 10.0}) {
    const auto m =
        scaffold::unit_cell_mesh(scaffold::CellType::gyroid, scaffold::Variant::skeletal, threshold,
                                 cell, mesh::ImplicitMeshSizing::uniform(cell / lh), true);
    const auto k = scaffold::stokes_permeability(m, scaffold::pore_tag);
    const double mean = (k.tensor[0][0] + k.tensor[1][1] + k.tensor[2][2]) / 3.0;
    const double kc =
        scaffold::kozeny_carman_permeability(measured.porosity, measured.surface_density / cell);
    std::cout << fmt::format("L/h {:.0f}: {} dofs, fluid {:.4f} (measured {:.4f}), k {:.4e} m^2 "
                             "(diag {:.4e} {:.4e} {:.4e}, off {:.1e}), Kozeny-Carman {:.4e}, "
                             "{:.1f} s\n",
                             lh, k.dofs, k.fluid_fraction, measured.porosity, mean, k.tensor[0][0],
                             k.tensor[1][1], k.tensor[2][2], k.tensor[0][1], kc, k.seconds);
    EXPECT_NEAR(k.fluid_fraction, measured.porosity, 5e-3);
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_NEAR(k.tensor[i][i] / mean, 1.0, 0.03);
      for (std::size_t j = 0; j < 3; ++j) {
        if (i != j) {
          EXPECT_LT(std::abs(k.tensor[i][j]) / mean, 0.02);
        }
      }
    }
    EXPECT_EQ(k.closed_pores, 0);
    EXPECT_GT(mean, 0.1 * kc); // the same order as the estimate
    EXPECT_LT(mean, 10.0 * kc);
  }
}

TEST(Permeability, BadInputIsNamed) {
  const auto m = mesh::periodic_box_mesh({2, 2, 2}, {0, 0, 0}, {1, 1, 1});
  test_support::expect_input_error([&] { (void)scaffold::stokes_permeability(m, 2); },
                                   "no cell has the fluid tag 2");
}
