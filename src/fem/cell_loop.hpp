#pragma once
// The cell loop: the one place where physics walks the cells of a mesh with a kernel from
// kernels/. Private to the library (it includes Kokkos, which is not a public dependency).
//
// A kernel is a functor with
//   static constexpr int block_size;   // values per node
//   static constexpr int num_nodes;    // nodes per cell
//   void operator()(LocalIndex cell, const mesh::CellCoordinates& x, double* ke) const;
// writing the (block_size · num_nodes)² element matrix, row-major, DOF order (node,
// component). Kernels are device-portable (RESORB_HOST_DEVICE) and hold their per-cell
// coefficients themselves.
//
// Gather, kernel and scatter run inside one Kokkos parallel region: no element matrices are
// staged in memory between passes. The scatter adds into shared matrix and vector storage,
// so these loops run on Kokkos::Serial; a threaded host backend would need a cell colouring
// and device backends use the matrix-free apply (same kernels) instead of assembled matrices.

#include "resorb/fem/assembly.hpp"
#include "resorb/fem/dirichlet.hpp"
#include "resorb/la/matrix_assembler.hpp"
#include "resorb/la/petsc.hpp"
#include "resorb/mesh/tet_geometry.hpp"

#include <Kokkos_Core.hpp>

#include <array>

namespace resorb::fem::impl {

/// Execution space of the scatter-adding host loops.
using ScatterSpace = Kokkos::Serial;

/// Contract of a cell-matrix kernel (see the file comment).
template <class K>
concept CellMatrixKernel = requires(const K k, LocalIndex c, const mesh::CellCoordinates& x,
                                    double* ke) {
  { K::block_size } -> std::convertible_to<int>;
  { K::num_nodes } -> std::convertible_to<int>;
  k(c, x, ke);
};

/// Storage of one element matrix of @p Kernel, (b·n)² row-major.
template <class Kernel>
using ElementMatrix = std::array<double, (Kernel::block_size * Kernel::num_nodes) *
                                             (Kernel::block_size * Kernel::num_nodes)>;

/// Calls body(c, x) for every owned cell c with its vertex coordinates x.
template <class Body>
void for_each_cell(const mesh::TetMesh& mesh, const Body& body) {
  Kokkos::parallel_for("resorb::for_each_cell",
                       Kokkos::RangePolicy<ScatterSpace>(0, mesh.num_cells()),
                       [&](const LocalIndex c) {
                         mesh::CellCoordinates x;
                         mesh.cell_coordinates(c, x);
                         body(c, x);
                       });
}

/// Assembles the element matrices of @p kernel into @p assembler (begin() to end()). Elements
/// touching @p constraints are eliminated symmetrically and their lifted values added to the
/// ghosted vector @p lift (left open: call VecAssemblyBegin/End on it). Collective.
template <CellMatrixKernel Kernel>
void assemble_matrix(const DofMap& dofmap, const Kernel& kernel, la::MatrixAssembler& assembler,
                     const DirichletConstraints& constraints, Vec lift) {
  assembler.begin();
  for_each_cell(dofmap.mesh(), [&](LocalIndex c, const mesh::CellCoordinates& x) {
    ElementMatrix<Kernel> ke;
    kernel(c, x, ke.data());
    const auto nodes = dofmap.cell_nodes(c);
    if (constraints.touches(nodes)) {
      std::array<double, Kernel::block_size * Kernel::num_nodes> be;
      constraints.eliminate(nodes, ke.data(), be.data());
      add_element_vector(lift, nodes, Kernel::block_size, be.data());
    }
    assembler.add(c, ke.data());
  });
  assembler.end();
}

/// y = Σ_cells K_e u_e without an assembled matrix (internal forces, energies): @p u's local
/// form must be up to date; @p y (ghosted, same layout) is overwritten and its ghosts
/// accumulated into the owners. Collective.
template <CellMatrixKernel Kernel>
void apply_cell_matrices(const DofMap& dofmap, const Kernel& kernel, Vec u, Vec y) {
  la::zero_local_form(y);
  {
    const la::LocalRead uv(u);
    la::LocalWrite yv(y);
    for_each_cell(dofmap.mesh(), [&](LocalIndex c, const mesh::CellCoordinates& x) {
      constexpr int b = Kernel::block_size;
      constexpr int n = Kernel::num_nodes;
      constexpr int m = b * n;
      ElementMatrix<Kernel> ke;
      std::array<double, m> ue;
      kernel(c, x, ke.data());
      const auto nodes = dofmap.cell_nodes(c);
      for (int a = 0; a < n; ++a)
        for (int i = 0; i < b; ++i)
          ue[b * a + i] = uv[b * nodes[static_cast<std::size_t>(a)] + i];
      for (int r = 0; r < m; ++r) {
        double s = 0.0;
        for (int j = 0; j < m; ++j)
          s += ke[r * m + j] * ue[j];
        yv[b * nodes[static_cast<std::size_t>(r / b)] + r % b] += s;
      }
    });
  }
  la::accumulate_ghosts(y);
}

} // namespace resorb::fem::impl
