#pragma once
// `resorb scaffold CONFIG`: the degradation-aware design search and its outputs.
#include <mpi.h>

#include <string>

namespace resorb::cli {

/// Runs the search a scaffold config (a file, or a name in data/cases) describes and writes
/// candidates.csv, pareto.png, winner.stl and winner.json, summary.json into its output
/// directory. Collective. @throws InputError for a bad config
void run_scaffold_search(MPI_Comm comm, const std::string& config_name);

} // namespace resorb::cli
