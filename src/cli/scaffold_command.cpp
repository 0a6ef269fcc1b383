#include "cli/scaffold_command.hpp"

#include <resorb/core/log.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/io/data_files.hpp>
#include <resorb/simulation/scaffold_search.hpp>

#include <fmt/format.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace resorb::cli {
namespace {

std::filesystem::path plot_script() {
  for (const auto& p :
       std::array{std::filesystem::path(RESORB_INSTALLED_BIN_DIR) / "resorb-scaffold-plot",
                  std::filesystem::path(RESORB_SOURCE_SCRIPTS_DIR) / "resorb_scaffold_plot.py"})
    if (std::filesystem::exists(p))
      return p;
  return {};
}

} // namespace

void run_scaffold_search(MPI_Comm comm, const std::string& config_name) {
  const auto config =
      simulation::read_scaffold_config(io::locate_data_file(config_name, "cases", "case"));
  simulation::run_scaffold_search(comm, config);
  const auto& dir = config.output_directory;
  if (mpi::rank(comm) == 0) {
    const auto script = plot_script();
    const std::string command = fmt::format("'{}' '{}' '{}' > /dev/null 2>&1", RESORB_PYTHON_EXE,
                                            script.string(), dir.string());
    if (script.empty() || std::system(command.c_str()) != 0)
      std::fprintf(stderr,
                   "resorb scaffold: warning: pareto.png not drawn (%s); the CSV has "
                   "every value\n",
                   script.empty() ? "resorb_scaffold_plot.py not found" : command.c_str());
  }
  log::info(
      comm,
      "wrote {}: candidates.csv, pareto.png, winner.stl, winner.3mf, winner.json, summary.json",
      dir.string());
}

} // namespace resorb::cli
