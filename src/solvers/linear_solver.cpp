#include "resorb/solvers/linear_solver.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"

#include <fmt/format.h>

#include <cctype>
#include <chrono>
#include <sstream>

namespace resorb::solvers {

namespace {

/// The options in the database under @p prefix, as "-name value" items.
std::vector<std::string> options_with_prefix(const std::string& prefix) {
  char* all = nullptr;
  RESORB_PETSC(PetscOptionsGetAll(nullptr, &all));
  std::vector<std::string> found;
  std::istringstream words(all != nullptr ? all : "");
  RESORB_PETSC(PetscFree(all));
  std::string word;
  const std::string start = "-" + prefix;
  while (words >> word) {
    if (word.rfind('-', 0) == 0 && word.size() > 1 && !std::isdigit(word[1]) &&
        word.rfind(start, 0) == 0)
      found.push_back(word);
    else if (!found.empty() && found.back().find(' ') == std::string::npos &&
             (word.rfind('-', 0) != 0 || (word.size() > 1 && std::isdigit(word[1]))))
      found.back() += " " + word;
  }
  return found;
}

/// True when @p word stands in @p text as a whole word.
bool mentions(const std::string& text, const std::string& word) {
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (auto pos = text.find(word); pos != std::string::npos; pos = text.find(word, pos + 1)) {
    const bool starts = pos == 0 || !is_word(text[pos - 1]);
    const auto end = pos + word.size();
    if (starts && (end == text.size() || !is_word(text[end])))
      return true;
  }
  return false;
}

/// An InputError naming the user's options that PETSc rejected while reading the options
/// database for the solver with @p prefix: the ones whose value PETSc's message mentions,
/// or all of the prefix's options when none is singled out.
InputError rejected_options(const std::string& prefix, const SolverError& error) {
  const std::string message = error.what();
  const auto options = options_with_prefix(prefix);
  std::string named;
  for (const auto& option : options) {
    const auto space = option.find(' ');
    if (space != std::string::npos && mentions(message, option.substr(space + 1)))
      named += (named.empty() ? "" : ", ") + option;
  }
  if (named.empty())
    for (const auto& option : options)
      named += (named.empty() ? "" : ", ") + option;
  return InputError(fmt::format("PETSc option {} rejected (solver prefix '{}'): {}",
                                named.empty() ? "(none with this prefix)" : named, prefix,
                                message));
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}
} // namespace

LinearSolver::LinearSolver(MPI_Comm comm, const LinearSolverSettings& s) {
  RESORB_PETSC(KSPCreate(comm, ksp_.out()));
  if (!s.options_prefix.empty())
    RESORB_PETSC(KSPSetOptionsPrefix(ksp_.get(), s.options_prefix.c_str()));
  RESORB_PETSC(KSPSetType(ksp_.get(), s.ksp_type.c_str()));
  PC pc = nullptr;
  RESORB_PETSC(KSPGetPC(ksp_.get(), &pc));
  RESORB_PETSC(PCSetType(pc, s.pc_type.c_str()));
  if (s.ksp_type == "cg")
    RESORB_PETSC(KSPSetNormType(ksp_.get(), KSP_NORM_UNPRECONDITIONED));
  RESORB_PETSC(KSPSetTolerances(ksp_.get(), s.rtol, s.atol, PETSC_DEFAULT, s.max_iterations));
  const char* prefix = s.options_prefix.empty() ? nullptr : s.options_prefix.c_str();
  for (const auto& [name, value] : s.default_options) {
    RESORB_REQUIRE(!(name.size() < 2 || name[0] != '-'), Error,
                   fmt::format("solver default option '{}' must start with '-'", name));
    PetscBool given = PETSC_FALSE;
    RESORB_PETSC(PetscOptionsHasName(nullptr, prefix, name.c_str(), &given));
    if (!given) {
      const std::string full = "-" + s.options_prefix + name.substr(1);
      RESORB_PETSC(
          PetscOptionsSetValue(nullptr, full.c_str(), value.empty() ? nullptr : value.c_str()));
    }
  }
  try {
    RESORB_PETSC(KSPSetFromOptions(ksp_.get()));
  } catch (const SolverError& e) {
    // A user's bad option is bad input (exit 2), not a solver failure.
    throw rejected_options(s.options_prefix, e);
  }
}

void LinearSolver::set_operator(Mat a) {
  a_ = a;
  RESORB_PETSC(KSPSetOperators(ksp_.get(), a, a));
  set_up_ = false;
}

void LinearSolver::setup() {
  const auto t0 = std::chrono::steady_clock::now();
  RESORB_PETSC(KSPSetUp(ksp_.get()));
  setup_seconds_ = seconds_since(t0);
  set_up_ = true;
}

SolveReport LinearSolver::solve(Vec b, Vec x) {
  RESORB_REQUIRE(a_ != nullptr, SolverError, "LinearSolver::solve called before set_operator");
  if (!set_up_)
    setup();
  MPI_Comm comm = MPI_COMM_NULL;
  RESORB_PETSC(PetscObjectGetComm(reinterpret_cast<PetscObject>(ksp_.get()), &comm));
  SolveReport report;
  report.setup_seconds = mpi::max(comm, setup_seconds_);
  const auto t0 = std::chrono::steady_clock::now();
  RESORB_PETSC(KSPSolve(ksp_.get(), b, x));
  report.solve_seconds = mpi::max(comm, seconds_since(t0));
  KSPConvergedReason reason{};
  RESORB_PETSC(KSPGetConvergedReason(ksp_.get(), &reason));
  PetscInt its = 0;
  RESORB_PETSC(KSPGetIterationNumber(ksp_.get(), &its));
  report.iterations = static_cast<int>(its);
  report.reason = KSPConvergedReasons[reason];

  la::Vector r;
  RESORB_PETSC(VecDuplicate(b, r.out()));
  RESORB_PETSC(MatMult(a_, x, r.get()));
  RESORB_PETSC(VecAYPX(r.get(), -1.0, b));
  PetscReal rnorm = 0.0, bnorm = 0.0;
  RESORB_PETSC(VecNorm(r.get(), NORM_2, &rnorm));
  RESORB_PETSC(VecNorm(b, NORM_2, &bnorm));
  report.relative_residual = bnorm > 0 ? rnorm / bnorm : rnorm;
  RESORB_REQUIRE(
      reason >= 0, SolverError,
      fmt::format(
          "linear solver did not converge: {} after {} iterations (relative residual {:.3e}); "
          "try -ksp_max_it, another -pc_type, or check the boundary conditions (a body free to "
          "move has no unique solution)",
          report.reason, report.iterations, report.relative_residual));
  return report;
}

} // namespace resorb::solvers
