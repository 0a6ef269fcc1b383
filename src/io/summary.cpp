#include "resorb/io/summary.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/log.hpp"
#include "resorb/core/mpi.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <fstream>

namespace resorb::io {

namespace {

nlohmann::ordered_json to_json(const Record& record) {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& e : record.entries()) {
    if (e.group)
      j[e.key] = to_json(*e.group);
    else
      std::visit([&](const auto& v) { j[e.key] = v; }, e.value);
  }
  return j;
}

void print_entries(MPI_Comm comm, const Record& record, int indent) {
  for (const auto& e : record.entries()) {
    const std::string pad(static_cast<std::size_t>(2 * indent), ' ');
    if (e.group) {
      log::info(comm, "{}{}:", pad, e.key);
      print_entries(comm, *e.group, indent + 1);
      continue;
    }
    const std::string text = std::visit(
        [](const auto& v) -> std::string {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, double>)
            return fmt::format("{:.6g}", v);
          else if constexpr (std::is_same_v<T, std::vector<double>>)
            return fmt::format("[{:.6g}]", fmt::join(v, ", "));
          else
            return fmt::format("{}", v);
        },
        e.value);
    log::info(comm, "{}{:<28} {}", pad, e.key, text);
  }
}

} // namespace

Record run_summary(const mesh::TetMesh& mesh, const Record& results, const PhaseTimer& timer) {
  const MPI_Comm comm = mesh.comm();
  Record s;
  s.set("mesh", mesh.source());
  s.set("ranks", mpi::size(comm));
  s.set("cells", static_cast<std::int64_t>(mesh.num_global_cells()));
  s.set("vertices", static_cast<std::int64_t>(mesh.vertex_map().size_global()));
  s.merge(results);
  auto& phases = s.group("wall_time_s");
  for (const auto& [name, seconds] : timer.max_over_ranks(comm))
    phases.set(name, seconds);
  const double peak = peak_memory_bytes();
  s.group("peak_memory_bytes")
      .set("max_rank", mpi::max(comm, peak))
      .set("total", mpi::sum(comm, peak));
  return s;
}

void write_record_json(MPI_Comm comm, const Record& record, const std::filesystem::path& file) {
  std::optional<std::string> error;
  if (mpi::rank(comm) == 0) {
    const auto tmp = std::filesystem::path(file.string() + ".tmp");
    try {
      if (file.has_parent_path())
        std::filesystem::create_directories(file.parent_path());
      {
        std::ofstream out(tmp);
        out << to_json(record).dump(2) << '\n';
        RESORB_REQUIRE(out.good(), Error, fmt::format("cannot write {}", tmp.string()));
      }
      std::filesystem::rename(tmp, file);
    } catch (const std::exception& e) {
      error = fmt::format("writing {}: {}", file.string(), e.what());
    }
  }
  mpi::throw_first_error<Error>(comm, error);
}

void write_summary(MPI_Comm comm, const Record& summary, const std::filesystem::path& directory) {
  write_record_json(comm, summary, directory / "summary.json");
}

void print_summary(MPI_Comm comm, const Record& summary) {
  print_entries(comm, summary, 1);
}

} // namespace resorb::io
