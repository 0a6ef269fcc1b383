#include "resorb/fem/facets.hpp"

#include "resorb/core/mpi.hpp"
#include "resorb/fem/assembly.hpp"
#include "resorb/fem/dirichlet.hpp"
#include "resorb/fem/lagrange.hpp"
#include "resorb/fem/quadrature.hpp"
#include "resorb/mesh/tet_geometry.hpp"

#include <vector>

namespace resorb::fem {

namespace {

/// Calls body(facet, x, area_vector, area) for every facet of group @p tag stored on this rank.
template <class Body>
void for_each_group_facet(const mesh::TetMesh& mesh, int tag, Body&& body) {
  mesh::CellCoordinates x;
  for (const auto& f : mesh.facets()) {
    if (f.tag != tag)
      continue;
    mesh.cell_coordinates(f.cell, x);
    double av[3];
    const double area = mesh::facet_area_vector(x, f.local_facet, av);
    body(f, x, av, area);
  }
}

/// Basis values at the points of a triangle rule mapped onto facet @p local_facet.
template <class Element>
struct FacetBasis {
  double xi[3];
  double values[Element::num_nodes];
  double grads[Element::num_nodes][3];
  FacetBasis(int local_facet, const std::array<double, 3>& point) {
    mesh::reference_facet_point(local_facet, point[0], point[1], xi);
    Element::tabulate(xi, values, grads);
  }
};

} // namespace

std::vector<LocalIndex> facet_group_nodes(const DofMap& dofmap, int facet_tag) {
  const auto& mesh = dofmap.mesh();
  // Mark locally, then let owners and ghosts agree.
  la::Vector mark = la::create_ghosted_vector(dofmap, 1);
  {
    la::LocalWrite m(mark.get());
    for (const auto& f : mesh.facets())
      if (f.tag == facet_tag)
        for (int k : facet_nodes(dofmap.degree(), f.local_facet))
          m[dofmap.cell_nodes(f.cell)[static_cast<std::size_t>(k)]] = 1.0;
  }
  la::accumulate_ghosts(mark.get());
  std::vector<LocalIndex> nodes;
  const la::LocalRead m(mark.get());
  for (LocalIndex i = 0; i < dofmap.index_map().size_local(); ++i)
    if (m[i] > 0.0)
      nodes.push_back(i);
  return nodes;
}

double facet_group_area(const mesh::TetMesh& mesh, int facet_tag) {
  double local = 0.0;
  for_each_group_facet(mesh, facet_tag,
                       [&](const auto&, const auto&, const auto&, double area) { local += area; });
  return mpi::sum(mesh.comm(), local);
}

std::vector<double> facet_integral(const Field& u, int facet_tag) {
  const DofMap& dofmap = u.dofmap();
  const auto b = static_cast<std::size_t>(u.block_size());
  std::vector<double> local(b, 0.0);
  with_element(dofmap.degree(), [&]<class Element>() {
    // The basis is exact at degree p: integrate u exactly.
    const auto& rule = triangle_rule(Element::degree);
    const la::LocalRead values(u.vec());
    for_each_group_facet(
        dofmap.mesh(), facet_tag, [&](const auto& f, const auto&, const auto&, double area) {
          const auto cn = dofmap.cell_nodes(f.cell);
          for (std::size_t q = 0; q < rule.size(); ++q) {
            const FacetBasis<Element> basis(f.local_facet, rule.points[q]);
            // Reference triangle weights sum to 1/2: scale by 2 x area.
            const double w = rule.weights[q] * 2.0 * area;
            for (int a = 0; a < Element::num_nodes; ++a)
              for (std::size_t i = 0; i < b; ++i)
                local[i] += w * basis.values[a] *
                            values[static_cast<PetscInt>(
                                b * static_cast<std::size_t>(cn[static_cast<std::size_t>(a)]) + i)];
          }
        });
  });
  std::vector<double> total(b);
  for (std::size_t i = 0; i < b; ++i)
    total[i] = mpi::sum(dofmap.mesh().comm(), local[i]);
  return total;
}

void assemble_facet_load(const DofMap& dofmap, int facet_tag, int block_size, int load_degree,
                         const FacetLoad& g, Vec rhs, const DirichletConstraints* skip) {
  const auto b = static_cast<std::size_t>(block_size);
  with_element(dofmap.degree(), [&]<class Element>() {
    constexpr auto n = static_cast<std::size_t>(Element::num_nodes);
    const auto& rule = triangle_rule(Element::degree + load_degree);
    std::vector<double> fe(b * n), value(b);
    for_each_group_facet(
        dofmap.mesh(), facet_tag,
        [&](const auto& f, const mesh::CellCoordinates& x, const double(&av)[3], double area) {
          const std::array<double, 3> normal{av[0] / area, av[1] / area, av[2] / area};
          std::fill(fe.begin(), fe.end(), 0.0);
          for (std::size_t q = 0; q < rule.size(); ++q) {
            const FacetBasis<Element> basis(f.local_facet, rule.points[q]);
            double p[3];
            mesh::physical_point(x, basis.xi, p);
            g({p[0], p[1], p[2]}, normal, value.data());
            const double w = rule.weights[q] * 2.0 * area;
            for (std::size_t a = 0; a < n; ++a)
              for (std::size_t i = 0; i < b; ++i)
                fe[b * a + i] += w * basis.values[a] * value[i];
          }
          const auto nodes = dofmap.cell_nodes(f.cell);
          if (skip != nullptr)
            skip->zero_constrained(nodes, fe.data());
          add_element_vector(rhs, nodes, block_size, fe.data());
        });
  });
}

} // namespace resorb::fem
