// The direct assembly paths (scatter into AIJ and into BAIJ storage) against PETSc's own
// MatSetValuesBlockedLocal() path (a dense matrix), and the reduced (species-diagonal) pattern
// against full blocks, on 1 and 2 ranks, P1 and P2, block sizes 1, 3 and 4.
#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/fem/dof_map.hpp>
#include <resorb/la/matrix_assembler.hpp>
#include <resorb/mesh/box.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace resorb;

namespace {

/// Element matrix entries that depend only on global node ids and components, so the
/// assembled matrix is the same for any partition and any assembly path.
void element_matrix(const fem::DofMap& dofmap, LocalIndex cell, int bs, double scale,
                    std::vector<double>& ke) {
  const auto nodes = dofmap.cell_nodes(cell);
  const auto n = static_cast<int>(nodes.size());
  const int m = bs * n;
  ke.assign(static_cast<std::size_t>(m * m), 0.0);
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b) {
      const auto ga = static_cast<double>(dofmap.index_map().local_to_global(nodes[a]));
      const auto gb = static_cast<double>(dofmap.index_map().local_to_global(nodes[b]));
      for (int i = 0; i < bs; ++i)
        for (int j = 0; j < bs; ++j)
          ke[static_cast<std::size_t>((bs * a + i) * m + bs * b + j)] =
              scale * (1.0 / (1.0 + ga + 2.0 * gb) + 0.1 * i - 0.01 * j);
    }
}

void assemble(la::MatrixAssembler& assembler, const fem::DofMap& dofmap, int bs, double scale) {
  std::vector<double> ke;
  assembler.begin();
  const auto nc = static_cast<LocalIndex>(dofmap.cell_nodes().size() /
                                          static_cast<std::size_t>(dofmap.nodes_per_cell()));
  for (LocalIndex c = 0; c < nc; ++c) {
    element_matrix(dofmap, c, bs, scale, ke);
    assembler.add(c, ke.data());
  }
  assembler.end();
}

/// Relative difference of A x and B x for a fixed, non-trivial x.
double relative_difference(Mat a, Mat b) {
  la::Vector x, ya, yb;
  RESORB_PETSC(MatCreateVecs(a, x.out(), ya.out()));
  RESORB_PETSC(VecDuplicate(ya.get(), yb.out()));
  PetscInt lo = 0, hi = 0;
  RESORB_PETSC(VecGetOwnershipRange(x.get(), &lo, &hi));
  for (PetscInt i = lo; i < hi; ++i)
    RESORB_PETSC(VecSetValue(x.get(), i, std::sin(0.37 * i) + 2.0, INSERT_VALUES));
  RESORB_PETSC(VecAssemblyBegin(x.get()));
  RESORB_PETSC(VecAssemblyEnd(x.get()));
  RESORB_PETSC(MatMult(a, x.get(), ya.get()));
  RESORB_PETSC(MatMult(b, x.get(), yb.get()));
  PetscReal ref = 0.0, diff = 0.0;
  RESORB_PETSC(VecNorm(yb.get(), NORM_2, &ref));
  RESORB_PETSC(VecAXPY(ya.get(), -1.0, yb.get()));
  RESORB_PETSC(VecNorm(ya.get(), NORM_2, &diff));
  return diff / ref;
}

struct Case {
  int degree;
  int block_size;
};

class MatrixAssemblerTest : public ::testing::TestWithParam<Case> {};

TEST_P(MatrixAssemblerTest, DirectPathMatchesMatSetValues) {
  const auto [degree, bs] = GetParam();
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {4, 3, 5}, {0, 0, 0}, {1, 1, 1});
  const fem::DofMap dofmap(mesh, degree);

  la::MatrixAssembler direct(dofmap, bs);
  ASSERT_TRUE(direct.direct()) << "AIJ must take the direct path";
  la::MatrixAssembler blocked(dofmap, bs, nullptr, MATBAIJ);
  ASSERT_TRUE(la::is_block_aij(blocked.matrix()));
  ASSERT_TRUE(blocked.direct()) << "BAIJ must take the direct path";
  RESORB_PETSC(PetscOptionsSetValue(nullptr, "-reference_mat_type", "dense"));
  la::MatrixAssembler reference(dofmap, bs, "reference_");
  RESORB_PETSC(PetscOptionsClearValue(nullptr, "-reference_mat_type"));
  ASSERT_FALSE(reference.direct()) << "dense must fall back to MatSetValuesBlockedLocal";

  for (const double scale : {1.0, 3.0}) {
    // Reassembly starts from zero (begin() clears values and ghost rows) and reuses the map.
    for (auto* assembler : {&direct, &blocked, &reference})
      assemble(*assembler, dofmap, bs, scale);
    // The paths add the same numbers in a different order: round-off only.
    EXPECT_LT(relative_difference(direct.matrix(), reference.matrix()), 1e-13);
    EXPECT_LT(relative_difference(blocked.matrix(), reference.matrix()), 1e-13);
  }

  PetscReal frobenius = 0.0;
  RESORB_PETSC(MatNorm(direct.matrix(), NORM_FROBENIUS, &frobenius));
  EXPECT_GT(frobenius, 0.0);
}

/// Element matrix of @p bs species that react within a node and diffuse on their own:
/// full node blocks, diagonal blocks between distinct nodes.
void species_matrix(const fem::DofMap& dofmap, LocalIndex cell, int bs, double scale,
                    std::vector<double>& ke) {
  element_matrix(dofmap, cell, bs, scale, ke);
  const auto n = static_cast<int>(dofmap.nodes_per_cell());
  const int m = bs * n;
  for (int a = 0; a < n; ++a)
    for (int b = 0; b < n; ++b)
      for (int i = 0; i < bs; ++i)
        for (int j = 0; j < bs; ++j)
          if (a != b && i != j)
            ke[static_cast<std::size_t>((bs * a + i) * m + bs * b + j)] = 0.0;
}

TEST_P(MatrixAssemblerTest, DiagonalCouplingStoresLessAndMatchesFullBlocks) {
  const auto [degree, bs] = GetParam();
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {4, 3, 5}, {0, 0, 0}, {1, 1, 1});
  const fem::DofMap dofmap(mesh, degree);

  la::MatrixAssembler reduced(dofmap, la::BlockCoupling::diagonal(bs));
  ASSERT_TRUE(reduced.direct());
  la::MatrixAssembler full(dofmap, bs);
  // A block type cannot hold the reduced pattern: it stores full blocks and still agrees.
  RESORB_PETSC(PetscOptionsSetValue(nullptr, "-blocked_mat_type", "baij"));
  la::MatrixAssembler blocked(dofmap, la::BlockCoupling::diagonal(bs), "blocked_");
  RESORB_PETSC(PetscOptionsClearValue(nullptr, "-blocked_mat_type"));
  ASSERT_TRUE(la::is_block_aij(blocked.matrix()));

  const auto nc = static_cast<LocalIndex>(dofmap.cell_nodes().size() /
                                          static_cast<std::size_t>(dofmap.nodes_per_cell()));
  for (const double scale : {1.0, -2.5}) { // reassembly reuses the map and starts from zero
    std::vector<double> ke;
    for (auto* assembler : {&reduced, &full, &blocked}) {
      assembler->begin();
      for (LocalIndex c = 0; c < nc; ++c) {
        species_matrix(dofmap, c, bs, scale, ke);
        assembler->add(c, ke.data());
      }
      assembler->end();
    }
    EXPECT_LT(relative_difference(reduced.matrix(), full.matrix()), 1e-13);
    EXPECT_LT(relative_difference(blocked.matrix(), full.matrix()), 1e-13);
  }

  // Stored values: b² per node pair in full blocks; b² per node and b per distinct pair.
  MatInfo info_reduced{}, info_full{};
  RESORB_PETSC(MatGetInfo(reduced.matrix(), MAT_GLOBAL_SUM, &info_reduced));
  RESORB_PETSC(MatGetInfo(full.matrix(), MAT_GLOBAL_SUM, &info_full));
  const double nodes = static_cast<double>(dofmap.index_map().size_global());
  const double pairs = info_full.nz_used / (bs * bs); // node pairs, including (r, r)
  EXPECT_DOUBLE_EQ(info_reduced.nz_used, nodes * bs * bs + (pairs - nodes) * bs);
  if (bs > 1) {
    EXPECT_LT(info_reduced.nz_used, info_full.nz_used);
  }
}

INSTANTIATE_TEST_SUITE_P(Elements, MatrixAssemblerTest,
                         ::testing::Values(Case{1, 1}, Case{1, 3}, Case{1, 4}, Case{2, 1},
                                           Case{2, 3}),
                         [](const auto& info) {
                           return fmt::format("P{}_bs{}", info.param.degree, info.param.block_size);
                         });

} // namespace
