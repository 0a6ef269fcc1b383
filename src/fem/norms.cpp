#include "resorb/fem/norms.hpp"

#include "resorb/core/mpi.hpp"
#include "resorb/fem/lagrange.hpp"
#include "resorb/fem/quadrature.hpp"
#include "resorb/la/petsc.hpp"

#include <Eigen/Dense>

#include <cmath>

namespace resorb::fem {

namespace {
template <class Element>
std::array<double, 2> error_norms_impl(const mesh::TetMesh& mesh, const DofMap& dofmap, Vec u,
                                       const ExactVectorField& exact) {
  constexpr int n = Element::num_nodes;
  const auto& rule = tetrahedron_rule(2 * Element::degree + 4);
  const la::LocalRead values(u);
  double l2 = 0.0, h1 = 0.0;
  for (LocalIndex c = 0; c < mesh.num_cells(); ++c) {
    const auto x = mesh.cell_coordinates(c);
    Eigen::Matrix3d jac;
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 3; ++k)
        jac(i, k) = x[k + 1][i] - x[0][i];
    const Eigen::Matrix3d kinv = jac.inverse();
    const double detj = std::abs(jac.determinant());
    const auto cn = dofmap.cell_nodes(c);
    for (std::size_t q = 0; q < rule.size(); ++q) {
      const auto& xi = rule.points[q];
      double nv[n], dn[n][3];
      Element::tabulate(xi.data(), nv, dn);
      std::array<double, 3> p{};
      for (int d = 0; d < 3; ++d)
        p[d] = x[0][d] + jac(d, 0) * xi[0] + jac(d, 1) * xi[1] + jac(d, 2) * xi[2];
      std::array<double, 3> uh{};
      Eigen::Matrix3d grad = Eigen::Matrix3d::Zero();
      for (int a = 0; a < n; ++a) {
        const Eigen::Vector3d g = kinv.transpose() * Eigen::Vector3d(dn[a][0], dn[a][1], dn[a][2]);
        for (int i = 0; i < 3; ++i) {
          const double ua = values[3 * cn[static_cast<std::size_t>(a)] + i];
          uh[i] += nv[a] * ua;
          grad.row(i) += ua * g.transpose();
        }
      }
      const auto ue = exact.value(p);
      const auto ge = exact.gradient(p);
      const double w = rule.weights[q] * detj;
      for (int i = 0; i < 3; ++i) {
        l2 += w * (uh[i] - ue[i]) * (uh[i] - ue[i]);
        for (int j = 0; j < 3; ++j)
          h1 += w * (grad(i, j) - ge[i][j]) * (grad(i, j) - ge[i][j]);
      }
    }
  }
  return {std::sqrt(mpi::sum(mesh.comm(), l2)), std::sqrt(mpi::sum(mesh.comm(), h1))};
}
} // namespace

std::array<double, 2> error_norms(const mesh::TetMesh& mesh, const DofMap& dofmap, Vec u,
                                  const ExactVectorField& exact) {
  return dofmap.degree() == 1 ? error_norms_impl<P1>(mesh, dofmap, u, exact)
                              : error_norms_impl<P2>(mesh, dofmap, u, exact);
}

} // namespace resorb::fem
