#pragma once
/// @file
/// The observers that turn a Simulation into files and a progress line. A Simulation with an
/// output directory subscribes the file outputs itself (attach_file_outputs()); the program
/// adds the ProgressLine.
#include "resorb/core/progress.hpp"
#include "resorb/simulation/simulation.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>

namespace resorb::io {
class XdmfTimeSeries;
} // namespace resorb::io

namespace resorb::simulation {

/// `timeseries.csv`: one row per output time, units in the header; flushed per row, so a
/// killed run leaves its rows so far (a resumed run cuts the rows after its checkpoint).
class TimeSeriesCsv final : public Observer {
public:
  /// Writes `<directory>/timeseries.csv` (rank 0), a new file unless @p resuming.
  TimeSeriesCsv(const Simulation& simulation, std::filesystem::path directory, bool resuming);
  void output(Simulation& simulation, const OutputFigures& figures) override;
  void restore(Simulation& simulation, const Checkpoint& checkpoint) override;

private:
  std::filesystem::path file_;
  std::ofstream out_;
  bool bending_ = false; // a bending stiffness column
};

/// The fields for ParaView: `corrosion.xdmf` + one `corrosion_NNNN.h5` per output time
/// (corrosion cases), or `elasticity.xdmf` + `.h5` after an elasticity solve.
class FieldOutput final : public Observer {
public:
  FieldOutput(const Simulation& simulation, std::filesystem::path directory);
  ~FieldOutput() override;
  void output(Simulation& simulation, const OutputFigures& figures) override;
  void finished(Simulation& simulation) override;
  void save(Checkpoint& checkpoint) const override;
  void restore(Simulation& simulation, const Checkpoint& checkpoint) override;
  /// Output times written so far (s).
  [[nodiscard]] std::size_t times_written() const;

private:
  std::filesystem::path directory_;
  std::unique_ptr<io::XdmfTimeSeries> series_;
};

/// A checkpoint at the output times at least `[corrosion] checkpoint_interval` after the last
/// one (not at the end time: the run is then complete).
class Checkpoints final : public Observer {
public:
  Checkpoints(std::filesystem::path directory, double interval);
  void output(Simulation& simulation, const OutputFigures& figures) override;
  void save(Checkpoint& checkpoint) const override;
  void restore(Simulation& simulation, const Checkpoint& checkpoint) override;

private:
  std::filesystem::path directory_;
  double interval_;
  double last_ = 0.0; // simulated time of the last checkpoint, s
};

/// `summary.json` when the run has finished (written atomically).
class SummaryFile final : public Observer {
public:
  explicit SummaryFile(std::filesystem::path directory);
  void finished(Simulation& simulation) override;

private:
  std::filesystem::path directory_;
};

/// The progress line on rank 0: step, step size, simulated time, ETA and the run's figures
/// (mass loss, H₂, pH, stiffness), rewritten in place on a terminal (core/Progress).
class ProgressLine final : public Observer {
public:
  /// Reports @p simulation's progress from its current time on to @p out.
  explicit ProgressLine(const Simulation& simulation, std::FILE* out = stdout);
  void stepped(Simulation& simulation, const physics::CorrosionReport& report) override;
  void output(Simulation& simulation, const OutputFigures& figures) override;
  void finished(Simulation& simulation) override;

private:
  [[nodiscard]] std::string line(const Simulation& simulation,
                                 const physics::CorrosionReport& report) const;
  Progress progress_;
};

/// Subscribes the file outputs of a case with an output directory: TimeSeriesCsv,
/// FieldOutput and Checkpoints for a corrosion case, FieldOutput for an elasticity case, then
/// SummaryFile. Called by the Simulation itself; exposed for observers of other directories.
void attach_file_outputs(Simulation& simulation, const std::filesystem::path& directory,
                         bool resuming);

} // namespace resorb::simulation
