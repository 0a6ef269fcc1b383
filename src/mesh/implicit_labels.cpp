#include "mesh/implicit_labels.hpp"

#include "resorb/core/error.hpp"
#include "resorb/mesh/implicit_mesher.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace resorb::mesh {

void ImplicitMeshSizing::validate(std::string_view context) const {
  auto positive = [&](double v, const char* name) {
    RESORB_REQUIRE(
        std::isfinite(v) && v > 0.0, InputError,
        fmt::format("{}: mesh sizing {} = {} must be positive and finite", context, name, v));
  };
  positive(cell_size, "cell_size");
  positive(facet_size, "facet_size");
  positive(facet_distance, "facet_distance");
  positive(radius_edge_ratio, "radius_edge_ratio");
  positive(relative_error_bound, "relative_error_bound");
  RESORB_REQUIRE(facet_angle_deg > 0.0 && facet_angle_deg <= 30.0, InputError,
                 fmt::format("{}: mesh sizing facet_angle_deg = {} must lie in (0, 30] (above 30 "
                             "degrees the refinement need not end)",
                             context, facet_angle_deg));
  RESORB_REQUIRE(radius_edge_ratio >= 2.0, InputError,
                 fmt::format("{}: mesh sizing radius_edge_ratio = {} must be at least 2 (below, "
                             "the refinement need not end)",
                             context, radius_edge_ratio));
}

namespace impl {

LabelTags::LabelTags(std::span<const PhysicalGroup> labels, std::string source)
    : labels_(labels.begin(), labels.end()), source_(std::move(source)) {
  RESORB_REQUIRE(!labels_.empty(), InputError, fmt::format("{}: no labels named", source_));
  for (std::size_t i = 0; i < labels_.size(); ++i) {
    const auto& g = labels_[i];
    RESORB_REQUIRE(g.dim == 3 && g.tag > 0, InputError,
                   fmt::format("{}: label '{}' must be a positive cell tag (got dim {} tag {})",
                               source_, g.name, g.dim, g.tag));
    for (std::size_t j = 0; j < i; ++j) {
      RESORB_REQUIRE(labels_[j].tag != g.tag, InputError,
                     fmt::format("{}: label {} named twice", source_, g.tag));
      RESORB_REQUIRE(labels_[j].name != g.name, InputError,
                     fmt::format("{}: the name '{}' is given to two labels", source_, g.name));
    }
  }
}

std::size_t LabelTags::position(int label) const {
  if (label == 0)
    return 0;
  const auto it = std::find_if(labels_.begin(), labels_.end(),
                               [&](const PhysicalGroup& g) { return g.tag == label; });
  RESORB_REQUIRE(
      it != labels_.end(), InputError,
      fmt::format("{}: the label function returned {}, which no label names", source_, label));
  return 1 + static_cast<std::size_t>(it - labels_.begin());
}

void LabelTags::check(int label) const {
  (void)position(label);
}

int LabelTags::facet_tag(int a, int b) const {
  auto i = position(a), j = position(b);
  if (i > j)
    std::swap(i, j);
  // Pairs (i < j) numbered row by row over n = labels + 1 positions, from 1.
  const std::size_t n = labels_.size() + 1;
  return static_cast<int>(i * n - i * (i + 1) / 2 + (j - i - 1)) + 1;
}

std::vector<PhysicalGroup> LabelTags::groups() const {
  std::vector<PhysicalGroup> groups = labels_;
  auto name = [&](std::size_t position) {
    if (position == 0)
      return std::string("outside");
    const auto& g = labels_[position - 1];
    return g.name.empty() ? std::to_string(g.tag) : g.name;
  };
  for (std::size_t i = 0; i <= labels_.size(); ++i)
    for (std::size_t j = i + 1; j <= labels_.size(); ++j) {
      const int a = i == 0 ? 0 : labels_[i - 1].tag, b = labels_[j - 1].tag;
      // "solid|pore" reads better than "outside|solid": the outside goes last.
      groups.push_back(
          {2, facet_tag(a, b), i == 0 ? name(j) + "|outside" : name(i) + "|" + name(j)});
    }
  return groups;
}

void check_label_samples(const std::function<int(const std::array<double, 3>&)>& label,
                         const std::array<double, 3>& lo, const std::array<double, 3>& hi,
                         const LabelTags& tags, const std::string& source) {
  constexpr int n = 24; // a 24³ grid: 14k calls, milliseconds against the mesher's seconds
  int first = -1;
  bool changes = false, meshed = false;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k) {
        const std::array<int, 3> ijk{i, j, k};
        std::array<double, 3> x{};
        for (std::size_t d = 0; d < 3; ++d)
          x[d] = lo[d] + (hi[d] - lo[d]) * (ijk[d] + 0.5) / n;
        const int l = label(x);
        tags.check(l);
        meshed = meshed || l > 0;
        if (first < 0)
          first = l;
        changes = changes || l != first;
      }
  RESORB_REQUIRE(meshed, InputError,
                 fmt::format("{}: the label function is 0 (outside) at every point of a {}³ "
                             "sample of the box: nothing to mesh",
                             source, n));
  RESORB_REQUIRE(changes, InputError,
                 fmt::format("{}: the label function is {} at every point of a {}³ sample of the "
                             "box: no boundary to mesh (a box of one material is a box mesh)",
                             source, first, n));
}

} // namespace impl
} // namespace resorb::mesh
