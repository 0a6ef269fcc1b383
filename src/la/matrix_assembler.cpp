#include "resorb/la/matrix_assembler.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/incidence.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace resorb::la {

namespace {

/// Largest element (nodes per cell) the fallback path's index buffer holds (P3 has 20).
constexpr int max_nodes_per_cell = 32;

/// Copies the CSR row offsets of a sequential AIJ matrix and returns its column indices'
/// accessor through @p columns (valid until MatRestoreRowIJ).
std::vector<PetscInt> row_offsets(Mat a, const PetscInt** columns, bool blocked = false) {
  PetscInt n = 0;
  const PetscInt* ia = nullptr;
  PetscBool done = PETSC_FALSE;
  RESORB_PETSC(
      MatGetRowIJ(a, 0, PETSC_FALSE, blocked ? PETSC_TRUE : PETSC_FALSE, &n, &ia, columns, &done));
  RESORB_REQUIRE(done, Error, "matrix assembler: PETSc did not expose the matrix's row structure");
  return {ia, ia + n + 1};
}

void restore_row_offsets(Mat a, const PetscInt* columns, bool blocked = false) {
  PetscInt n = 0;
  const PetscInt* ia = nullptr;
  PetscBool done = PETSC_FALSE;
  RESORB_PETSC(MatRestoreRowIJ(a, 0, PETSC_FALSE, blocked ? PETSC_TRUE : PETSC_FALSE, &n, &ia,
                               &columns, &done));
}

} // namespace

MatrixAssembler::MatrixAssembler(const NodeLayout& dofmap, int block_size,
                                 const char* options_prefix, const char* default_type)
    : MatrixAssembler(dofmap, BlockCoupling::full(block_size), options_prefix, default_type) {
}

MatrixAssembler::MatrixAssembler(const NodeLayout& dofmap, const BlockCoupling& coupling,
                                 const char* options_prefix, const char* default_type)
    : dofmap_(dofmap), block_size_(coupling.components()), coupling_(coupling),
      matrix_(create_matrix(dofmap, coupling, options_prefix, default_type)) {
  blocked_ = is_block_aij(matrix_.get());
  direct_ = blocked_ || is_scalar_aij(matrix_.get());
  if (!is_scalar_aij(matrix_.get()))
    coupling_ = BlockCoupling::full(block_size_); // block types store full blocks
  RESORB_REQUIRE(dofmap.nodes_per_cell() <= max_nodes_per_cell, Error,
                 fmt::format("matrix assembler: {} nodes per cell, at most {} supported",
                             dofmap.nodes_per_cell(), max_nodes_per_cell));
  if (direct_) {
    PetscBool mpi = PETSC_FALSE;
    RESORB_PETSC(PetscObjectTypeCompareAny(reinterpret_cast<PetscObject>(matrix_.get()), &mpi,
                                           MATMPIAIJ, MATMPIBAIJ, ""));
    build_scatter_map(mpi == PETSC_TRUE);
  }
}

MatrixAssembler::~MatrixAssembler() {
  // An exception between begin() and end() leaves the arrays open; give them back. A
  // destructor must not throw: a PETSc error here is already second to the first one.
  if (open_ && direct_) {
    try {
      access_arrays(false);
    } catch (...) { // NOLINT(bugprone-empty-catch)
    }
  }
}

void MatrixAssembler::build_ghost_rows() {
  const IndexMap& map = dofmap_.index_map();
  const auto bs = static_cast<PetscInt>(block_size_);
  const auto n = static_cast<std::size_t>(dofmap_.nodes_per_cell());
  const auto cell_nodes = dofmap_.cell_nodes();
  const std::size_t nc = cell_nodes.size() / n;
  const LocalIndex nowned = map.num_owned();
  // Rows of ghost nodes: the union of the columns of their cells.
  const auto nghost = static_cast<std::size_t>(map.num_ghosts());
  {
    std::vector<std::vector<PetscInt>> columns(nghost);
    for (std::size_t c = 0; c < nc; ++c)
      for (std::size_t a = 0; a < n; ++a) {
        const LocalIndex r = cell_nodes[c * n + a];
        if (r < nowned)
          continue;
        auto& row = columns[static_cast<std::size_t>(r - nowned)];
        for (std::size_t b = 0; b < n; ++b)
          row.push_back(static_cast<PetscInt>(map.local_to_global(cell_nodes[c * n + b])));
      }
    ghost_row_start_.assign(nghost + 1, 0);
    for (std::size_t g = 0; g < nghost; ++g) {
      auto& row = columns[g];
      std::sort(row.begin(), row.end());
      row.erase(std::unique(row.begin(), row.end()), row.end());
      ghost_row_start_[g + 1] = ghost_row_start_[g] + row.size();
      ghost_columns_.insert(ghost_columns_.end(), row.begin(), row.end());
    }
    ghost_values_.assign(ghost_columns_.size() * static_cast<std::size_t>(bs * bs), 0.0);
  }
}

std::int32_t MatrixAssembler::ghost_offset(std::size_t ghost, GlobalIndex column) const {
  const auto first = ghost_columns_.begin() + static_cast<std::ptrdiff_t>(ghost_row_start_[ghost]);
  const auto last =
      ghost_columns_.begin() + static_cast<std::ptrdiff_t>(ghost_row_start_[ghost + 1]);
  return static_cast<std::int32_t>(std::lower_bound(first, last, static_cast<PetscInt>(column)) -
                                   first);
}

void MatrixAssembler::build_scatter_map(bool distributed) {
  const IndexMap& map = dofmap_.index_map();
  const auto bs = static_cast<PetscInt>(block_size_);
  const auto n = static_cast<std::size_t>(dofmap_.nodes_per_cell());
  const auto cell_nodes = dofmap_.cell_nodes();
  const LocalIndex nowned = map.num_owned();
  const auto nlocal = static_cast<std::size_t>(map.size_local());

  const PetscInt* garray = nullptr; // global (block) columns of the off-diagonal part
  if (distributed && blocked_)
    RESORB_PETSC(MatMPIBAIJGetSeqBAIJ(matrix_.get(), &diagonal_, &off_diagonal_, &garray));
  else if (distributed)
    RESORB_PETSC(MatMPIAIJGetSeqAIJ(matrix_.get(), &diagonal_, &off_diagonal_, &garray));
  else
    diagonal_ = matrix_.get();
  build_ghost_rows();

  const PetscInt* diag_cols = nullptr;
  const PetscInt* off_cols = nullptr;
  const auto diag_rows = row_offsets(diagonal_, &diag_cols, blocked_);
  const auto off_rows = off_diagonal_ != nullptr ? row_offsets(off_diagonal_, &off_cols, blocked_)
                                                 : std::vector<PetscInt>{};
  // A column's node is column / stride: BAIJ stores one column per node, AIJ bs.
  const PetscInt stride = blocked_ ? 1 : bs;

  // AIJ: the reference row of a node is its first component with couplings to other
  // nodes; its columns list every node of the row (with none, only the nodes' own blocks
  // are stored and k is unused). BAIJ: the block row itself.
  int ref = 0;
  while (!blocked_ && ref < block_size_ && coupling_.partners(ref).empty())
    ++ref;
  const bool between = blocked_ || ref < block_size_;
  if (!between)
    ref = 0;

  // Local node of each off-diagonal column (-1 for nodes of other ranks' cells only).
  std::vector<LocalIndex> off_node;
  if (off_diagonal_ != nullptr) {
    std::vector<std::pair<GlobalIndex, LocalIndex>> ghosts;
    ghosts.reserve(static_cast<std::size_t>(map.num_ghosts()));
    for (LocalIndex g = 0; g < map.num_ghosts(); ++g)
      ghosts.emplace_back(map.ghosts()[g], nowned + g);
    std::sort(ghosts.begin(), ghosts.end());
    PetscInt ncols = 0;
    RESORB_PETSC(MatGetLocalSize(off_diagonal_, nullptr, &ncols));
    off_node.assign(static_cast<std::size_t>(blocked_ ? ncols / bs : ncols), -1);
    for (std::size_t k = 0; k < off_node.size(); ++k) {
      const GlobalIndex node = garray[k] / stride;
      const auto it =
          std::lower_bound(ghosts.begin(), ghosts.end(), std::pair{node, LocalIndex{-1}});
      if (it != ghosts.end() && it->first == node)
        off_node[k] = it->second;
    }
  }

  // Row by row: number the nodes of the stored row (the row's own values first for AIJ's
  // reduced layout, see block_offset_), then give each cell's node pairs their number: no
  // search per pair. stamp marks the nodes of the current row; a cell pair outside it
  // is a pattern that does not match the mesh.
  const Incidence incidence = invert_connectivity(cell_nodes, n, nlocal);
  std::vector<std::int32_t> number(nlocal, 0);
  std::vector<LocalIndex> stamp(nlocal, -1);
  block_offset_.resize(cell_nodes.size() * n);
  for (LocalIndex r = 0; r < static_cast<LocalIndex>(nlocal); ++r) {
    const bool owned = r < nowned;
    if (owned && between) {
      const auto row = static_cast<std::size_t>(blocked_ ? r : bs * r + ref);
      std::int32_t k = 0;
      LocalIndex last = -1;
      for (PetscInt p = diag_rows[row]; p < diag_rows[row + 1]; ++p) {
        const auto node = static_cast<LocalIndex>(diag_cols[p] / stride);
        if (node == last)
          continue;
        last = node;
        stamp[static_cast<std::size_t>(node)] = r;
        // AIJ: nodes after the row's own come after its b values (add() adds b back).
        number[static_cast<std::size_t>(node)] = k++ - (!blocked_ && node > r ? 1 : 0);
      }
      k = 0;
      GlobalIndex last_global = -1;
      for (PetscInt p = off_rows.empty() ? 0 : off_rows[row];
           !off_rows.empty() && p < off_rows[row + 1]; ++p) {
        const GlobalIndex global = garray[off_cols[p]] / stride;
        if (global == last_global)
          continue;
        last_global = global;
        const LocalIndex node = off_node[static_cast<std::size_t>(off_cols[p])];
        if (node >= 0) {
          stamp[static_cast<std::size_t>(node)] = r;
          number[static_cast<std::size_t>(node)] = -k - 1;
        }
        ++k;
      }
    }
    const auto rr = static_cast<std::size_t>(r);
    for (std::size_t i = incidence.start[rr]; i < incidence.start[rr + 1]; ++i) {
      const auto c = static_cast<std::size_t>(incidence.cells[i]);
      const LocalIndex* nodes = &cell_nodes[c * n];
      const auto a = static_cast<std::size_t>(std::find(nodes, nodes + n, r) - nodes);
      std::int32_t* offsets = &block_offset_[(c * n + a) * n];
      for (std::size_t b = 0; b < n; ++b) {
        const LocalIndex m = nodes[b];
        if (!owned) {
          offsets[b] = ghost_offset(static_cast<std::size_t>(r - nowned), map.local_to_global(m));
        } else if (!between) {
          offsets[b] = 0;
        } else {
          if (stamp[static_cast<std::size_t>(m)] != r)
            throw Error(
                fmt::format("matrix assembler: block ({}, {}) is not in the sparsity pattern",
                            map.local_to_global(r), map.local_to_global(m)));
          offsets[b] = number[static_cast<std::size_t>(m)];
        }
      }
    }
  }
  restore_row_offsets(diagonal_, diag_cols, blocked_);
  if (off_diagonal_ != nullptr)
    restore_row_offsets(off_diagonal_, off_cols, blocked_);
  diagonal_rows_ = diag_rows;
  off_diagonal_rows_ = off_rows;
}

void MatrixAssembler::access_arrays(bool open) {
  using Access = PetscErrorCode (*)(Mat, PetscScalar**);
  const Access access = blocked_ ? (open ? MatSeqBAIJGetArray : MatSeqBAIJRestoreArray)
                                 : (open ? MatSeqAIJGetArray : MatSeqAIJRestoreArray);
  RESORB_PETSC(access(diagonal_, &diagonal_values_));
  if (off_diagonal_ != nullptr)
    RESORB_PETSC(access(off_diagonal_, &off_diagonal_values_));
}

void MatrixAssembler::begin() {
  RESORB_PETSC(MatZeroEntries(matrix_.get()));
  if (direct_) {
    access_arrays(true);
    std::fill(ghost_values_.begin(), ghost_values_.end(), 0.0);
  }
  open_ = true;
}

void MatrixAssembler::add(LocalIndex cell, const double* ke) {
  const int n = dofmap_.nodes_per_cell();
  const int bs = block_size_;
  const int m = bs * n;
  const LocalIndex* nodes = dofmap_.cell_nodes(cell).data();
  if (!direct_) {
    PetscInt rows[max_nodes_per_cell];
    for (int a = 0; a < n; ++a)
      rows[a] = nodes[a];
    RESORB_PETSC(MatSetValuesBlockedLocal(matrix_.get(), n, rows, n, rows, ke, ADD_VALUES));
    return;
  }
  const LocalIndex nowned = dofmap_.index_map().num_owned();
  const std::int32_t* offsets = &block_offset_[static_cast<std::size_t>(cell) * n * n];
  if (blocked_) {
    add_blocks(nodes, offsets, ke);
    return;
  }
  for (int a = 0; a < n; ++a) {
    const LocalIndex r = nodes[a];
    for (int i = 0; i < bs; ++i) {
      const double* src_row = ke + (bs * a + i) * m;
      if (r < nowned) {
        const auto row = static_cast<std::size_t>(bs * r + i);
        PetscScalar* diag = diagonal_values_ + diagonal_rows_[row];
        PetscScalar* off = off_diagonal_values_ == nullptr
                               ? nullptr
                               : off_diagonal_values_ + off_diagonal_rows_[row];
        const auto partners = coupling_.partners(i);
        const auto width = static_cast<int>(partners.size());
        for (int b = 0; b < n; ++b) {
          const std::int32_t k = offsets[a * n + b];
          const double* src = src_row + bs * b;
          if (b == a) {
            PetscScalar* dst = diag + k * width;
            for (int j = 0; j < bs; ++j)
              dst[j] += src[j];
            continue;
          }
          PetscScalar* dst =
              k >= 0 ? diag + k * width + (nodes[b] > r ? bs : 0) : off + (-k - 1) * width;
          for (int t = 0; t < width; ++t)
            dst[t] += src[partners[static_cast<std::size_t>(t)]];
        }
      } else {
        const auto g = static_cast<std::size_t>(r - nowned);
        const auto ncols = ghost_row_start_[g + 1] - ghost_row_start_[g];
        PetscScalar* values = ghost_values_.data() +
                              ghost_row_start_[g] * static_cast<std::size_t>(bs * bs) +
                              static_cast<std::size_t>(i) * bs * ncols;
        for (int b = 0; b < n; ++b) {
          PetscScalar* dst = values + bs * offsets[a * n + b];
          for (int j = 0; j < bs; ++j)
            dst[j] += src_row[bs * b + j];
        }
      }
    }
  }
}

void MatrixAssembler::add_blocks(const LocalIndex* nodes, const std::int32_t* offsets,
                                 const double* ke) {
  const int n = dofmap_.nodes_per_cell();
  const int bs = block_size_;
  const int m = bs * n;
  const int bb = bs * bs;
  const LocalIndex nowned = dofmap_.index_map().num_owned();
  for (int a = 0; a < n; ++a) {
    const LocalIndex r = nodes[a];
    if (r >= nowned) { // row-major b × (b·ncols) like the scalar path
      const auto g = static_cast<std::size_t>(r - nowned);
      const auto ncols = ghost_row_start_[g + 1] - ghost_row_start_[g];
      PetscScalar* values =
          ghost_values_.data() + ghost_row_start_[g] * static_cast<std::size_t>(bb);
      for (int i = 0; i < bs; ++i)
        for (int b = 0; b < n; ++b) {
          PetscScalar* dst =
              values + static_cast<std::size_t>(i) * bs * ncols + bs * offsets[a * n + b];
          for (int j = 0; j < bs; ++j)
            dst[j] += ke[(bs * a + i) * m + bs * b + j];
        }
      continue;
    }
    const auto row = static_cast<std::size_t>(r);
    for (int b = 0; b < n; ++b) {
      const std::int32_t k = offsets[a * n + b];
      PetscScalar* dst = k >= 0 ? diagonal_values_ + (diagonal_rows_[row] + k) * bb
                                : off_diagonal_values_ + (off_diagonal_rows_[row] - k - 1) * bb;
      for (int j = 0; j < bs; ++j) // column-major block
        for (int i = 0; i < bs; ++i)
          dst[j * bs + i] += ke[(bs * a + i) * m + bs * b + j];
    }
  }
}

void MatrixAssembler::end() {
  if (direct_) {
    access_arrays(false);
    const IndexMap& map = dofmap_.index_map();
    const std::size_t block = static_cast<std::size_t>(block_size_) * block_size_;
    const bool full = coupling_.is_full();
    const PetscInt bs = block_size_;
    std::vector<PetscInt> columns;
    std::vector<PetscScalar> values;
    for (std::size_t g = 0; g + 1 < ghost_row_start_.size(); ++g) {
      const auto node =
          static_cast<PetscInt>(map.local_to_global(map.num_owned() + static_cast<LocalIndex>(g)));
      const auto ncols = static_cast<PetscInt>(ghost_row_start_[g + 1] - ghost_row_start_[g]);
      const PetscInt* nodes = &ghost_columns_[ghost_row_start_[g]];
      const PetscScalar* dense = &ghost_values_[ghost_row_start_[g] * block];
      if (full) {
        RESORB_PETSC(MatSetValuesBlocked(matrix_.get(), 1, &node, ncols, nodes, dense, ADD_VALUES));
        continue;
      }
      for (PetscInt i = 0; i < bs; ++i) { // only the stored entries of each scalar row
        columns.clear();
        values.clear();
        for (PetscInt c = 0; c < ncols; ++c)
          for (PetscInt j = 0; j < bs; ++j)
            if (nodes[c] == node || coupling_.couples(static_cast<int>(i), static_cast<int>(j))) {
              columns.push_back(nodes[c] * bs + j);
              values.push_back(dense[i * bs * ncols + bs * c + j]);
            }
        const PetscInt row = node * bs + i;
        RESORB_PETSC(MatSetValues(matrix_.get(), 1, &row, static_cast<PetscInt>(columns.size()),
                                  columns.data(), values.data(), ADD_VALUES));
      }
    }
  }
  open_ = false;
  RESORB_PETSC(MatAssemblyBegin(matrix_.get(), MAT_FINAL_ASSEMBLY));
  RESORB_PETSC(MatAssemblyEnd(matrix_.get(), MAT_FINAL_ASSEMBLY));
}

} // namespace resorb::la
