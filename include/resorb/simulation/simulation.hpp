#pragma once
/// @file
/// A case made ready and run on an MPI communicator: the mesh, the physics objects, the time
/// loop, and observers (progress line, CSV, XDMF, checkpoints, summary) that subscribe to it.
/// Everything `resorb run` does, a C++ application does through this class:
///
/// ```cpp
/// auto c = resorb::simulation::read_case("data/cases/we43_screw.toml");   // or build one
/// resorb::simulation::Simulation sim(std::move(c), sub_communicator);
/// sim.observe(std::make_shared<MyObserver>());
/// sim.advance_to(7 * 86400.0);          // step by step ...
/// sim.run();                            // ... or to the end
/// double k = sim.figures().mechanics->axial_stiffness;
/// ```
/// A corrosion case runs its model to `[corrosion] end_time` with an output every
/// `output_interval` (the mechanics of a loaded implant re-solved there); an elasticity case
/// (no `[corrosion]`) solves once in run().
#include "resorb/core/checkpoint.hpp"
#include "resorb/core/record.hpp"
#include "resorb/core/timer.hpp"
#include "resorb/fem/field.hpp"
#include "resorb/io/xdmf.hpp"
#include "resorb/mesh/tet_mesh.hpp"
#include "resorb/physics/corrosion_model.hpp"
#include "resorb/physics/coupled_implant.hpp"
#include "resorb/simulation/case.hpp"

#include <mpi.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace resorb::simulation {

/// The figures of one output time, for the whole part (a symmetric mesh's share multiplied
/// by the case's symmetry factor).
struct OutputFigures {
  std::size_t index = 0;              ///< 0 for the initial state, then 1, 2, ...
  physics::CorrosionReport corrosion; ///< the corrosion model's figures
  /// H₂ released per current metal surface over the last output interval, m³/(m² s).
  double hydrogen_rate = 0.0;
  /// Mean recession speed of the metal surface over the last output interval, m/s.
  double recession_speed = 0.0;
  /// The loaded implant's mechanics (a case with `[boundary]` loads), else empty.
  std::optional<physics::ImplantFigures> mechanics;
};

class Simulation;

/// What subscribes to a Simulation: every callback is collective (each rank's observer is
/// called at the same points) and may throw, which ends the run with that error.
class Observer {
public:
  virtual ~Observer() = default;
  Observer() = default;
  Observer(const Observer&) = delete;
  Observer& operator=(const Observer&) = delete;

  /// After each accepted time step of a corrosion case (@p report for the whole part).
  /// Called often: keep it cheap (Progress::due()).
  virtual void stepped(Simulation& simulation, const physics::CorrosionReport& report);
  /// At each output time (the initial state included), after the mechanics.
  virtual void output(Simulation& simulation, const OutputFigures& figures);
  /// When run() has finished (corrosion: at the end time; elasticity: after the solve).
  virtual void finished(Simulation& simulation);
  /// Stores what this observer needs to resume (into a checkpoint the Simulation writes).
  virtual void save(Checkpoint& checkpoint) const;
  /// Restores what save() stored, when the Simulation resumes.
  virtual void restore(Simulation& simulation, const Checkpoint& checkpoint);
};

/// A case, ready to run on a communicator.
class Simulation {
public:
  /// Checks @p c (validate()), reads its data files (the alloy and medium once), prepares its
  /// output directory (when it has one: an earlier run's summary, checkpoints and fields there
  /// are removed, the case file copied in as config.toml), meshes and distributes the mesh over
  /// @p comm (any communicator: several simulations may run side by side on parts of
  /// COMM_WORLD) and builds the physics. With an output directory the file outputs subscribe
  /// (timeseries.csv, corrosion.xdmf or elasticity.xdmf, summary.json, checkpoints). Collective.
  /// @throws InputError naming the case and key for bad input, before anything is written
  Simulation(Case c, MPI_Comm comm);
  /// Continues the corrosion run whose output directory @p directory is, from its last
  /// checkpoint (its own config.toml, the same number of ranks): it ends with the results of
  /// an uninterrupted run. @p edit may change the case before it is set up (the solver's
  /// device, say; not the mesh or the physics). Collective.
  /// @throws InputError when there is no checkpoint, or one of another mesh, case or version
  [[nodiscard]] static Simulation resume(const std::filesystem::path& directory, MPI_Comm comm,
                                         const std::function<void(Case&)>& edit = {});
  ~Simulation();
  Simulation(Simulation&&) noexcept;
  Simulation& operator=(Simulation&&) noexcept;

  /// Subscribes @p observer to every later event (in the order of subscription).
  void observe(std::shared_ptr<Observer> observer);

  /// Runs to the end: a corrosion case to its end time (outputs, checkpoints), an elasticity
  /// case's solve. Then calls Observer::finished(). Collective.
  /// @throws SolverError when a solve fails (what was written stays valid)
  void run();
  /// Corrosion cases: steps until @p time (s, at most the end time), with an output at each
  /// output time passed. Collective. @throws InputError for an elasticity case
  void advance_to(double time);

  /// The case (with validate()'s defaults filled in).
  [[nodiscard]] const Case& get_case() const;
  /// The communicator it runs on.
  [[nodiscard]] MPI_Comm comm() const;
  /// The distributed mesh.
  [[nodiscard]] const mesh::TetMesh& mesh() const;
  /// Simulated time, s (0 for an elasticity case).
  [[nodiscard]] double time() const;
  /// End time, s (0 for an elasticity case).
  [[nodiscard]] double end_time() const;
  /// Accepted time steps so far.
  [[nodiscard]] int steps() const;
  /// Whether run() has nothing left to do.
  [[nodiscard]] bool finished() const;
  /// The figures of the last output time (corrosion cases).
  [[nodiscard]] const OutputFigures& figures() const;
  /// Axial stiffness at the last output over that at t = 0 (NaN without mechanics).
  [[nodiscard]] double relative_axial_stiffness() const;
  /// The corrosion model (corrosion cases), else null.
  [[nodiscard]] const physics::CorrosionModel* corrosion_model() const;
  /// The loaded implant (corrosion cases with loads), else null.
  [[nodiscard]] const physics::CoupledImplant* implant() const;
  /// Fields at the mesh vertices for a viewer now: the corrosion model's fields and, with
  /// mechanics, the displacement; or the elasticity solution after run(). Collective.
  [[nodiscard]] std::vector<io::PointField> point_fields() const;
  /// Cell fields for a viewer now (metal fraction, stress invariants, CT bone moduli).
  [[nodiscard]] std::vector<fem::CellField> cell_fields() const;
  /// The run's record as summary.json holds it (mesh, ranks, the physics' figures, wall time
  /// per phase, memory). Collective.
  [[nodiscard]] Record summary() const;
  /// Wall time per phase so far (observers add their own phases, e.g. "write").
  [[nodiscard]] PhaseTimer& timer();
  /// Writes a checkpoint of the run and every observer to `<directory>/checkpoint`.
  /// Collective. @throws Error naming the file when it cannot be written
  void write_checkpoint(const std::filesystem::path& directory);

  /// Version of the run's checkpoint contents (keys under "run/"): a checkpoint of another
  /// version is refused by resume(), naming both.
  static constexpr int checkpoint_version = 2;

private:
  struct State;
  explicit Simulation(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

} // namespace resorb::simulation
