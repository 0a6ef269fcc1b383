#include "resorb/solvers/petsc_options.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>
#include <petscsys.h>

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
