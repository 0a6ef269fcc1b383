#include "resorb/scaffold/homogenization.hpp"

#include "elasticity_kernels.hpp"
#include "resorb/core/error.hpp"
#include "resorb/fem/lagrange.hpp"
#include "resorb/la/petsc.hpp"
#include "resorb/mesh/reference_cell.hpp"
#include "resorb/physics/elasticity.hpp"
#include "resorb/solvers/p_multigrid.hpp"
#include "scaffold/periodic_nodes.hpp"

#include <Eigen/Dense>
#include <fmt/format.h>
#include <petscmat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <map>
#include <numeric>

namespace resorb::scaffold {
namespace {
using impl::cell_positions;
using impl::PeriodicNodes;
using impl::SolidPieces;

using Matrix6 = Eigen::Matrix<double, 6, 6>;

Matrix6 to_eigen(const VoigtMatrix& c) {
  Matrix6 m;
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j)
      m(i, j) = c[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
  return m;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Strain tensor of unit Voigt strain I (engineering shear: ε_ij = 1/2 for I ≥ 3).
std::array<std::array<double, 3>, 3> unit_strain(int voigt) {
  static constexpr std::array<std::array<int, 2>, 6> pair{
      {{0, 0}, {1, 1}, {2, 2}, {1, 2}, {0, 2}, {0, 1}}};
  std::array<std::array<double, 3>, 3> e{};
  const auto [i, j] = pair[static_cast<std::size_t>(voigt)];
  const double value = voigt < 3 ? 1.0 : 0.5;
  e[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = value;
  e[static_cast<std::size_t>(j)][static_cast<std::size_t>(i)] = value;
  return e;
}

/// Stiffness of the cell problem on @p nodes (SeqAIJ or SeqBAIJ, block size 3, exact
/// preallocation), the rows and columns of @p constrained nodes replaced by the identity.
/// @p on_cell(c, ke, p) sees each cell's element matrix and nodal positions.
template <class Element, class OnCell>
la::Matrix periodic_stiffness(const mesh::PeriodicMesh& mesh, const PeriodicNodes& nodes,
                              const std::vector<double>& lambda, const std::vector<double>& mu,
                              const std::vector<char>& constrained, MatType type,
                              OnCell&& on_cell) {
  constexpr int n = Element::num_nodes;
  const auto npc = static_cast<std::size_t>(n);
  const auto nn = static_cast<std::size_t>(nodes.num_nodes);
  const std::size_t num_cells = mesh.data.cells.size() / 4;
  // Exact block preallocation from the node-to-node graph.
  std::vector<std::size_t> cell_start(nn + 1, 0);
  for (const auto node : nodes.cell_nodes)
    ++cell_start[static_cast<std::size_t>(node) + 1];
  std::partial_sum(cell_start.begin(), cell_start.end(), cell_start.begin());
  std::vector<std::size_t> node_cells(cell_start.back());
  {
    auto fill = cell_start;
    for (std::size_t i = 0; i < nodes.cell_nodes.size(); ++i)
      node_cells[fill[static_cast<std::size_t>(nodes.cell_nodes[i])]++] = i / npc;
  }
  std::vector<PetscInt> row_blocks(nn, 0);
  {
    std::vector<std::size_t> mark(nn, nn);
    for (std::size_t r = 0; r < nn; ++r) {
      mark[r] = r;
      PetscInt count = 1; // the diagonal block, present even for a node no cell uses
      for (std::size_t i = cell_start[r]; i < cell_start[r + 1]; ++i)
        for (std::size_t k = 0; k < npc; ++k) {
          const auto col = static_cast<std::size_t>(nodes.cell_nodes[node_cells[i] * npc + k]);
          if (mark[col] != r) {
            mark[col] = r;
            ++count;
          }
        }
      row_blocks[r] = count;
    }
  }
  la::Matrix a;
  const auto ndofs = static_cast<PetscInt>(3 * nn);
  RESORB_PETSC(MatCreate(PETSC_COMM_SELF, a.out()));
  RESORB_PETSC(MatSetSizes(a.get(), ndofs, ndofs, ndofs, ndofs));
  RESORB_PETSC(MatSetType(a.get(), type));
  RESORB_PETSC(MatSetBlockSize(a.get(), 3));
  RESORB_PETSC(MatXAIJSetPreallocation(a.get(), 3, row_blocks.data(), nullptr, nullptr, nullptr));
  RESORB_PETSC(MatSetOption(a.get(), MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  for (PetscInt r = 0; r < static_cast<PetscInt>(nn); ++r) {
    const std::array<double, 9> zero{};
    RESORB_PETSC(MatSetValuesBlocked(a.get(), 1, &r, 1, &r, zero.data(), ADD_VALUES));
  }
  const kernels::GradientTabulation<Element> tab;
  std::vector<double> ke(static_cast<std::size_t>(9 * n * n));
  std::array<PetscInt, n> idx{};
  for (std::size_t c = 0; c < num_cells; ++c) {
    double x[4][3], p[n][3];
    cell_positions<Element>(mesh, c, x, p);
    kernels::elasticity_stiffness<Element>(tab, x, lambda[c], mu[c], ke.data());
    for (std::size_t k = 0; k < npc; ++k)
      idx[k] = static_cast<PetscInt>(nodes.cell_nodes[c * npc + k]);
    RESORB_PETSC(MatSetValuesBlocked(a.get(), n, idx.data(), n, idx.data(), ke.data(), ADD_VALUES));
    on_cell(c, ke, p);
  }
  RESORB_PETSC(MatAssemblyBegin(a.get(), MAT_FINAL_ASSEMBLY));
  RESORB_PETSC(MatAssemblyEnd(a.get(), MAT_FINAL_ASSEMBLY));
  std::vector<PetscInt> fixed;
  for (std::size_t node = 0; node < nn; ++node)
    if (constrained[node])
      for (PetscInt i = 0; i < 3; ++i)
        fixed.push_back(3 * static_cast<PetscInt>(node) + i);
  RESORB_PETSC(MatZeroRowsColumns(a.get(), static_cast<PetscInt>(fixed.size()), fixed.data(), 1.0,
                                  nullptr, nullptr));
  return a;
}

/// True when the cell problems of P2 are preconditioned by p-multigrid: the settings' choice
/// ("" or "mg"), unless `-<prefix>pc_type` in the options database says otherwise.
bool wants_p_multigrid(const solvers::LinearSolverSettings& settings) {
  char type[64] = {};
  PetscBool set = PETSC_FALSE;
  RESORB_PETSC(PetscOptionsGetString(nullptr, settings.options_prefix.c_str(), "-pc_type", type,
                                     sizeof(type), &set));
  const std::string chosen = set ? std::string(type) : settings.pc_type;
  return chosen.empty() || chosen == PCMG;
}

/// Prolongation from the P1 nodes (the periodic vertices) to the P2 nodes @p fine: identity
/// on vertices, the mean of the two ends on edges; no entries in constrained rows or
/// columns, so that the coarse correction never moves a constrained value.
la::Matrix periodic_p1_to_p2(const PeriodicNodes& fine, GlobalIndex num_vertices,
                             const std::vector<char>& constrained) {
  la::Matrix p;
  const auto rows = static_cast<PetscInt>(3 * fine.num_nodes);
  const auto cols = static_cast<PetscInt>(3 * num_vertices);
  RESORB_PETSC(MatCreateSeqAIJ(PETSC_COMM_SELF, rows, cols, 2, nullptr, p.out()));
  auto free = [&](GlobalIndex node) { return constrained[static_cast<std::size_t>(node)] == 0; };
  for (GlobalIndex node = 0; node < fine.num_nodes; ++node) {
    if (!free(node))
      continue;
    for (PetscInt i = 0; i < 3; ++i) {
      const PetscInt row = 3 * static_cast<PetscInt>(node) + i;
      if (node < num_vertices) {
        RESORB_PETSC(MatSetValue(p.get(), row, row, 1.0, INSERT_VALUES));
        continue;
      }
      for (const auto end : fine.edge_ends[static_cast<std::size_t>(node - num_vertices)])
        if (free(end))
          RESORB_PETSC(
              MatSetValue(p.get(), row, 3 * static_cast<PetscInt>(end) + i, 0.5, INSERT_VALUES));
    }
  }
  RESORB_PETSC(MatAssemblyBegin(p.get(), MAT_FINAL_ASSEMBLY));
  RESORB_PETSC(MatAssemblyEnd(p.get(), MAT_FINAL_ASSEMBLY));
  return p;
}

} // namespace

VoigtMatrix isotropic_stiffness(const physics::IsotropicMaterial& material) {
  const double l = material.lambda(), m = material.mu();
  VoigtMatrix c{};
  for (std::size_t i = 0; i < 3; ++i) {
    for (std::size_t j = 0; j < 3; ++j)
      c[i][j] = l;
    c[i][i] = l + 2.0 * m;
    c[i + 3][i + 3] = m;
  }
  return c;
}

EngineeringConstants engineering_constants(const VoigtMatrix& stiffness) {
  const Matrix6 c = to_eigen(stiffness);
  const Eigen::FullPivLU<Matrix6> lu(c);
  RESORB_REQUIRE(lu.isInvertible(), InputError,
                 "engineering constants: the stiffness matrix is singular (a mechanism)");
  const Matrix6 s = lu.inverse();
  EngineeringConstants out;
  for (int i = 0; i < 3; ++i) {
    const auto ui = static_cast<std::size_t>(i);
    out.young[ui] = 1.0 / s(i, i);
    out.shear[ui] = 1.0 / s(i + 3, i + 3);
    for (int j = 0; j < 3; ++j)
      out.poisson[ui][static_cast<std::size_t>(j)] = i == j ? 0.0 : -s(i, j) / s(i, i);
  }
  const double c11 = (c(0, 0) + c(1, 1) + c(2, 2)) / 3.0;
  const double c12 = (c(0, 1) + c(0, 2) + c(1, 2)) / 3.0;
  const double c44 = (c(3, 3) + c(4, 4) + c(5, 5)) / 3.0;
  out.zener = 2.0 * c44 / (c11 - c12);
  return out;
}

double cubic_symmetry_deviation(const VoigtMatrix& stiffness) {
  const Matrix6 c = to_eigen(stiffness);
  const double c11 = (c(0, 0) + c(1, 1) + c(2, 2)) / 3.0;
  const double c12 = (c(0, 1) + c(0, 2) + c(1, 2) + c(1, 0) + c(2, 0) + c(2, 1)) / 6.0;
  const double c44 = (c(3, 3) + c(4, 4) + c(5, 5)) / 3.0;
  Matrix6 cubic = Matrix6::Zero();
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 3; ++j)
      cubic(i, j) = i == j ? c11 : c12;
    cubic(i + 3, i + 3) = c44;
  }
  return (c - cubic).norm() / c.norm();
}

solvers::LinearSolverSettings HomogenizationSettings::default_solver() {
  solvers::LinearSolverSettings s;
  s.ksp_type = "cg";
  s.pc_type = ""; // GAMG for P1, p-multigrid over GAMG for P2
  s.rtol = 1e-10;
  s.options_prefix = "homogenization_";
  s.reuse = false;
  return s;
}

HomogenizedElasticity
homogenize_elasticity(const mesh::PeriodicMesh& mesh,
                      const std::map<int, physics::IsotropicMaterial>& materials,
                      const HomogenizationSettings& settings) {
  const auto t_assembly = std::chrono::steady_clock::now();
  mesh.validate();
  const auto& data = mesh.data;
  const std::size_t num_cells = data.cells.size() / 4;
  RESORB_REQUIRE(num_cells > 0, InputError,
                 fmt::format("{}: homogenization of an empty periodic mesh", data.source));
  std::vector<double> lambda(num_cells), mu(num_cells);
  for (std::size_t c = 0; c < num_cells; ++c) {
    const int tag = data.cell_tags[c];
    const auto it = materials.find(tag);
    RESORB_REQUIRE(
        it != materials.end(), InputError,
        fmt::format("{}: cell tag {} has no material for the homogenization", data.source, tag));
    lambda[c] = it->second.lambda();
    mu[c] = it->second.mu();
  }
  for (const auto& [tag, material] : materials)
    material.validate(fmt::format("{}: material of cell tag {}", data.source, tag));

  const PeriodicNodes nodes(mesh, settings.degree);
  const SolidPieces pieces(mesh);
  const auto npc = static_cast<std::size_t>(nodes.nodes_per_cell);
  auto cell_is_island = [&](std::size_t c) {
    const auto p = pieces.piece[static_cast<std::size_t>(
        mesh.periodic_vertex[static_cast<std::size_t>(data.cells[4 * c])])];
    return !pieces.wraps[static_cast<std::size_t>(p)];
  };

  HomogenizedElasticity result;
  result.dofs = 3 * nodes.num_nodes;
  for (std::size_t c = 0; c < num_cells; ++c) {
    std::array<std::array<double, 3>, 4> x{};
    for (std::size_t k = 0; k < 4; ++k)
      for (std::size_t d = 0; d < 3; ++d)
        x[k][d] = data.coordinates[3 * static_cast<std::size_t>(data.cells[4 * c + k]) + d];
    const double v = mesh::signed_volume(x);
    result.solid_fraction += v;
    if (cell_is_island(c))
      result.island_volume += v;
  }
  result.solid_fraction /= mesh.period_volume();
  for (const bool w : pieces.wraps)
    result.islands += w ? 0 : 1;

  // Constrained nodes: one per wrapping piece (its translation), every node of an island,
  // and any vertex no cell uses.
  std::vector<char> constrained(static_cast<std::size_t>(nodes.num_nodes), 1);
  for (const auto node : nodes.cell_nodes)
    constrained[static_cast<std::size_t>(node)] = 0;
  for (std::size_t p = 0; p < pieces.wraps.size(); ++p)
    if (pieces.wraps[p])
      constrained[static_cast<std::size_t>(pieces.root[p])] = 1;
  for (std::size_t c = 0; c < num_cells; ++c)
    if (cell_is_island(c))
      for (std::size_t k = 0; k < npc; ++k)
        constrained[static_cast<std::size_t>(nodes.cell_nodes[c * npc + k])] = 1;

  const auto nn = static_cast<std::size_t>(nodes.num_nodes);
  std::array<std::vector<double>, 6> rhs;
  for (auto& b : rhs)
    b.assign(static_cast<std::size_t>(result.dofs), 0.0);
  std::array<std::array<std::array<double, 3>, 3>, 6> strain{};
  for (int i = 0; i < 6; ++i)
    strain[static_cast<std::size_t>(i)] = unit_strain(i);

  fem::with_element(settings.degree, [&]<class Element>() {
    constexpr int n = Element::num_nodes;
    constexpr int m = 3 * n;
    auto affine = [&](int load, const double(&p)[n][3], double* u) {
      const auto& e = strain[static_cast<std::size_t>(load)];
      for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k)
        for (std::size_t i = 0; i < 3; ++i)
          u[3 * k + i] = e[i][0] * p[k][0] + e[i][1] * p[k][1] + e[i][2] * p[k][2];
    };
    auto dof = [&](std::size_t c, int r) {
      return static_cast<std::size_t>(
          3 * nodes.cell_nodes[c * npc + static_cast<std::size_t>(r / 3)] + r % 3);
    };
    // Loads: minus the stiffness applied to the affine field, on the load-carrying cells.
    auto add_loads = [&](std::size_t c, const std::vector<double>& ke, const double(&p)[n][3]) {
      if (cell_is_island(c))
        return;
      for (int load = 0; load < 6; ++load) {
        double u[m];
        affine(load, p, u);
        auto& b = rhs[static_cast<std::size_t>(load)];
        for (int r = 0; r < m; ++r) {
          double s = 0.0;
          for (int q = 0; q < m; ++q)
            s += ke[static_cast<std::size_t>(r * m + q)] * u[q];
          b[dof(c, r)] -= s;
        }
      }
    };
    // P2 (p-multigrid) smooths with MatMult and point-block Jacobi only, which BAIJ serves
    // with fewer bytes; GAMG needs AIJ.
    const bool p_multigrid = Element::degree == 2 && wants_p_multigrid(settings.solver);
    la::Matrix a = periodic_stiffness<Element>(mesh, nodes, lambda, mu, constrained,
                                               p_multigrid ? MATSEQBAIJ : MATSEQAIJ, add_loads);
    for (auto& b : rhs)
      for (std::size_t node = 0; node < nn; ++node)
        if (constrained[node])
          for (std::size_t i = 0; i < 3; ++i)
            b[3 * node + i] = 0.0;
    const la::NullSpace modes = la::set_rigid_body_near_null_space(a.get(), nodes.coordinates);
    // The P1 level of p-multigrid: the same cell problem on the periodic vertices.
    la::Matrix coarse, prolongation;
    la::NullSpace coarse_modes;
    if (p_multigrid) {
      const PeriodicNodes vertices(mesh, 1);
      coarse = periodic_stiffness<fem::P1>(
          mesh, vertices, lambda, mu, constrained, MATSEQAIJ,
          [](std::size_t, const std::vector<double>&, const double(&)[4][3]) {});
      coarse_modes = la::set_rigid_body_near_null_space(coarse.get(), vertices.coordinates);
      prolongation = periodic_p1_to_p2(nodes, vertices.num_nodes, constrained);
    }
    result.assembly_seconds = seconds_since(t_assembly);

    // The six cell problems.
    const auto t_solve = std::chrono::steady_clock::now();
    solvers::LinearSolverSettings tuned = settings.solver;
    if (tuned.pc_type.empty())
      tuned.pc_type = p_multigrid ? PCMG : PCGAMG;
    solvers::LinearSolver solver(PETSC_COMM_SELF, tuned);
    if (p_multigrid) {
      solvers::PMultigridSettings levels;
      levels.coarse_defaults = physics::elasticity_p1_level_defaults();
      solvers::configure_p_multigrid(solver.ksp(), tuned.options_prefix, prolongation.get(),
                                     coarse.get(), levels);
    }
    solver.set_operator(a.get());
    la::Vector bvec, xvec;
    RESORB_PETSC(MatCreateVecs(a.get(), xvec.out(), bvec.out()));
    std::array<std::vector<double>, 6> chi;
    // Without a load-carrying piece every node is constrained and the fluctuations vanish.
    const bool any_free = std::find(constrained.begin(), constrained.end(), 0) != constrained.end();
    for (int load = 0; load < 6; ++load) {
      if (!any_free) {
        chi[static_cast<std::size_t>(load)].assign(static_cast<std::size_t>(result.dofs), 0.0);
        continue;
      }
      auto& b = rhs[static_cast<std::size_t>(load)];
      PetscScalar* bv = nullptr;
      RESORB_PETSC(VecGetArray(bvec.get(), &bv));
      std::copy(b.begin(), b.end(), bv);
      RESORB_PETSC(VecRestoreArray(bvec.get(), &bv));
      RESORB_PETSC(VecSet(xvec.get(), 0.0));
      const auto report = solver.solve(bvec.get(), xvec.get());
      result.iterations[static_cast<std::size_t>(load)] = report.iterations;
      const PetscScalar* xv = nullptr;
      RESORB_PETSC(VecGetArrayRead(xvec.get(), &xv));
      chi[static_cast<std::size_t>(load)].assign(xv, xv + result.dofs);
      RESORB_PETSC(VecRestoreArrayRead(xvec.get(), &xv));
    }
    result.solve_seconds = seconds_since(t_solve);

    // C*_IJ = (1/|Y|) Σ_cells u_I · K_e u_J, u_I = affine + fluctuation.
    const kernels::GradientTabulation<Element> tab;
    std::vector<double> ke(static_cast<std::size_t>(m * m));
    Matrix6 energy = Matrix6::Zero();
    for (std::size_t c = 0; c < num_cells; ++c) {
      if (cell_is_island(c))
        continue;
      double x[4][3], p[n][3];
      cell_positions<Element>(mesh, c, x, p);
      kernels::elasticity_stiffness<Element>(tab, x, lambda[c], mu[c], ke.data());
      Eigen::Matrix<double, m, 6> u, ku;
      for (int load = 0; load < 6; ++load) {
        double ua[m];
        affine(load, p, ua);
        const auto& f = chi[static_cast<std::size_t>(load)];
        for (int r = 0; r < m; ++r)
          u(r, load) = ua[r] + f[dof(c, r)];
      }
      ku = Eigen::Map<const Eigen::Matrix<double, m, m, Eigen::RowMajor>>(ke.data()) * u;
      energy += u.transpose() * ku;
    }
    energy /= mesh.period_volume();
    for (int i = 0; i < 6; ++i)
      for (int j = 0; j < 6; ++j)
        result.stiffness[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] =
            0.5 * (energy(i, j) + energy(j, i));
  });
  return result;
}

} // namespace resorb::scaffold
