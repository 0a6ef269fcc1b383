#include "resorb/mesh/box.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace resorb::mesh {

MeshData box_mesh_data(MPI_Comm comm, std::array<int, 3> n, std::array<double, 3> lo,
                       std::array<double, 3> hi) {
  for (int d = 0; d < 3; ++d) {
    RESORB_REQUIRE(n[d] >= 1, InputError,
                   fmt::format("box mesh: {} divisions along axis {}", n[d], d));
    RESORB_REQUIRE(hi[d] > lo[d], InputError,
                   fmt::format("box mesh: empty extent along axis {}", d));
  }
  MeshData data;
  data.source = fmt::format("box {}x{}x{}", n[0], n[1], n[2]);
  data.groups = {{3, 1, "box"},  {2, 1, "xmin"}, {2, 2, "xmax"}, {2, 3, "ymin"},
                 {2, 4, "ymax"}, {2, 5, "zmin"}, {2, 6, "zmax"}};
  if (mpi::rank(comm) != 0)
    return data;
  const auto nx = static_cast<GlobalIndex>(n[0]), ny = static_cast<GlobalIndex>(n[1]),
             nz = static_cast<GlobalIndex>(n[2]);
  auto vid = [&](GlobalIndex i, GlobalIndex j, GlobalIndex k) {
    return i + (nx + 1) * (j + (ny + 1) * k);
  };
  data.coordinates.reserve(static_cast<std::size_t>(3 * (nx + 1) * (ny + 1) * (nz + 1)));
  for (GlobalIndex k = 0; k <= nz; ++k)
    for (GlobalIndex j = 0; j <= ny; ++j)
      for (GlobalIndex i = 0; i <= nx; ++i) {
        const std::array<GlobalIndex, 3> ijk{i, j, k};
        for (int d = 0; d < 3; ++d)
          data.coordinates.push_back(lo[d] + (hi[d] - lo[d]) * static_cast<double>(ijk[d]) /
                                                 static_cast<double>(n[d]));
      }
  // Kuhn subdivision: one tetrahedron per axis permutation, along the diagonal 000 -> 111.
  static constexpr std::array<std::array<int, 3>, 6> perms{
      {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}};
  // Even permutations give positive orientation with the vertex order below.
  static constexpr std::array<bool, 6> even{true, false, false, true, true, false};
  data.cells.reserve(static_cast<std::size_t>(24 * nx * ny * nz));
  for (GlobalIndex k = 0; k < nz; ++k)
    for (GlobalIndex j = 0; j < ny; ++j)
      for (GlobalIndex i = 0; i < nx; ++i)
        for (std::size_t p = 0; p < perms.size(); ++p) {
          std::array<GlobalIndex, 3> c{i, j, k};
          std::array<GlobalIndex, 4> tet{};
          tet[0] = vid(c[0], c[1], c[2]);
          for (int s = 0; s < 3; ++s) {
            ++c[static_cast<std::size_t>(perms[p][s])];
            tet[static_cast<std::size_t>(s) + 1] = vid(c[0], c[1], c[2]);
          }
          if (!even[p])
            std::swap(tet[2], tet[3]);
          data.cells.insert(data.cells.end(), tet.begin(), tet.end());
          data.cell_tags.push_back(1);
        }
  // Boundary triangles: cell faces whose three vertices lie on one side of the box.
  auto ijk_of = [&](GlobalIndex v) {
    return std::array<GlobalIndex, 3>{v % (nx + 1), (v / (nx + 1)) % (ny + 1),
                                      v / ((nx + 1) * (ny + 1))};
  };
  const std::array<GlobalIndex, 3> nmax{nx, ny, nz};
  const auto ncells = data.cell_tags.size();
  for (std::size_t c = 0; c < ncells; ++c)
    for (const auto& fv : facet_vertices) {
      std::array<std::array<GlobalIndex, 3>, 3> f{};
      for (int q = 0; q < 3; ++q)
        f[q] = ijk_of(data.cells[4 * c + fv[q]]);
      for (int d = 0; d < 3; ++d)
        for (int side = 0; side < 2; ++side) {
          const GlobalIndex plane = side == 0 ? 0 : nmax[d];
          if (f[0][d] == plane && f[1][d] == plane && f[2][d] == plane) {
            for (int q = 0; q < 3; ++q)
              data.facets.push_back(data.cells[4 * c + fv[q]]);
            data.facet_tags.push_back(1 + 2 * d + side);
          }
        }
    }
  return data;
}

TetMesh make_box(MPI_Comm comm, std::array<int, 3> n, std::array<double, 3> lo,
                 std::array<double, 3> hi) {
  return TetMesh::distribute(comm, box_mesh_data(comm, n, lo, hi));
}

} // namespace resorb::mesh
