#include "resorb/core/environment.hpp"

#include "resorb/core/error.hpp"

#include <Kokkos_Core.hpp>
#include <petscsys.h>

#include <fmt/format.h>

#include <string>
#include <utility>

namespace resorb {

namespace {
// PETSc's specific message ("Unknown PC type: foo") reaches only the error handler; the
// return code carries a generic one. Keep the first message of the current traceback.
thread_local std::string last_petsc_message;

PetscErrorCode capture_petsc_message(MPI_Comm, int, const char* function, const char*,
                                     PetscErrorCode code, PetscErrorType type, const char* message,
                                     void*) {
  if (type == PETSC_ERROR_INITIAL)
    last_petsc_message =
        fmt::format("{}{}{}", message != nullptr ? message : "", function != nullptr ? " in " : "",
                    function != nullptr ? function : "");
  return code;
}
} // namespace

namespace impl {
void throw_petsc_error(int code, const char* expression, const char* file, int line) {
  const char* text = nullptr;
  PetscErrorMessage(static_cast<PetscErrorCode>(code), &text, nullptr);
  std::string detail = std::exchange(last_petsc_message, std::string());
  throw SolverError(fmt::format("PETSc error {} ({}{}{}) in {} at {}:{}", code,
                                text != nullptr ? text : "unknown", detail.empty() ? "" : ": ",
                                detail, expression, file, line));
}
void throw_assertion(const char* condition, const char* file, int line) {
  throw Error(fmt::format("internal error: '{}' does not hold at {}:{}", condition, file, line));
}
} // namespace impl

Environment::Environment(int& argc, char**& argv) {
  RESORB_PETSC(PetscInitialize(&argc, &argv, nullptr, nullptr));
  // Errors must come back as return codes turned into exceptions, not as PETSc's own
  // traceback printing followed by an abort.
  RESORB_PETSC(PetscPushErrorHandler(capture_petsc_message, nullptr));
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
