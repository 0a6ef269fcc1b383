#include "resorb/scaffold/homogenization.hpp"

#include "elasticity_kernels.hpp"
#include "resorb/core/error.hpp"
#include "resorb/fem/lagrange.hpp"
#include "resorb/la/petsc.hpp"
#include "resorb/mesh/reference_cell.hpp"

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

using Shift = std::array<int, 3>;
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

/// Node numbering of a Lagrange space on a periodic mesh: one node per periodic vertex and,
/// for P2, per periodic edge (an edge and its images share one). Cell node order as the
/// elements': vertices, then edges in mesh::edge_vertices order.
struct PeriodicNodes {
  int nodes_per_cell = 4;
  GlobalIndex num_nodes = 0;
  std::vector<GlobalIndex> cell_nodes; // nodes_per_cell per cell

  PeriodicNodes(const mesh::PeriodicMesh& mesh, int degree) {
    const auto& data = mesh.data;
    const std::size_t num_cells = data.cells.size() / 4;
    nodes_per_cell = degree == 1 ? 4 : 10;
    num_nodes = mesh.num_periodic_vertices;
    cell_nodes.resize(num_cells * static_cast<std::size_t>(nodes_per_cell));
    // An edge is its two periodic vertices and the shift between their images; the key is
    // oriented from the smaller periodic vertex so that an edge and its images coincide.
    std::map<std::pair<std::array<GlobalIndex, 2>, Shift>, GlobalIndex> edges;
    for (std::size_t c = 0; c < num_cells; ++c) {
      auto* nodes = &cell_nodes[c * static_cast<std::size_t>(nodes_per_cell)];
      for (std::size_t k = 0; k < 4; ++k)
        nodes[k] = mesh.periodic_vertex[static_cast<std::size_t>(data.cells[4 * c + k])];
      if (degree == 1)
        continue;
      for (std::size_t e = 0; e < 6; ++e) {
        auto a = static_cast<std::size_t>(data.cells[4 * c + mesh::edge_vertices[e][0]]);
        auto b = static_cast<std::size_t>(data.cells[4 * c + mesh::edge_vertices[e][1]]);
        if (mesh.periodic_vertex[a] > mesh.periodic_vertex[b])
          std::swap(a, b);
        Shift shift{};
        for (std::size_t d = 0; d < 3; ++d)
          shift[d] = mesh.image[b][d] - mesh.image[a][d];
        const auto key = std::make_pair(
            std::array<GlobalIndex, 2>{mesh.periodic_vertex[a], mesh.periodic_vertex[b]}, shift);
        const auto [it, inserted] = edges.try_emplace(key, num_nodes);
        if (inserted)
          ++num_nodes;
        nodes[4 + e] = it->second;
      }
    }
  }
};

/// Solid pieces that touch none of their periodic images ("islands"): their displacement is
/// free up to rigid motions, and they carry no load. A piece touches an image when lifting
/// its periodic vertices out of the torus along its edges meets a vertex twice at different
/// shifts. Returns, per periodic vertex, its piece's number, and per piece whether it wraps.
struct SolidPieces {
  std::vector<int> piece;        // per periodic vertex (-1: used by no cell)
  std::vector<bool> wraps;       // per piece
  std::vector<GlobalIndex> root; // per piece: a periodic vertex of it

  explicit SolidPieces(const mesh::PeriodicMesh& mesh) {
    const auto& data = mesh.data;
    const auto nv = static_cast<std::size_t>(mesh.num_periodic_vertices);
    // Adjacency over periodic vertices through cell edges, with the image shift.
    std::vector<std::vector<std::pair<GlobalIndex, Shift>>> next(nv);
    const std::size_t num_cells = data.cells.size() / 4;
    for (std::size_t c = 0; c < num_cells; ++c)
      for (const auto& ev : mesh::edge_vertices) {
        const auto a = static_cast<std::size_t>(data.cells[4 * c + ev[0]]);
        const auto b = static_cast<std::size_t>(data.cells[4 * c + ev[1]]);
        Shift ab{};
        for (std::size_t d = 0; d < 3; ++d)
          ab[d] = mesh.image[b][d] - mesh.image[a][d];
        const auto pa = mesh.periodic_vertex[a], pb = mesh.periodic_vertex[b];
        next[static_cast<std::size_t>(pa)].push_back({pb, ab});
        next[static_cast<std::size_t>(pb)].push_back({pa, {-ab[0], -ab[1], -ab[2]}});
      }
    piece.assign(nv, -1);
    std::vector<Shift> lift(nv);
    std::deque<GlobalIndex> queue;
    for (std::size_t start = 0; start < nv; ++start) {
      if (piece[start] >= 0 || next[start].empty())
        continue;
      const int id = static_cast<int>(wraps.size());
      wraps.push_back(false);
      root.push_back(static_cast<GlobalIndex>(start));
      piece[start] = id;
      lift[start] = {0, 0, 0};
      queue.push_back(static_cast<GlobalIndex>(start));
      while (!queue.empty()) {
        const auto v = static_cast<std::size_t>(queue.front());
        queue.pop_front();
        for (const auto& [w, shift] : next[v]) {
          const auto wi = static_cast<std::size_t>(w);
          const Shift lifted{lift[v][0] + shift[0], lift[v][1] + shift[1], lift[v][2] + shift[2]};
          if (piece[wi] < 0) {
            piece[wi] = id;
            lift[wi] = lifted;
            queue.push_back(w);
          } else if (lift[wi] != lifted) {
            wraps[static_cast<std::size_t>(id)] = true;
          }
        }
      }
    }
  }
};

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
  s.pc_type = "gamg";
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

  // Constrained nodes: one per wrapping piece (its translation), every node of an island.
  std::vector<char> constrained(static_cast<std::size_t>(nodes.num_nodes), 0);
  for (std::size_t p = 0; p < pieces.wraps.size(); ++p)
    if (pieces.wraps[p])
      constrained[static_cast<std::size_t>(pieces.root[p])] = 1;
  for (std::size_t c = 0; c < num_cells; ++c)
    if (cell_is_island(c))
      for (std::size_t k = 0; k < npc; ++k)
        constrained[static_cast<std::size_t>(nodes.cell_nodes[c * npc + k])] = 1;

  // Exact block preallocation from the node-to-node graph.
  const auto nn = static_cast<std::size_t>(nodes.num_nodes);
  std::vector<std::size_t> cell_start(nn + 1, 0);
  for (const auto n : nodes.cell_nodes)
    ++cell_start[static_cast<std::size_t>(n) + 1];
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
    for (std::size_t n = 0; n < nn; ++n) {
      mark[n] = n;
      PetscInt count = 1; // the diagonal block, present even for a node no cell uses
      for (std::size_t i = cell_start[n]; i < cell_start[n + 1]; ++i)
        for (std::size_t k = 0; k < npc; ++k) {
          const auto m = static_cast<std::size_t>(nodes.cell_nodes[node_cells[i] * npc + k]);
          if (mark[m] != n) {
            mark[m] = n;
            ++count;
          }
        }
      row_blocks[n] = count;
    }
  }
  la::Matrix a;
  const auto ndofs = static_cast<PetscInt>(result.dofs);
  RESORB_PETSC(MatCreate(PETSC_COMM_SELF, a.out()));
  RESORB_PETSC(MatSetSizes(a.get(), ndofs, ndofs, ndofs, ndofs));
  RESORB_PETSC(MatSetType(a.get(), MATSEQAIJ));
  RESORB_PETSC(MatSetBlockSize(a.get(), 3));
  RESORB_PETSC(MatXAIJSetPreallocation(a.get(), 3, row_blocks.data(), nullptr, nullptr, nullptr));
  RESORB_PETSC(MatSetOption(a.get(), MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  for (PetscInt n = 0; n < static_cast<PetscInt>(nn); ++n) {
    const std::array<double, 9> zero{};
    RESORB_PETSC(MatSetValuesBlocked(a.get(), 1, &n, 1, &n, zero.data(), ADD_VALUES));
  }

  std::array<std::vector<double>, 6> rhs;
  for (auto& b : rhs)
    b.assign(static_cast<std::size_t>(result.dofs), 0.0);
  std::array<std::array<std::array<double, 3>, 3>, 6> strain{};
  for (int i = 0; i < 6; ++i)
    strain[static_cast<std::size_t>(i)] = unit_strain(i);

  fem::with_element(settings.degree, [&]<class Element>() {
    constexpr int n = Element::num_nodes;
    constexpr int m = 3 * n;
    const kernels::GradientTabulation<Element> tab;
    std::vector<double> ke(static_cast<std::size_t>(m * m));
    std::vector<PetscInt> idx(n);
    // Nodal positions of cell c (vertices, then edge midpoints), unwrapped.
    auto positions = [&](std::size_t c, double(&x)[4][3], double(&p)[n][3]) {
      for (std::size_t k = 0; k < 4; ++k)
        for (std::size_t d = 0; d < 3; ++d)
          x[k][d] = data.coordinates[3 * static_cast<std::size_t>(data.cells[4 * c + k]) + d] -
                    mesh.origin[d];
      for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k)
        for (std::size_t d = 0; d < 3; ++d)
          p[k][d] = k < 4 ? x[k][d]
                          : 0.5 * (x[mesh::edge_vertices[k - 4][0]][d] +
                                   x[mesh::edge_vertices[k - 4][1]][d]);
    };
    auto affine = [&](int load, const double(&p)[n][3], double* u) {
      const auto& e = strain[static_cast<std::size_t>(load)];
      for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k)
        for (std::size_t i = 0; i < 3; ++i)
          u[3 * k + i] = e[i][0] * p[k][0] + e[i][1] * p[k][1] + e[i][2] * p[k][2];
    };
    for (std::size_t c = 0; c < num_cells; ++c) {
      double x[4][3], p[n][3];
      positions(c, x, p);
      kernels::elasticity_stiffness<Element>(tab, x, lambda[c], mu[c], ke.data());
      for (std::size_t k = 0; k < static_cast<std::size_t>(n); ++k)
        idx[k] = static_cast<PetscInt>(nodes.cell_nodes[c * npc + k]);
      RESORB_PETSC(
          MatSetValuesBlocked(a.get(), n, idx.data(), n, idx.data(), ke.data(), ADD_VALUES));
      if (cell_is_island(c))
        continue;
      for (int load = 0; load < 6; ++load) {
        double u[m];
        affine(load, p, u);
        auto& b = rhs[static_cast<std::size_t>(load)];
        for (int r = 0; r < m; ++r) {
          double s = 0.0;
          for (int q = 0; q < m; ++q)
            s += ke[static_cast<std::size_t>(r * m + q)] * u[q];
          b[static_cast<std::size_t>(3 * idx[static_cast<std::size_t>(r / 3)] + r % 3)] -= s;
        }
      }
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
    for (auto& b : rhs)
      for (const auto i : fixed)
        b[static_cast<std::size_t>(i)] = 0.0;
    result.assembly_seconds = seconds_since(t_assembly);

    // The six cell problems.
    const auto t_solve = std::chrono::steady_clock::now();
    solvers::LinearSolver solver(PETSC_COMM_SELF, settings.solver);
    solver.set_operator(a.get());
    la::Vector bvec, xvec;
    RESORB_PETSC(MatCreateVecs(a.get(), xvec.out(), bvec.out()));
    std::array<std::vector<double>, 6> chi;
    for (int load = 0; load < 6; ++load) {
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
    Matrix6 energy = Matrix6::Zero();
    for (std::size_t c = 0; c < num_cells; ++c) {
      if (cell_is_island(c))
        continue;
      double x[4][3], p[n][3];
      positions(c, x, p);
      kernels::elasticity_stiffness<Element>(tab, x, lambda[c], mu[c], ke.data());
      Eigen::Matrix<double, m, 6> u, ku;
      for (int load = 0; load < 6; ++load) {
        double ua[m];
        affine(load, p, ua);
        const auto& f = chi[static_cast<std::size_t>(load)];
        for (int r = 0; r < m; ++r)
          u(r, load) =
              ua[r] + f[static_cast<std::size_t>(
                          3 * nodes.cell_nodes[c * npc + static_cast<std::size_t>(r / 3)] + r % 3)];
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
