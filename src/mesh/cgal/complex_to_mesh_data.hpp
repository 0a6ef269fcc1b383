#pragma once
// A Mesh_3 complex as resorb's MeshData: cells tagged with their subdomain, surface facets
// with the tag of their label pair. Shared by the labelled-domain and image meshers; included
// after the CGAL headers of its translation unit.
#include "mesh/implicit_labels.hpp"
#include "resorb/mesh/tet_mesh.hpp"

#include <string>
#include <unordered_map>
#include <utility>

namespace resorb::mesh::impl {

/// Converts @p complex; @p to_world maps a CGAL point's (x, y, z) to world coordinates (m). With
/// @p mirrored (a left-handed map) two vertices of every cell are swapped, so that cells keep
/// a positive volume.
template <class Complex, class ToWorld>
MeshData complex_to_mesh_data(const Complex& complex, const LabelTags& tags, ToWorld to_world,
                              std::string source, bool mirrored = false) {
  using Vertex = typename Complex::Triangulation::Vertex_handle;
  MeshData data;
  data.source = std::move(source);
  data.groups = tags.groups();
  const auto& tr = complex.triangulation();
  std::unordered_map<Vertex, GlobalIndex> index;
  auto vertex = [&](Vertex v) {
    const auto [it, inserted] = index.try_emplace(v, static_cast<GlobalIndex>(index.size()));
    if (inserted) {
      const auto& x = tr.point(v);
      const auto w = to_world(x.x(), x.y(), x.z());
      data.coordinates.insert(data.coordinates.end(), w.begin(), w.end());
    }
    return it->second;
  };
  for (auto c = complex.cells_in_complex_begin(); c != complex.cells_in_complex_end(); ++c) {
    const std::size_t first = data.cells.size();
    for (int k = 0; k < 4; ++k)
      data.cells.push_back(vertex(c->vertex(k)));
    if (mirrored)
      std::swap(data.cells[first], data.cells[first + 1]);
    data.cell_tags.push_back(static_cast<int>(complex.subdomain_index(c)));
  }
  for (auto f = complex.facets_in_complex_begin(); f != complex.facets_in_complex_end(); ++f) {
    // A surface facet between two unmeshed cells bounds nothing (see mesh_periodic_domain).
    if (!complex.is_in_complex(f->first) && !complex.is_in_complex(tr.mirror_facet(*f).first))
      continue;
    const auto [a, b] = complex.surface_patch_index(*f);
    for (int k = 0; k < 4; ++k)
      if (k != f->second)
        data.facets.push_back(vertex(f->first->vertex(k)));
    data.facet_tags.push_back(tags.facet_tag(static_cast<int>(a), static_cast<int>(b)));
  }
  return data;
}

} // namespace resorb::mesh::impl
