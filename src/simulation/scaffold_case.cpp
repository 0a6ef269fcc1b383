#include "resorb/simulation/scaffold_case.hpp"

#include "simulation/case_sections.hpp"

#include <cmath>

namespace resorb::simulation {
namespace {

const toml::array& array_of(const Reader& r, const toml::node* node, const std::string& key,
                            std::size_t size = 0) {
  if (node == nullptr || !node->is_array())
    r.fail(key, size == 0 ? "must be an array" : fmt::format("must be an array of {}", size));
  const auto& a = *node->as_array();
  if ((size != 0 && a.size() != size) || a.empty())
    r.fail(key, size == 0 ? "must be a non-empty array"
                          : fmt::format("must be an array of {} (it has {})", size, a.size()));
  return a;
}

std::vector<std::string> strings(const Reader& r, const toml::node* node, const std::string& key) {
  std::vector<std::string> out;
  for (const auto& v : array_of(r, node, key)) {
    if (!v.is_string())
      r.fail(key, "must be an array of strings");
    out.push_back(v.as_string()->get());
  }
  return out;
}

std::array<double, 2> range(const Reader& r, const toml::node* node, const Dimension& dim,
                            const std::string& key) {
  const auto& a = array_of(r, node, key, 2);
  return {r.quantity(*a.get(0), dim, key + "[0]"), r.quantity(*a.get(1), dim, key + "[1]")};
}

int integer(const Reader& r, const toml::node& node, const std::string& key) {
  if (!node.is_integer())
    r.fail(key, "must be an integer");
  return static_cast<int>(node.as_integer()->get());
}

} // namespace

ScaffoldConfig read_scaffold_config(const std::filesystem::path& path) {
  const Reader r(path.string());
  const toml::table root = parse_toml_file(path);
  ScaffoldConfig c;
  c.file = path;
  r.only_keys(root, "", {"space", "targets", "evaluation", "export", "output"});

  const auto& space = r.table(root.get("space"), "space");
  r.only_keys(space, "space", {"types", "variants", "alloys", "medium", "porosity", "cell_size"});
  if (const auto* v = space.get("types")) {
    c.space.types.clear();
    for (const auto& name : strings(r, v, "space.types"))
      c.space.types.push_back(scaffold::parse_cell_type(name, r.file() + ": key 'space.types'"));
  }
  if (const auto* v = space.get("variants")) {
    c.space.variants.clear();
    for (const auto& name : strings(r, v, "space.variants"))
      c.space.variants.push_back(
          scaffold::parse_variant(name, r.file() + ": key 'space.variants'"));
  }
  c.space.alloys = strings(r, space.get("alloys"), "space.alloys");
  if (const auto* v = space.get("medium")) {
    if (!v->is_string())
      r.fail("space.medium", "must be a string (a data/media name or file)");
    c.medium = v->as_string()->get();
  }
  if (const auto* v = space.get("porosity"))
    c.space.porosity = range(r, v, dim::dimensionless, "space.porosity");
  if (const auto* v = space.get("cell_size"))
    c.space.cell_size = range(r, v, dim::length, "space.cell_size");
  try {
    c.space.validate();
  } catch (const InputError& e) {
    r.fail("space", e.what());
  }

  if (const auto* node = root.get("targets")) {
    const auto& t = r.table(node, "targets");
    r.only_keys(
        t, "targets",
        {"young", "min_porosity", "min_stiffness_retention", "max_hydrogen_rate", "horizon"});
    if (const auto* v = t.get("young"))
      c.targets.young = range(r, v, dim::pressure, "targets.young");
    if (const auto* v = t.get("min_porosity"))
      c.targets.min_porosity = r.quantity(*v, dim::dimensionless, "targets.min_porosity");
    if (const auto* v = t.get("min_stiffness_retention"))
      c.targets.min_stiffness_retention =
          r.quantity(*v, dim::dimensionless, "targets.min_stiffness_retention");
    if (const auto* v = t.get("max_hydrogen_rate"))
      c.targets.max_hydrogen_rate = r.quantity(*v, dim::rate, "targets.max_hydrogen_rate");
    if (const auto* v = t.get("horizon"))
      c.search.evaluation.horizon = r.quantity(*v, dim::time, "targets.horizon");
    try {
      c.targets.validate();
    } catch (const InputError& e) {
      r.fail("targets", e.what());
    }
  }

  if (const auto* node = root.get("evaluation")) {
    const auto& t = r.table(node, "evaluation");
    r.only_keys(t, "evaluation",
                {"cells_per_period", "measure_cells", "degree", "max_evaluations_per_family"});
    auto& e = c.search.evaluation;
    if (const auto* v = t.get("cells_per_period"))
      e.cells_per_period = r.quantity(*v, dim::dimensionless, "evaluation.cells_per_period");
    if (const auto* v = t.get("measure_cells"))
      e.measure_cells = integer(r, *v, "evaluation.measure_cells");
    if (const auto* v = t.get("degree"))
      e.degree = integer(r, *v, "evaluation.degree");
    if (const auto* v = t.get("max_evaluations_per_family"))
      c.search.max_evaluations_per_family = integer(r, *v, "evaluation.max_evaluations_per_family");
    if (c.search.max_evaluations_per_family < 1)
      r.fail("evaluation.max_evaluations_per_family", "must be at least 1");
  }
  try {
    c.search.evaluation.validate();
  } catch (const InputError& e) {
    r.fail("evaluation", e.what());
  }

  if (const auto* node = root.get("export")) {
    const auto& t = r.table(node, "export");
    r.lengths(t, "export", {{"radius", &c.export_radius}, {"height", &c.export_height}},
              {"cells_per_period", "surface"});
    if (const auto* v = t.get("surface")) {
      if (!v->is_string())
        r.fail("export.surface", "must be a string (an STL file in mm)");
      if (t.get("radius") != nullptr || t.get("height") != nullptr)
        r.fail("export.surface", "give either a surface or a cylinder (radius, height)");
      c.export_surface = path.parent_path() / v->as_string()->get();
      if (!std::filesystem::is_regular_file(*c.export_surface))
        r.fail("export.surface", fmt::format("no such file '{}'", c.export_surface->string()));
    }
    if (const auto* v = t.get("cells_per_period"))
      c.export_cells_per_period = integer(r, *v, "export.cells_per_period");
    if (!(c.export_radius > 0.0) || !(c.export_height > 0.0))
      r.fail("export", "radius and height must be positive");
    if (c.export_cells_per_period < 4 || c.export_cells_per_period > 64)
      r.fail("export.cells_per_period", "must be in [4, 64]");
  }

  r.output_directory(root, c.output_directory);
  if (c.output_directory.empty())
    c.output_directory = std::filesystem::path("results") / path.stem();
  return c;
}

} // namespace resorb::simulation
