#include "resorb/io/config.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/units.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <set>
#include <sstream>

namespace resorb::io {

namespace {

class Reader {
public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& key, const std::string& message) const {
    throw InputError(fmt::format("{}: key '{}': {}", file_, key, message));
  }

  void only_keys(const toml::table& table, const std::string& prefix,
                 const std::set<std::string>& allowed) const {
    for (const auto& [key, value] : table) {
      const std::string k(key.str());
      if (!allowed.count(k)) {
        std::string list;
        for (const auto& a : allowed)
          list += (list.empty() ? "" : ", ") + a;
        fail(prefix.empty() ? k : prefix + "." + k,
             fmt::format("unknown key (allowed here: {})", list));
      }
    }
  }

  const toml::table& table(const toml::node* node, const std::string& key) const {
    if (node == nullptr || !node->is_table())
      fail(key, "must be a table");
    return *node->as_table();
  }

  double quantity(const toml::node& node, const Dimension& dim, const std::string& key) const {
    if (const auto* s = node.as_string())
      return parse_quantity(s->get(), dim, fmt::format("{}: key '{}'", file_, key));
    if (dim == resorb::dim::dimensionless && (node.is_floating_point() || node.is_integer()))
      return node.value<double>().value();
    if (node.is_floating_point() || node.is_integer())
      fail(key,
           fmt::format("'{}' has no unit: write it as a string with a unit of {}, e.g. "
                       "\"{} {}\"",
                       node.value<double>().value(), dim.to_string(), node.value<double>().value(),
                       dim == resorb::dim::pressure ? "GPa"
                       : dim == resorb::dim::force  ? "N"
                       : dim == resorb::dim::length ? "mm"
                                                    : "<unit>"));
    fail(key, "must be a number with a unit, as a string");
  }

  std::array<double, 3> vector(const toml::node& node, const Dimension& dim,
                               const std::string& key) const {
    const auto* array = node.as_array();
    if (array == nullptr || array->size() != 3)
      fail(key, "must be an array of 3 quantities [x, y, z]");
    std::array<double, 3> v{};
    for (std::size_t i = 0; i < 3; ++i)
      v[i] = quantity(*array->get(i), dim, fmt::format("{}[{}]", key, i));
    return v;
  }

  const std::string& file() const { return file_; }

private:
  std::string file_;
};

} // namespace

RunConfig read_run_config(const std::filesystem::path& path) {
  const Reader r(path.string());
  toml::table root;
  try {
    root = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw InputError(fmt::format("{}:{}:{}: {}", path.string(), e.source().begin.line,
                                 e.source().begin.column, e.description()));
  }
  RunConfig c;
  c.file = path;
  r.only_keys(root, "", {"mesh", "fem", "materials", "boundary", "body_force", "solver", "output"});
  const auto base = path.parent_path();

  // [mesh]
  const auto& mesh = r.table(root.get("mesh"), "mesh");
  r.only_keys(mesh, "mesh", {"file", "unit", "screw_in_bone"});
  if (const auto* file = mesh.get("file")) {
    if (!file->is_string())
      r.fail("mesh.file", "must be a string (path of a Gmsh .msh file)");
    c.mesh_file = base / file->as_string()->get();
    const auto* unit = mesh.get("unit");
    if (unit == nullptr || !unit->is_string())
      r.fail("mesh.unit", "missing: say what length unit the file's coordinates are in "
                          "(e.g. unit = \"mm\")");
    c.mesh_unit_m = unit_factor(unit->as_string()->get(), dim::length,
                                fmt::format("{}: key 'mesh.unit'", r.file()));
  }
  if (const auto* gen = mesh.get("screw_in_bone")) {
    if (c.mesh_file)
      r.fail("mesh.screw_in_bone", "give either mesh.file or mesh.screw_in_bone, not both");
    const auto& g = r.table(gen, "mesh.screw_in_bone");
    ScrewInBoneGeometry geo;
    const std::vector<std::pair<const char*, double*>> fields{
        {"bone_radius", &geo.bone_radius},
        {"bone_length", &geo.bone_length},
        {"cortical_thickness", &geo.cortical_thickness},
        {"implant_radius", &geo.implant_radius},
        {"implant_depth", &geo.implant_depth},
        {"head_height", &geo.head_height},
        {"mesh_size", &geo.mesh_size},
        {"implant_mesh_size", &geo.implant_mesh_size}};
    std::set<std::string> allowed;
    for (const auto& [name, ptr] : fields) {
      allowed.insert(name);
      if (const auto* v = g.get(name))
        *ptr = r.quantity(*v, dim::length, fmt::format("mesh.screw_in_bone.{}", name));
    }
    r.only_keys(g, "mesh.screw_in_bone", allowed);
    geo.validate();
    c.generate = geo;
  }
  if (!c.mesh_file && !c.generate)
    r.fail("mesh", "needs 'file' (with 'unit') or a [mesh.screw_in_bone] table");

  // [fem]
  if (const auto* fem = root.get("fem")) {
    const auto& t = r.table(fem, "fem");
    r.only_keys(t, "fem", {"degree"});
    if (const auto* d = t.get("degree")) {
      const auto degree = d->value<std::int64_t>();
      if (!degree || (*degree != 1 && *degree != 2))
        r.fail("fem.degree", "must be 1 or 2");
      c.degree = static_cast<int>(*degree);
    }
  }

  // [materials.<volume>]
  const auto& materials = r.table(root.get("materials"), "materials");
  for (const auto& [name, node] : materials) {
    const std::string key = fmt::format("materials.{}", name.str());
    const auto& m = r.table(&node, key);
    r.only_keys(m, key, {"E", "nu"});
    if (!m.get("E"))
      r.fail(key + ".E", "missing Young's modulus");
    if (!m.get("nu"))
      r.fail(key + ".nu", "missing Poisson's ratio");
    c.materials.push_back({std::string(name.str()),
                           r.quantity(*m.get("E"), dim::pressure, key + ".E"),
                           r.quantity(*m.get("nu"), dim::dimensionless, key + ".nu")});
  }
  if (c.materials.empty())
    r.fail("materials", "no material given");

  // [boundary.<surface>]
  if (const auto* boundary = root.get("boundary")) {
    for (const auto& [name, node] : r.table(boundary, "boundary")) {
      const std::string key = fmt::format("boundary.{}", name.str());
      const auto& b = r.table(&node, key);
      r.only_keys(b, key, {"fix", "force", "traction", "pressure"});
      BoundarySpec spec;
      spec.group = std::string(name.str());
      if (const auto* fix = b.get("fix")) {
        const auto* array = fix->as_array();
        if (array == nullptr || array->empty())
          r.fail(key + ".fix", "must be a list of components, e.g. [\"x\", \"y\", \"z\"]");
        std::array<bool, 3> comps{false, false, false};
        for (const auto& item : *array) {
          const auto s = item.value<std::string>();
          if (s == "x")
            comps[0] = true;
          else if (s == "y")
            comps[1] = true;
          else if (s == "z")
            comps[2] = true;
          else
            r.fail(key + ".fix", "components must be \"x\", \"y\" or \"z\"");
        }
        spec.fix = comps;
      }
      if (const auto* f = b.get("force"))
        spec.force = r.vector(*f, dim::force, key + ".force");
      if (const auto* t = b.get("traction"))
        spec.traction = r.vector(*t, dim::pressure, key + ".traction");
      if (const auto* p = b.get("pressure"))
        spec.pressure = r.quantity(*p, dim::pressure, key + ".pressure");
      if (!spec.fix && !spec.force && !spec.traction && !spec.pressure)
        r.fail(key, "prescribes nothing (use fix, force, traction or pressure)");
      c.boundaries.push_back(std::move(spec));
    }
  }

  if (const auto* bf = root.get("body_force")) {
    const auto& t = r.table(bf, "body_force");
    r.only_keys(t, "body_force", {"value"});
    if (const auto* v = t.get("value"))
      c.body_force = r.vector(*v, dim::force_per_volume, "body_force.value");
  }

  if (const auto* solver = root.get("solver")) {
    const auto& t = r.table(solver, "solver");
    r.only_keys(t, "solver", {"rtol", "max_iterations", "petsc_options"});
    if (const auto* v = t.get("rtol")) {
      const auto x = v->value<double>();
      if (!x || !(*x > 0.0 && *x < 1.0))
        r.fail("solver.rtol", "must be a number in (0, 1)");
      c.solver.rtol = *x;
    }
    if (const auto* v = t.get("max_iterations")) {
      const auto x = v->value<std::int64_t>();
      if (!x || *x < 1)
        r.fail("solver.max_iterations", "must be a positive integer");
      c.solver.max_iterations = static_cast<int>(*x);
    }
    if (const auto* v = t.get("petsc_options")) {
      if (!v->is_string())
        r.fail("solver.petsc_options", "must be a string of PETSc options");
      c.petsc_options = v->as_string()->get();
    }
  }

  c.output_directory = "results";
  if (const auto* output = root.get("output")) {
    const auto& t = r.table(output, "output");
    r.only_keys(t, "output", {"directory"});
    if (const auto* v = t.get("directory")) {
      if (!v->is_string())
        r.fail("output.directory", "must be a string");
      c.output_directory = v->as_string()->get();
    }
  }
  return c;
}

} // namespace resorb::io
