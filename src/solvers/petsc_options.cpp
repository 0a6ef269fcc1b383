#include "resorb/solvers/petsc_options.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>
#include <petscksp.h>

#include <cctype>
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

/// True when option @p name (with its '-') under @p prefix is `<suffix>` or `..._<suffix>`.
bool names_setting(const std::string& name, const std::string& prefix, const std::string& suffix) {
  if (name.size() < suffix.size() ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return false;
  return name.size() == prefix.size() + 1 + suffix.size() ||
         name[name.size() - suffix.size() - 1] == '_';
}

/// Throws InputError naming the first option under @p prefix that sets a KSP or PC type
/// (`-<prefix>..._ksp_type`, `..._pc_type`, e.g. of a sub-solver) to a type PETSc does not
/// know. Sub-solvers read their options only when a solve sets them up, where a misspelt
/// type would otherwise end the run as a solver failure.
void check_solver_types(const std::string& prefix) {
  for (const auto& option : options_with_prefix(prefix)) {
    const auto space = option.find(' ');
    if (space == std::string::npos)
      continue;
    const std::string name = option.substr(0, space), value = option.substr(space + 1);
    PetscErrorCode code = 0;
    if (names_setting(name, prefix, "pc_type")) {
      PC pc = nullptr;
      RESORB_PETSC(PCCreate(PETSC_COMM_SELF, &pc));
      code = PCSetType(pc, value.c_str());
      RESORB_PETSC(PCDestroy(&pc));
    } else if (names_setting(name, prefix, "ksp_type")) {
      KSP ksp = nullptr;
      RESORB_PETSC(KSPCreate(PETSC_COMM_SELF, &ksp));
      code = KSPSetType(ksp, value.c_str());
      RESORB_PETSC(KSPDestroy(&ksp));
    }
    RESORB_REQUIRE(
        code == 0, InputError,
        fmt::format("PETSc option {} rejected (solver prefix '{}'): PETSc has no such type", option,
                    prefix));
  }
}

} // namespace

void set_default_options(const std::string& prefix, const OptionList& defaults) {
  const char* prefix_or_null = prefix.empty() ? nullptr : prefix.c_str();
  for (const auto& [name, value] : defaults) {
    RESORB_REQUIRE(name.size() >= 2 && name[0] == '-', Error,
                   fmt::format("solver default option '{}' must start with '-'", name));
    PetscBool given = PETSC_FALSE;
    RESORB_PETSC(PetscOptionsHasName(nullptr, prefix_or_null, name.c_str(), &given));
    if (!given) {
      const std::string full = "-" + prefix + name.substr(1);
      RESORB_PETSC(
          PetscOptionsSetValue(nullptr, full.c_str(), value.empty() ? nullptr : value.c_str()));
    }
  }
}

void read_options_checked(const std::string& prefix, const std::function<void()>& read_options) {
  check_solver_types(prefix);
  try {
    read_options();
  } catch (const SolverError& error) {
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
    throw InputError(fmt::format("PETSc option {} rejected (solver prefix '{}'): {}",
                                 named.empty() ? "(none with this prefix)" : named, prefix,
                                 message));
  }
}

} // namespace resorb::solvers
