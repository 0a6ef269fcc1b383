// The generic assembly layer of fem/ on its own, without any physics: facet and volume
// integration, Dirichlet elimination, fields, the degree dispatch, the reference-cell tables.
// Runs on 1 and 2 ranks; every integral is exact for the data used, so tolerances are
// round-off (1e-12 relative).
#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/core/record.hpp>
#include <resorb/fem/assembly.hpp>
#include <resorb/fem/dirichlet.hpp>
#include <resorb/fem/facets.hpp>
#include <resorb/fem/field.hpp>
#include <resorb/fem/lagrange.hpp>
#include <resorb/mesh/box.hpp>

#include <gtest/gtest.h>

#include <cmath>

using namespace resorb;

namespace {

mesh::TetMesh unit_box() {
  return mesh::make_box(MPI_COMM_WORLD, {3, 4, 2}, {0, 0, 0}, {1, 2, 0.5});
}

double vector_sum(Vec v) {
  PetscScalar s = 0.0;
  EXPECT_EQ(VecSum(v, &s), 0);
  return s;
}

/// A field with value f(x) at every node (exact interpolation of polynomials up to degree p).
template <class F>
fem::Field interpolate(const fem::DofMap& dofmap, F f) {
  fem::Field u(dofmap, 1, "u", "1");
  {
    la::LocalWrite values(u.vec());
    const auto xn = dofmap.node_coordinates();
    for (LocalIndex i = 0; i < dofmap.index_map().size_local(); ++i)
      values[i] = f(&xn[3 * static_cast<std::size_t>(i)]);
  }
  return u;
}

} // namespace

TEST(FemLayer, FacetAreaAndIntegralsAreExact) {
  const auto mesh = unit_box();
  EXPECT_NEAR(fem::facet_group_area(mesh, mesh.facet_tag("zmax")), 2.0, 1e-12);
  EXPECT_NEAR(fem::facet_group_area(mesh, mesh.facet_tag("xmin")), 1.0, 1e-12);
  for (int degree : {1, 2}) {
    const fem::DofMap dofmap(mesh, degree);
    // ∫_{z=0.5} x y ds over [0,1]x[0,2] = 1/2 · 2 = 1: bilinear, exact in P2 and on the P1
    // test only for the linear part, so use x + y for P1 (∫ = 1 + 2 = 3).
    const auto u = degree == 2 ? interpolate(dofmap, [](const double* x) { return x[0] * x[1]; })
                               : interpolate(dofmap, [](const double* x) { return x[0] + x[1]; });
    const double expected = degree == 2 ? 1.0 : 3.0;
    EXPECT_NEAR(fem::facet_integral(u, mesh.facet_tag("zmax"))[0], expected, 1e-12) << degree;
  }
}

TEST(FemLayer, LoadsIntegrateToTheirTotals) {
  const auto mesh = unit_box();
  for (int degree : {1, 2}) {
    const fem::DofMap dofmap(mesh, degree);
    // Σ_a ∫ N_a g = ∫ g (partition of unity); block size 3 checks the component layout.
    la::Vector b = la::create_ghosted_vector(dofmap, 3);
    fem::assemble_facet_load(
        dofmap, mesh.facet_tag("ymax"), 3, 1,
        [](const std::array<double, 3>& x, const std::array<double, 3>& n, double* g) {
          g[0] = x[0];              // ∫ x ds over [0,1]x[0,0.5] = 0.25
          g[1] = n[1];              // outward normal +y: area 0.5
          g[2] = x[2] + 0.0 * n[0]; // ∫ z ds = 1 · 0.5²/2 = 0.125
        },
        b.get());
    RESORB_PETSC(VecAssemblyBegin(b.get()));
    RESORB_PETSC(VecAssemblyEnd(b.get()));
    double sums[3] = {};
    {
      la::Vector part;
      for (int c = 0; c < 3; ++c) {
        IS is = nullptr;
        PetscInt lo = 0, hi = 0;
        RESORB_PETSC(VecGetOwnershipRange(b.get(), &lo, &hi));
        RESORB_PETSC(ISCreateStride(MPI_COMM_WORLD, (hi - lo) / 3, lo + c, 3, &is));
        Vec sub = nullptr;
        RESORB_PETSC(VecGetSubVector(b.get(), is, &sub));
        sums[c] = vector_sum(sub);
        RESORB_PETSC(VecRestoreSubVector(b.get(), is, &sub));
        RESORB_PETSC(ISDestroy(&is));
      }
    }
    EXPECT_NEAR(sums[0], 0.25, 1e-12) << degree;
    EXPECT_NEAR(sums[1], 0.5, 1e-12) << degree;
    EXPECT_NEAR(sums[2], 0.125, 1e-12) << degree;

    la::Vector f = la::create_ghosted_vector(dofmap, 1);
    fem::assemble_cell_load(
        dofmap, 1, 2, [](const std::array<double, 3>& x, double* v) { *v = x[0] * x[1]; }, f.get());
    RESORB_PETSC(VecAssemblyBegin(f.get()));
    RESORB_PETSC(VecAssemblyEnd(f.get()));
    // ∫ x y over [0,1]x[0,2]x[0,0.5] = 1/2 · 2 · 1/2 = 0.5
    EXPECT_NEAR(vector_sum(f.get()), 0.5, 1e-12) << degree;
  }
}

TEST(FemLayer, DirichletEliminationIsSymmetricAndLiftsTheKnownValues) {
  const auto mesh = unit_box();
  const fem::DofMap dofmap(mesh, 2);
  fem::DirichletConstraints bc(dofmap, 3);
  const std::array<bool, 3> xz{true, false, true};
  bc.add(mesh.facet_tag("zmin"), xz, [](const std::array<double, 3>& x, double* g) {
    g[0] = 1.0 + x[0];
    g[1] = 99.0; // not constrained: must be ignored
    g[2] = -x[1];
  });
  // Every node on z = 0 has x and z constrained to the given values, y free; no other node.
  const auto xn = dofmap.node_coordinates();
  std::size_t on_face = 0;
  for (LocalIndex i = 0; i < dofmap.index_map().size_local(); ++i) {
    const auto n = static_cast<std::size_t>(i);
    const bool bottom = std::abs(xn[3 * n + 2]) < 1e-12;
    on_face += bottom ? 1 : 0;
    EXPECT_EQ(bc.constrained(3 * n), bottom);
    EXPECT_FALSE(bc.constrained(3 * n + 1));
    EXPECT_EQ(bc.constrained(3 * n + 2), bottom);
    if (bottom) {
      EXPECT_DOUBLE_EQ(bc.value(3 * n), 1.0 + xn[3 * n]);
      EXPECT_DOUBLE_EQ(bc.value(3 * n + 2), -xn[3 * n + 1]);
    }
  }
  EXPECT_GT(mpi::sum(MPI_COMM_WORLD, static_cast<std::int64_t>(on_face)), 0);

  // A symmetric element matrix on a cell touching the face, eliminated.
  LocalIndex cell = -1;
  for (LocalIndex c = 0; c < mesh.num_cells() && cell < 0; ++c)
    if (bc.touches(dofmap.cell_nodes(c)))
      cell = c;
  if (cell < 0)
    return; // this rank holds no cell on z = 0
  const auto nodes = dofmap.cell_nodes(cell);
  constexpr std::size_t m = 30;
  std::vector<double> k(m * m), be(m);
  for (std::size_t r = 0; r < m; ++r)
    for (std::size_t s = 0; s < m; ++s)
      k[r * m + s] = (r == s ? 10.0 : 0.0) + 1.0 / (1.0 + static_cast<double>(r + s));
  const auto original = k;
  bc.eliminate(nodes, k.data(), be.data());
  auto dof = [&](std::size_t r) { return 3 * static_cast<std::size_t>(nodes[r / 3]) + r % 3; };
  for (std::size_t r = 0; r < m; ++r) {
    double lifted = 0.0;
    for (std::size_t s = 0; s < m; ++s) {
      EXPECT_EQ(k[r * m + s], k[s * m + r]) << "not symmetric at " << r << "," << s;
      if (bc.constrained(dof(r)) && s != r) {
        EXPECT_EQ(k[r * m + s], 0.0);
      }
      if (bc.constrained(dof(s)))
        lifted -= original[r * m + s] * bc.value(dof(s));
    }
    if (bc.constrained(dof(r))) {
      EXPECT_EQ(k[r * m + r], original[r * m + r]);
      EXPECT_DOUBLE_EQ(be[r], original[r * m + r] * bc.value(dof(r)));
    } else {
      EXPECT_NEAR(be[r], lifted, 1e-13);
    }
  }
}

TEST(FemLayer, FieldVertexValuesFollowTheMeshVertices) {
  const auto mesh = unit_box();
  const fem::DofMap dofmap(mesh, 2);
  const auto u = interpolate(dofmap, [](const double* x) { return x[0] + 10 * x[1] + 100 * x[2]; });
  const auto values = u.vertex_values();
  ASSERT_EQ(values.size(), static_cast<std::size_t>(mesh.vertex_map().num_owned()));
  const auto xv = mesh.coordinates();
  for (std::size_t v = 0; v < values.size(); ++v)
    EXPECT_DOUBLE_EQ(values[v], xv[3 * v] + 10 * xv[3 * v + 1] + 100 * xv[3 * v + 2]);
}

TEST(FemLayer, P2FacetNodesAreTheFacetsVerticesAndEdgeMidpoints) {
  // The facet tables come from mesh::facet_vertices and mesh::facet_edges: check them on
  // geometry. Edge node k of a facet lies halfway between facet vertices (k, k+1 mod 3).
  const auto mesh = unit_box();
  const fem::DofMap dofmap(mesh, 2);
  const auto xn = dofmap.node_coordinates();
  const auto cn = dofmap.cell_nodes(0);
  for (int f = 0; f < 4; ++f) {
    const auto nodes = fem::facet_nodes(2, f);
    ASSERT_EQ(nodes.size(), 6u);
    const std::array<std::array<int, 2>, 3> ends{{{0, 1}, {1, 2}, {0, 2}}};
    for (std::size_t k = 0; k < 3; ++k) {
      EXPECT_NE(nodes[k], f) << "facet " << f << " contains its opposite vertex";
      const auto mid = static_cast<std::size_t>(cn[static_cast<std::size_t>(nodes[3 + k])]);
      const auto a = static_cast<std::size_t>(cn[static_cast<std::size_t>(nodes[ends[k][0]])]);
      const auto b = static_cast<std::size_t>(cn[static_cast<std::size_t>(nodes[ends[k][1]])]);
      for (std::size_t d = 0; d < 3; ++d)
        EXPECT_NEAR(xn[3 * mid + d], 0.5 * (xn[3 * a + d] + xn[3 * b + d]), 1e-14);
    }
  }
}

TEST(FemLayer, DegreeIsDispatchedInOnePlace) {
  EXPECT_EQ(fem::with_element(1, []<class E>() { return E::num_nodes; }), 4);
  EXPECT_EQ(fem::with_element(2, []<class E>() { return E::num_nodes; }), 10);
  EXPECT_THROW((void)fem::with_element(3, []<class E>() { return E::num_nodes; }), InputError);
}

TEST(Record, KeepsOrderTypesAndNesting) {
  Record r;
  r.set("energy_J", 1.5e-3).set("dofs", 42).set("mesh", "box");
  r.group("solver").set("iterations", 7);
  Record more;
  more.set("energy_J", 2.0);                  // replaces in place
  more.group("solver").set("reason", "rtol"); // merges into the group
  r.merge(more);
  ASSERT_EQ(r.entries().size(), 4u);
  EXPECT_EQ(r.entries()[0].key, "energy_J");
  EXPECT_TRUE(std::holds_alternative<double>(r.entries()[0].value)); // a double stays a double
  EXPECT_EQ(r.number("energy_J"), 2.0);
  EXPECT_TRUE(std::holds_alternative<std::int64_t>(r.find("dofs")->value));
  EXPECT_EQ(r.number("solver.iterations"), 7.0);
  EXPECT_NE(r.find("solver.reason"), nullptr);
  EXPECT_EQ(r.find("solver.missing"), nullptr);
  EXPECT_THROW((void)r.number("mesh"), Error);
  EXPECT_THROW((void)r.group("dofs"), Error);
  const Record copy = r; // deep copy: changing the copy's group leaves the original alone
  Record changed = copy;
  changed.group("solver").set("iterations", 8);
  EXPECT_EQ(r.number("solver.iterations"), 7.0);
}
