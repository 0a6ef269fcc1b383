#include "resorb/simulation/outputs.hpp"

#include "resorb/core/conversions.hpp"
#include "resorb/core/error.hpp"
#include "resorb/core/log.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/io/summary.hpp"
#include "resorb/io/xdmf.hpp"

#include <fmt/format.h>

#include <string>

namespace resorb::simulation {

namespace {

/// Keeps the header and the first @p rows data rows of @p csv (a killed run may have
/// written rows after its last checkpoint). Rank 0 only.
void truncate_csv(const std::filesystem::path& csv, std::size_t rows) {
  std::ifstream in(csv);
  RESORB_REQUIRE(
      in, InputError,
      fmt::format("cannot resume: '{}' is missing (the run's time series)", csv.string()));
  std::string kept, line;
  std::size_t lines = 0;
  while (lines < rows + 1 && std::getline(in, line)) {
    kept += line + "\n";
    ++lines;
  }
  RESORB_REQUIRE(lines == rows + 1, InputError,
                 fmt::format("cannot resume: '{}' has {} rows, the checkpoint {}", csv.string(),
                             lines == 0 ? 0 : lines - 1, rows));
  in.close();
  std::ofstream out(csv, std::ios::trunc);
  out << kept;
}

} // namespace

TimeSeriesCsv::TimeSeriesCsv(const Simulation& simulation, std::filesystem::path directory,
                             bool resuming)
    : file_(std::move(directory) / "timeseries.csv") {
  if (const auto* implant = simulation.implant())
    bending_ = implant->has_bending();
  if (mpi::rank(simulation.comm()) != 0)
    return;
  std::filesystem::create_directories(file_.parent_path());
  out_.open(file_, resuming ? std::ios::app : std::ios::trunc);
  if (resuming)
    return;
  out_ << "time_h,metal_volume_mm3,mass_loss_percent,mg_released_mg,h2_mL,"
          "h2_rate_mL_per_cm2_day,ph_mean,ph_min,ph_max,corrosion_rate_mm_per_year,"
          "balance_error";
  if (simulation.implant() != nullptr) {
    out_ << ",axial_stiffness_N_per_m,strain_energy_J,implant_von_mises_peak_MPa,"
            "implant_von_mises_mean_MPa,bone_von_mises_peak_MPa,bone_von_mises_mean_MPa";
    if (bending_)
      out_ << ",bending_stiffness_N_per_m";
  }
  out_ << "\n";
}

void TimeSeriesCsv::output(Simulation&, const OutputFigures& f) {
  if (!out_)
    return;
  const auto& r = f.corrosion;
  std::string mechanical;
  if (f.mechanics) {
    const auto& m = f.mechanics->report;
    mechanical =
        fmt::format(",{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g}", f.mechanics->axial_stiffness,
                    m.strain_energy, m.implant_peak_stress * 1e-6, m.implant_mean_stress * 1e-6,
                    m.bone_peak_stress * 1e-6, m.bone_mean_stress * 1e-6);
    if (bending_)
      mechanical += fmt::format(",{:.6g}", f.mechanics->bending_stiffness);
  }
  out_ << fmt::format("{:.6g},{:.9g},{:.6g},{:.6g},{:.6g},{:.6g},{:.5g},{:.5g},{:.5g},{:.6g},"
                      "{:.3e}{}\n",
                      r.time / 3600, r.metal_volume * 1e9, 100 * r.mass_loss,
                      units::mg_of_magnesium(r.dissolved), units::to_mL(r.hydrogen_volume),
                      units::to_mL_per_cm2_day(f.hydrogen_rate), r.ph_mean, r.ph_min, r.ph_max,
                      units::to_mm_per_year(f.recession_speed), r.balance_error, mechanical)
       << std::flush; // a killed run leaves its rows so far
}

void TimeSeriesCsv::restore(Simulation& simulation, const Checkpoint&) {
  std::optional<std::string> error;
  if (mpi::rank(simulation.comm()) == 0) {
    try {
      out_.close();
      truncate_csv(file_, simulation.figures().index + 1);
      out_.open(file_, std::ios::app);
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  mpi::throw_first_error<InputError>(simulation.comm(), error);
}

FieldOutput::FieldOutput(const Simulation& simulation, std::filesystem::path directory)
    : directory_(std::move(directory)) {
  if (simulation.corrosion_model() != nullptr)
    series_ = std::make_unique<io::XdmfTimeSeries>(simulation.mesh(), directory_, "corrosion");
}

FieldOutput::~FieldOutput() = default;

void FieldOutput::output(Simulation& simulation, const OutputFigures& figures) {
  const auto scope = simulation.timer().time("write");
  const auto points = simulation.point_fields();
  series_->write(figures.corrosion.time, points, simulation.cell_fields());
}

void FieldOutput::finished(Simulation& simulation) {
  if (series_) {
    log::info(simulation.comm(), "[4/5] wrote fields at {} output times to {}",
              series_->times().size(), directory_.string());
    return;
  }
  log::info(simulation.comm(), "[4/5] writing fields to {}", directory_.string());
  const auto scope = simulation.timer().time("write");
  const auto points = simulation.point_fields();
  io::write_xdmf(simulation.mesh(), directory_, "elasticity", points, simulation.cell_fields());
}

void FieldOutput::save(Checkpoint& checkpoint) const {
  if (series_)
    checkpoint.put("run/xdmf_times", series_->times());
}

void FieldOutput::restore(Simulation&, const Checkpoint& checkpoint) {
  if (series_)
    series_->continue_after(checkpoint.get("run/xdmf_times"));
}

std::size_t FieldOutput::times_written() const {
  return series_ ? series_->times().size() : 0;
}

Checkpoints::Checkpoints(std::filesystem::path directory, double interval)
    : directory_(std::move(directory)), interval_(interval) {
}

void Checkpoints::output(Simulation& simulation, const OutputFigures& figures) {
  const double time = figures.corrosion.time;
  const bool at_end = time >= simulation.end_time() * (1 - 1e-12);
  if (at_end || time - last_ < interval_ * (1 - 1e-9))
    return;
  last_ = time;
  simulation.write_checkpoint(directory_);
}

void Checkpoints::save(Checkpoint& checkpoint) const {
  checkpoint.put("run/last_checkpoint", last_);
}

void Checkpoints::restore(Simulation&, const Checkpoint& checkpoint) {
  last_ = checkpoint.scalar("run/last_checkpoint");
}

SummaryFile::SummaryFile(std::filesystem::path directory) : directory_(std::move(directory)) {
}

void SummaryFile::finished(Simulation& simulation) {
  log::info(simulation.comm(), "[5/5] post-processing");
  io::write_summary(simulation.comm(), simulation.summary(), directory_);
}

ProgressLine::ProgressLine(const Simulation& simulation, std::FILE* out)
    : progress_(simulation.comm(), simulation.end_time(), out, simulation.time()) {
}

std::string ProgressLine::line(const Simulation& simulation,
                               const physics::CorrosionReport& r) const {
  const double k = simulation.relative_axial_stiffness();
  return fmt::format("step {} (dt {})  mass loss {:.3f} %  H2 {:.4g} mL  pH {:.2f}{}",
                     simulation.steps(), format_duration(r.dt), 100 * r.mass_loss,
                     units::to_mL(r.hydrogen_volume), r.ph_mean,
                     simulation.implant() != nullptr ? fmt::format("  stiffness {:.1f} %", 100 * k)
                                                     : std::string());
}

void ProgressLine::stepped(Simulation& simulation, const physics::CorrosionReport& report) {
  if (progress_.due())
    progress_.update(report.time, line(simulation, report));
}

void ProgressLine::output(Simulation& simulation, const OutputFigures& figures) {
  progress_.update(figures.corrosion.time, line(simulation, figures.corrosion));
  if (figures.corrosion.time >= simulation.end_time() * (1 - 1e-12))
    progress_.finish(); // before the other observers' closing lines
}

void ProgressLine::finished(Simulation&) {
  progress_.finish();
}

void attach_file_outputs(Simulation& simulation, const std::filesystem::path& directory,
                         bool resuming) {
  if (const auto& spec = simulation.get_case().corrosion) {
    simulation.observe(std::make_shared<TimeSeriesCsv>(simulation, directory, resuming));
    simulation.observe(std::make_shared<FieldOutput>(simulation, directory));
    simulation.observe(std::make_shared<Checkpoints>(directory, spec->checkpoint_interval));
  } else {
    simulation.observe(std::make_shared<FieldOutput>(simulation, directory));
  }
  simulation.observe(std::make_shared<SummaryFile>(directory));
}

} // namespace resorb::simulation
