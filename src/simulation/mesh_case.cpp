#include "resorb/simulation/mesh_case.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/units.hpp"

#include "simulation/case_sections.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace resorb::simulation {
namespace {

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos)
    return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split(std::string_view s, char separator) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto end = s.find(separator, start);
    out.push_back(trim(s.substr(start, end == std::string_view::npos ? end : end - start)));
    if (end == std::string_view::npos)
      return out;
    start = end + 1;
  }
}

// "x y z unit" (or "x y z" for a dimensionless direction) → SI.
std::array<double, 3> parse_vector(std::string_view text, const Dimension& dim,
                                   std::string_view context) {
  std::istringstream in{std::string(text)};
  std::array<double, 3> v{};
  for (auto& x : v)
    RESORB_REQUIRE(static_cast<bool>(in >> x), InputError,
                   fmt::format("{}: '{}' must be three numbers (and a unit), e.g. \"10 -5 32 mm\"",
                               context, text));
  std::string unit;
  in >> unit;
  const double factor = unit.empty() && dim == dim::dimensionless
                            ? 1.0
                            : unit_factor(unit.empty() ? "<none>" : unit, dim, context);
  for (auto& x : v)
    x *= factor;
  return v;
}

void validate_implant(const ImplantSpec& s, std::string_view context) {
  const auto need = [&](double v, const char* key) {
    RESORB_REQUIRE(std::isfinite(v) && v > 0, InputError,
                   fmt::format("{}: a {} implant needs a positive '{}'", context, s.kind, key));
  };
  if (s.kind == "cylinder") {
    need(s.radius, "radius");
    need(s.length, "length");
  } else if (s.kind == "screw") {
    need(s.core_radius, "core_radius");
    need(s.thread_depth, "thread_depth");
    need(s.pitch, "pitch");
    need(s.length, "length");
  } else if (s.kind == "stl") {
    RESORB_REQUIRE(!s.file.empty(), InputError,
                   fmt::format("{}: an stl implant needs 'file'", context));
  } else {
    throw InputError(
        fmt::format("{}: implant kind '{}' is not cylinder, screw or stl", context, s.kind));
  }
}

} // namespace

std::vector<LabelSpec> parse_label_list(std::string_view text, std::string_view context) {
  std::vector<LabelSpec> labels;
  for (const auto& entry : split(text, ',')) {
    const auto eq = entry.find('=');
    LabelSpec l;
    const auto value = trim(std::string_view(entry).substr(0, eq));
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), l.value);
    RESORB_REQUIRE(eq != std::string::npos && ec == std::errc() &&
                       end == value.data() + value.size() && l.value > 0,
                   InputError,
                   fmt::format("{}: '{}' is not label=name with a positive integer label, e.g. "
                               "\"1=cortical,2=cancellous\"",
                               context, entry));
    l.name = trim(std::string_view(entry).substr(eq + 1));
    RESORB_REQUIRE(!l.name.empty(), InputError,
                   fmt::format("{}: label {} has no name", context, l.value));
    labels.push_back(std::move(l));
  }
  return labels;
}

ImplantSpec parse_implant_spec(std::string_view text, std::string_view context) {
  const auto parts = split(text, ',');
  ImplantSpec s;
  s.kind = parts.front();
  const std::map<std::string, double*> lengths{{"radius", &s.radius},
                                               {"length", &s.length},
                                               {"core_radius", &s.core_radius},
                                               {"thread_depth", &s.thread_depth},
                                               {"pitch", &s.pitch},
                                               {"cell_size", &s.cell_size}};
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const auto eq = parts[i].find('=');
    RESORB_REQUIRE(eq != std::string::npos, InputError,
                   fmt::format("{}: '{}' is not key=value", context, parts[i]));
    const auto key = trim(std::string_view(parts[i]).substr(0, eq));
    const auto value = trim(std::string_view(parts[i]).substr(eq + 1));
    const auto where = fmt::format("{}: implant key '{}'", context, key);
    if (const auto it = lengths.find(key); it != lengths.end())
      *it->second = parse_quantity(value, dim::length, where);
    else if (key == "base")
      s.base = parse_vector(value, dim::length, where);
    else if (key == "axis")
      s.axis = parse_vector(value, dim::dimensionless, where);
    else if (key == "name")
      s.name = value;
    else if (key == "file")
      s.file = value;
    else if (key == "unit")
      s.file_unit_m = unit_factor(value, dim::length, where);
    else
      throw InputError(fmt::format("{}: unknown implant key '{}' (allowed: radius, length, "
                                   "core_radius, thread_depth, pitch, cell_size, base, axis, "
                                   "name, file, unit)",
                                   context, key));
  }
  validate_implant(s, context);
  return s;
}

LabelMeshConfig read_label_mesh_config(const std::filesystem::path& path) {
  const Reader r(path.string());
  const toml::table root = parse_toml_file(path);
  LabelMeshConfig c;
  c.file = path;
  const auto base = path.parent_path();
  r.only_keys(root, "",
              {"image", "labels", "sizing", "implant", "patch", "bone_material", "output"});

  const auto& image = r.table(root.get("image"), "image");
  r.only_keys(image, "image", {"labels", "smoothing"});
  const auto* labels_file = image.get("labels");
  if (labels_file == nullptr || !labels_file->is_string())
    r.fail("image.labels", "missing: the label volume (NIfTI, NRRD or MetaImage)");
  c.labels_image = base / labels_file->as_string()->get();
  if (const auto* v = image.get("smoothing"))
    c.smoothing_voxels = r.quantity(*v, dim::dimensionless, "image.smoothing");

  for (const auto& [name, node] : r.table(root.get("labels"), "labels")) {
    const std::string key = fmt::format("labels.{}", name.str());
    LabelSpec l;
    const auto parsed = parse_label_list(fmt::format("{}=x", name.str()), r.file() + ": " + key);
    l.value = parsed.front().value;
    if (const auto* s = node.as_string()) {
      l.name = s->get();
    } else {
      const auto& t = r.table(&node, key);
      r.only_keys(t, key, {"name", "cell_size"});
      const auto* n = t.get("name");
      if (n == nullptr || !n->is_string())
        r.fail(key + ".name", "missing: the volume group's name");
      l.name = n->as_string()->get();
      if (const auto* h = t.get("cell_size"))
        l.cell_size = r.quantity(*h, dim::length, key + ".cell_size");
    }
    c.labels.push_back(std::move(l));
  }
  if (c.labels.empty())
    r.fail("labels", "no label to mesh");

  const auto& sizing = r.table(root.get("sizing"), "sizing");
  r.only_keys(sizing, "sizing", {"cell_size", "facet_size", "facet_distance"});
  if (sizing.get("cell_size") == nullptr)
    r.fail("sizing.cell_size", "missing: the largest cell size, e.g. \"3 mm\"");
  c.cell_size = r.quantity(*sizing.get("cell_size"), dim::length, "sizing.cell_size");
  c.facet_size = c.cell_size;
  c.facet_distance = 0.0; // the default needs the image's voxel size (resorb mesh picks it)
  if (const auto* v = sizing.get("facet_size"))
    c.facet_size = r.quantity(*v, dim::length, "sizing.facet_size");
  if (const auto* v = sizing.get("facet_distance"))
    c.facet_distance = r.quantity(*v, dim::length, "sizing.facet_distance");

  if (const auto* node = root.get("implant")) {
    const auto& t = r.table(node, "implant");
    ImplantSpec s;
    r.lengths(t, "implant",
              {{"radius", &s.radius},
               {"length", &s.length},
               {"core_radius", &s.core_radius},
               {"thread_depth", &s.thread_depth},
               {"pitch", &s.pitch},
               {"cell_size", &s.cell_size}},
              {"kind", "name", "file", "unit", "base", "axis"});
    const auto* kind = t.get("kind");
    if (kind == nullptr || !kind->is_string())
      r.fail("implant.kind", "missing: \"cylinder\", \"screw\" or \"stl\"");
    s.kind = kind->as_string()->get();
    if (const auto* v = t.get("name"))
      s.name = v->value<std::string>().value_or("");
    if (const auto* v = t.get("file"))
      s.file = base / v->value<std::string>().value_or("");
    if (const auto* v = t.get("unit"))
      s.file_unit_m = unit_factor(v->value<std::string>().value_or(""), dim::length,
                                  r.file() + ": key 'implant.unit'");
    if (const auto* v = t.get("base"))
      s.base = r.vector(*v, dim::length, "implant.base");
    else
      r.fail("implant.base", "missing: where the implant's head is, e.g. [\"10 mm\", ...]");
    if (const auto* v = t.get("axis"))
      s.axis = r.vector(*v, dim::dimensionless, "implant.axis");
    else
      r.fail("implant.axis", "missing: the direction of its shaft, e.g. [0, 0.3, 1]");
    validate_implant(s, r.file() + ": [implant]");
    c.implant = std::move(s);
  }
  if (const auto* patches = root.get("patch")) {
    const auto* list = patches->as_array();
    if (list == nullptr)
      r.fail("patch", "must be an array of tables: [[patch]]");
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string key = fmt::format("patch[{}]", i);
      const auto& t = r.table(list->get(i), key);
      r.only_keys(t, key, {"name", "from", "where"});
      PatchSpec p;
      for (auto [field, target] : {std::pair{"name", &p.name}, std::pair{"from", &p.from}}) {
        const auto* v = t.get(field);
        if (v == nullptr || !v->is_string() || v->as_string()->get().empty())
          r.fail(fmt::format("{}.{}", key, field), "missing: a group name");
        *target = v->as_string()->get();
      }
      const auto* where = t.get("where");
      if (where == nullptr || !where->is_string())
        r.fail(key + ".where", "missing: a half-space such as \"z < 96 mm\"");
      std::istringstream in(where->as_string()->get());
      std::string axis, side, rest;
      in >> axis >> side;
      std::getline(in, rest);
      if ((axis != "x" && axis != "y" && axis != "z") || (side != "<" && side != ">"))
        r.fail(key + ".where", "must read \"<x|y|z> <'<'|'>'> <length>\", e.g. \"z < 96 mm\"");
      p.axis = axis[0] - 'x';
      p.below = side == "<";
      p.value = parse_quantity(rest, dim::length, r.file() + ": key '" + key + ".where'");
      c.patches.push_back(std::move(p));
    }
  }
  if (const auto* bone = root.get("bone_material"))
    c.bone_material = impl::read_bone_material(r, r.table(bone, "bone_material"), base);

  const auto* output = root.get("output");
  const auto* out_file = output ? r.table(output, "output").get("file") : nullptr;
  if (output)
    r.only_keys(r.table(output, "output"), "output", {"file"});
  if (out_file == nullptr || !out_file->is_string())
    r.fail("output.file", "missing: the .msh file to write");
  c.output = out_file->as_string()->get();
  return c;
}

} // namespace resorb::simulation
