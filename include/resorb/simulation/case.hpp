#pragma once
/// @file
/// A case: what `resorb run` runs, as plain data, read from a TOML file (read_case(); every
/// key is documented in data/cases/*.toml, unknown keys, missing units and malformed values
/// are errors naming the file and the key) or built in C++. A Simulation turns it into
/// physics objects and runs it; validate() checks physical ranges (E > 0, −1 < ν < 0.5)
/// with the key in the message.

#include "resorb/meshes/geometries.hpp"
#include "resorb/physics/coupled_implant.hpp"
#include "resorb/solvers/linear_solver.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace resorb::simulation {

/// One `[materials.<volume>]` table.
struct MaterialSpec {
  std::string group; ///< volume group name (or tag number)
  double E = 0.0;    ///< Young's modulus, Pa
  double nu = 0.0;   ///< Poisson's ratio
};

/// The `[bone_material]` table: per-cell bone moduli from a CT (Bonemat-style, E-first; the
/// program maps it with imaging::map_bone_material). Plain data: the law is a preset's name
/// or a custom coefficient and exponent.
struct BoneMaterialSpec {
  std::filesystem::path ct;         ///< `ct`: the CT (HU) volume, relative to the config
  std::vector<std::string> groups;  ///< `groups`: volume groups whose E and ν come from the CT
  std::string law;                  ///< `law`: a preset's name, or "custom"
  double coefficient = 0.0;         ///< `coefficient` (custom law), Pa at ρ = 1 g/cm^3
  double exponent = 0.0;            ///< `exponent` (custom law)
  std::string density = "apparent"; ///< `density` (custom law): "apparent" or "ash"
  double density_per_hu = 0.0;      ///< `density_per_hu`, kg/m^3 per HU (required)
  double density_at_0_hu = 0.0;     ///< `density_at_0_hu`, kg/m^3 (required)
  double ash_scale = 1.0;           ///< `ash_scale`: ρ_QCT = ash_scale ρ_ash + ash_offset
  double ash_offset = 0.0;          ///< `ash_offset`, kg/m^3
  double ash_fraction = 0.6;        ///< `ash_fraction`: ρ_ash / ρ_app
  double poisson_ratio = 0.3;       ///< `nu`
  double min_E = 1e6;               ///< `min_E`, Pa
};

/// The `[corrosion]` table: run a corrosion model instead of a single elasticity solve.
struct CorrosionSpec {
  /// `model`: a name in the corrosion model registry ("reaction_diffusion",
  /// "surface_damage", or one an application added: CorrosionModels::add())
  std::string model = "reaction_diffusion";
  std::string metal_group = "implant"; ///< `metal`: the volume group that corrodes
  std::string alloy = "pure_mg";       ///< `alloy`: data/alloys name or file
  std::string medium = "sbf";          ///< `medium`: data/media name or file
  std::string hydroxide; ///< `hydroxide`: "published" or "stoichiometric" (default: the medium's)
  double end_time = 0.0; ///< `end_time`, s (required, with a unit)
  double output_interval = 0.0;     ///< `output_interval`, s (0: end_time / 24)
  double checkpoint_interval = 0.0; ///< `checkpoint_interval`, s (0: output_interval)
  /// `stress_assisted`: the mechanics' hydrostatic stress speeds up dissolution (Gutman);
  /// needs `[boundary]` loads
  bool stress_assisted = false;
  double dt_initial = 1.0;          ///< `dt_initial`, s
  double dt_max = 3600.0;           ///< `dt_max`, s
  double rtol = 2e-3;               ///< `rtol`: local time-error tolerance
  double rate = 0.0;                ///< `rate` (surface_damage, required): recession speed, m/s
  double pitting_shape = 0.0;       ///< `pitting_shape` (surface_damage): Weibull γ; 0 = uniform
  std::uint64_t seed = 0;           ///< `seed` (surface_damage): seed of the pitting factors
  std::vector<std::string> exposed; ///< `exposed` (surface_damage): facet groups in the medium
  /// `replacement_E`, Pa, and `replacement_nu`: the tissue that fills the space the metal
  /// leaves (required when `[boundary]` loads the corroding implant: coupled run).
  std::optional<double> replacement_E, replacement_nu;
  /// `film_E`, Pa, and `film_nu` (both or neither): the corrosion product's material, which
  /// fills the space the metal leaves by the model's film fraction
  std::optional<double> film_E, film_nu;
  /// `bending_force`, N (coupled runs): a second load case at every output, this lateral
  /// force (along x, for the whole part) on the first force-loaded group, for the bending
  /// stiffness; 0 = none
  double bending_force = 0.0;
  /// `[corrosion.diffusivity_factor]`: group = factor on every species' diffusivity there
  /// (CorrosionParameters::region_diffusivity); groups not listed have 1.
  std::vector<std::pair<std::string, double>> diffusivity_factor;
};

/// A case: a parsed run configuration, or one built in C++.
struct Case {
  /// The configuration file it was read from (empty for a case built in C++); error
  /// messages name it, and a Simulation copies it into its output directory.
  std::filesystem::path file;
  std::optional<std::filesystem::path> mesh_file;      ///< `[mesh] file`, relative to the config
  double mesh_unit_m = 0.0;                            ///< `[mesh] unit` as metres per file unit
  std::optional<meshes::ScrewInBoneGeometry> generate; ///< `[mesh.screw_in_bone]` instead of a file
  std::optional<meshes::PinInMediumGeometry> pin;      ///< `[mesh.pin_in_medium]` instead of a file
  /// `[mesh.threaded_screw]` instead of a file
  std::optional<meshes::ThreadedScrewGeometry> threaded_screw;
  /// How many copies of the mesh make the whole part (4 for a quarter threaded screw):
  /// forces in `[boundary]` are for the whole part and are divided by it on the mesh;
  /// extensive results (volumes, Mg, H₂, stiffness, energy) are multiplied by it.
  double symmetry_factor = 1.0;
  std::optional<CorrosionSpec> corrosion;             ///< `[corrosion]`: corrode instead of load
  int degree = 1;                                     ///< `[fem] degree`
  std::vector<MaterialSpec> materials;                ///< `[materials.*]`
  std::optional<BoneMaterialSpec> bone_material;      ///< `[bone_material]` (elasticity runs)
  std::vector<physics::BoundaryCondition> boundaries; ///< `[boundary.*]`
  std::optional<std::array<double, 3>> body_force;    ///< `[body_force] value`, N/m^3
  solvers::LinearSolverSettings solver;               ///< `[solver]`
  std::string petsc_options;                          ///< `[solver] petsc_options`
  /// `[output] directory`, relative to the cwd ("results" when read from a file): where a
  /// Simulation writes timeseries.csv, the XDMF fields, summary.json and checkpoints. Empty
  /// (a case built in C++): nothing is written unless observers are attached.
  std::filesystem::path output_directory;

  /// What error messages call this case: its file, or "case" for one built in C++.
  [[nodiscard]] std::string name() const { return file.empty() ? "case" : file.string(); }
};

/// Reads and checks a configuration file (keys, units, the alloy and medium data files).
/// @throws InputError naming the file and key (and line for TOML syntax errors)
[[nodiscard]] Case read_case(const std::filesystem::path& file);

/// Checks what a case built in C++ may get wrong and a file reader checks too: physical
/// materials (E > 0, −1 < ν < 0.5), a corrosion end time, the coupling's keys. Fills the
/// defaults of zero intervals (output every end_time / 24, checkpoint at every output).
/// @throws InputError naming the case and the key
void validate(Case& c);

} // namespace resorb::simulation
