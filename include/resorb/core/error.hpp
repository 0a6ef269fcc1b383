#pragma once
/// @file
/// Exceptions used throughout resorb and always-on checks that raise them.

#include <stdexcept>
#include <string>

namespace resorb {

/// Base class of every error resorb raises. The message says what failed and where
/// (file, config key, mesh cell, solver), so that it can be shown to a user unchanged.
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Bad user input: a malformed file, an unknown config key, a missing unit, a
/// non-physical parameter. Programs exit with status 2 on this error.
class InputError : public Error {
public:
  using Error::Error;
};

/// A linear or nonlinear solve that did not converge, or a PETSc failure.
class SolverError : public Error {
public:
  using Error::Error;
};

namespace impl {
[[noreturn]] void throw_petsc_error(int code, const char* expression, const char* file, int line);
[[noreturn]] void throw_assertion(const char* condition, const char* file, int line);
} // namespace impl

} // namespace resorb

/// Checks a PETSc return code and throws resorb::SolverError with PETSc's own message.
#define RESORB_PETSC(call)                                                                         \
  do {                                                                                             \
    const int resorb_petsc_ierr_ = (call);                                                         \
    if (resorb_petsc_ierr_ != 0)                                                                   \
      ::resorb::impl::throw_petsc_error(resorb_petsc_ierr_, #call, __FILE__, __LINE__);            \
  } while (false)

/// Always-on check of user input or of a run's state: throws ErrorType(message) when the
/// condition does not hold. The message is built only on failure, so it may format freely.
#define RESORB_REQUIRE(condition, ErrorType, message)                                              \
  do {                                                                                             \
    if (!(condition))                                                                              \
      throw ErrorType(message);                                                                    \
  } while (false)

/// Debug-only check of an internal invariant (a programming error, never bad input): throws
/// resorb::Error naming the condition and the source line in debug builds, compiles to
/// nothing under NDEBUG (Release). Bad input is RESORB_REQUIRE's job.
#ifdef NDEBUG
#define RESORB_ASSERT(condition)                                                                   \
  do {                                                                                             \
  } while (false)
#else
#define RESORB_ASSERT(condition)                                                                   \
  do {                                                                                             \
    if (!(condition))                                                                              \
      ::resorb::impl::throw_assertion(#condition, __FILE__, __LINE__);                             \
  } while (false)
#endif
