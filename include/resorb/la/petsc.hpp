#pragma once
/// @file
/// RAII ownership of PETSc objects and creation of matrices/vectors laid out by a NodeLayout
/// (a fem::DofMap converts to one).

#include "resorb/la/block_coupling.hpp"
#include "resorb/la/node_layout.hpp"

#include <petscksp.h>

#include <memory>
#include <utility>

namespace resorb::la {

/// Owns one PETSc object handle (Mat, Vec, KSP, ...) and destroys it on scope exit.
template <class Handle, PetscErrorCode (*Destroy)(Handle*)>
class Owned {
public:
  Owned() = default;
  /// Takes ownership of @p h.
  explicit Owned(Handle h) : h_(h) {}
  ~Owned() { reset(); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  Owned(Owned&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  Owned& operator=(Owned&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  /// The raw handle, still owned by this object.
  [[nodiscard]] Handle get() const { return h_; }
  /// Address of the handle, for PETSc creation functions that write it.
  [[nodiscard]] Handle* out() {
    reset();
    return &h_;
  }
  /// Destroys the object now.
  void reset() {
    if (h_ != nullptr)
      Destroy(&h_);
    h_ = nullptr;
  }
  /// True when an object is held.
  explicit operator bool() const { return h_ != nullptr; }

private:
  Handle h_ = nullptr;
};

/// Owned PETSc matrix.
using Matrix = Owned<Mat, MatDestroy>;
/// Owned PETSc vector.
using Vector = Owned<Vec, VecDestroy>;
/// Owned PETSc Krylov solver.
using Krylov = Owned<KSP, KSPDestroy>;
/// Owned PETSc null space.
using NullSpace = Owned<MatNullSpace, MatNullSpaceDestroy>;

/// Block sparsity of the node graph over the owned node rows: the full pattern (global node
/// columns, sorted per row) and the diagonal/off-diagonal counts PETSc's MPI matrices want.
struct NodeSparsity {
  std::vector<PetscInt> diagonal;     ///< per owned node: nonzero blocks in owned columns
  std::vector<PetscInt> off_diagonal; ///< per owned node: nonzero blocks in other columns
  std::vector<std::size_t> row_start; ///< CSR offsets into columns, num_owned + 1 entries
  std::vector<PetscInt> columns;      ///< global node columns, sorted within each row
};

/// Exact block sparsity of the node graph of @p dofmap, including couplings that only
/// other ranks' cells create (exchanged with the owners). Collective.
[[nodiscard]] NodeSparsity node_sparsity(const NodeLayout& dofmap);

/// Creates a matrix for @p block_size DOFs per node with exact preallocation, the full
/// sparsity pattern inserted (explicit zeros, final assembly) and a local-to-global mapping,
/// so that MatSetValuesBlockedLocal() takes local node indices and no later insertion can
/// allocate. The type is @p default_type (AIJ unless given) unless PETSc options (prefix
/// @p options_prefix) say otherwise (e.g. `-mat_type baij`). Collective.
[[nodiscard]] Matrix create_matrix(const NodeLayout& dofmap, int block_size,
                                   const char* options_prefix = nullptr,
                                   const char* default_type = MATAIJ);

/// As above, storing between distinct nodes only the component pairs that @p coupling
/// flags (a node's own block is always full). The reduced pattern needs scalar storage: it
/// is used when the matrix type is (Seq|MPI)AIJ, and full blocks are stored for any other
/// type that PETSc options select. Collective.
[[nodiscard]] Matrix create_matrix(const NodeLayout& dofmap, const BlockCoupling& coupling,
                                   const char* options_prefix = nullptr,
                                   const char* default_type = MATAIJ);

/// True when @p a is a (Seq|MPI)AIJ matrix, whose storage create_matrix() can reduce and
/// MatrixAssembler can address directly.
[[nodiscard]] bool is_scalar_aij(Mat a);
/// True when @p a is a (Seq|MPI)BAIJ matrix (whole blocks stored, addressed directly too).
[[nodiscard]] bool is_block_aij(Mat a);

/// Sets the six rigid-body modes of nodes at @p coordinates (x, y, z per owned node, in the
/// row order of @p a, block size 3) as the near-null space of @p a, which algebraic multigrid
/// (GAMG) builds its coarse spaces from. The matrix keeps a reference; so may the caller.
NullSpace set_rigid_body_near_null_space(Mat a, std::span<const double> coordinates);

/// Creates a ghosted vector (owned entries, then ghost entries in the local form) for
/// @p block_size DOFs per node of @p dofmap.
[[nodiscard]] Vector create_ghosted_vector(const NodeLayout& dofmap, int block_size);

/// Copies owned values to the ghost entries of every rank (VecGhostUpdate forward INSERT).
void update_ghosts(Vec v);
/// Zeroes the owned and the ghost entries of ghosted vector @p v (VecSet() alone leaves
/// the ghosts, which local-form assembly would then add to).
void zero_local_form(Vec v);
/// Copies the whole local form (owned and ghost entries) of ghosted vector @p from into
/// @p to (same layout): a copy whose ghosts are current without communication.
void copy_local_form(Vec from, Vec to);
/// Adds ghost entries into their owners and zeroes them (VecGhostUpdate reverse ADD).
void accumulate_ghosts(Vec v);

/// Read-only access to the local form (owned + ghosts) of a ghosted vector.
class LocalRead {
public:
  /// Opens the local form of @p v.
  explicit LocalRead(Vec v);
  ~LocalRead();
  LocalRead(const LocalRead&) = delete;
  LocalRead& operator=(const LocalRead&) = delete;
  /// Local values.
  [[nodiscard]] const PetscScalar* data() const { return data_; }
  /// Value @p i of the local form.
  [[nodiscard]] PetscScalar operator[](PetscInt i) const { return data_[i]; }

private:
  Vec global_;
  Vec local_ = nullptr;
  const PetscScalar* data_ = nullptr;
};

/// Writable access to the local form (owned + ghosts) of a ghosted vector.
class LocalWrite {
public:
  /// Opens the local form of @p v.
  explicit LocalWrite(Vec v);
  ~LocalWrite();
  LocalWrite(const LocalWrite&) = delete;
  LocalWrite& operator=(const LocalWrite&) = delete;
  /// Local values.
  [[nodiscard]] PetscScalar* data() { return data_; }
  /// Value @p i of the local form.
  [[nodiscard]] PetscScalar& operator[](PetscInt i) { return data_[i]; }

private:
  Vec global_;
  Vec local_ = nullptr;
  PetscScalar* data_ = nullptr;
};

} // namespace resorb::la
