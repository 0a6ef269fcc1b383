#include "resorb/core/environment.hpp"

#include "resorb/core/error.hpp"

#include <Kokkos_Core.hpp>
#include <petscsys.h>

#include <fmt/format.h>

namespace resorb {

namespace impl {
void throw_petsc_error(int code, const char* expression, const char* file, int line) {
  const char* text = nullptr;
  PetscErrorMessage(static_cast<PetscErrorCode>(code), &text, nullptr);
  throw SolverError(fmt::format("PETSc error {} ({}) in {} at {}:{}", code,
                                text != nullptr ? text : "unknown", expression, file, line));
}
} // namespace impl

Environment::Environment(int& argc, char**& argv) {
  RESORB_PETSC(PetscInitialize(&argc, &argv, nullptr, nullptr));
  // Errors must come back as return codes turned into exceptions, not as PETSc's own
  // traceback printing followed by an abort.
  RESORB_PETSC(PetscPushErrorHandler(PetscReturnErrorHandler, nullptr));
  if (!Kokkos::is_initialized()) {
    Kokkos::InitArguments args;
    args.disable_warnings = true;
    Kokkos::initialize(args);
    owns_kokkos_ = true;
  }
}

Environment::~Environment() {
  if (owns_kokkos_)
    Kokkos::finalize();
  PetscPopErrorHandler();
  PetscFinalize();
}

int Environment::rank() const {
  int r = 0;
  MPI_Comm_rank(comm(), &r);
  return r;
}

int Environment::size() const {
  int s = 0;
  MPI_Comm_size(comm(), &s);
  return s;
}

} // namespace resorb
