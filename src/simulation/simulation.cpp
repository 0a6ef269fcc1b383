#include "resorb/simulation/simulation.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/log.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/core/progress.hpp"
#include "resorb/io/gmsh.hpp"
#include "resorb/io/summary.hpp"
#include "resorb/io/xdmf.hpp"
#include "resorb/mesh/quality.hpp"
#include "resorb/meshes/geometries.hpp"
#include "resorb/physics/alloy.hpp"
#include "resorb/physics/corrosion.hpp"
#include "resorb/physics/elasticity.hpp"
#include "resorb/simulation/bone_material_setup.hpp"
#include "resorb/simulation/model_registry.hpp"
#include "resorb/simulation/outputs.hpp"

#include <fmt/format.h>
#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <span>

namespace resorb::simulation {

void Observer::stepped(Simulation&, const physics::CorrosionReport&) {
}
void Observer::output(Simulation&, const OutputFigures&) {
}
void Observer::finished(Simulation&) {
}
void Observer::save(Checkpoint&) const {
}
void Observer::restore(Simulation&, const Checkpoint&) {
}

namespace {

namespace fs = std::filesystem;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

/// @p r for the whole part when the mesh is one of @p copies symmetric copies of it.
physics::CorrosionReport whole_part(physics::CorrosionReport r, double copies) {
  r.metal_volume *= copies;
  r.dissolved *= copies;
  r.hydrogen_volume *= copies;
  r.interface_area *= copies;
  r.film *= copies;
  return r;
}

/// Time (s) at which a series first falls to @p level, linearly interpolated; NaN if never.
double first_crossing(const std::vector<std::pair<double, double>>& series, double level) {
  for (std::size_t i = 1; i < series.size(); ++i) {
    const auto [t0, v0] = series[i - 1];
    const auto [t1, v1] = series[i];
    if (v0 > level && v1 <= level)
      return t0 + (t1 - t0) * (v0 - level) / (v0 - v1);
  }
  return nan;
}

/// A series of (time, value) pairs as one flat array, and back.
std::vector<double> flatten(const std::vector<std::pair<double, double>>& series) {
  std::vector<double> flat;
  for (const auto& [t, v] : series) {
    flat.push_back(t);
    flat.push_back(v);
  }
  return flat;
}
std::vector<std::pair<double, double>> unflatten(std::span<const double> flat) {
  std::vector<std::pair<double, double>> series;
  for (std::size_t i = 0; i + 1 < flat.size(); i += 2)
    series.emplace_back(flat[i], flat[i + 1]);
  return series;
}

/// Global figures that tell meshes apart (vertices, cells, a weighted coordinate sum): a
/// checkpoint resumes only on the mesh it was written on. Collective.
std::vector<double> mesh_fingerprint(const mesh::TetMesh& mesh) {
  double sum = 0.0;
  const auto x = mesh.coordinates();
  for (LocalIndex v = 0; v < mesh.vertex_map().num_owned(); ++v) {
    const auto i = 3 * static_cast<std::size_t>(v);
    sum += x[i] + 2.0 * x[i + 1] + 3.0 * x[i + 2];
  }
  return {static_cast<double>(mesh.vertex_map().size_global()),
          static_cast<double>(mesh.num_global_cells()), mpi::sum(mesh.comm(), sum)};
}

/// An elasticity case: one solve of the case's loads, of either degree.
class StaticProblem {
public:
  virtual ~StaticProblem() = default;
  /// Solves; returns the physics' figures. Collective.
  virtual Record solve(PhaseTimer& timer) = 0;
  [[nodiscard]] virtual std::vector<io::PointField> point_fields() const = 0;
  [[nodiscard]] virtual std::vector<fem::CellField> cell_fields() const = 0;
};

template <fem::LagrangeElement Element>
class StaticProblemOf final : public StaticProblem {
public:
  StaticProblemOf(const Case& c, const mesh::TetMesh& mesh, PhaseTimer& timer)
      : case_(c), mesh_(mesh), problem_([&] {
          // DOF numbering (P2 edges, ghosts) is real work on big meshes: its own phase.
          const auto scope = timer.time("dofs");
          return std::make_unique<physics::Elasticity<Element>>(mesh);
        }()) {
    for (const auto& m : c.materials)
      problem_->set_material(m.group, {m.E, m.nu});
    if (c.bone_material) {
      const auto scope = timer.time("bone material");
      set_bone_material();
    }
    groups_ = physics::apply_boundary_conditions(*problem_, c.boundaries, c.symmetry_factor);
    if (c.body_force) {
      const physics::Vec3 f = *c.body_force;
      problem_->set_body_force([f](const physics::Vec3&) { return f; });
    }
  }
  Record solve(PhaseTimer& timer) override {
    const MPI_Comm comm = mesh_.comm();
    log::info(comm, "[3/5] assembling and solving: {} DOFs (P{}) on {} rank(s)",
              problem_->num_dofs(), Element::degree, mpi::size(comm));
    const auto report = problem_->solve(case_.solver);
    log::info(comm, "      CG converged in {} iterations ({}), relative residual {:.2e}",
              report.iterations, report.reason, report.relative_residual);
    if (case_.solver.device != ExecutionSpace::host)
      log::info(comm, "      on {}: {} host-device copies ({} bytes)",
                to_string(case_.solver.device), report.transfers.copies(),
                report.transfers.bytes_to_device + report.transfers.bytes_to_host);
    for (const auto& [name, seconds] : problem_->timer().phases())
      timer.add(name, seconds);
    solved_ = true;
    return physics::summarize(*problem_, report, groups_.force_groups, groups_.fixed_groups);
  }
  std::vector<io::PointField> point_fields() const override {
    return {io::point_field(problem_->displacement())};
  }
  std::vector<fem::CellField> cell_fields() const override {
    std::vector<fem::CellField> fields;
    if (solved_)
      for (auto& f : problem_->stress_invariants())
        fields.push_back(std::move(f));
    for (const auto& f : bone_fields_)
      fields.push_back(f);
    return fields;
  }

private:
  // `[bone_material]`: the CT's moduli in the groups it names (the others keep [materials]).
  void set_bone_material() {
    const auto& spec = *case_.bone_material;
    const MPI_Comm comm = mesh_.comm();
    const auto map = bone_material_map(spec, fmt::format("{}: [bone_material]", case_.name()));
    // Every volume group needs its material from one place (checked on the global group
    // list, so that every rank decides alike).
    std::vector<int> given;
    for (const auto& m : case_.materials)
      given.push_back(mesh_.cell_tag(m.group));
    for (const auto& g : spec.groups)
      given.push_back(mesh_.cell_tag(g));
    for (const auto& g : mesh_.groups())
      RESORB_REQUIRE(g.dim != 3 || std::find(given.begin(), given.end(), g.tag) != given.end(),
                     InputError,
                     fmt::format("{}: volume group '{}' has neither [materials] nor "
                                 "[bone_material]",
                                 case_.name(), g.name));
    const auto cells = map_ct_bone_material(mesh_, spec, map);
    // Cells outside the mapped groups keep their [materials] value.
    std::vector<double> E(cells.E.size()), nu(cells.E.size());
    const auto tags = mesh_.cell_tags();
    for (std::size_t c = 0; c < E.size(); ++c) {
      if (cells.mapped[c]) {
        E[c] = cells.E[c];
        nu[c] = cells.nu[c];
        continue;
      }
      const auto it = std::find_if(case_.materials.begin(), case_.materials.end(),
                                   [&](auto& m) { return mesh_.cell_tag(m.group) == tags[c]; });
      RESORB_REQUIRE(it != case_.materials.end(), InputError,
                     fmt::format("{}: volume group '{}' has neither [materials] nor "
                                 "[bone_material]",
                                 case_.name(), mesh_.group_name(3, tags[c])));
      E[c] = it->E;
      nu[c] = it->nu;
    }
    problem_->set_cell_materials(E, nu);
    double lo = std::numeric_limits<double>::infinity(), hi = 0.0;
    for (std::size_t c = 0; c < E.size(); ++c)
      if (cells.mapped[c]) {
        lo = std::min(lo, E[c]);
        hi = std::max(hi, E[c]);
      }
    log::info(comm, "      bone E from {:.3g} to {:.3g} GPa", mpi::min(comm, lo) * 1e-9,
              mpi::max(comm, hi) * 1e-9);
    bone_fields_ = bone_fields(cells);
  }

  const Case& case_;
  const mesh::TetMesh& mesh_;
  std::unique_ptr<physics::Elasticity<Element>> problem_;
  physics::LoadedGroups groups_;
  std::vector<fem::CellField> bone_fields_;
  bool solved_ = false;
};

/// The mesh a case names: its file, or a built-in geometry meshed with Gmsh. Collective.
mesh::MeshData case_mesh_data(const Case& c, MPI_Comm comm) {
  if (c.mesh_file) {
    log::info(comm, "[1/5] reading {}", c.mesh_file->string());
    return io::read_gmsh_data(comm, *c.mesh_file, c.mesh_unit_m);
  }
  if (c.threaded_screw) {
    log::info(comm, "[1/5] meshing the built-in threaded screw in bone with Gmsh");
    return meshes::threaded_screw_mesh_data(comm, *c.threaded_screw);
  }
  if (c.pin) {
    log::info(comm, "[1/5] meshing the built-in pin-in-medium geometry with Gmsh");
    return meshes::pin_in_medium_mesh_data(comm, *c.pin);
  }
  log::info(comm, "[1/5] meshing the built-in screw-in-bone geometry with Gmsh");
  return meshes::screw_in_bone_mesh_data(comm, *c.generate);
}

/// Clears what an earlier run left in the output directory and copies the case file in
/// (rank 0). A resumed run keeps its checkpoint and fields.
void prepare_output_directory(const Case& c, MPI_Comm comm, bool resuming) {
  std::optional<std::string> error;
  if (mpi::rank(comm) == 0) {
    try {
      const auto& directory = c.output_directory;
      // Results of an earlier run in the same directory must not pass for this run's.
      fs::remove(directory / "summary.json");
      fs::create_directories(directory);
      if (!resuming) {
        fs::remove_all(directory / "checkpoint");
        fs::remove_all(directory / "checkpoint.old");
        for (const auto& entry : fs::directory_iterator(directory)) {
          const auto name = entry.path().filename().string();
          if (name.starts_with("corrosion_") && name.ends_with(".h5"))
            fs::remove(entry.path());
        }
      }
      const auto copy = directory / "config.toml";
      if (!c.file.empty() && (!fs::exists(copy) || !fs::equivalent(copy, c.file)))
        fs::copy_file(c.file, copy, fs::copy_options::overwrite_existing);
    } catch (const fs::filesystem_error& e) {
      error = fmt::format("output directory '{}': {}", c.output_directory.string(), e.what());
    }
  }
  mpi::throw_first_error<Error>(comm, error);
}

} // namespace

struct Simulation::State {
  Case c;
  MPI_Comm comm;
  PhaseTimer timer;
  std::optional<mesh::TetMesh> mesh;
  std::unique_ptr<StaticProblem> elasticity;      // an elasticity case
  std::unique_ptr<physics::CorrosionModel> model; // a corrosion case
  std::unique_ptr<physics::CoupledImplant> implant;
  std::vector<std::shared_ptr<Observer>> observers;
  Record results; // an elasticity case's figures, after run()

  // The run so far (a corrosion case).
  int steps = 0;
  std::size_t outputs = 0; // output times passed, t = 0 included
  double stiffness0 = nan, bending0 = nan;
  OutputFigures last_output;
  physics::CorrosionReport previous; // at the last output, whole part
  physics::CorrosionReport last;     // after the last step, whole part
  // (s, fraction left)
  std::vector<std::pair<double, double>> stiffness_series, bending_series, mass_series;
  bool done = false;

  State(Case case_, MPI_Comm communicator, bool resuming);
  [[nodiscard]] double end_time() const { return c.corrosion ? c.corrosion->end_time : 0.0; }
  [[nodiscard]] bool at_end() const { return model && model->time() >= end_time() * (1 - 1e-12); }
  void emit_output(Simulation& self);
  void advance(Simulation& self, double time);
  void save(Checkpoint& checkpoint) const;
  void restore(Simulation& self, const Checkpoint& checkpoint);
};

Simulation::State::State(Case case_, MPI_Comm communicator, bool resuming)
    : c(std::move(case_)), comm(communicator) {
  validate(c);
  const auto name = c.name();
  // The data files, once each, before anything is written: their errors name the case's keys.
  std::optional<physics::CorrosionParameters> parameters;
  std::optional<physics::IsotropicMaterial> alloy_material;
  if (c.corrosion && CorrosionModels::needs_alloy(c.corrosion->model)) {
    try {
      const auto alloy = physics::read_alloy(c.corrosion->alloy);
      parameters = physics::corrosion_parameters(alloy, physics::read_medium(c.corrosion->medium),
                                                 c.corrosion->medium);
      alloy_material = physics::IsotropicMaterial{alloy.youngs_modulus, alloy.poisson_ratio};
    } catch (const InputError& e) {
      throw InputError(fmt::format("{}: key 'corrosion.alloy/medium': {}", name, e.what()));
    }
  }
  if (!c.petsc_options.empty())
    RESORB_PETSC(PetscOptionsInsertString(nullptr, c.petsc_options.c_str()));
  if (!c.output_directory.empty())
    prepare_output_directory(c, comm, resuming);
  {
    mesh::MeshData data;
    {
      const auto scope = timer.time("read");
      data = case_mesh_data(c, comm);
    }
    const auto scope = timer.time("partition");
    log::info(comm, "[2/5] partitioning over {} rank(s)", mpi::size(comm));
    mesh.emplace(mesh::TetMesh::distribute(comm, std::move(data)));
  }
  log::info(comm, "{}", mesh::format_report(mesh::quality_report(*mesh)));
  if (!c.corrosion) {
    elasticity =
        fem::with_element(c.degree, [&]<class Element>() -> std::unique_ptr<StaticProblem> {
          return std::make_unique<StaticProblemOf<Element>>(c, *mesh, timer);
        });
    return;
  }
  const auto& spec = *c.corrosion;
  auto settings = physics::MagnesiumCorrosion::defaults();
  settings.dt_initial = std::min(spec.dt_initial, spec.dt_max);
  settings.dt_min = std::min(settings.dt_min, settings.dt_initial);
  settings.dt_max = spec.dt_max;
  settings.control.rtol = spec.rtol;
  model = CorrosionModels::make({*mesh, spec, parameters, settings});
  RESORB_REQUIRE(!spec.stress_assisted || model->supports_stress(), InputError,
                 fmt::format("{}: key 'corrosion.stress_assisted': model '{}' has no "
                             "stress-assisted dissolution",
                             name, spec.model));
  if (!c.boundaries.empty()) {
    physics::CoupledImplantSpec coupled;
    coupled.metal_group = spec.metal_group;
    for (const auto& m : c.materials)
      if (m.group == spec.metal_group)
        alloy_material = physics::IsotropicMaterial{m.E, m.nu};
      else
        coupled.materials.emplace_back(m.group, physics::IsotropicMaterial{m.E, m.nu});
    RESORB_REQUIRE(alloy_material.has_value(), InputError,
                   fmt::format("{}: key 'materials.{}' missing: the {} model has no alloy to take "
                               "the implant's E and nu from",
                               name, spec.metal_group, spec.model));
    coupled.metal = *alloy_material;
    coupled.replacement = {*spec.replacement_E, *spec.replacement_nu};
    if (spec.film_E)
      coupled.film = physics::IsotropicMaterial{*spec.film_E, *spec.film_nu};
    coupled.boundaries = c.boundaries;
    coupled.body_force = c.body_force;
    coupled.symmetry_factor = c.symmetry_factor;
    coupled.bending_force = spec.bending_force;
    implant = physics::make_coupled_implant(*mesh, c.degree, coupled);
    log::info(comm, "      mechanics re-solved at every output: {} DOFs (P{})", implant->num_dofs(),
              implant->degree());
  }
  if (spec.model == "surface_damage")
    log::info(comm, "[3/5] corroding '{}' by surface damage at {:.4g} mm/year for {:.4g} h",
              spec.metal_group, units::to_mm_per_year(spec.rate), spec.end_time / 3600);
  else
    log::info(comm, "[3/5] corroding '{}' ({}) in {} for {:.4g} h{}", spec.metal_group, spec.alloy,
              spec.medium, spec.end_time / 3600,
              spec.stress_assisted ? ", stress-assisted (Gutman)" : "");
  previous = whole_part(model->report(), c.symmetry_factor);
  last = previous;
}

void Simulation::State::emit_output(Simulation& self) {
  const auto& r = last;
  OutputFigures out;
  out.index = outputs;
  out.corrosion = r;
  // Rates over the last output interval, per current surface area.
  const double dt = r.time - previous.time;
  if (dt > 0 && r.interface_area > 0) {
    out.hydrogen_rate = (r.hydrogen_volume - previous.hydrogen_volume) / r.interface_area / dt;
    out.recession_speed = (previous.metal_volume - r.metal_volume) / r.interface_area / dt;
  }
  if (implant) {
    const auto scope = timer.time("mechanics");
    out.mechanics = implant->update(*model);
    const auto& m = *out.mechanics;
    if (stiffness_series.empty()) {
      stiffness0 = m.axial_stiffness;
      bending0 = m.bending_stiffness;
    }
    stiffness_series.emplace_back(r.time, m.axial_stiffness / stiffness0);
    if (implant->has_bending())
      bending_series.emplace_back(r.time, m.bending_stiffness / bending0);
    if (c.corrosion->stress_assisted) // the dissolution until the next output feels it
      model->set_stress(m.report.metal_hydrostatic_stress);
  }
  mass_series.emplace_back(r.time, 1.0 - r.mass_loss);
  ++outputs;
  last_output = out;
  previous = r;
  for (const auto& o : observers)
    o->output(self, out);
}

void Simulation::State::advance(Simulation& self, double time) {
  RESORB_REQUIRE(
      model != nullptr, InputError,
      fmt::format("{}: an elasticity case has no time to advance (no [corrosion])", c.name()));
  if (outputs == 0)
    emit_output(self); // the initial state
  const auto& spec = *c.corrosion;
  const double until = std::min(time, spec.end_time);
  for (std::size_t k = outputs; model->time() < until * (1 - 1e-12); k = outputs) {
    const double next = std::min(static_cast<double>(k) * spec.output_interval, spec.end_time);
    const double target = std::min(next, until);
    {
      const auto scope = timer.time("corrode");
      model->advance_to(target, [&](const physics::CorrosionReport& step) {
        last = whole_part(step, c.symmetry_factor);
        ++steps;
        for (const auto& o : observers)
          o->stepped(self, last);
      });
    }
    if (target < next)
      break; // stopped between outputs
    emit_output(self);
  }
}

void Simulation::State::save(Checkpoint& checkpoint) const {
  checkpoint.put("run/version", static_cast<double>(checkpoint_version));
  checkpoint.put("run/mesh", mesh_fingerprint(*mesh));
  model->save(checkpoint, "corrosion/");
  if (implant)
    implant->save(checkpoint, "mechanics/");
  checkpoint.put("run/counters", std::vector{static_cast<double>(outputs),
                                             static_cast<double>(steps), stiffness0, bending0});
  checkpoint.put("run/stiffness_series", flatten(stiffness_series));
  checkpoint.put("run/bending_series", flatten(bending_series));
  checkpoint.put("run/mass_series", flatten(mass_series));
}

void Simulation::State::restore(Simulation& self, const Checkpoint& checkpoint) {
  const auto& directory = c.output_directory;
  const double version = checkpoint.contains("run/version") ? checkpoint.scalar("run/version") : 1;
  RESORB_REQUIRE(version == checkpoint_version, InputError,
                 fmt::format("cannot resume '{}': its checkpoint holds run format version {:.0f}, "
                             "this resorb reads version {}",
                             (directory / "checkpoint").string(), version, checkpoint_version));
  const auto fingerprint = mesh_fingerprint(*mesh);
  const auto saved = checkpoint.get("run/mesh", 3);
  RESORB_REQUIRE(
      saved[0] == fingerprint[0] && saved[1] == fingerprint[1] &&
          std::abs(saved[2] - fingerprint[2]) <= 1e-12 * std::max(1.0, std::abs(saved[2])),
      InputError,
      fmt::format("cannot resume '{}': its checkpoint was written on another mesh "
                  "({:.0f} vertices, {:.0f} cells; this one {:.0f}, {:.0f})",
                  directory.string(), saved[0], saved[1], fingerprint[0], fingerprint[1]));
  model->restore(checkpoint, "corrosion/");
  if (implant)
    implant->restore(checkpoint, "mechanics/");
  const auto counters = checkpoint.get("run/counters", 4);
  outputs = static_cast<std::size_t>(counters[0]);
  steps = static_cast<int>(counters[1]);
  stiffness0 = counters[2];
  bending0 = counters[3];
  stiffness_series = unflatten(checkpoint.get("run/stiffness_series"));
  bending_series = unflatten(checkpoint.get("run/bending_series"));
  mass_series = unflatten(checkpoint.get("run/mass_series"));
  previous = whole_part(model->report(), c.symmetry_factor);
  last = previous;
  last_output.index = outputs == 0 ? 0 : outputs - 1;
  last_output.corrosion = previous;
  if (implant && !stiffness_series.empty()) {
    physics::ImplantFigures m;
    m.axial_stiffness = stiffness_series.back().second * stiffness0;
    m.bending_stiffness = bending_series.empty() ? nan : bending_series.back().second * bending0;
    last_output.mechanics = m;
  }
  for (const auto& o : observers)
    o->restore(self, checkpoint);
  log::info(comm, "      resuming from the checkpoint at t = {} (step {}, {} outputs)",
            format_duration(model->time()), steps, outputs);
}

Simulation::Simulation(std::unique_ptr<State> state) : state_(std::move(state)) {
}

Simulation::Simulation(Case c, MPI_Comm comm)
    : state_(std::make_unique<State>(std::move(c), comm, false)) {
  if (!state_->c.output_directory.empty())
    attach_file_outputs(*this, state_->c.output_directory, false);
}

Simulation Simulation::resume(const fs::path& directory, MPI_Comm comm,
                              const std::function<void(Case&)>& edit) {
  RESORB_REQUIRE(Checkpoint::exists(directory), InputError,
                 fmt::format("cannot resume '{}': no checkpoint there (is it the output "
                             "directory of a corrosion run that wrote one?)",
                             directory.string()));
  auto c = read_case(directory / "config.toml");
  RESORB_REQUIRE(
      c.corrosion, InputError,
      fmt::format("cannot resume '{}': its config.toml has no [corrosion]", directory.string()));
  c.output_directory = directory;
  if (edit)
    edit(c);
  Simulation simulation(std::make_unique<State>(std::move(c), comm, true));
  attach_file_outputs(simulation, directory, true);
  const auto checkpoint = Checkpoint::read(comm, directory);
  simulation.state_->restore(simulation, checkpoint);
  return simulation;
}

Simulation::~Simulation() = default;
Simulation::Simulation(Simulation&&) noexcept = default;
Simulation& Simulation::operator=(Simulation&&) noexcept = default;

void Simulation::observe(std::shared_ptr<Observer> observer) {
  RESORB_REQUIRE(observer != nullptr, InputError, "Simulation::observe: no observer given");
  state_->observers.push_back(std::move(observer));
}

void Simulation::advance_to(double time) {
  state_->advance(*this, time);
}

void Simulation::run() {
  auto& s = *state_;
  if (s.elasticity) {
    if (!s.done)
      s.results = s.elasticity->solve(s.timer);
  } else {
    s.advance(*this, s.end_time());
  }
  s.done = true;
  for (const auto& o : s.observers)
    o->finished(*this);
}

const Case& Simulation::get_case() const {
  return state_->c;
}
MPI_Comm Simulation::comm() const {
  return state_->comm;
}
const mesh::TetMesh& Simulation::mesh() const {
  return *state_->mesh;
}
double Simulation::time() const {
  return state_->model ? state_->model->time() : 0.0;
}
double Simulation::end_time() const {
  return state_->end_time();
}
int Simulation::steps() const {
  return state_->steps;
}
bool Simulation::finished() const {
  return state_->done;
}
const OutputFigures& Simulation::figures() const {
  return state_->last_output;
}
double Simulation::relative_axial_stiffness() const {
  const auto& m = state_->last_output.mechanics;
  return m ? m->axial_stiffness / state_->stiffness0 : nan;
}
const physics::CorrosionModel* Simulation::corrosion_model() const {
  return state_->model.get();
}
const physics::CoupledImplant* Simulation::implant() const {
  return state_->implant.get();
}
PhaseTimer& Simulation::timer() {
  return state_->timer;
}

std::vector<io::PointField> Simulation::point_fields() const {
  const auto& s = *state_;
  if (s.elasticity)
    return s.elasticity->point_fields();
  std::vector<io::PointField> fields;
  for (const auto& field : s.model->output_fields())
    fields.push_back(io::point_field(field));
  if (s.implant)
    fields.push_back(io::point_field(s.implant->displacement()));
  return fields;
}

std::vector<fem::CellField> Simulation::cell_fields() const {
  const auto& s = *state_;
  if (s.elasticity)
    return s.elasticity->cell_fields();
  std::vector<fem::CellField> fields;
  fields.push_back({"cell_metal_fraction", 1, s.model->metal_fraction(), "1"});
  if (s.implant)
    for (auto& stress : s.implant->stress_invariants())
      fields.push_back(std::move(stress));
  return fields;
}

Record Simulation::summary() const {
  const auto& s = *state_;
  if (s.elasticity)
    return io::run_summary(*s.mesh, s.results, s.timer);
  const auto& spec = *s.c.corrosion;
  const auto& last = s.last;
  Record figures;
  figures.set("model", spec.model.c_str());
  if (CorrosionModels::needs_alloy(spec.model)) {
    figures.set("alloy", spec.alloy.c_str());
    figures.set("medium", spec.medium.c_str());
    figures.set("stress_assisted", static_cast<std::int64_t>(spec.stress_assisted ? 1 : 0));
  }
  figures.set("end_time_h", last.time / 3600);
  figures.set("metal_volume_m3", last.metal_volume);
  figures.set("mass_loss_fraction", last.mass_loss);
  figures.set("mg_released_mol", last.dissolved);
  figures.set("hydrogen_volume_m3", last.hydrogen_volume);
  figures.set("ph_mean", last.ph_mean);
  figures.set("ph_min", last.ph_min);
  figures.set("ph_max", last.ph_max);
  figures.set("mg_balance_error", last.balance_error);
  figures.set("time_steps", static_cast<std::int64_t>(s.steps));
  const double half_mass = first_crossing(s.mass_series, 0.5);
  if (std::isfinite(half_mass))
    figures.set("time_to_half_mass_h", half_mass / 3600);
  // A stiffness's figures: at t = 0, now, and when it first fell to half (if it has).
  auto stiffness = [&](const char* name, const char* half_key, double initial, double now,
                       const std::vector<std::pair<double, double>>& series) {
    figures.set(fmt::format("initial_{}_stiffness_N_per_m", name), initial);
    figures.set(fmt::format("final_{}_stiffness_N_per_m", name), now);
    if (const double half = first_crossing(series, 0.5); std::isfinite(half))
      figures.set(half_key, half / 3600);
  };
  const auto& m = s.last_output.mechanics;
  if (s.implant && std::isfinite(s.stiffness0))
    stiffness("axial", "time_to_half_stiffness_h", s.stiffness0, m ? m->axial_stiffness : nan,
              s.stiffness_series);
  if (s.implant && s.implant->has_bending())
    stiffness("bending", "time_to_half_bending_stiffness_h", s.bending0,
              m ? m->bending_stiffness : nan, s.bending_series);
  return io::run_summary(*s.mesh, figures, s.timer);
}

void Simulation::write_checkpoint(const fs::path& directory) {
  auto& s = *state_;
  RESORB_REQUIRE(s.model != nullptr, InputError,
                 fmt::format("{}: an elasticity case has no checkpoints", s.c.name()));
  const auto scope = s.timer.time("checkpoint");
  Checkpoint checkpoint;
  s.save(checkpoint);
  for (const auto& o : s.observers)
    o->save(checkpoint);
  checkpoint.write(s.comm, directory);
}

} // namespace resorb::simulation
