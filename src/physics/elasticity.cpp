#include "resorb/physics/elasticity.hpp"

#include "resorb/core/error.hpp"
#include "resorb/core/mpi.hpp"
#include "resorb/fem/quadrature.hpp"

#include "elasticity_kernels.hpp"

#include <Kokkos_Core.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace resorb::physics {

namespace {

/// Cells per batch of the element kernels: large enough to amortize the launch, small
/// enough that the batch's element matrices stay in L2 until they are scattered (P1:
/// 256 x 1.1 KB; measured 9 % faster assembly than 2048).
constexpr LocalIndex batch_cells = 256;

/// Runs the element stiffness kernel over all cells in batches and hands each element
/// matrix to @p consume(cell, ke) on the host.
template <class Element, class Consume>
void for_each_element_stiffness(const mesh::TetMesh& mesh, const std::vector<double>& lambda,
                                const std::vector<double>& mu, Consume&& consume) {
  using ExecSpace = Kokkos::DefaultExecutionSpace;
  constexpr int m = 3 * Element::num_nodes;
  const LocalIndex nc = mesh.num_cells();
  const LocalIndex cap = std::min(batch_cells, std::max<LocalIndex>(nc, 1));
  Kokkos::View<double* [4][3], ExecSpace> x("x", cap);
  Kokkos::View<double* [2], ExecSpace> coeff("coeff", cap);
  Kokkos::View<double**, Kokkos::LayoutRight, ExecSpace> ke("ke", cap, m * m);
  auto x_host = Kokkos::create_mirror_view(x);
  auto coeff_host = Kokkos::create_mirror_view(coeff);
  auto ke_host = Kokkos::create_mirror_view(ke);
  const auto cells = mesh.cells();
  const auto coords = mesh.coordinates();
  for (LocalIndex first = 0; first < nc; first += cap) {
    const LocalIndex count = std::min(cap, nc - first);
    for (LocalIndex i = 0; i < count; ++i) {
      const auto c = static_cast<std::size_t>(first + i);
      for (int k = 0; k < 4; ++k)
        for (int d = 0; d < 3; ++d)
          x_host(i, k, d) = coords[3 * static_cast<std::size_t>(cells[4 * c + k]) + d];
      coeff_host(i, 0) = lambda[c];
      coeff_host(i, 1) = mu[c];
    }
    Kokkos::deep_copy(x, x_host);
    Kokkos::deep_copy(coeff, coeff_host);
    Kokkos::parallel_for(
        "resorb::elasticity_stiffness", Kokkos::RangePolicy<ExecSpace>(0, count),
        KOKKOS_LAMBDA(const int i) {
          const kernels::StiffnessTabulation<Element> tab;
          double xc[4][3];
          for (int k = 0; k < 4; ++k)
            for (int d = 0; d < 3; ++d)
              xc[k][d] = x(i, k, d);
          kernels::elasticity_stiffness<Element>(tab, xc, coeff(i, 0), coeff(i, 1), &ke(i, 0));
        });
    Kokkos::deep_copy(ke_host, ke);
    for (LocalIndex i = 0; i < count; ++i)
      consume(first + i, &ke_host(i, 0));
  }
}

std::array<double, 3> to_array(const double* p) {
  return {p[0], p[1], p[2]};
}

/// Reference coordinates of a facet quadrature point (s, t) on facet @p f.
std::array<double, 3> facet_point(int f, double s, double t) {
  const auto& v = mesh::facet_vertices[static_cast<std::size_t>(f)];
  std::array<double, 3> xi{};
  for (int d = 0; d < 3; ++d)
    xi[d] = fem::reference_vertices[v[0]][d] +
            s * (fem::reference_vertices[v[1]][d] - fem::reference_vertices[v[0]][d]) +
            t * (fem::reference_vertices[v[2]][d] - fem::reference_vertices[v[0]][d]);
  return xi;
}

/// Outward area vector (normal times area) of facet @p f of a cell with vertices @p x.
Vec3 facet_area_vector(const std::array<std::array<double, 3>, 4>& x, int f) {
  const auto& v = mesh::facet_vertices[static_cast<std::size_t>(f)];
  Vec3 a{}, b{};
  for (int d = 0; d < 3; ++d) {
    a[d] = x[v[1]][d] - x[v[0]][d];
    b[d] = x[v[2]][d] - x[v[0]][d];
  }
  return {0.5 * (a[1] * b[2] - a[2] * b[1]), 0.5 * (a[2] * b[0] - a[0] * b[2]),
          0.5 * (a[0] * b[1] - a[1] * b[0])};
}

double norm(const Vec3& v) {
  return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
}

} // namespace

template <fem::LagrangeElement Element>
Elasticity<Element>::Elasticity(const mesh::TetMesh& mesh)
    : mesh_(mesh), dofmap_(mesh, Element::degree),
      lambda_(static_cast<std::size_t>(mesh.num_cells()), 0.0),
      mu_(static_cast<std::size_t>(mesh.num_cells()), 0.0) {
}

template <fem::LagrangeElement Element>
Elasticity<Element>::~Elasticity() = default;

template <fem::LagrangeElement Element>
void Elasticity<Element>::set_material(std::string_view cell_group,
                                       const IsotropicMaterial& material) {
  const int tag = mesh_.cell_tag(cell_group);
  material.validate(fmt::format("material of volume group '{}'", cell_group));
  const auto tags = mesh_.cell_tags();
  for (std::size_t c = 0; c < tags.size(); ++c)
    if (tags[c] == tag) {
      lambda_[c] = material.lambda();
      mu_[c] = material.mu();
    }
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::set_cell_materials(std::span<const double> E,
                                             std::span<const double> nu) {
  if (E.size() != lambda_.size() || nu.size() != lambda_.size())
    throw InputError(fmt::format("per-cell materials: {} / {} values for {} cells", E.size(),
                                 nu.size(), lambda_.size()));
  for (std::size_t c = 0; c < E.size(); ++c) {
    const IsotropicMaterial m{E[c], nu[c]};
    m.validate(fmt::format("per-cell material of cell {}", c));
    lambda_[c] = m.lambda();
    mu_[c] = m.mu();
  }
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::fix(std::string_view facet_group, std::array<bool, 3> components,
                              VectorField value) {
  dirichlet_.push_back({mesh_.facet_tag(facet_group), components, std::move(value)});
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::apply_force(std::string_view facet_group, const Vec3& total_force) {
  for (double f : total_force)
    if (!std::isfinite(f))
      throw InputError(fmt::format("force on '{}' is not finite", facet_group));
  loads_.push_back({mesh_.facet_tag(facet_group), {}, std::nullopt, total_force});
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::apply_traction(std::string_view facet_group, const Vec3& traction) {
  loads_.push_back({mesh_.facet_tag(facet_group), traction, std::nullopt, std::nullopt});
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::apply_pressure(std::string_view facet_group, double pressure) {
  loads_.push_back({mesh_.facet_tag(facet_group), {}, pressure, std::nullopt});
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::set_body_force(VectorField force) {
  body_force_ = std::move(force);
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::check_materials() const {
  const auto tags = mesh_.cell_tags();
  int missing = -1;
  for (std::size_t c = 0; c < mu_.size(); ++c)
    if (!(mu_[c] > 0.0)) {
      missing = tags[c];
      break;
    }
  const int any = mpi::max(mesh_.comm(), missing);
  if (any >= 0)
    throw InputError(fmt::format("{}: volume group '{}' has no material", mesh_.source(),
                                 mesh_.group_name(3, any)));
}

template <fem::LagrangeElement Element>
std::vector<LocalIndex> Elasticity<Element>::group_nodes(int tag) const {
  // A facet is stored on one rank only, but its nodes may be owned or ghosted elsewhere:
  // mark locally, then let owners and ghosts agree.
  la::Vector mark = la::create_ghosted_vector(dofmap_, 1);
  {
    la::LocalWrite m(mark.get());
    for (const auto& f : mesh_.facets())
      if (f.tag == tag)
        for (int k : fem::facet_nodes(Element::degree, f.local_facet))
          m[dofmap_.cell_nodes(f.cell)[static_cast<std::size_t>(k)]] = 1.0;
  }
  la::accumulate_ghosts(mark.get());
  std::vector<LocalIndex> nodes;
  const la::LocalRead m(mark.get());
  for (LocalIndex i = 0; i < dofmap_.index_map().size_local(); ++i)
    if (m[i] > 0.0)
      nodes.push_back(i);
  return nodes;
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::mark_dirichlet_dofs() {
  const auto nlocal = static_cast<std::size_t>(dofmap_.index_map().size_local());
  constrained_.assign(3 * nlocal, 0);
  prescribed_.assign(3 * nlocal, 0.0);
  const auto xn = dofmap_.node_coordinates();
  for (const auto& bc : dirichlet_) {
    for (LocalIndex node : group_nodes(bc.tag)) {
      const auto n = static_cast<std::size_t>(node);
      const Vec3 g = bc.value ? bc.value(to_array(&xn[3 * n])) : Vec3{0.0, 0.0, 0.0};
      for (int i = 0; i < 3; ++i)
        if (bc.components[i]) {
          constrained_[3 * n + i] = 1;
          prescribed_[3 * n + i] = g[i];
        }
    }
  }
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::assemble_surface_loads(Vec rhs, bool skip_constrained) const {
  constexpr int n = Element::num_nodes;
  const auto& rule = fem::triangle_rule(2 * Element::degree);
  std::vector<PetscInt> nodes(n);
  std::array<double, 3 * n> fe{};
  for (const auto& load : loads_) {
    Vec3 traction = load.traction;
    if (load.total_force) {
      const double a = area(mesh_.group_name(2, load.tag));
      if (!(a > 0.0))
        throw InputError(fmt::format("{}: force applied to surface '{}' which has no area",
                                     mesh_.source(), mesh_.group_name(2, load.tag)));
      for (int d = 0; d < 3; ++d)
        traction[d] = (*load.total_force)[d] / a;
    }
    for (const auto& f : mesh_.facets()) {
      if (f.tag != load.tag)
        continue;
      const auto x = mesh_.cell_coordinates(f.cell);
      const Vec3 av = facet_area_vector(x, f.local_facet);
      const double facet_area = norm(av);
      Vec3 t = traction;
      if (load.pressure)
        for (int d = 0; d < 3; ++d)
          t[d] = -*load.pressure * av[d] / facet_area;
      fe.fill(0.0);
      for (std::size_t q = 0; q < rule.size(); ++q) {
        const auto xi = facet_point(f.local_facet, rule.points[q][0], rule.points[q][1]);
        double values[n], grads[n][3];
        Element::tabulate(xi.data(), values, grads);
        // Reference triangle weights sum to 1/2: scale by 2 x facet area.
        const double w = rule.weights[q] * 2.0 * facet_area;
        for (int a = 0; a < n; ++a)
          for (int d = 0; d < 3; ++d)
            fe[3 * a + d] += w * values[a] * t[d];
      }
      const auto cn = dofmap_.cell_nodes(f.cell);
      for (int a = 0; a < n; ++a) {
        nodes[a] = cn[static_cast<std::size_t>(a)];
        if (skip_constrained)
          for (int d = 0; d < 3; ++d)
            if (constrained_[3 * static_cast<std::size_t>(nodes[a]) + d])
              fe[3 * a + d] = 0.0;
      }
      RESORB_PETSC(VecSetValuesBlockedLocal(rhs, n, nodes.data(), fe.data(), ADD_VALUES));
    }
  }
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::assemble_body_force(Vec rhs, bool skip_constrained) const {
  if (!body_force_)
    return;
  constexpr int n = Element::num_nodes;
  // The load is an arbitrary function: integrate it two degrees above the basis.
  const auto& rule = fem::tetrahedron_rule(2 * Element::degree + 2);
  std::vector<PetscInt> nodes(n);
  std::array<double, 3 * n> fe{};
  for (LocalIndex c = 0; c < mesh_.num_cells(); ++c) {
    const auto x = mesh_.cell_coordinates(c);
    const double detj = 6.0 * mesh::signed_volume(x);
    fe.fill(0.0);
    for (std::size_t q = 0; q < rule.size(); ++q) {
      const auto& xi = rule.points[q];
      double values[n], grads[n][3];
      Element::tabulate(xi.data(), values, grads);
      Vec3 p{};
      for (int d = 0; d < 3; ++d)
        p[d] = x[0][d] + xi[0] * (x[1][d] - x[0][d]) + xi[1] * (x[2][d] - x[0][d]) +
               xi[2] * (x[3][d] - x[0][d]);
      const Vec3 f = body_force_(p);
      const double w = rule.weights[q] * detj;
      for (int a = 0; a < n; ++a)
        for (int d = 0; d < 3; ++d)
          fe[3 * a + d] += w * values[a] * f[d];
    }
    const auto cn = dofmap_.cell_nodes(c);
    for (int a = 0; a < n; ++a) {
      nodes[a] = cn[static_cast<std::size_t>(a)];
      if (skip_constrained)
        for (int d = 0; d < 3; ++d)
          if (constrained_[3 * static_cast<std::size_t>(nodes[a]) + d])
            fe[3 * a + d] = 0.0;
    }
    RESORB_PETSC(VecSetValuesBlockedLocal(rhs, n, nodes.data(), fe.data(), ADD_VALUES));
  }
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::assemble() {
  constexpr int n = Element::num_nodes;
  constexpr int m = 3 * n;
  check_materials();
  mark_dirichlet_dofs();
  ensure_matrix();
  if (!b_)
    b_ = la::create_ghosted_vector(dofmap_, 3);
  else
    RESORB_PETSC(VecSet(b_.get(), 0.0));
  if (!u_)
    u_ = la::create_ghosted_vector(dofmap_, 3);

  // Dirichlet conditions by symmetric elimination inside each element: the constrained
  // row and column are zeroed except the diagonal, which keeps its value so that the
  // assembled row reads d_i u_i = d_i g_i (well scaled for AMG), and the known values are
  // lifted to the right-hand side.
  std::vector<PetscInt> nodes(n);
  std::array<double, m> be{};
  std::array<double, m * m> k{};
  std::array<std::size_t, m> dof{};
  assembler_->begin();
  for_each_element_stiffness<Element>(mesh_, lambda_, mu_, [&](LocalIndex c, const double* ke) {
    const auto cn = dofmap_.cell_nodes(c);
    bool any = false;
    for (int a = 0; a < n; ++a) {
      nodes[a] = cn[static_cast<std::size_t>(a)];
      for (int i = 0; i < 3; ++i) {
        dof[3 * a + i] = 3 * static_cast<std::size_t>(nodes[a]) + i;
        any = any || constrained_[dof[3 * a + i]];
      }
    }
    if (!any) {
      assembler_->add(c, ke);
      return;
    }
    std::copy(ke, ke + m * m, k.begin());
    be.fill(0.0);
    for (int r = 0; r < m; ++r) {
      if (!constrained_[dof[r]])
        continue;
      const double g = prescribed_[dof[r]];
      for (int s = 0; s < m; ++s)
        if (!constrained_[dof[s]])
          be[s] -= k[s * m + r] * g;
    }
    for (int r = 0; r < m; ++r) {
      if (!constrained_[dof[r]])
        continue;
      const double diag = k[r * m + r];
      for (int s = 0; s < m; ++s) {
        k[r * m + s] = 0.0;
        k[s * m + r] = 0.0;
      }
      k[r * m + r] = diag;
      be[r] = diag * prescribed_[dof[r]];
    }
    assembler_->add(c, k.data());
    RESORB_PETSC(VecSetValuesBlockedLocal(b_.get(), n, nodes.data(), be.data(), ADD_VALUES));
  });
  assemble_body_force(b_.get(), true);
  assemble_surface_loads(b_.get(), true);
  RESORB_PETSC(VecAssemblyBegin(b_.get()));
  assembler_->end();
  RESORB_PETSC(VecAssemblyEnd(b_.get()));
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::ensure_matrix() {
  if (assembler_)
    return;
  assembler_ = std::make_unique<la::MatrixAssembler>(dofmap_, 3);
  // Rigid-body modes from the node coordinates: GAMG's near-null space. They depend on the
  // mesh only, so they are built once with the matrix.
  const Mat a = assembler_->matrix();
  la::Vector coords;
  RESORB_PETSC(MatCreateVecs(a, coords.out(), nullptr));
  RESORB_PETSC(VecSetBlockSize(coords.get(), 3));
  {
    PetscScalar* c = nullptr;
    RESORB_PETSC(VecGetArray(coords.get(), &c));
    const auto xn = dofmap_.node_coordinates();
    std::copy_n(xn.begin(), 3 * static_cast<std::size_t>(dofmap_.index_map().num_owned()), c);
    RESORB_PETSC(VecRestoreArray(coords.get(), &c));
  }
  RESORB_PETSC(MatNullSpaceCreateRigidBody(coords.get(), near_null_space_.out()));
  RESORB_PETSC(MatSetNearNullSpace(a, near_null_space_.get()));
}

template <fem::LagrangeElement Element>
solvers::SolveReport Elasticity<Element>::solve(const solvers::LinearSolverSettings& settings) {
  {
    // Sparsity pattern, scatter map and near-null space: once per mesh, not per assembly.
    const auto scope = timer_.time("matrix setup");
    ensure_matrix();
  }
  {
    const auto scope = timer_.time("assemble");
    assemble();
  }
  solvers::LinearSolverSettings tuned = settings;
  if (tuned.pc_type == "gamg") {
    const auto defaults = elasticity_gamg_defaults();
    tuned.default_options.insert(tuned.default_options.end(), defaults.begin(), defaults.end());
  }
  solvers::LinearSolver solver(mesh_.comm(), tuned);
  solver.set_operator(assembler_->matrix());
  {
    const auto scope = timer_.time("solver setup");
    solver.setup();
  }
  // Start from the prescribed values so the constrained rows hold from the first iterate.
  {
    la::LocalWrite u(u_.get());
    for (std::size_t i = 0; i < prescribed_.size(); ++i)
      u[static_cast<PetscInt>(i)] = constrained_[i] ? prescribed_[i] : 0.0;
  }
  solvers::SolveReport report;
  {
    const auto scope = timer_.time("solve");
    report = solver.solve(b_.get(), u_.get());
  }
  la::update_ghosts(u_.get());
  return report;
}

template <fem::LagrangeElement Element>
void Elasticity<Element>::internal_force(Vec out) const {
  constexpr int n = Element::num_nodes;
  constexpr int m = 3 * n;
  RESORB_PETSC(VecSet(out, 0.0));
  {
    const la::LocalRead u(u_.get());
    la::LocalWrite f(out);
    for_each_element_stiffness<Element>(mesh_, lambda_, mu_, [&](LocalIndex c, const double* ke) {
      const auto cn = dofmap_.cell_nodes(c);
      double ue[m];
      for (int a = 0; a < n; ++a)
        for (int i = 0; i < 3; ++i)
          ue[3 * a + i] = u[3 * cn[static_cast<std::size_t>(a)] + i];
      for (int a = 0; a < n; ++a)
        for (int i = 0; i < 3; ++i) {
          double s = 0.0;
          for (int j = 0; j < m; ++j)
            s += ke[(3 * a + i) * m + j] * ue[j];
          f[3 * cn[static_cast<std::size_t>(a)] + i] += s;
        }
    });
  }
  la::accumulate_ghosts(out);
}

template <fem::LagrangeElement Element>
double Elasticity<Element>::strain_energy() const {
  la::Vector f = la::create_ghosted_vector(dofmap_, 3);
  internal_force(f.get());
  PetscScalar dot = 0.0;
  RESORB_PETSC(VecDot(u_.get(), f.get(), &dot));
  return 0.5 * dot;
}

template <fem::LagrangeElement Element>
double Elasticity<Element>::max_displacement() const {
  const la::LocalRead u(u_.get());
  double local = 0.0;
  for (LocalIndex i = 0; i < dofmap_.index_map().num_owned(); ++i)
    local = std::max(local, norm({u[3 * i], u[3 * i + 1], u[3 * i + 2]}));
  return mpi::max(mesh_.comm(), local);
}

template <fem::LagrangeElement Element>
Vec3 Elasticity<Element>::reaction_force(std::string_view facet_group) const {
  const int tag = mesh_.facet_tag(facet_group);
  la::Vector r = la::create_ghosted_vector(dofmap_, 3);
  internal_force(r.get());
  la::Vector load = la::create_ghosted_vector(dofmap_, 3);
  assemble_body_force(load.get(), false);
  assemble_surface_loads(load.get(), false);
  RESORB_PETSC(VecAssemblyBegin(load.get()));
  RESORB_PETSC(VecAssemblyEnd(load.get()));
  RESORB_PETSC(VecAXPY(r.get(), -1.0, load.get()));
  la::update_ghosts(r.get());
  // The support reaction is minus the residual carried by the constrained nodes.
  Vec3 local{};
  const la::LocalRead rv(r.get());
  for (LocalIndex node : group_nodes(tag))
    if (node < dofmap_.index_map().num_owned())
      for (int d = 0; d < 3; ++d)
        local[d] += rv[3 * node + d];
  Vec3 total{};
  for (int d = 0; d < 3; ++d)
    total[d] = mpi::sum(mesh_.comm(), local[d]);
  return total;
}

template <fem::LagrangeElement Element>
double Elasticity<Element>::area(std::string_view facet_group) const {
  const int tag = mesh_.facet_tag(facet_group);
  double local = 0.0;
  for (const auto& f : mesh_.facets())
    if (f.tag == tag)
      local += norm(facet_area_vector(mesh_.cell_coordinates(f.cell), f.local_facet));
  return mpi::sum(mesh_.comm(), local);
}

template <fem::LagrangeElement Element>
Vec3 Elasticity<Element>::mean_displacement(std::string_view facet_group) const {
  constexpr int n = Element::num_nodes;
  const int tag = mesh_.facet_tag(facet_group);
  const auto& rule = fem::triangle_rule(Element::degree);
  const la::LocalRead u(u_.get());
  Vec3 integral{};
  double a = 0.0;
  for (const auto& f : mesh_.facets()) {
    if (f.tag != tag)
      continue;
    const double facet_area =
        norm(facet_area_vector(mesh_.cell_coordinates(f.cell), f.local_facet));
    a += facet_area;
    const auto cn = dofmap_.cell_nodes(f.cell);
    for (std::size_t q = 0; q < rule.size(); ++q) {
      const auto xi = facet_point(f.local_facet, rule.points[q][0], rule.points[q][1]);
      double values[n], grads[n][3];
      Element::tabulate(xi.data(), values, grads);
      const double w = rule.weights[q] * 2.0 * facet_area;
      for (int b = 0; b < n; ++b)
        for (int d = 0; d < 3; ++d)
          integral[d] += w * values[b] * u[3 * cn[static_cast<std::size_t>(b)] + d];
    }
  }
  const double total_area = mpi::sum(mesh_.comm(), a);
  if (!(total_area > 0.0))
    throw InputError(fmt::format("surface '{}' has no area", facet_group));
  Vec3 mean{};
  for (int d = 0; d < 3; ++d)
    mean[d] = mpi::sum(mesh_.comm(), integral[d]) / total_area;
  return mean;
}

template <fem::LagrangeElement Element>
double Elasticity<Element>::axial_stiffness(std::string_view facet_group) const {
  const int tag = mesh_.facet_tag(facet_group);
  Vec3 force{};
  bool found = false;
  for (const auto& load : loads_)
    if (load.tag == tag && load.total_force) {
      for (int d = 0; d < 3; ++d)
        force[d] += (*load.total_force)[d];
      found = true;
    }
  if (!found)
    throw InputError(
        fmt::format("axial stiffness of '{}': no force is applied there", facet_group));
  const double magnitude = norm(force);
  const Vec3 u = mean_displacement(facet_group);
  const double along = (u[0] * force[0] + u[1] * force[1] + u[2] * force[2]) / magnitude;
  return magnitude / along;
}

template <fem::LagrangeElement Element>
std::pair<std::vector<double>, std::vector<double>> Elasticity<Element>::stress_invariants() const {
  constexpr int n = Element::num_nodes;
  const kernels::StiffnessTabulation<Element> tab;
  const auto nc = static_cast<std::size_t>(mesh_.num_cells());
  std::vector<double> von_mises(nc), hydrostatic(nc);
  const la::LocalRead u(u_.get());
  for (std::size_t c = 0; c < nc; ++c) {
    const auto xa = mesh_.cell_coordinates(static_cast<LocalIndex>(c));
    double x[4][3];
    for (int k = 0; k < 4; ++k)
      for (int d = 0; d < 3; ++d)
        x[k][d] = xa[k][d];
    double ue[3 * n];
    const auto cn = dofmap_.cell_nodes(static_cast<LocalIndex>(c));
    for (int a = 0; a < n; ++a)
      for (int i = 0; i < 3; ++i)
        ue[3 * a + i] = u[3 * cn[static_cast<std::size_t>(a)] + i];
    double out[2];
    kernels::stress_invariants<Element>(tab, x, lambda_[c], mu_[c], ue, out);
    von_mises[c] = out[0];
    hydrostatic[c] = out[1];
  }
  return {std::move(von_mises), std::move(hydrostatic)};
}

std::vector<std::pair<std::string, std::string>> elasticity_gamg_defaults() {
  // Against GAMG's own defaults (smoothed aggregation, V-cycle, two smoothing steps) on
  // example 01 at 3M DOFs, 2 ranks: set-up 38 s -> 11 s (no prolongator smoothing, so the
  // Galerkin products stay sparse), 35 -> 65 CG iterations, 78 s -> 50 s in all. The
  // W-cycle buys back most of the convergence that plain aggregation loses.
  return {{"-pc_gamg_agg_nsmooths", "0"},
          {"-pc_mg_cycle_type", "w"},
          {"-mg_levels_ksp_max_it", "1"},
          {"-pc_gamg_coarse_eq_limit", "2000"}};
}

template class Elasticity<fem::P1>;
template class Elasticity<fem::P2>;

} // namespace resorb::physics
