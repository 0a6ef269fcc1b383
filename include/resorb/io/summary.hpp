#pragma once
/// @file
/// A run's figures as summary.json and as lines on the terminal. Physics reports a Record;
/// io adds what it knows about the run (mesh, ranks, wall time, memory) and writes it.

#include "resorb/core/record.hpp"
#include "resorb/core/timer.hpp"
#include "resorb/mesh/tet_mesh.hpp"

#include <filesystem>

namespace resorb::io {

/// The record of a run: `mesh`, `ranks`, `cells`, `vertices`, then the entries of
/// @p results (the physics' figures), then `wall_time_s` (per phase of @p timer, maximum
/// over ranks) and `peak_memory_bytes` (`max_rank`, `total`). Collective.
[[nodiscard]] Record run_summary(const mesh::TetMesh& mesh, const Record& results,
                                 const PhaseTimer& timer);

/// Writes @p summary as `<directory>/summary.json` on rank 0 (a temporary file, then a
/// rename, so a reader never sees half a file). Collective: every rank learns of a failure.
/// @throws Error naming the file when it cannot be written
void write_summary(MPI_Comm comm, const Record& summary, const std::filesystem::path& directory);

/// Writes @p record as JSON to @p file on rank 0, atomically as write_summary() (a sidecar of
/// an exported file, for instance). Collective.
/// @throws Error naming the file when it cannot be written
void write_record_json(MPI_Comm comm, const Record& record, const std::filesystem::path& file);
/// Prints @p summary on rank 0, one `key value` line per entry, groups indented.
void print_summary(MPI_Comm comm, const Record& summary);

} // namespace resorb::io
