#pragma once
/// @file
/// Inverse of a fixed-width connectivity (cells -> entities): which cells use each entity.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace resorb {

/// For each entity (vertex, node), the cells that use it, in CSR form and in cell order.
struct Incidence {
  std::vector<std::size_t> start;  ///< size num_entities + 1
  std::vector<std::int32_t> cells; ///< cells of entity e: [start[e], start[e+1])
};

/// Builds the Incidence of @p connectivity (@p per_cell entity indices per cell, each in
/// [0, num_entities)) by counting sort: linear time, no per-entity allocation. Cell indices
/// must fit in 32 bits (callers holding larger meshes check this first).
template <class Index>
[[nodiscard]] Incidence invert_connectivity(std::span<const Index> connectivity,
                                            std::size_t per_cell, std::size_t num_entities) {
  Incidence inc;
  inc.start.assign(num_entities + 1, 0);
  for (const Index e : connectivity)
    ++inc.start[static_cast<std::size_t>(e) + 1];
  for (std::size_t e = 0; e < num_entities; ++e)
    inc.start[e + 1] += inc.start[e];
  inc.cells.resize(inc.start.back());
  auto fill = inc.start;
  for (std::size_t i = 0; i < connectivity.size(); ++i)
    inc.cells[fill[static_cast<std::size_t>(connectivity[i])]++] =
        static_cast<std::int32_t>(i / per_cell);
  return inc;
}

} // namespace resorb
