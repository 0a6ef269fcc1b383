#include "resorb/scaffold/permeability.hpp"

#include "elasticity_kernels.hpp"
#include "resorb/core/error.hpp"
#include "resorb/fem/lagrange.hpp"
#include "resorb/fem/quadrature.hpp"
#include "resorb/la/petsc.hpp"
#include "resorb/mesh/reference_cell.hpp"
#include "resorb/solvers/linear_solver.hpp"
#include "scaffold/periodic_nodes.hpp"

#include <fmt/format.h>
#include <petscmat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

namespace resorb::scaffold {

StokesPermeability stokes_permeability(const mesh::PeriodicMesh& mesh, int fluid_tag,
                                       const PermeabilitySettings& settings) {
  const auto start = std::chrono::steady_clock::now();
  mesh.validate();
  const auto& data = mesh.data;
  const std::size_t num_cells = data.cells.size() / 4;
  // Lengths in units of the period: k = L² k̂ (the scaled system is well conditioned).
  const double length = std::max({mesh.period[0], mesh.period[1], mesh.period[2]});
  std::vector<char> fluid(num_cells, 0);
  std::size_t num_fluid = 0;
  for (std::size_t c = 0; c < num_cells; ++c)
    if (data.cell_tags[c] == fluid_tag) {
      fluid[c] = 1;
      ++num_fluid;
    }
  RESORB_REQUIRE(num_fluid > 0, InputError,
                 fmt::format("{}: no cell has the fluid tag {}", data.source, fluid_tag));

  // Velocity nodes on all cells. Wall nodes are those of fluid faces that no second fluid
  // cell shares: a face is known by its three edge nodes, which an image shares.
  const impl::PeriodicNodes nodes(mesh, 2);
  const auto nn = static_cast<std::size_t>(nodes.num_nodes);
  const auto nv = static_cast<std::size_t>(mesh.num_periodic_vertices);
  std::vector<char> in_fluid(nn, 0), wall(nn, 0);
  {
    // Local faces opposite vertex f: vertices facet_vertices[f]; their edges in P2 order.
    std::map<std::array<GlobalIndex, 3>, std::pair<int, std::array<GlobalIndex, 6>>> faces;
    for (std::size_t c = 0; c < num_cells; ++c) {
      if (!fluid[c])
        continue;
      const auto* cn = &nodes.cell_nodes[10 * c];
      for (std::size_t k = 0; k < 10; ++k)
        in_fluid[static_cast<std::size_t>(cn[k])] = 1;
      for (const auto& fv : mesh::facet_vertices) {
        std::array<GlobalIndex, 6> face_nodes{cn[fv[0]], cn[fv[1]], cn[fv[2]], 0, 0, 0};
        std::size_t e = 3;
        for (std::size_t k = 0; k < 6; ++k) {
          const auto& ev = mesh::edge_vertices[k];
          const auto on = [&](int v) { return v == fv[0] || v == fv[1] || v == fv[2]; };
          if (on(ev[0]) && on(ev[1]))
            face_nodes[e++] = cn[4 + k];
        }
        std::array<GlobalIndex, 3> key{face_nodes[3], face_nodes[4], face_nodes[5]};
        std::sort(key.begin(), key.end());
        auto& entry = faces[key];
        ++entry.first;
        entry.second = face_nodes;
      }
    }
    for (const auto& [key, entry] : faces)
      if (entry.first == 1)
        for (const auto node : entry.second)
          wall[static_cast<std::size_t>(node)] = 1;
  }
  // The fluid's pieces: one pressure pinned in each (its constant is free), and pieces that
  // touch no image are closed pores.
  mesh::PeriodicMesh pores = mesh;
  pores.data.cells.clear();
  pores.data.cell_tags.clear();
  for (std::size_t c = 0; c < num_cells; ++c)
    if (fluid[c]) {
      pores.data.cells.insert(pores.data.cells.end(), data.cells.begin() + 4 * c,
                              data.cells.begin() + 4 * c + 4);
      pores.data.cell_tags.push_back(fluid_tag);
    }
  const impl::SolidPieces pieces(pores);
  StokesPermeability out;
  for (const bool w : pieces.wraps)
    out.closed_pores += w ? 0 : 1;

  // Unknowns: 3 velocity components per P2 node, then one pressure per vertex.
  const auto velocity = [](std::size_t node, std::size_t i) {
    return static_cast<PetscInt>(3 * node + i);
  };
  const auto pressure = [&](std::size_t vertex) { return static_cast<PetscInt>(3 * nn + vertex); };
  const auto n_dofs = static_cast<PetscInt>(3 * nn + nv);
  std::vector<PetscInt> fixed;
  for (std::size_t node = 0; node < nn; ++node)
    if (!in_fluid[node] || wall[node])
      for (std::size_t i = 0; i < 3; ++i)
        fixed.push_back(velocity(node, i));
  for (std::size_t v = 0; v < nv; ++v)
    if (!in_fluid[v])
      fixed.push_back(pressure(v));
  for (const auto root : pieces.root)
    fixed.push_back(pressure(static_cast<std::size_t>(root)));
  std::sort(fixed.begin(), fixed.end());
  fixed.erase(std::unique(fixed.begin(), fixed.end()), fixed.end());

  // Exact preallocation: a node's row couples with every node of the fluid cells around it.
  std::vector<std::vector<std::size_t>> node_cells(nn);
  for (std::size_t c = 0; c < num_cells; ++c)
    if (fluid[c])
      for (std::size_t k = 0; k < 10; ++k)
        node_cells[static_cast<std::size_t>(nodes.cell_nodes[10 * c + k])].push_back(c);
  std::vector<PetscInt> row_nonzeros(static_cast<std::size_t>(n_dofs), 1);
  {
    std::vector<std::size_t> mark(nn, nn);
    for (std::size_t node = 0; node < nn; ++node) {
      PetscInt p2 = 0, p1 = 0;
      for (const auto c : node_cells[node])
        for (std::size_t k = 0; k < 10; ++k) {
          const auto other = static_cast<std::size_t>(nodes.cell_nodes[10 * c + k]);
          if (mark[other] != node) {
            mark[other] = node;
            ++p2;
            p1 += other < nv ? 1 : 0;
          }
        }
      for (std::size_t i = 0; i < 3; ++i)
        row_nonzeros[static_cast<std::size_t>(velocity(node, i))] =
            std::max<PetscInt>(1, 3 * p2 + p1);
      if (node < nv)
        row_nonzeros[static_cast<std::size_t>(pressure(node))] = std::max<PetscInt>(1, 3 * p2 + 1);
    }
  }
  la::Matrix a;
  RESORB_PETSC(MatCreateSeqAIJ(PETSC_COMM_SELF, n_dofs, n_dofs, 0, row_nonzeros.data(), a.out()));
  RESORB_PETSC(MatSetOption(a.get(), MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  for (PetscInt r = 0; r < n_dofs; ++r)
    RESORB_PETSC(MatSetValue(a.get(), r, r, 0.0, ADD_VALUES));

  // Element matrices on the scaled cell: viscous form 2 ε(u) : ε(v) (the elasticity kernel
  // with λ = 0, μ = 1: for periodic, divergence-free fields it equals ∇u : ∇v),
  // divergence −∫ q div u, and the load ∫ v_j of a unit body force.
  const kernels::GradientTabulation<fem::P2> tab;
  const auto& rule = fem::tetrahedron_four_point_rule; // exact for P1 × ∇P2 and ∫ N (P2)
  std::array<std::array<double, 10>, 4> n2{};
  std::array<std::array<double, 4>, 4> n1{};
  for (std::size_t q = 0; q < 4; ++q) {
    double dn2[10][3], dn1[4][3];
    fem::P2::tabulate(rule.points[q], n2[q].data(), dn2);
    fem::P1::tabulate(rule.points[q], n1[q].data(), dn1);
  }
  std::array<std::vector<double>, 3> load;
  for (auto& b : load)
    b.assign(static_cast<std::size_t>(n_dofs), 0.0);
  std::vector<double> ke(900);
  for (std::size_t c = 0; c < num_cells; ++c) {
    if (!fluid[c])
      continue;
    double x[4][3], p[10][3];
    impl::cell_positions<fem::P2>(mesh, c, x, p);
    for (auto& row : x)
      for (auto& v : row)
        v /= length;
    kernels::elasticity_stiffness<fem::P2>(tab, x, 0.0, 1.0, ke.data());
    std::array<PetscInt, 30> u_idx{};
    std::array<PetscInt, 4> p_idx{};
    for (std::size_t k = 0; k < 10; ++k)
      for (std::size_t i = 0; i < 3; ++i)
        u_idx[3 * k + i] = velocity(static_cast<std::size_t>(nodes.cell_nodes[10 * c + k]), i);
    for (std::size_t k = 0; k < 4; ++k)
      p_idx[k] = pressure(static_cast<std::size_t>(nodes.cell_nodes[10 * c + k]));
    RESORB_PETSC(MatSetValues(a.get(), 30, u_idx.data(), 30, u_idx.data(), ke.data(), ADD_VALUES));
    double kinv[3][3];
    const double detj = mesh::inverse_jacobian(x, kinv);
    std::array<double, 120> b{}; // 4 pressures × 30 velocities
    std::array<double, 10> integral{};
    for (std::size_t q = 0; q < 4; ++q) {
      double g[10][3];
      kernels::physical_gradients<fem::P2>(tab, static_cast<int>(q), kinv, g);
      const double w = rule.weights[q] * detj;
      for (std::size_t k = 0; k < 10; ++k) {
        integral[k] += w * n2[q][k];
        for (std::size_t a4 = 0; a4 < 4; ++a4)
          for (std::size_t i = 0; i < 3; ++i)
            b[30 * a4 + 3 * k + i] -= w * n1[q][a4] * g[k][i];
      }
    }
    std::array<double, 120> bt{};
    for (std::size_t a4 = 0; a4 < 4; ++a4)
      for (std::size_t j = 0; j < 30; ++j)
        bt[4 * j + a4] = b[30 * a4 + j];
    RESORB_PETSC(MatSetValues(a.get(), 4, p_idx.data(), 30, u_idx.data(), b.data(), ADD_VALUES));
    RESORB_PETSC(MatSetValues(a.get(), 30, u_idx.data(), 4, p_idx.data(), bt.data(), ADD_VALUES));
    for (std::size_t j = 0; j < 3; ++j)
      for (std::size_t k = 0; k < 10; ++k)
        load[j][static_cast<std::size_t>(u_idx[3 * k + j])] += integral[k];
  }
  RESORB_PETSC(MatAssemblyBegin(a.get(), MAT_FINAL_ASSEMBLY));
  RESORB_PETSC(MatAssemblyEnd(a.get(), MAT_FINAL_ASSEMBLY));
  RESORB_PETSC(MatZeroRowsColumns(a.get(), static_cast<PetscInt>(fixed.size()), fixed.data(), 1.0,
                                  nullptr, nullptr));
  RESORB_PETSC(MatSetOption(a.get(), MAT_SYMMETRIC, PETSC_TRUE));
  for (auto& b : load)
    for (const auto i : fixed)
      b[static_cast<std::size_t>(i)] = 0.0;

  // A direct solve: the saddle point is symmetric indefinite (MUMPS LDLᵀ, half LU's work).
  solvers::LinearSolverSettings direct;
  direct.ksp_type = KSPPREONLY;
  direct.pc_type = PCCHOLESKY;
  direct.options_prefix = settings.options_prefix;
  direct.default_options = {{"-pc_factor_mat_solver_type", "mumps"}};
  direct.reuse = false;
  solvers::LinearSolver solver(PETSC_COMM_SELF, direct);
  solver.set_operator(a.get());
  la::Vector bvec, xvec;
  RESORB_PETSC(MatCreateVecs(a.get(), xvec.out(), bvec.out()));
  double fluid_volume = 0.0;
  for (std::size_t c = 0; c < num_cells; ++c)
    if (fluid[c]) {
      double x[4][3], p[10][3];
      impl::cell_positions<fem::P2>(mesh, c, x, p);
      double kinv[3][3];
      fluid_volume += mesh::inverse_jacobian(x, kinv) / 6.0;
    }
  out.fluid_fraction = fluid_volume / mesh.period_volume();
  const double scaled_volume = mesh.period_volume() / (length * length * length);
  for (std::size_t j = 0; j < 3; ++j) {
    PetscScalar* bv = nullptr;
    RESORB_PETSC(VecGetArray(bvec.get(), &bv));
    std::copy(load[j].begin(), load[j].end(), bv);
    RESORB_PETSC(VecRestoreArray(bvec.get(), &bv));
    (void)solver.solve(bvec.get(), xvec.get());
    // ⟨u_i⟩ = (1/|Y|) Σ_nodes u ∫ N: the load vector of direction i holds ∫ N on free nodes
    // (wall nodes have u = 0), so it is the weight.
    const PetscScalar* xv = nullptr;
    RESORB_PETSC(VecGetArrayRead(xvec.get(), &xv));
    for (std::size_t i = 0; i < 3; ++i) {
      double mean = 0.0;
      for (std::size_t node = 0; node < nn; ++node)
        mean += load[i][3 * node + i] * xv[3 * node + i];
      out.tensor[i][j] = mean / scaled_volume * length * length;
    }
    RESORB_PETSC(VecRestoreArrayRead(xvec.get(), &xv));
  }
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < i; ++j)
      out.tensor[i][j] = out.tensor[j][i] = 0.5 * (out.tensor[i][j] + out.tensor[j][i]);
  out.dofs = n_dofs - static_cast<GlobalIndex>(fixed.size());
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

} // namespace resorb::scaffold
