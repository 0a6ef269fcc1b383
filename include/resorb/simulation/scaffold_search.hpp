#pragma once
/// @file
/// `resorb scaffold` as a library call: the degradation-aware design search a scaffold config
/// describes, and its outputs.
#include "resorb/simulation/scaffold_case.hpp"

#include <mpi.h>

namespace resorb::simulation {

/// Runs the search @p config describes and writes candidates.csv, winner.stl, winner.3mf,
/// winner.json and summary.json into its output directory (the program adds pareto.png).
/// Collective. @throws InputError for a bad config
void run_scaffold_search(MPI_Comm comm, const ScaffoldConfig& config);

} // namespace resorb::simulation
