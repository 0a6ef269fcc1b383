// An outside program linked against an installed resorb: a cantilever box under end load.
#include <resorb/resorb.hpp>

#include <cstdio>

int main(int argc, char** argv) {
  resorb::Environment env(argc, argv);
  const auto mesh = resorb::mesh::make_box(env.comm(), {4, 2, 2}, {0, 0, 0}, {0.04, 0.01, 0.01});
  resorb::physics::Elasticity<resorb::fem::P1> problem(mesh);
  problem.set_material("box", {.E = 17e9, .nu = 0.3});
  problem.fix("xmin");
  problem.apply_force("xmax", {0.0, 0.0, -10.0});
  const auto report = problem.solve();
  const double energy = problem.strain_energy();
  std::printf("consumer: %d iterations, strain energy %.6e J\n", report.iterations, energy);
  return energy > 0.0 ? 0 : 1;
}
