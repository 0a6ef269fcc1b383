#pragma once
/// @file
/// Corrosion models by name: what `[corrosion] model = "..."` picks. resorb registers
/// "reaction_diffusion" (MagnesiumCorrosion, the alloy in the medium) and "surface_damage"
/// (SurfaceDamageCorrosion, a recession speed with optional pitting); an application adds
/// its own with CorrosionModels::add() before reading or running a case.
#include "resorb/mesh/tet_mesh.hpp"
#include "resorb/physics/alloy.hpp"
#include "resorb/physics/corrosion_model.hpp"
#include "resorb/simulation/case.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace resorb::simulation {

/// What a corrosion model is made from.
struct CorrosionModelInputs {
  const mesh::TetMesh& mesh; ///< the distributed mesh
  const CorrosionSpec& spec; ///< the case's `[corrosion]` table
  /// The case's alloy in its medium (read once per run), for models that corrode an alloy
  /// in a medium; empty for models that need none (CorrosionModels::needs_alloy()).
  const std::optional<physics::CorrosionParameters>& parameters;
  physics::TransportSettings settings; ///< time-step control from the spec
};

/// Makes a model from its inputs. @throws InputError for inputs the model cannot take
using CorrosionModelFactory =
    std::function<std::unique_ptr<physics::CorrosionModel>(const CorrosionModelInputs&)>;

/// The registry of corrosion models (process-wide; not thread-safe while adding).
class CorrosionModels {
public:
  /// Registers @p factory as @p name; @p needs_alloy: whether the model corrodes the case's
  /// alloy in its medium (the Simulation then reads both files once and hands the
  /// parameters over). @throws InputError when the name is taken or empty
  static void add(const std::string& name, CorrosionModelFactory factory, bool needs_alloy);
  /// Whether @p name is registered.
  [[nodiscard]] static bool contains(const std::string& name);
  /// Whether the model @p name corrodes an alloy in a medium. @throws InputError as make()
  [[nodiscard]] static bool needs_alloy(const std::string& name);
  /// The registered names, sorted.
  [[nodiscard]] static std::vector<std::string> names();
  /// The model inputs.spec.model names, made from @p inputs.
  /// @throws InputError for an unknown name (listing the known ones) or bad inputs
  [[nodiscard]] static std::unique_ptr<physics::CorrosionModel>
  make(const CorrosionModelInputs& inputs);
};

} // namespace resorb::simulation
