#include "resorb/mesh/quality.hpp"

#include "resorb/core/mpi.hpp"
#include "resorb/mesh/edges.hpp"

#include <Eigen/Dense>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace resorb::mesh {

namespace {
Eigen::Vector3d point(const std::array<std::array<double, 3>, 4>& x, int i) {
  return {x[i][0], x[i][1], x[i][2]};
}

/// Outward area vectors of the four facets (unit normal × area).
std::array<Eigen::Vector3d, 4> facet_area_vectors(const std::array<std::array<double, 3>, 4>& x) {
  CellCoordinates xc;
  for (int k = 0; k < 4; ++k)
    for (int d = 0; d < 3; ++d)
      xc[k][d] = x[k][d];
  std::array<Eigen::Vector3d, 4> out;
  for (int f = 0; f < 4; ++f) {
    double a[3];
    facet_area_vector(xc, f, a);
    out[f] = {a[0], a[1], a[2]};
  }
  return out;
}
} // namespace

namespace {
Eigen::Vector3d circumcentre(const std::array<std::array<double, 3>, 4>& x) {
  // Circumcentre c solves 2 (x_i - x_0) . c = |x_i|^2 - |x_0|^2.
  Eigen::Matrix3d a;
  Eigen::Vector3d b;
  const Eigen::Vector3d x0 = point(x, 0);
  for (int i = 1; i < 4; ++i) {
    const Eigen::Vector3d xi = point(x, i);
    a.row(i - 1) = 2.0 * (xi - x0).transpose();
    b(i - 1) = xi.squaredNorm() - x0.squaredNorm();
  }
  return a.fullPivLu().solve(b);
}
} // namespace

double radius_edge_ratio(const std::array<std::array<double, 3>, 4>& x) {
  double shortest = std::numeric_limits<double>::infinity();
  for (const auto& e : edge_vertices)
    shortest = std::min(shortest, (point(x, e[1]) - point(x, e[0])).norm());
  return (circumcentre(x) - point(x, 0)).norm() / shortest;
}

double aspect_ratio(const std::array<std::array<double, 3>, 4>& x) {
  const double volume = std::abs(signed_volume(x));
  double area = 0.0;
  for (const auto& a : facet_area_vectors(x))
    area += a.norm();
  const double inradius = 3.0 * volume / area;
  const double circumradius = (circumcentre(x) - point(x, 0)).norm();
  return circumradius / (3.0 * inradius);
}

std::array<double, 2> dihedral_range_deg(const std::array<std::array<double, 3>, 4>& x) {
  // Outward face normals; the dihedral angle at the edge shared by faces i and j is
  // pi minus the angle between their outward normals.
  std::array<Eigen::Vector3d, 4> n = facet_area_vectors(x);
  for (auto& v : n)
    v.normalize();
  double lo = 180.0, hi = 0.0;
  for (int i = 0; i < 4; ++i)
    for (int j = i + 1; j < 4; ++j) {
      const double angle =
          180.0 - std::acos(std::clamp(n[i].dot(n[j]), -1.0, 1.0)) * 180.0 / std::numbers::pi;
      lo = std::min(lo, angle);
      hi = std::max(hi, angle);
    }
  return {lo, hi};
}

QualityReport quality_report(const TetMesh& mesh) {
  const MPI_Comm comm = mesh.comm();
  QualityReport r;
  double min_dihedral = 180.0, max_dihedral = 0.0, max_aspect = 0.0;
  double min_edge = 1e300, max_edge = 0.0, max_radius_edge = 0.0;
  std::array<GlobalIndex, radius_edge_bins.size() + 1> radius_edge_counts{};
  constexpr std::array<double, 4> dihedral_thresholds{5.0, 10.0, 20.0, 30.0};
  std::array<GlobalIndex, 4> below_dihedral{};
  std::map<int, std::pair<GlobalIndex, double>> local;
  for (LocalIndex c = 0; c < mesh.num_cells(); ++c) {
    const auto x = mesh.cell_coordinates(c);
    const double volume = signed_volume(x);
    auto& entry = local[mesh.cell_tags()[static_cast<std::size_t>(c)]];
    entry.first += 1;
    entry.second += volume;
    const auto [lo, hi] = dihedral_range_deg(x);
    min_dihedral = std::min(min_dihedral, lo);
    max_dihedral = std::max(max_dihedral, hi);
    max_aspect = std::max(max_aspect, aspect_ratio(x));
    const double radius_edge = radius_edge_ratio(x);
    max_radius_edge = std::max(max_radius_edge, radius_edge);
    ++radius_edge_counts[static_cast<std::size_t>(
        std::upper_bound(radius_edge_bins.begin(), radius_edge_bins.end(), radius_edge) -
        radius_edge_bins.begin())];
    for (std::size_t i = 0; i < dihedral_thresholds.size(); ++i)
      below_dihedral[i] += lo < dihedral_thresholds[i] ? 1 : 0;
    for (const auto& e : edge_vertices) {
      const double length = (point(x, e[1]) - point(x, e[0])).norm();
      min_edge = std::min(min_edge, length);
      max_edge = std::max(max_edge, length);
    }
  }
  // Every rank reports every tag that exists in the groups or locally, in the same order.
  std::vector<int> tags;
  for (const auto& g : mesh.groups())
    if (g.dim == 3)
      tags.push_back(g.tag);
  for (const auto& [tag, stats] : local)
    tags.push_back(tag);
  std::vector<int> all_tags;
  {
    const int p = mpi::size(comm);
    std::vector<std::vector<int>> send(static_cast<std::size_t>(p), tags);
    for (auto& list : mpi::exchange(comm, send))
      all_tags.insert(all_tags.end(), list.begin(), list.end());
    std::sort(all_tags.begin(), all_tags.end());
    all_tags.erase(std::unique(all_tags.begin(), all_tags.end()), all_tags.end());
  }
  for (int tag : all_tags) {
    const auto it = local.find(tag);
    const GlobalIndex count = it == local.end() ? 0 : it->second.first;
    const double volume = it == local.end() ? 0.0 : it->second.second;
    TagStatistics s{mesh.group_name(3, tag), mpi::sum(comm, count), mpi::sum(comm, volume)};
    r.cells += s.cells;
    r.volume_m3 += s.volume_m3;
    r.per_tag.emplace(tag, std::move(s));
  }
  r.vertices = mesh.vertex_map().size_global();
  r.min_dihedral_deg = mpi::min(comm, min_dihedral);
  r.max_dihedral_deg = mpi::max(comm, max_dihedral);
  r.max_aspect_ratio = mpi::max(comm, max_aspect);
  r.max_radius_edge = mpi::max(comm, max_radius_edge);
  for (std::size_t i = 0; i < radius_edge_counts.size(); ++i)
    r.radius_edge_counts[i] = mpi::sum(comm, radius_edge_counts[i]);
  for (std::size_t i = 0; i < below_dihedral.size(); ++i)
    r.cells_below_dihedral[i] = mpi::sum(comm, below_dihedral[i]);
  r.min_edge_m = mpi::min(comm, min_edge);
  r.max_edge_m = mpi::max(comm, max_edge);
  return r;
}

std::string format_report(const QualityReport& r) {
  std::string out = fmt::format("mesh: {} vertices, {} tetrahedra, volume {:.6g} mm^3\n",
                                r.vertices, r.cells, r.volume_m3 * 1e9);
  for (const auto& [tag, s] : r.per_tag)
    out += fmt::format("  volume group {:>3} {:<16} {:>10} cells {:>14.6g} mm^3\n", tag, s.name,
                       s.cells, s.volume_m3 * 1e9);
  out += fmt::format("  dihedral angles {:.2f} .. {:.2f} deg, max radius ratio {:.3g}, "
                     "edges {:.4g} .. {:.4g} mm",
                     r.min_dihedral_deg, r.max_dihedral_deg, r.max_aspect_ratio, r.min_edge_m * 1e3,
                     r.max_edge_m * 1e3);
  out += fmt::format("\n  cells with a dihedral angle below 5/10/20/30 deg: {} / {} / {} / {}",
                     r.cells_below_dihedral[0], r.cells_below_dihedral[1],
                     r.cells_below_dihedral[2], r.cells_below_dihedral[3]);
  out += fmt::format("\n  radius-edge ratio (max {:.3g}):", r.max_radius_edge);
  for (std::size_t i = 0; i < r.radius_edge_counts.size(); ++i)
    out += i < radius_edge_bins.size()
               ? fmt::format(" <{:g}: {}", radius_edge_bins[i], r.radius_edge_counts[i])
               : fmt::format(" >={:g}: {}", radius_edge_bins.back(), r.radius_edge_counts[i]);
  return out;
}

Record to_record(const QualityReport& r) {
  Record out;
  out.set("vertices", r.vertices).set("cells", r.cells).set("volume_mm3", r.volume_m3 * 1e9);
  auto& groups = out.group("volume_groups");
  for (const auto& [tag, s] : r.per_tag)
    groups.group(s.name).set("tag", tag).set("cells", s.cells).set("volume_mm3", s.volume_m3 * 1e9);
  const auto as_doubles = [](const auto& values) {
    return std::vector<double>(values.begin(), values.end());
  };
  out.set("min_dihedral_deg", r.min_dihedral_deg)
      .set("max_dihedral_deg", r.max_dihedral_deg)
      .set("cells_below_dihedral_5_10_20_30_deg", as_doubles(r.cells_below_dihedral))
      .set("max_radius_edge_ratio", r.max_radius_edge)
      .set("radius_edge_bin_upper_edges", as_doubles(radius_edge_bins))
      .set("radius_edge_counts", as_doubles(r.radius_edge_counts))
      .set("max_radius_ratio", r.max_aspect_ratio)
      .set("min_edge_mm", r.min_edge_m * 1e3)
      .set("max_edge_mm", r.max_edge_m * 1e3);
  return out;
}

} // namespace resorb::mesh
