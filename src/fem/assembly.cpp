#include "resorb/fem/assembly.hpp"

#include "resorb/core/error.hpp"
#include "resorb/fem/dirichlet.hpp"
#include "resorb/fem/lagrange.hpp"
#include "resorb/fem/quadrature.hpp"
#include "resorb/mesh/tet_geometry.hpp"

#include <petscvec.h>

#include <algorithm>
#include <cmath>
#include <vector>

namespace resorb::fem {

void add_element_vector(Vec b, std::span<const LocalIndex> nodes, int block_size,
                        const double* fe) {
  static_assert(sizeof(LocalIndex) == sizeof(PetscInt), "PETSc must use 32-bit indices");
  const auto* idx = reinterpret_cast<const PetscInt*>(nodes.data());
  if (block_size == 1)
    RESORB_PETSC(VecSetValuesLocal(b, static_cast<PetscInt>(nodes.size()), idx, fe, ADD_VALUES));
  else
    RESORB_PETSC(
        VecSetValuesBlockedLocal(b, static_cast<PetscInt>(nodes.size()), idx, fe, ADD_VALUES));
}

void assemble_cell_load(const DofMap& dofmap, int block_size, int load_degree, const CellLoad& f,
                        Vec rhs, const DirichletConstraints* skip) {
  const auto b = static_cast<std::size_t>(block_size);
  const auto& mesh = dofmap.mesh();
  with_element(dofmap.degree(), [&]<class Element>() {
    constexpr auto n = static_cast<std::size_t>(Element::num_nodes);
    const auto& rule = tetrahedron_rule(Element::degree + load_degree);
    // Basis values at the rule's points: the same on every (affine) cell.
    std::vector<std::array<double, n>> basis(rule.size());
    for (std::size_t q = 0; q < rule.size(); ++q) {
      double grads[n][3];
      Element::tabulate(rule.points[q].data(), basis[q].data(), grads);
    }
    std::vector<double> fe(b * n), value(b);
    mesh::CellCoordinates x;
    double j[3][3];
    for (LocalIndex c = 0; c < mesh.num_cells(); ++c) {
      mesh.cell_coordinates(c, x);
      const double detj = std::abs(mesh::jacobian(x, j));
      std::fill(fe.begin(), fe.end(), 0.0);
      for (std::size_t q = 0; q < rule.size(); ++q) {
        double p[3];
        mesh::physical_point(x, rule.points[q].data(), p);
        f({p[0], p[1], p[2]}, value.data());
        const double w = rule.weights[q] * detj;
        for (std::size_t a = 0; a < n; ++a)
          for (std::size_t i = 0; i < b; ++i)
            fe[b * a + i] += w * basis[q][a] * value[i];
      }
      const auto nodes = dofmap.cell_nodes(c);
      if (skip != nullptr)
        skip->zero_constrained(nodes, fe.data());
      add_element_vector(rhs, nodes, block_size, fe.data());
    }
  });
}

} // namespace resorb::fem
