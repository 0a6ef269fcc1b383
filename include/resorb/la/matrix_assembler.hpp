#pragma once
/// @file
/// Adds element matrices straight into a PETSc matrix's storage through positions computed
/// once per sparsity pattern.

#include "resorb/la/block_coupling.hpp"
#include "resorb/la/petsc.hpp"

#include <cstdint>
#include <vector>

namespace resorb::la {

/// Owns a matrix laid out by a DofMap (block size b per node) and assembles element matrices
/// into it.
///
/// MatSetValuesBlockedLocal() maps indices and searches every row of every element matrix;
/// for repeated assembly of the same pattern (time steps, degrading coefficients) that search
/// dominates. For PETSc's (Seq|MPI)AIJ types this class therefore computes, once, where each
/// block of each cell's element matrix lives in the matrix's own diagonal and off-diagonal
/// value arrays, and assembly becomes a scatter-add into those arrays. Rows owned by other
/// ranks (cells on the partition boundary) are summed locally and sent once per row at end().
/// For (Seq|MPI)BAIJ the map addresses whole bs × bs blocks (one index per node pair, as
/// stored). Other matrix types (e.g. `-mat_type sbaij`) fall back to
/// MatSetValuesBlockedLocal().
///
/// Usage: begin(); add(cell, ke) for every cell (any order, any subset); end().
class MatrixAssembler {
public:
  /// Creates the matrix (see create_matrix(); type @p default_type unless PETSc options under
  /// @p options_prefix choose another) with full blocks and the scatter map.
  /// Collective.
  MatrixAssembler(const NodeLayout& dofmap, int block_size, const char* options_prefix = nullptr,
                  const char* default_type = MATAIJ);
  /// As above, storing between distinct nodes only what @p coupling flags (AIJ types).
  /// Element matrices keep their dense layout; their entries outside the coupling must be
  /// zero and are not read. Collective.
  MatrixAssembler(const NodeLayout& dofmap, const BlockCoupling& coupling,
                  const char* options_prefix = nullptr, const char* default_type = MATAIJ);
  ~MatrixAssembler();
  MatrixAssembler(const MatrixAssembler&) = delete;
  MatrixAssembler& operator=(const MatrixAssembler&) = delete;

  /// The assembled matrix (valid between end() and the next begin()).
  [[nodiscard]] Mat matrix() const { return matrix_.get(); }
  /// True when element matrices go straight into the value arrays (AIJ and BAIJ types).
  [[nodiscard]] bool direct() const { return direct_; }

  /// Zeroes the matrix and opens its value arrays.
  void begin();
  /// Adds the element matrix @p ke of local cell @p cell: (b·n)×(b·n) row-major with n the
  /// nodes per cell, DOF order (node, component).
  void add(LocalIndex cell, const double* ke);
  /// Closes the value arrays, sends rows owned by other ranks and finishes the assembly.
  /// Collective.
  void end();

private:
  void build_ghost_rows();
  // Position of global node @p column in the row of ghost node @p ghost (0-based).
  [[nodiscard]] std::int32_t ghost_offset(std::size_t ghost, GlobalIndex column) const;
  void build_scatter_map(bool distributed); // distributed: MPI(B)AIJ, else Seq(B)AIJ
  void access_arrays(bool open);            // get (open) or restore the value arrays of both parts
  void add_blocks(const LocalIndex* nodes, const std::int32_t* offsets, const double* ke);

  NodeLayout dofmap_; // views the DofMap it was made from, which must outlive this
  int block_size_;
  BlockCoupling coupling_; // what the matrix stores between distinct nodes
  Matrix matrix_;
  bool direct_ = false;
  bool blocked_ = false; // (Seq|MPI)BAIJ storage: the map addresses whole blocks
  bool open_ = false;
  // Per cell, per (row node, column node) pair: k, the number of other nodes before the
  // column node in the row node's (diagonal or off-diagonal) part, >= 0 in the diagonal
  // part, -(k + 1) in the off-diagonal part, or the node's index within the ghost row for
  // rows owned elsewhere. Row (r, i) then finds a distinct node's values at
  // k · |partners(i)| (+ b when the row's own node comes first), its own at k · |partners(i)|.
  std::vector<std::int32_t> block_offset_;
  Mat diagonal_ = nullptr, off_diagonal_ = nullptr; // parts of matrix_ (not owned)
  std::vector<PetscInt> diagonal_rows_;             // CSR row offsets of the parts
  std::vector<PetscInt> off_diagonal_rows_;
  PetscScalar* diagonal_values_ = nullptr; // open between begin() and end()
  PetscScalar* off_diagonal_values_ = nullptr;
  // Rows of ghost nodes: global block columns and row-major b × (b·ncols) values per row.
  std::vector<std::size_t> ghost_row_start_;
  std::vector<PetscInt> ghost_columns_;
  std::vector<PetscScalar> ghost_values_;
};

} // namespace resorb::la
