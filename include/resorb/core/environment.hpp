#pragma once
/// @file
/// RAII start-up and shut-down of MPI, PETSc and Kokkos.

#include <mpi.h>

namespace resorb {

/// Initializes MPI (through PETSc), PETSc and Kokkos for the lifetime of the object.
///
/// Create exactly one, first thing in main(). Every command-line argument that PETSc
/// understands (`-ksp_monitor`, `-log_view`, `-pc_type hypre`, ...) is taken into PETSc's
/// options database, so any solver option passes through from the command line.
class Environment {
public:
  /// Starts MPI, PETSc and Kokkos. @p argc / @p argv are forwarded to all three.
  Environment(int& argc, char**& argv);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  /// The world communicator every resorb object is built on by default.
  [[nodiscard]] MPI_Comm comm() const { return MPI_COMM_WORLD; }
  /// Rank of this process in comm().
  [[nodiscard]] int rank() const;
  /// Number of ranks in comm().
  [[nodiscard]] int size() const;

private:
  bool owns_kokkos_ = false;
};

} // namespace resorb
