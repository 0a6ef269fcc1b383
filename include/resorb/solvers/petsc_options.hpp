#pragma once
/// @file
/// Per-physics PETSc options: a physics' tuned defaults under its options prefix, and user
/// options that PETSc rejects reported as bad input.

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace resorb::solvers {

/// PETSc options as (name with its leading '-' and without the prefix, value; "" for a flag).
using OptionList = std::vector<std::pair<std::string, std::string>>;

/// Puts each of @p defaults into the options database under @p prefix unless the database
/// already has it (a user's option on the command line or in `[solver] petsc_options` wins).
/// @throws Error when a name does not start with '-'
void set_default_options(const std::string& prefix, const OptionList& defaults);

/// Runs @p read_options (e.g. a KSPSetFromOptions or SNESSetFromOptions call) and turns a
/// PETSc failure there into an InputError that names the user's options under @p prefix
/// that PETSc's message mentions (or all of them when none is singled out): an unknown
/// `-transport_pc_type` is bad input (exit 2), not a solver failure.
void read_options_checked(const std::string& prefix, const std::function<void()>& read_options);

} // namespace resorb::solvers
