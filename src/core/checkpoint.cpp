#include "resorb/core/checkpoint.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <system_error>

namespace resorb {

namespace {

namespace fs = std::filesystem;

// File layout (little-endian, as the machine writes it): magic, version, ranks, rank,
// entry count, then per entry: key length (u32), key, value count (u64), values (f64);
// the end magic last, so that a truncated file is recognised.
constexpr std::array<char, 8> magic{'r', 'e', 's', 'o', 'r', 'b', 'C', 'K'};
constexpr std::array<char, 8> end_magic{'C', 'K', 'e', 'n', 'd', '\0', '\0', '\0'};
constexpr std::uint32_t version = 1;

fs::path rank_file(const fs::path& folder, int rank) {
  return folder / fmt::format("rank-{}.bin", rank);
}

/// Reads exactly @p size bytes or throws InputError naming @p file.
void read_bytes(std::ifstream& in, void* out, std::size_t size, const fs::path& file) {
  in.read(static_cast<char*>(out), static_cast<std::streamsize>(size));
  RESORB_REQUIRE(in.gcount() == static_cast<std::streamsize>(size), InputError,
                 fmt::format("checkpoint '{}': truncated (the run was killed while writing it, "
                             "or the file was cut)",
                             file.string()));
}

template <class T>
T read_value(std::ifstream& in, const fs::path& file) {
  T value{};
  read_bytes(in, &value, sizeof(T), file);
  return value;
}

template <class T>
void write_value(std::ofstream& out, const T& value) {
  out.write(reinterpret_cast<const char*>(&value), sizeof(T));
}

} // namespace

void Checkpoint::put(std::string key, std::span<const double> values) {
  entries_[std::move(key)].assign(values.begin(), values.end());
}

void Checkpoint::put(std::string key, double value) {
  put(std::move(key), std::span<const double>(&value, 1));
}

bool Checkpoint::contains(std::string_view key) const {
  return entries_.find(key) != entries_.end();
}

std::span<const double> Checkpoint::get(std::string_view key, std::ptrdiff_t expected_size) const {
  const auto it = entries_.find(key);
  RESORB_REQUIRE(it != entries_.end(), InputError,
                 fmt::format("checkpoint '{}': no entry '{}' (written by another version or "
                             "another kind of run)",
                             file_.string(), key));
  RESORB_REQUIRE(expected_size < 0 || static_cast<std::size_t>(expected_size) == it->second.size(),
                 InputError,
                 fmt::format("checkpoint '{}': entry '{}' has {} values, expected {} (another "
                             "mesh or another partition)",
                             file_.string(), key, it->second.size(), expected_size));
  return it->second;
}

double Checkpoint::scalar(std::string_view key) const {
  return get(key, 1)[0];
}

void Checkpoint::get_into(std::string_view key, std::span<double> out) const {
  const auto values = get(key, static_cast<std::ptrdiff_t>(out.size()));
  std::copy(values.begin(), values.end(), out.begin());
}

void Checkpoint::write(MPI_Comm comm, const fs::path& directory) const {
  const int rank = mpi::rank(comm);
  const fs::path current = directory / "checkpoint";
  const fs::path part = directory / "checkpoint.part";
  const fs::path old = directory / "checkpoint.old";
  auto attempt = [](auto&& f) -> std::optional<std::string> {
    try {
      f();
      return std::nullopt;
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
  };
  mpi::throw_first_error<Error>(comm, attempt([&] {
                                  if (rank == 0) {
                                    fs::remove_all(part);
                                    fs::create_directories(part);
                                  }
                                }));
  mpi::throw_first_error<Error>(
      comm, attempt([&] {
        const auto file = rank_file(part, rank);
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        RESORB_REQUIRE(out, Error,
                       fmt::format("checkpoint: cannot open '{}' for writing", file.string()));
        out.write(magic.data(), magic.size());
        write_value(out, version);
        write_value(out, static_cast<std::uint32_t>(mpi::size(comm)));
        write_value(out, static_cast<std::uint32_t>(rank));
        write_value(out, static_cast<std::uint64_t>(entries_.size()));
        for (const auto& [key, values] : entries_) {
          write_value(out, static_cast<std::uint32_t>(key.size()));
          out.write(key.data(), static_cast<std::streamsize>(key.size()));
          write_value(out, static_cast<std::uint64_t>(values.size()));
          out.write(reinterpret_cast<const char*>(values.data()),
                    static_cast<std::streamsize>(values.size() * sizeof(double)));
        }
        out.write(end_magic.data(), end_magic.size());
        out.close();
        RESORB_REQUIRE(out, Error, fmt::format("checkpoint: error writing '{}'", file.string()));
      }));
  // Every part is complete: swap it in. A kill between the renames leaves checkpoint.old,
  // which read() falls back to.
  mpi::throw_first_error<Error>(comm, attempt([&] {
                                  if (rank != 0)
                                    return;
                                  fs::remove_all(old);
                                  if (fs::exists(current))
                                    fs::rename(current, old);
                                  fs::rename(part, current);
                                  fs::remove_all(old);
                                }));
}

bool Checkpoint::exists(const fs::path& directory) {
  return fs::is_directory(directory / "checkpoint") ||
         fs::is_directory(directory / "checkpoint.old");
}

Checkpoint Checkpoint::read(MPI_Comm comm, const fs::path& directory) {
  const int rank = mpi::rank(comm), ranks = mpi::size(comm);
  fs::path folder = directory / "checkpoint";
  if (!fs::is_directory(folder) && fs::is_directory(directory / "checkpoint.old"))
    folder = directory / "checkpoint.old";
  Checkpoint c;
  c.file_ = rank_file(folder, rank);
  std::optional<std::string> error;
  try {
    RESORB_REQUIRE(fs::is_directory(folder), InputError,
                   fmt::format("'{}' holds no checkpoint (no checkpoint/ folder): was the run "
                               "started with checkpoints, and is this its output directory?",
                               directory.string()));
    std::ifstream in(c.file_, std::ios::binary);
    RESORB_REQUIRE(in, InputError,
                   fmt::format("checkpoint '{}': cannot open it (written by fewer ranks than "
                               "the {} of this run?)",
                               c.file_.string(), ranks));
    std::error_code ec;
    const auto file_size = fs::file_size(c.file_, ec);
    std::array<char, 8> head{};
    read_bytes(in, head.data(), head.size(), c.file_);
    RESORB_REQUIRE(head == magic, InputError,
                   fmt::format("checkpoint '{}': not a resorb checkpoint", c.file_.string()));
    const auto file_version = read_value<std::uint32_t>(in, c.file_);
    RESORB_REQUIRE(file_version == version, InputError,
                   fmt::format("checkpoint '{}': format version {} (this resorb reads {})",
                               c.file_.string(), file_version, version));
    const auto written_ranks = read_value<std::uint32_t>(in, c.file_);
    RESORB_REQUIRE(written_ranks == static_cast<std::uint32_t>(ranks), InputError,
                   fmt::format("checkpoint '{}': written by {} rank(s); resume it on as many "
                               "(this run has {})",
                               c.file_.string(), written_ranks, ranks));
    const auto written_rank = read_value<std::uint32_t>(in, c.file_);
    RESORB_REQUIRE(
        written_rank == static_cast<std::uint32_t>(rank), InputError,
        fmt::format("checkpoint '{}': holds rank {}'s part", c.file_.string(), written_rank));
    const auto count = read_value<std::uint64_t>(in, c.file_);
    for (std::uint64_t e = 0; e < count; ++e) {
      const auto key_size = read_value<std::uint32_t>(in, c.file_);
      // Sizes are checked against the file before anything is allocated.
      RESORB_REQUIRE(
          key_size < 4096, InputError,
          fmt::format("checkpoint '{}': corrupt (key of {} bytes)", c.file_.string(), key_size));
      std::string key(key_size, '\0');
      read_bytes(in, key.data(), key_size, c.file_);
      const auto n = read_value<std::uint64_t>(in, c.file_);
      const auto position = static_cast<std::uint64_t>(in.tellg());
      RESORB_REQUIRE(n <= (file_size - position) / sizeof(double), InputError,
                     fmt::format("checkpoint '{}': truncated or corrupt (entry '{}' announces {} "
                                 "values)",
                                 c.file_.string(), key, n));
      std::vector<double> values(n);
      read_bytes(in, values.data(), n * sizeof(double), c.file_);
      c.entries_.emplace(std::move(key), std::move(values));
    }
    std::array<char, 8> tail{};
    read_bytes(in, tail.data(), tail.size(), c.file_);
    RESORB_REQUIRE(tail == end_magic, InputError,
                   fmt::format("checkpoint '{}': corrupt (no end marker)", c.file_.string()));
  } catch (const std::exception& e) {
    error = e.what();
  }
  mpi::throw_first_error<InputError>(comm, error);
  // Every rank's part must exist: a checkpoint of more ranks would leave files unread.
  const bool extra = rank == 0 && fs::exists(rank_file(folder, ranks));
  RESORB_REQUIRE(!mpi::max(comm, static_cast<int>(extra)), InputError,
                 fmt::format("checkpoint '{}': written by more ranks than the {} of this run; "
                             "resume it on as many as wrote it",
                             folder.string(), ranks));
  return c;
}

} // namespace resorb
