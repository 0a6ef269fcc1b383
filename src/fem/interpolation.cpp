#include "resorb/fem/interpolation.hpp"

#include "resorb/core/error.hpp"
#include "resorb/mesh/reference_cell.hpp"

#include <fmt/format.h>

#include <array>
#include <vector>

namespace resorb::fem {

la::Matrix p1_to_p2_interpolation(const DofMap& p1, const DofMap& p2, int block_size,
                                  const DirichletConstraints* fine_constraints,
                                  const DirichletConstraints* coarse_constraints) {
  RESORB_REQUIRE(p1.degree() == 1 && p2.degree() == 2 && &p1.mesh() == &p2.mesh(), InputError,
                 "p1_to_p2_interpolation: needs a P1 and a P2 numbering of the same mesh");
  const IndexMap& fine = p2.index_map();
  const IndexMap& coarse = p1.index_map();
  const auto bs = static_cast<std::size_t>(block_size);
  const auto fine_owned = static_cast<std::size_t>(fine.num_owned());
  // Each owned fine node: one or two coarse nodes (local indices), written once.
  std::vector<std::array<LocalIndex, 2>> parents(fine_owned, {-1, -1});
  const auto nc = static_cast<LocalIndex>(p2.mesh().num_cells());
  for (LocalIndex c = 0; c < nc; ++c) {
    const auto fn = p2.cell_nodes(c);
    const auto cn = p1.cell_nodes(c);
    for (int a = 0; a < 10; ++a) {
      const auto node = static_cast<std::size_t>(fn[static_cast<std::size_t>(a)]);
      if (node >= fine_owned || parents[node][0] >= 0)
        continue;
      if (a < 4) {
        parents[node] = {cn[static_cast<std::size_t>(a)], -1};
      } else {
        const auto& e = mesh::edge_vertices[static_cast<std::size_t>(a - 4)];
        parents[node] = {cn[static_cast<std::size_t>(e[0])], cn[static_cast<std::size_t>(e[1])]};
      }
    }
  }
  la::Matrix P;
  const auto rows = static_cast<PetscInt>(fine_owned * bs);
  const auto cols = static_cast<PetscInt>(static_cast<std::size_t>(coarse.num_owned()) * bs);
  RESORB_PETSC(MatCreateAIJ(fine.comm(), rows, cols, PETSC_DETERMINE, PETSC_DETERMINE, 2, nullptr,
                            2, nullptr, P.out()));
  for (std::size_t node = 0; node < fine_owned; ++node) {
    const auto& parent = parents[node];
    RESORB_REQUIRE(parent[0] >= 0, Error,
                   fmt::format("p1_to_p2_interpolation: fine node {} is in no cell",
                               fine.local_to_global(static_cast<LocalIndex>(node))));
    const double weight = parent[1] < 0 ? 1.0 : 0.5;
    for (std::size_t i = 0; i < bs; ++i) {
      const std::size_t fine_dof = bs * node + i;
      if (fine_constraints != nullptr && fine_constraints->constrained(fine_dof))
        continue;
      const auto row = static_cast<PetscInt>(
          static_cast<std::size_t>(fine.local_to_global(static_cast<LocalIndex>(node))) * bs + i);
      for (const LocalIndex v : parent) {
        if (v < 0)
          continue;
        const std::size_t coarse_dof = bs * static_cast<std::size_t>(v) + i;
        if (coarse_constraints != nullptr && coarse_constraints->constrained(coarse_dof))
          continue;
        const auto col =
            static_cast<PetscInt>(static_cast<std::size_t>(coarse.local_to_global(v)) * bs + i);
        RESORB_PETSC(MatSetValue(P.get(), row, col, weight, INSERT_VALUES));
      }
    }
  }
  RESORB_PETSC(MatAssemblyBegin(P.get(), MAT_FINAL_ASSEMBLY));
  RESORB_PETSC(MatAssemblyEnd(P.get(), MAT_FINAL_ASSEMBLY));
  return P;
}

DirichletConstraints vertex_constraints(const DirichletConstraints& fine, const DofMap& fine_dofmap,
                                        const DofMap& coarse_dofmap) {
  const int bs = fine.block_size();
  DirichletConstraints coarse(coarse_dofmap, bs);
  const LocalIndex nv = fine_dofmap.mesh().vertex_map().size_local();
  for (LocalIndex v = 0; v < nv; ++v)
    for (int i = 0; i < bs; ++i) {
      const auto f = static_cast<std::size_t>(bs * fine_dofmap.vertex_node(v) + i);
      if (fine.constrained(f))
        coarse.set(static_cast<std::size_t>(bs * coarse_dofmap.vertex_node(v) + i), fine.value(f));
    }
  return coarse;
}

} // namespace resorb::fem
