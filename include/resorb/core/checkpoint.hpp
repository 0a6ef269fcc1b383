#pragma once
/// @file
/// Checkpoint: the state a long run needs to continue after it was killed, as named arrays
/// of numbers per rank, written so that a crash mid-write never destroys the last good one.

#include <mpi.h>

#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace resorb {

/// One rank's part of a restart state: named arrays of doubles (counts and flags are stored
/// as doubles too; integers up to 2⁵³ are exact). Keys are paths such as
/// "transport/u_n". Each object stores its own state under its own prefix
/// (ReactionDiffusion::save(), MagnesiumCorrosion::save(), ...), so a run's checkpoint is
/// the sum of its parts.
///
/// A checkpoint holds local (per-rank, partition-ordered) arrays: it resumes on the same
/// mesh and the same number of ranks, which read() checks.
class Checkpoint {
public:
  /// Stores @p values under @p key (replacing an earlier entry of the key).
  void put(std::string key, std::span<const double> values);
  /// Stores one number under @p key.
  void put(std::string key, double value);
  /// Whether @p key is stored.
  [[nodiscard]] bool contains(std::string_view key) const;
  /// The values under @p key.
  /// @throws InputError naming the checkpoint file and the key when it is missing, or when
  ///         @p expected_size (unless negative) differs from the number stored
  [[nodiscard]] std::span<const double> get(std::string_view key,
                                            std::ptrdiff_t expected_size = -1) const;
  /// The one number under @p key. @throws InputError as get()
  [[nodiscard]] double scalar(std::string_view key) const;
  /// Copies the values under @p key into @p out, whose size must match. @throws InputError
  void get_into(std::string_view key, std::span<double> out) const;

  /// Writes every rank's part to `<directory>/checkpoint/rank-<r>.bin`. The new files are
  /// written under `checkpoint.part/` and swapped in by rank 0 after every rank has
  /// finished, so a checkpoint on disk is always complete. Collective.
  /// @throws Error naming the file on any file-system failure (on every rank)
  void write(MPI_Comm comm, const std::filesystem::path& directory) const;
  /// Reads this rank's part of the checkpoint in @p directory (falling back to the
  /// previous one when a write was interrupted between the two renames). Collective.
  /// @throws InputError naming the file when there is none, when it is truncated or not a
  ///         checkpoint, or when it was written by another number of ranks
  [[nodiscard]] static Checkpoint read(MPI_Comm comm, const std::filesystem::path& directory);
  /// Whether @p directory holds a checkpoint.
  [[nodiscard]] static bool exists(const std::filesystem::path& directory);

private:
  std::map<std::string, std::vector<double>, std::less<>> entries_;
  std::filesystem::path file_; // where it was read from, for messages
};

} // namespace resorb
