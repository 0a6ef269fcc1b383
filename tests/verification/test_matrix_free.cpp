// Matrix-free operators (issue 12) against the assembled PETSc matrices they replace:
// elasticity P1/P2 and scalar P1 reaction–diffusion, with heterogeneous coefficients and
// Dirichlet elimination, apply and diagonal to 1e-12 relative on random vectors; the device
// CG (CG + Chebyshev–Jacobi) and the MATSHELL path solve example 01's problem to the
// assembled solver's strain energy; bad input named. 1 and 2 ranks. The CUDA checks run where
// a GPU is present and skip with the reason elsewhere (CI has none).
#include "expect_error.hpp"

#include <resorb/core/mpi.hpp>
#include <resorb/la/matrix_assembler.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/meshes/geometries.hpp>
#include <resorb/physics/elasticity.hpp>
#include <resorb/solvers/device_cg.hpp>
#include <resorb/solvers/matrix_free.hpp>

#include "reaction_diffusion_action.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

using namespace resorb;
using resorb::test_support::expect_error;

namespace {

constexpr double mm = 1e-3;

// A value in [-1, 1] per global DOF, the same on any number of ranks.
double hashed(std::uint64_t i) {
  i = (i + 0x9e3779b97f4a7c15ULL) * 0xbf58476d1ce4e5b9ULL;
  i ^= i >> 29;
  i *= 0x94d049bb133111ebULL;
  i ^= i >> 32;
  return static_cast<double>(i % 2000001ULL) / 1000000.0 - 1.0;
}

la::Vector random_vector(const fem::DofMap& dofmap, int bs, std::uint64_t seed) {
  auto v = la::create_ghosted_vector(dofmap, bs);
  PetscScalar* a = nullptr;
  PetscInt n = 0;
  EXPECT_EQ(VecGetLocalSize(v.get(), &n), 0);
  EXPECT_EQ(VecGetArray(v.get(), &a), 0);
  const auto offset = static_cast<std::uint64_t>(bs * dofmap.index_map().offset());
  for (PetscInt i = 0; i < n; ++i)
    a[i] = hashed(seed * 1000003ULL + offset + static_cast<std::uint64_t>(i));
  EXPECT_EQ(VecRestoreArray(v.get(), &a), 0);
  return v;
}

double relative_difference(Vec a, Vec b) {
  la::Vector d;
  EXPECT_EQ(VecDuplicate(a, d.out()), 0);
  EXPECT_EQ(VecWAXPY(d.get(), -1.0, b, a), 0);
  double nd = 0.0, nb = 0.0;
  EXPECT_EQ(VecNorm(d.get(), NORM_2, &nd), 0);
  EXPECT_EQ(VecNorm(b, NORM_2, &nb), 0);
  return nd / nb;
}

// Per-cell Young's modulus varying over the box (from the centroid: partition-independent).
struct CellMaterials {
  std::vector<double> E, nu, lambda, mu;
};

CellMaterials varying_materials(const mesh::TetMesh& mesh) {
  CellMaterials m;
  for (LocalIndex c = 0; c < mesh.num_cells(); ++c) {
    const auto x = mesh.cell_coordinates(c);
    const double cx = (x[0][0] + x[1][0] + x[2][0] + x[3][0]) / 4.0;
    const double cz = (x[0][2] + x[1][2] + x[2][2] + x[3][2]) / 4.0;
    const double E = 1e9 * (3.0 + 20.0 * cx / (4 * mm) + 2.0 * std::sin(cz / mm));
    const double nu = 0.2 + 0.1 * cz / (4 * mm);
    m.E.push_back(E);
    m.nu.push_back(nu);
    m.lambda.push_back(E * nu / ((1 + nu) * (1 - 2 * nu)));
    m.mu.push_back(E / (2 * (1 + nu)));
  }
  return m;
}

mesh::TetMesh test_box() {
  return mesh::make_box(MPI_COMM_WORLD, {4, 3, 5}, {0, 0, 0}, {4 * mm, 3 * mm, 4 * mm});
}

template <class Element>
void check_elasticity_apply(bool precompute) {
  const auto mesh = test_box();
  const auto materials = varying_materials(mesh);
  physics::Elasticity<Element> problem(mesh);
  problem.set_cell_materials(materials.E, materials.nu);
  problem.fix("zmin");
  problem.fix("xmax", {true, false, true});
  problem.apply_force("zmax", {0, 0, 10.0});
  problem.assemble();
  const Mat k = problem.stiffness_matrix();

  fem::DirichletConstraints constraints(problem.dofmap(), 3);
  const std::array<bool, 3> all{true, true, true}, xz{true, false, true};
  constraints.add(mesh.facet_tag("zmin"), all);
  constraints.add(mesh.facet_tag("xmax"), xz);
  solvers::MatrixFreeSettings settings;
  settings.precompute_geometry = precompute;
  auto op = solvers::MatrixFreeOperator::elasticity(problem.dofmap(), materials.lambda,
                                                    materials.mu, &constraints, settings);
  EXPECT_EQ(op.block_size(), 3);
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const auto x = random_vector(problem.dofmap(), 3, seed);
    auto y = la::create_ghosted_vector(problem.dofmap(), 3);
    auto ref = la::create_ghosted_vector(problem.dofmap(), 3);
    op.apply(x.get(), y.get());
    ASSERT_EQ(MatMult(k, x.get(), ref.get()), 0);
    // Round-off of ~60 (P1) to ~500 (P2) terms per row of magnitude |K| |x|: 1e-12 is far
    // above it and far below any wrong coefficient, sign or missing cell.
    EXPECT_LT(relative_difference(y.get(), ref.get()), 1e-12) << "seed " << seed;
  }
  auto d = la::create_ghosted_vector(problem.dofmap(), 3);
  auto dref = la::create_ghosted_vector(problem.dofmap(), 3);
  op.diagonal(d.get());
  ASSERT_EQ(MatGetDiagonal(k, dref.get()), 0);
  EXPECT_LT(relative_difference(d.get(), dref.get()), 1e-12);
  // The MATSHELL's product and diagonal are the operator's.
  const auto shell = op.petsc_shell();
  const auto x = random_vector(problem.dofmap(), 3, 9);
  auto y = la::create_ghosted_vector(problem.dofmap(), 3);
  auto ref = la::create_ghosted_vector(problem.dofmap(), 3);
  ASSERT_EQ(MatMult(shell.get(), x.get(), y.get()), 0);
  ASSERT_EQ(MatMult(k, x.get(), ref.get()), 0);
  EXPECT_LT(relative_difference(y.get(), ref.get()), 1e-12);
  ASSERT_EQ(MatGetDiagonal(shell.get(), d.get()), 0);
  EXPECT_LT(relative_difference(d.get(), dref.get()), 1e-12);
  // The host moves nothing between memories.
  EXPECT_EQ(op.transfers().copies(), 0);
}

} // namespace

TEST(MatrixFree, P1ElasticityApplyEqualsTheAssembledMatrix) {
  check_elasticity_apply<fem::P1>(true);
  check_elasticity_apply<fem::P1>(false);
}

TEST(MatrixFree, P2ElasticityApplyEqualsTheAssembledMatrix) {
  check_elasticity_apply<fem::P2>(true);
  check_elasticity_apply<fem::P2>(false);
}

TEST(MatrixFree, ReactionDiffusionApplyEqualsTheAssembledMatrix) {
  const auto mesh = test_box();
  const fem::DofMap dofmap(mesh, 1);
  std::vector<double> diffusivity, fraction, rate;
  for (LocalIndex c = 0; c < mesh.num_cells(); ++c) {
    const auto x = mesh.cell_coordinates(c);
    const double cy = (x[0][1] + x[1][1] + x[2][1] + x[3][1]) / 4.0;
    diffusivity.push_back(1e-9 * (1.0 + 3.0 * cy / (3 * mm)));
    fraction.push_back(0.25 + 0.5 * cy / (3 * mm));
  }
  const auto coordinates = dofmap.node_coordinates();
  for (LocalIndex a = 0; a < dofmap.index_map().size_local(); ++a)
    rate.push_back(-2e-3 + 1e-3 * std::cos(coordinates[3 * static_cast<std::size_t>(a)] / mm));
  fem::DirichletConstraints constraints(dofmap, 1);
  const std::array<bool, 1> on{true};
  constraints.add(mesh.facet_tag("ymin"), on);

  for (const bool lumped : {true, false}) {
    solvers::ReactionDiffusionCoefficients k;
    k.shift = 1.5 / 60.0;
    k.lumped_mass = lumped;
    k.diffusivity = diffusivity;
    k.reaction_rate = rate;
    k.reaction_fraction = fraction;
    // The assembled reference: the same element matrices (kernels::ReactionDiffusionAction::
    // matrix, built on p1_mass and p1_laplacian as the transport solver's), eliminated.
    std::vector<double> factors;
    for (LocalIndex c = 0; c < mesh.num_cells(); ++c) {
      mesh::CellCoordinates x;
      mesh.cell_coordinates(c, x);
      double f[kernels::affine_factor_size];
      kernels::store_factors(kernels::affine_factors(x), f);
      factors.insert(factors.end(), f, f + kernels::affine_factor_size);
    }
    kernels::ReactionDiffusionCoefficients kk{k.shift, lumped, diffusivity.data(), rate.data(),
                                              fraction.data()};
    const kernels::ReactionDiffusionAction<kernels::PrecomputedGeometry> action{
        {factors.data()}, dofmap.cell_nodes().data(), kk};
    la::MatrixAssembler assembler(dofmap, 1);
    auto lift = la::create_ghosted_vector(dofmap, 1);
    assembler.begin();
    for (LocalIndex c = 0; c < mesh.num_cells(); ++c) {
      double ae[16], be[4];
      action.matrix(c, ae);
      constraints.eliminate(dofmap.cell_nodes(c), ae, be);
      assembler.add(c, ae);
    }
    assembler.end();

    for (const bool precompute : {true, false}) {
      solvers::MatrixFreeSettings settings;
      settings.precompute_geometry = precompute;
      auto op = solvers::MatrixFreeOperator::reaction_diffusion(dofmap, k, &constraints, settings);
      const auto x = random_vector(dofmap, 1, 5);
      auto y = la::create_ghosted_vector(dofmap, 1);
      auto ref = la::create_ghosted_vector(dofmap, 1);
      op.apply(x.get(), y.get());
      ASSERT_EQ(MatMult(assembler.matrix(), x.get(), ref.get()), 0);
      EXPECT_LT(relative_difference(y.get(), ref.get()), 1e-12) << "lumped " << lumped;
      op.diagonal(y.get());
      ASSERT_EQ(MatGetDiagonal(assembler.matrix(), ref.get()), 0);
      EXPECT_LT(relative_difference(y.get(), ref.get()), 1e-12) << "lumped " << lumped;
    }
  }
}

namespace {

// Example 01's problem (screw in bone, pulled at its head) at a coarse size.
template <class Element>
struct PullOut {
  mesh::TetMesh mesh;
  physics::Elasticity<Element> problem;
  explicit PullOut(double size_mm)
      : mesh([&] {
          meshes::ScrewInBoneGeometry g;
          g.mesh_size = size_mm * mm;
          g.implant_mesh_size = 0.5 * size_mm * mm;
          return mesh::TetMesh::distribute(MPI_COMM_WORLD,
                                           meshes::screw_in_bone_mesh_data(MPI_COMM_WORLD, g));
        }()),
        problem(mesh) {
    problem.set_material("cortical", {.E = 17e9, .nu = 0.30});
    problem.set_material("cancellous", {.E = 1.0e9, .nu = 0.30});
    problem.set_material("implant", {.E = 44e9, .nu = 0.27});
    problem.fix("bone_base");
    problem.apply_force("implant_head", {0.0, 0.0, 200.0});
  }
};

template <class Element>
void check_matrix_free_solve(double size_mm) {
  PullOut<Element> assembled(size_mm), matrix_free(size_mm), shell(size_mm);
  solvers::LinearSolverSettings reference;
  reference.rtol = 1e-10;
  const auto r0 = assembled.problem.solve(reference);
  solvers::LinearSolverSettings device;
  device.matrix_free = true;
  device.rtol = 1e-10;
  const auto r1 = matrix_free.problem.solve(device);
  solvers::LinearSolverSettings jacobi = device;
  jacobi.pc_type = "jacobi";
  const auto r2 = shell.problem.solve(jacobi);
  const double e0 = assembled.problem.strain_energy();
  // Energy error of a CG iterate ~ (rtol · κ)² relative; 1e-8 leaves room at rtol 1e-10.
  EXPECT_NEAR(matrix_free.problem.strain_energy() / e0, 1.0, 1e-8);
  EXPECT_NEAR(shell.problem.strain_energy() / e0, 1.0, 1e-8);
  EXPECT_LT(r1.relative_residual, 1e-9);
  EXPECT_LT(r2.relative_residual, 1e-9);
  EXPECT_EQ(r1.transfers.copies(), 0);
  // The supports carry the same load.
  EXPECT_NEAR(matrix_free.problem.reaction_force("bone_base")[2],
              assembled.problem.reaction_force("bone_base")[2], 1e-4);
  if (mpi::rank(MPI_COMM_WORLD) == 0)
    std::printf("P%d, %lld DOFs: CG iterations GAMG/p-MG %d, Chebyshev-Jacobi %d, Jacobi %d\n",
                Element::degree, static_cast<long long>(assembled.problem.num_dofs()),
                r0.iterations, r1.iterations, r2.iterations);
}

} // namespace

TEST(MatrixFree, DeviceCgSolvesExample01ToTheAssembledEnergy) {
  check_matrix_free_solve<fem::P1>(3.0);
  check_matrix_free_solve<fem::P2>(4.0);
}

TEST(MatrixFree, PrescribedDisplacementsAreLiftedAsInTheAssembledSystem) {
  const auto mesh = test_box();
  const auto materials = varying_materials(mesh);
  std::optional<double> energies[2];
  for (const bool matrix_free : {false, true}) {
    physics::Elasticity<fem::P2> problem(mesh);
    problem.set_cell_materials(materials.E, materials.nu);
    problem.fix("zmin");
    problem.fix("zmax", {true, true, true}, [](const physics::Vec3& x) -> physics::Vec3 {
      return {0.01 * x[1], -0.02 * x[0], 1e-5 + 0.03 * x[0]};
    });
    solvers::LinearSolverSettings s;
    s.matrix_free = matrix_free;
    s.rtol = 1e-11;
    problem.solve(s);
    energies[matrix_free ? 1 : 0] = problem.strain_energy();
  }
  EXPECT_NEAR(*energies[1] / *energies[0], 1.0, 1e-9);
}

// A degrading implant's re-solves: new moduli each time, the operator kept on its device
// with only λ and μ replaced, and a constraint added later rebuilds it.
TEST(MatrixFree, ReSolvesFollowNewMaterialsAndConstraints) {
  const auto mesh = test_box();
  auto materials = varying_materials(mesh);
  physics::Elasticity<fem::P1> assembled(mesh), matrix_free(mesh);
  solvers::LinearSolverSettings a, m;
  a.rtol = m.rtol = 1e-11;
  m.matrix_free = true;
  for (auto* p : {&assembled, &matrix_free}) {
    p->fix("zmin");
    p->apply_force("zmax", {1.0, 0.0, 5.0});
  }
  for (int step = 0; step < 3; ++step) {
    for (auto& E : materials.E)
      E *= 0.7;
    if (step == 2)
      for (auto* p : {&assembled, &matrix_free})
        p->fix("xmin", {true, false, false});
    for (auto* p : {&assembled, &matrix_free})
      p->set_cell_materials(materials.E, materials.nu);
    assembled.solve(a);
    matrix_free.solve(m);
    EXPECT_NEAR(matrix_free.strain_energy() / assembled.strain_energy(), 1.0, 1e-9)
        << "step " << step;
  }
}

TEST(MatrixFree, BadInputIsNamed) {
  const auto mesh = test_box();
  const fem::DofMap p1(mesh, 1), p2(mesh, 2);
  const auto materials = varying_materials(mesh);
  auto mu = materials.mu;
  if (!mu.empty())
    mu[0] = -1.0;
  // Checked on every rank: the rank with the bad cell names it, the others throw it too
  // (instead of waiting in the operator's collective set-up).
  expect_error<InputError>(
      [&] { (void)solvers::MatrixFreeOperator::elasticity(p1, materials.lambda, mu, nullptr); },
      "need μ > 0");
  expect_error<InputError>(
      [&] {
        (void)solvers::MatrixFreeOperator::elasticity(p1, std::span(materials.lambda).first(0),
                                                      materials.mu, nullptr);
      },
      "Lamé parameters for");
  std::vector<double> d(static_cast<std::size_t>(mesh.num_cells()), 1e-9);
  solvers::ReactionDiffusionCoefficients k;
  k.diffusivity = d;
  expect_error<InputError>(
      [&] { (void)solvers::MatrixFreeOperator::reaction_diffusion(p2, k, nullptr); },
      "the operator is P1");
  if (!d.empty())
    d[0] = -1e-9;
  expect_error<InputError>(
      [&] { (void)solvers::MatrixFreeOperator::reaction_diffusion(p1, k, nullptr); },
      "negative diffusivity");
  // No mass and no diffusion: a zero diagonal, which Jacobi scaling cannot invert.
  std::fill(d.begin(), d.end(), 0.0);
  auto singular = solvers::MatrixFreeOperator::reaction_diffusion(p1, k, nullptr);
  auto b = la::create_ghosted_vector(p1, 1), x = la::create_ghosted_vector(p1, 1);
  expect_error<SolverError>([&] { (void)solvers::solve_device_cg(singular, b.get(), x.get()); },
                            "diagonal entries of the operator are not positive");
  expect_error<InputError>([] { (void)parse_execution_space("tpu"); }, "unknown device \"tpu\"");
  const std::vector<double> positive(static_cast<std::size_t>(mesh.num_cells()), 1e-9);
  solvers::ReactionDiffusionCoefficients plain;
  plain.diffusivity = positive;
  auto diffusion = solvers::MatrixFreeOperator::reaction_diffusion(p1, plain, nullptr);
  expect_error<Error>([&] { diffusion.set_lame_parameters(materials.lambda, materials.mu); },
                      "no per-cell coefficient pair");
  if (!cuda_available()) {
    solvers::MatrixFreeSettings settings;
    settings.space = ExecutionSpace::cuda;
    expect_error<InputError>(
        [&] {
          (void)solvers::MatrixFreeOperator::elasticity(p1, materials.lambda, materials.mu, nullptr,
                                                        settings);
        },
        "device = \"cuda\" was asked for");
  }
}

// The GPU checks: the device apply equals the host's, and the device solve gives the CPU
// energy with the right-hand side, guess and solution the only whole vectors copied.
TEST(MatrixFreeCuda, DeviceApplyAndSolveMatchTheHost) {
  if (!cuda_available())
    GTEST_SKIP() << "no CUDA device here: " << cuda_unavailable_reason();
  const auto mesh = test_box();
  const auto materials = varying_materials(mesh);
  const fem::DofMap dofmap(mesh, 2);
  fem::DirichletConstraints constraints(dofmap, 3);
  const std::array<bool, 3> all{true, true, true};
  constraints.add(mesh.facet_tag("zmin"), all);
  solvers::MatrixFreeSettings gpu;
  gpu.space = ExecutionSpace::cuda;
  auto host =
      solvers::MatrixFreeOperator::elasticity(dofmap, materials.lambda, materials.mu, &constraints);
  auto device = solvers::MatrixFreeOperator::elasticity(dofmap, materials.lambda, materials.mu,
                                                        &constraints, gpu);
  const auto x = random_vector(dofmap, 3, 3);
  auto y = la::create_ghosted_vector(dofmap, 3), ref = la::create_ghosted_vector(dofmap, 3);
  host.apply(x.get(), ref.get());
  device.apply(x.get(), y.get());
  // Atomic adds sum in another order than the host loop: round-off only.
  EXPECT_LT(relative_difference(y.get(), ref.get()), 1e-12);

  PullOut<fem::P2> cpu(4.0), cuda(4.0);
  solvers::LinearSolverSettings s;
  s.rtol = 1e-10;
  cpu.problem.solve(s);
  s.device = ExecutionSpace::cuda;
  const auto report = cuda.problem.solve(s);
  EXPECT_NEAR(cuda.problem.strain_energy() / cpu.problem.strain_energy(), 1.0, 1e-8);
  const auto n = static_cast<std::int64_t>(3 * cuda.problem.dofmap().index_map().num_owned());
  // b, the guess and the eigenvalue estimate's start vector go in; the solution comes out;
  // the rest is dot products (8 bytes) and ghost entries shared with the other rank.
  if (mpi::size(MPI_COMM_WORLD) == 1) {
    EXPECT_EQ(report.transfers.bytes_to_device, 3 * n * 8);
    EXPECT_LT(report.transfers.bytes_to_host, n * 8 + 8 * 10 * (report.iterations + 50));
  }
}
