#include "resorb/la/petsc.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/incidence.hpp"
#include "resorb/core/mpi.hpp"

#include <algorithm>

namespace resorb::la {

NodeSparsity node_sparsity(const NodeLayout& dofmap) {
  const IndexMap& map = dofmap.index_map();
  const MPI_Comm comm = map.comm();
  const int p = mpi::size(comm);
  const auto nlocal = static_cast<std::size_t>(map.size_local());
  const auto npc = static_cast<std::size_t>(dofmap.nodes_per_cell());
  const auto cell_nodes = dofmap.cell_nodes();

  // The row pattern of a node is the union of its cells' nodes.
  const Incidence inc = invert_connectivity(cell_nodes, npc, nlocal);
  // Columns of a node's row: the nodes of its cells, deduplicated with a marker array (a
  // node's stamp is its own index; each row is built once).
  std::vector<std::size_t> seen(nlocal, nlocal);
  auto row_pattern = [&](std::size_t node, std::vector<GlobalIndex>& cols) {
    cols.clear();
    for (std::size_t k = inc.start[node]; k < inc.start[node + 1]; ++k) {
      const auto c = static_cast<std::size_t>(inc.cells[k]);
      for (std::size_t j = 0; j < npc; ++j) {
        const LocalIndex m = cell_nodes[c * npc + j];
        if (seen[static_cast<std::size_t>(m)] != node) {
          seen[static_cast<std::size_t>(m)] = node;
          cols.push_back(map.local_to_global(m));
        }
      }
    }
    std::sort(cols.begin(), cols.end());
  };

  // Ghost rows: send (row, count, columns...) records to the owners, which merge them with
  // their own rows (CSR by owned row).
  std::vector<std::vector<GlobalIndex>> send(static_cast<std::size_t>(p));
  std::vector<GlobalIndex> cols;
  for (LocalIndex g = 0; g < map.num_ghosts(); ++g) {
    row_pattern(static_cast<std::size_t>(map.num_owned() + g), cols);
    auto& out = send[static_cast<std::size_t>(map.ghost_owners()[g])];
    out.push_back(map.ghosts()[g]);
    out.push_back(static_cast<GlobalIndex>(cols.size()));
    out.insert(out.end(), cols.begin(), cols.end());
  }
  const auto nowned = static_cast<std::size_t>(map.num_owned());
  const auto received = mpi::exchange(comm, send);
  std::vector<std::size_t> extra_start(nowned + 1, 0);
  for (const auto& list : received)
    for (std::size_t i = 0; i < list.size(); i += 2 + static_cast<std::size_t>(list[i + 1]))
      extra_start[static_cast<std::size_t>(list[i] - map.offset()) + 1] +=
          static_cast<std::size_t>(list[i + 1]);
  for (std::size_t r = 0; r < nowned; ++r)
    extra_start[r + 1] += extra_start[r];
  std::vector<GlobalIndex> extra(extra_start.back());
  {
    auto fill = extra_start;
    for (const auto& list : received)
      for (std::size_t i = 0; i < list.size(); i += 2 + static_cast<std::size_t>(list[i + 1])) {
        auto& at = fill[static_cast<std::size_t>(list[i] - map.offset())];
        const auto first = list.begin() + static_cast<std::ptrdiff_t>(i + 2);
        std::copy(first, first + static_cast<std::ptrdiff_t>(list[i + 1]),
                  extra.begin() + static_cast<std::ptrdiff_t>(at));
        at += static_cast<std::size_t>(list[i + 1]);
      }
  }

  NodeSparsity s;
  s.diagonal.resize(nowned);
  s.off_diagonal.resize(nowned);
  s.row_start.assign(nowned + 1, 0);
  s.columns.reserve(nowned * 16);
  const GlobalIndex lo = map.offset(), hi = map.offset() + map.num_owned();
  for (std::size_t row = 0; row < nowned; ++row) {
    row_pattern(row, cols);
    if (extra_start[row + 1] > extra_start[row]) {
      cols.insert(cols.end(), extra.begin() + static_cast<std::ptrdiff_t>(extra_start[row]),
                  extra.begin() + static_cast<std::ptrdiff_t>(extra_start[row + 1]));
      std::sort(cols.begin(), cols.end());
      cols.erase(std::unique(cols.begin(), cols.end()), cols.end());
    }
    const auto diag =
        std::count_if(cols.begin(), cols.end(), [&](GlobalIndex c) { return c >= lo && c < hi; });
    s.diagonal[row] = static_cast<PetscInt>(diag);
    s.off_diagonal[row] = static_cast<PetscInt>(cols.size()) - static_cast<PetscInt>(diag);
    s.row_start[row + 1] = s.row_start[row] + cols.size();
    for (const GlobalIndex c : cols)
      s.columns.push_back(static_cast<PetscInt>(c));
  }
  return s;
}

namespace {
std::vector<PetscInt> local_to_global_nodes(const IndexMap& map) {
  std::vector<PetscInt> l2g(static_cast<std::size_t>(map.size_local()));
  for (LocalIndex i = 0; i < map.size_local(); ++i)
    l2g[static_cast<std::size_t>(i)] = static_cast<PetscInt>(map.local_to_global(i));
  return l2g;
}
} // namespace

bool is_scalar_aij(Mat a) {
  PetscBool aij = PETSC_FALSE;
  RESORB_PETSC(
      PetscObjectTypeCompareAny(reinterpret_cast<PetscObject>(a), &aij, MATSEQAIJ, MATMPIAIJ, ""));
  return aij == PETSC_TRUE;
}

bool is_block_aij(Mat a) {
  PetscBool baij = PETSC_FALSE;
  RESORB_PETSC(PetscObjectTypeCompareAny(reinterpret_cast<PetscObject>(a), &baij, MATSEQBAIJ,
                                         MATMPIBAIJ, ""));
  return baij == PETSC_TRUE;
}

Matrix create_matrix(const NodeLayout& dofmap, int block_size, const char* options_prefix,
                     const char* default_type) {
  return create_matrix(dofmap, BlockCoupling::full(block_size), options_prefix, default_type);
}

Matrix create_matrix(const NodeLayout& dofmap, const BlockCoupling& coupling,
                     const char* options_prefix, const char* default_type) {
  const IndexMap& map = dofmap.index_map();
  const NodeSparsity s = node_sparsity(dofmap);
  const int block_size = coupling.components();
  const auto bs = static_cast<PetscInt>(block_size);
  const auto n = static_cast<PetscInt>(map.num_owned()) * bs;
  Matrix A;
  RESORB_PETSC(MatCreate(map.comm(), A.out()));
  RESORB_PETSC(MatSetSizes(A.get(), n, n, PETSC_DETERMINE, PETSC_DETERMINE));
  RESORB_PETSC(MatSetBlockSize(A.get(), bs));
  RESORB_PETSC(MatSetType(A.get(), default_type));
  if (options_prefix != nullptr)
    RESORB_PETSC(MatSetOptionsPrefix(A.get(), options_prefix));
  RESORB_PETSC(MatSetFromOptions(A.get()));
  const bool reduced = !coupling.is_full() && is_scalar_aij(A.get());
  if (!reduced) {
    RESORB_PETSC(MatXAIJSetPreallocation(A.get(), bs, s.diagonal.data(), s.off_diagonal.data(),
                                         nullptr, nullptr));
  } else {
    // Scalar row (r, i): the node's own b values plus |partners(i)| per neighbour node.
    std::vector<PetscInt> diagonal(static_cast<std::size_t>(n)), off_diagonal(diagonal.size());
    for (std::size_t r = 0; r < s.diagonal.size(); ++r)
      for (int i = 0; i < block_size; ++i) {
        const auto row = r * static_cast<std::size_t>(block_size) + static_cast<std::size_t>(i);
        diagonal[row] =
            bs + (s.diagonal[r] - 1) * static_cast<PetscInt>(coupling.partners(i).size());
        off_diagonal[row] = s.off_diagonal[r] * static_cast<PetscInt>(coupling.partners(i).size());
      }
    RESORB_PETSC(MatSeqAIJSetPreallocation(A.get(), 0, diagonal.data()));
    RESORB_PETSC(MatMPIAIJSetPreallocation(A.get(), 0, diagonal.data(), 0, off_diagonal.data()));
  }
  RESORB_PETSC(MatSetUp(A.get())); // allocates types without (X)AIJ preallocation
  const auto l2g = local_to_global_nodes(map);
  ISLocalToGlobalMapping mapping = nullptr;
  RESORB_PETSC(ISLocalToGlobalMappingCreate(map.comm(), bs, static_cast<PetscInt>(l2g.size()),
                                            l2g.data(), PETSC_COPY_VALUES, &mapping));
  RESORB_PETSC(MatSetLocalToGlobalMapping(A.get(), mapping, mapping));
  RESORB_PETSC(ISLocalToGlobalMappingDestroy(&mapping));
  // Exact preallocation: any new nonzero is a bug, not a reason to malloc.
  RESORB_PETSC(MatSetOption(A.get(), MAT_NEW_NONZERO_ALLOCATION_ERR, PETSC_TRUE));
  // Insert the whole pattern once (sorted rows: PETSc's fast path), so that the storage
  // layout is final and assemblers can address it directly.
  {
    std::vector<PetscScalar> zeros;
    std::vector<PetscInt> columns;
    for (LocalIndex r = 0; r < map.num_owned(); ++r) {
      const auto node = static_cast<std::size_t>(r);
      const auto first = s.columns.begin() + static_cast<std::ptrdiff_t>(s.row_start[node]);
      const auto last = s.columns.begin() + static_cast<std::ptrdiff_t>(s.row_start[node + 1]);
      const auto grow = static_cast<PetscInt>(map.local_to_global(r));
      if (!reduced) {
        const auto ncols = static_cast<PetscInt>(last - first);
        zeros.assign(static_cast<std::size_t>(ncols * bs * bs), 0.0);
        RESORB_PETSC(
            MatSetValuesBlocked(A.get(), 1, &grow, ncols, &*first, zeros.data(), INSERT_VALUES));
        continue;
      }
      for (int i = 0; i < block_size; ++i) {
        columns.clear();
        for (auto c = first; c != last; ++c)
          for (int j = 0; j < block_size; ++j)
            if (*c == grow || coupling.couples(i, j))
              columns.push_back(*c * bs + j);
        zeros.assign(columns.size(), 0.0);
        const PetscInt row = grow * bs + i;
        RESORB_PETSC(MatSetValues(A.get(), 1, &row, static_cast<PetscInt>(columns.size()),
                                  columns.data(), zeros.data(), INSERT_VALUES));
      }
    }
  }
  RESORB_PETSC(MatAssemblyBegin(A.get(), MAT_FINAL_ASSEMBLY));
  RESORB_PETSC(MatAssemblyEnd(A.get(), MAT_FINAL_ASSEMBLY));
  RESORB_PETSC(MatSetOption(A.get(), MAT_NEW_NONZERO_LOCATION_ERR, PETSC_TRUE));
  return A;
}

NullSpace set_rigid_body_near_null_space(Mat a, std::span<const double> coordinates) {
  Vector coords;
  RESORB_PETSC(MatCreateVecs(a, coords.out(), nullptr));
  RESORB_PETSC(VecSetBlockSize(coords.get(), 3));
  PetscInt n = 0;
  RESORB_PETSC(VecGetLocalSize(coords.get(), &n));
  RESORB_REQUIRE(static_cast<std::size_t>(n) <= coordinates.size(), SolverError,
                 "rigid-body modes: fewer node coordinates than matrix rows");
  PetscScalar* c = nullptr;
  RESORB_PETSC(VecGetArray(coords.get(), &c));
  std::copy_n(coordinates.begin(), n, c);
  RESORB_PETSC(VecRestoreArray(coords.get(), &c));
  NullSpace modes;
  RESORB_PETSC(MatNullSpaceCreateRigidBody(coords.get(), modes.out()));
  RESORB_PETSC(MatSetNearNullSpace(a, modes.get()));
  return modes;
}

Vector create_ghosted_vector(const NodeLayout& dofmap, int block_size) {
  const IndexMap& map = dofmap.index_map();
  std::vector<PetscInt> ghosts(map.ghosts().begin(), map.ghosts().end());
  Vector v;
  RESORB_PETSC(VecCreateGhostBlock(
      map.comm(), block_size, static_cast<PetscInt>(map.num_owned()) * block_size, PETSC_DETERMINE,
      static_cast<PetscInt>(ghosts.size()), ghosts.data(), v.out()));
  const auto l2g = local_to_global_nodes(map);
  ISLocalToGlobalMapping mapping = nullptr;
  RESORB_PETSC(ISLocalToGlobalMappingCreate(map.comm(), block_size,
                                            static_cast<PetscInt>(l2g.size()), l2g.data(),
                                            PETSC_COPY_VALUES, &mapping));
  RESORB_PETSC(VecSetLocalToGlobalMapping(v.get(), mapping));
  RESORB_PETSC(ISLocalToGlobalMappingDestroy(&mapping));
  return v;
}

void update_ghosts(Vec v) {
  RESORB_PETSC(VecGhostUpdateBegin(v, INSERT_VALUES, SCATTER_FORWARD));
  RESORB_PETSC(VecGhostUpdateEnd(v, INSERT_VALUES, SCATTER_FORWARD));
}

void zero_local_form(Vec v) {
  Vec local = nullptr;
  RESORB_PETSC(VecGhostGetLocalForm(v, &local));
  RESORB_PETSC(VecSet(local, 0.0));
  RESORB_PETSC(VecGhostRestoreLocalForm(v, &local));
}

void copy_local_form(Vec from, Vec to) {
  Vec a = nullptr, b = nullptr;
  RESORB_PETSC(VecGhostGetLocalForm(from, &a));
  RESORB_PETSC(VecGhostGetLocalForm(to, &b));
  RESORB_PETSC(VecCopy(a, b));
  RESORB_PETSC(VecGhostRestoreLocalForm(to, &b));
  RESORB_PETSC(VecGhostRestoreLocalForm(from, &a));
}

void accumulate_ghosts(Vec v) {
  RESORB_PETSC(VecGhostUpdateBegin(v, ADD_VALUES, SCATTER_REVERSE));
  RESORB_PETSC(VecGhostUpdateEnd(v, ADD_VALUES, SCATTER_REVERSE));
  // Ghost entries now hold stale partial sums; refresh them from the owners.
  update_ghosts(v);
}

LocalRead::LocalRead(Vec v) : global_(v) {
  RESORB_PETSC(VecGhostGetLocalForm(global_, &local_));
  RESORB_PETSC(VecGetArrayRead(local_, &data_));
}
LocalRead::~LocalRead() {
  VecRestoreArrayRead(local_, &data_);
  VecGhostRestoreLocalForm(global_, &local_);
}
LocalWrite::LocalWrite(Vec v) : global_(v) {
  RESORB_PETSC(VecGhostGetLocalForm(global_, &local_));
  RESORB_PETSC(VecGetArray(local_, &data_));
}
LocalWrite::~LocalWrite() {
  VecRestoreArray(local_, &data_);
  VecGhostRestoreLocalForm(global_, &local_);
}

} // namespace resorb::la
