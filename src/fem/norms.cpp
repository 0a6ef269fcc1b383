#include "resorb/fem/norms.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/fem/lagrange.hpp"
#include "resorb/fem/quadrature.hpp"
#include "resorb/mesh/tet_geometry.hpp"

#include <cmath>

namespace resorb::fem {

std::array<double, 2> error_norms(const Field& u, const ExactVectorField& exact) {
  RESORB_REQUIRE(u.block_size() == 3, Error,
                 "error_norms: field '" + u.name() + "' is not a 3-component field");
  const DofMap& dofmap = u.dofmap();
  const auto& mesh = dofmap.mesh();
  double l2 = 0.0, h1 = 0.0;
  with_element(dofmap.degree(), [&]<class Element>() {
    constexpr int n = Element::num_nodes;
    const auto& rule = tetrahedron_rule(2 * Element::degree + 4);
    const la::LocalRead values(u.vec());
    mesh::CellCoordinates x;
    for (LocalIndex c = 0; c < mesh.num_cells(); ++c) {
      mesh.cell_coordinates(c, x);
      double kinv[3][3];
      const double detj = mesh::inverse_jacobian(x, kinv);
      const auto cn = dofmap.cell_nodes(c);
      for (std::size_t q = 0; q < rule.size(); ++q) {
        double nv[n], dn[n][3], p[3];
        Element::tabulate(rule.points[q].data(), nv, dn);
        mesh::physical_point(x, rule.points[q].data(), p);
        std::array<double, 3> uh{};
        double grad[3][3] = {};
        for (int a = 0; a < n; ++a) {
          double g[3];
          for (int j = 0; j < 3; ++j)
            g[j] = kinv[0][j] * dn[a][0] + kinv[1][j] * dn[a][1] + kinv[2][j] * dn[a][2];
          for (int i = 0; i < 3; ++i) {
            const double ua = values[3 * cn[static_cast<std::size_t>(a)] + i];
            uh[i] += nv[a] * ua;
            for (int j = 0; j < 3; ++j)
              grad[i][j] += ua * g[j];
          }
        }
        const auto ue = exact.value({p[0], p[1], p[2]});
        const auto ge = exact.gradient({p[0], p[1], p[2]});
        const double w = rule.weights[q] * detj;
        for (int i = 0; i < 3; ++i) {
          l2 += w * (uh[i] - ue[i]) * (uh[i] - ue[i]);
          for (int j = 0; j < 3; ++j)
            h1 += w * (grad[i][j] - ge[i][j]) * (grad[i][j] - ge[i][j]);
        }
      }
    }
  });
  return {std::sqrt(mpi::sum(mesh.comm(), l2)), std::sqrt(mpi::sum(mesh.comm(), h1))};
}

} // namespace resorb::fem
