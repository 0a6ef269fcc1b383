// The surface continuum damage model (Grogan et al. 2011) against what it must do exactly.
//
// Uniform corrosion (λ = 1) of a slab of Kuhn-subdivided cubes exposed on one plane: with
// L_e = V_e / (smallest face area) = h/3 the front crosses each cube in three waves of
// two cells, and the metal volume is V₀ − v A t at every instant (to round-off, 1e-9 of V₀),
// whatever the exposing plane (medium cells above, an exposed facet group below or on the
// side) and whatever the output times. Then: an interior cell starts to corrode only when
// its neighbour is removed; the pitting factors have the Weibull mean Γ(1 + 1/γ) and median
// (ln 2)^{1/γ} (within four standard errors); the same seed reproduces a run bit for bit
// and another seed does not; the Mg released into the pH transport equals the Mg dissolved
// (and the OH⁻ twice that) to 1e-9; bad input is named. On 2 ranks the time series equal
// the one-rank series (MPI_COMM_SELF) to round-off (pH to the solver tolerance).
#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/physics/surface_damage.hpp>

#include <gtest/gtest.h>

#include "expect_error.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

using namespace resorb;

namespace {

constexpr double h = 1e-4; // cube side, m

/// A box of n cubes of side h; cells whose centroid satisfies @p metal are tagged "metal"
/// (tag 2), the rest keep "box" (tag 1, the medium). Also an empty cell group "empty".
mesh::TetMesh block(MPI_Comm comm, std::array<int, 3> n,
                    const std::function<bool(double, double, double)>& metal) {
  auto data = mesh::box_mesh_data(comm, n, {0, 0, 0}, {n[0] * h, n[1] * h, n[2] * h});
  for (std::size_t c = 0; c < data.cell_tags.size(); ++c) {
    double x[3] = {0, 0, 0};
    for (std::size_t k = 0; k < 4; ++k)
      for (std::size_t d = 0; d < 3; ++d)
        x[d] += 0.25 * data.coordinates[3 * static_cast<std::size_t>(data.cells[4 * c + k]) + d];
    if (metal(x[0], x[1], x[2]))
      data.cell_tags[c] = 2;
  }
  data.groups.push_back({3, 2, "metal"});
  data.groups.push_back({3, 7, "empty"});
  return mesh::TetMesh::distribute(comm, std::move(data));
}

/// Metal below z = @p depth · h, medium above.
mesh::TetMesh slab(MPI_Comm comm, std::array<int, 3> n, int depth) {
  return block(comm, n, [depth](double, double, double z) { return z < depth * h; });
}

physics::SurfaceDamageParameters uniform(double speed) {
  physics::SurfaceDamageParameters p;
  p.name = "test";
  p.recession_speed = speed;
  p.transport = false;
  return p;
}

/// Metal volume along a schedule of output times.
std::vector<double> volumes(physics::SurfaceDamageCorrosion& model,
                            const std::vector<double>& times) {
  std::vector<double> out;
  for (const double t : times) {
    model.advance_to(t);
    out.push_back(model.report().metal_volume);
  }
  return out;
}

} // namespace

TEST(SurfaceDamage, UniformCorrosionRecedesAtTheRecessionSpeed) {
  const double v = 1e-7; // m/s: a wave (h/3) every 333 s
  // (1) Medium above a 3-cube slab: exposed plane z = 3h of area 9h².
  // (2) All metal, exposed through the facet group "zmax" (the outer boundary otherwise not).
  // (3) All metal, exposed through "xmin": the front moves along x.
  struct Case {
    const char* name;
    mesh::TetMesh mesh;
    std::vector<std::string> groups;
    double area, depth;
  };
  std::vector<Case> cases;
  cases.push_back({"slab under medium", slab(MPI_COMM_WORLD, {3, 3, 6}, 3), {}, 9 * h * h, 3 * h});
  cases.push_back({"zmax facets", slab(MPI_COMM_WORLD, {3, 3, 3}, 3), {"zmax"}, 9 * h * h, 3 * h});
  cases.push_back({"xmin facets", slab(MPI_COMM_WORLD, {4, 3, 2}, 2), {"xmin"}, 6 * h * h, 4 * h});
  for (auto& k : cases) {
    physics::SurfaceDamageCorrosion model(k.mesh, "metal", uniform(v), k.groups);
    const auto r0 = model.report();
    EXPECT_NEAR(r0.interface_area, k.area, 1e-12 * k.area) << k.name;
    const double v0 = r0.metal_volume, t_end = k.depth / v;
    EXPECT_NEAR(v0, k.area * k.depth, 1e-12 * v0) << k.name;
    // Output at 17 uneven times, then past the end: V = V₀ − v A t, then 0.
    std::vector<double> times;
    for (int i = 1; i <= 17; ++i)
      times.push_back(t_end * (i + 0.37 * std::sin(i)) / 17.5);
    times.push_back(1.5 * t_end);
    const auto series = volumes(model, times);
    double worst = 0.0;
    for (std::size_t i = 0; i < times.size(); ++i) {
      const double expected = std::max(v0 - v * k.area * times[i], 0.0);
      worst = std::max(worst, std::abs(series[i] - expected) / v0);
    }
    if (mpi::rank(MPI_COMM_WORLD) == 0)
      std::cerr << k.name << ": largest |V - (V0 - v A t)| / V0 = " << worst << "\n";
    EXPECT_LT(worst, 1e-9) << k.name;
    const auto r = model.report();
    EXPECT_EQ(r.metal_volume, 0.0) << k.name;
    EXPECT_DOUBLE_EQ(r.mass_loss, 1.0) << k.name;
    EXPECT_EQ(r.interface_area, 0.0) << k.name;
    const auto c = model.counts();
    EXPECT_EQ(c.intact + c.corroding, 0) << k.name;
    // Another schedule (one call to the end) reaches the same state: no dependence on dt.
    physics::SurfaceDamageCorrosion again(k.mesh, "metal", uniform(v), k.groups);
    again.advance_to(times[8]);
    EXPECT_NEAR(again.report().metal_volume, series[8], 1e-12 * v0) << k.name;
  }
}

TEST(SurfaceDamage, InteriorCellsWaitForTheirNeighbours) {
  const double v = 1e-7, wave = h / 3 / v; // every cell takes h/3 / v once exposed
  const auto mesh = slab(MPI_COMM_WORLD, {3, 3, 6}, 3);
  physics::SurfaceDamageCorrosion model(mesh, "metal", uniform(v));
  const auto c0 = model.counts();
  EXPECT_EQ(c0.corroding, 18); // two cells per top cube
  EXPECT_EQ(c0.intact, 3 * 3 * 3 * 6 - 18);
  for (const double l : model.characteristic_lengths())
    EXPECT_NEAR(l, h / 3, 1e-12 * h);
  auto check = [&](double t, GlobalIndex removed, GlobalIndex corroding, double d_corroding) {
    model.advance_to(t);
    const auto c = model.counts();
    EXPECT_EQ(c.removed, removed) << "t = " << t;
    EXPECT_EQ(c.corroding, corroding) << "t = " << t;
    const auto d = model.damage();
    const auto f = model.metal_fraction();
    int partial = 0, intact = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (d[i] > 0 && d[i] < 1) {
        ++partial;
        EXPECT_NEAR(d[i], d_corroding, 1e-9) << "t = " << t;
      }
      intact += d[i] == 0.0 && f[i] == 1.0 ? 1 : 0;
    }
    EXPECT_EQ(mpi::sum(MPI_COMM_WORLD, partial), corroding) << "t = " << t;
    EXPECT_EQ(mpi::sum(MPI_COMM_WORLD, intact), 162 - removed - corroding) << "t = " << t;
  };
  check(0.5 * wave, 0, 18, 0.5);
  check(wave * (1 - 1e-6), 0, 18, 1 - 1e-6); // the next wave still untouched
  check(1.25 * wave, 18, 18, 0.25);          // exposed when the first wave went
  check(3.5 * wave, 54, 18, 0.5);            // the next cube layer started at 3 waves
}

TEST(SurfaceDamage, PittingFactorsAreWeibull) {
  const auto mesh = slab(MPI_COMM_WORLD, {12, 12, 12}, 12); // 10368 metal cells
  const auto count = static_cast<double>(mesh.num_global_cells());
  for (const double shape : {2.0, 0.8, 5.0}) {
    auto p = uniform(1e-7);
    p.weibull_shape = shape;
    p.seed = 20110523 + static_cast<std::uint64_t>(10 * shape);
    physics::SurfaceDamageCorrosion model(mesh, "metal", p, {"zmax"});
    const double median = std::pow(std::log(2.0), 1.0 / shape);
    double sum = 0.0, below = 0.0;
    for (const double l : model.pitting_factors()) {
      EXPECT_GT(l, 0.0);
      sum += l;
      below += l <= median ? 1.0 : 0.0;
    }
    const double mean = mpi::sum(MPI_COMM_WORLD, sum) / count;
    below = mpi::sum(MPI_COMM_WORLD, below) / count;
    const double m1 = std::tgamma(1 + 1 / shape), m2 = std::tgamma(1 + 2 / shape);
    const double standard_error = std::sqrt((m2 - m1 * m1) / count);
    if (mpi::rank(MPI_COMM_WORLD) == 0)
      std::cerr << "shape " << shape << ": mean " << mean << " (Gamma(1+1/k) = " << m1
                << ", 4 SE = " << 4 * standard_error << "), P(lambda <= median) = " << below
                << "\n";
    EXPECT_NEAR(mean, m1, 4 * standard_error) << shape;
    EXPECT_NEAR(below, 0.5, 4 * 0.5 / std::sqrt(count)) << shape;
  }
  // Uniform corrosion: λ = 1 exactly. The hash ignores the order of the vertices.
  physics::SurfaceDamageCorrosion plain(mesh, "metal", uniform(1e-7), {"zmax"});
  for (const double l : plain.pitting_factors())
    EXPECT_EQ(l, 1.0);
  const std::array<std::array<double, 3>, 4> x{
      {{0, 0, 0}, {1e-4, 0, 0}, {0, 1e-4, 0}, {0, 0, 1e-4}}};
  const std::array<std::array<double, 3>, 4> y{{x[2], x[0], x[3], x[1]}};
  EXPECT_EQ(physics::SurfaceDamageCorrosion::pitting_factor(7, 2.0, x),
            physics::SurfaceDamageCorrosion::pitting_factor(7, 2.0, y));
  EXPECT_NE(physics::SurfaceDamageCorrosion::pitting_factor(7, 2.0, x),
            physics::SurfaceDamageCorrosion::pitting_factor(8, 2.0, x));
}

TEST(SurfaceDamage, SeedsReproduceAndPitsInherit) {
  const auto mesh = slab(MPI_COMM_WORLD, {5, 5, 8}, 5);
  auto run = [&](std::uint64_t seed, bool inherit) {
    auto p = uniform(1e-7);
    p.weibull_shape = 1.5;
    p.seed = seed;
    p.inherit_pitting = inherit;
    auto model = std::make_unique<physics::SurfaceDamageCorrosion>(mesh, "metal", p);
    return model;
  };
  const double t = 2000.0;
  auto a = run(1, true), b = run(1, true), c = run(2, true);
  // λ of the cells exposed at t = 0: every pit's factor comes from one of them.
  std::vector<double> exposed_lambda;
  {
    a->advance_to(1e-3); // only the cells exposed at t = 0 have damage yet
    const auto d = a->damage();
    const auto l = a->pitting_factors();
    for (std::size_t i = 0; i < d.size(); ++i)
      if (d[i] > 0)
        exposed_lambda.push_back(l[i]);
  }
  a->advance_to(t);
  b->advance_to(t);
  c->advance_to(t);
  EXPECT_EQ(a->metal_fraction(), b->metal_fraction());
  EXPECT_EQ(a->report().metal_volume, b->report().metal_volume);
  EXPECT_EQ(a->counts().removed, b->counts().removed);
  const double va = a->report().metal_volume, vc = c->report().metal_volume;
  EXPECT_GT(std::abs(va - vc), 1e-6 * va) << va << " " << vc;
  EXPECT_GT(a->counts().removed, 100); // pits went deep enough to matter
  // Inheritance: on one rank every λ in use was one of the initially exposed cells' λ.
  if (mpi::size(MPI_COMM_WORLD) == 1) {
    std::sort(exposed_lambda.begin(), exposed_lambda.end());
    const auto d = a->damage();
    const auto l = a->pitting_factors();
    int inherited = 0;
    for (std::size_t i = 0; i < d.size(); ++i)
      if (d[i] > 0) {
        EXPECT_TRUE(std::binary_search(exposed_lambda.begin(), exposed_lambda.end(), l[i]));
        ++inherited;
      }
    EXPECT_GT(inherited, 100);
  }
  // Without inheritance every cell keeps its own λ (the hash of its vertices).
  auto own = run(1, false);
  own->advance_to(t);
  const auto l = own->pitting_factors();
  for (LocalIndex cell = 0; cell < mesh.num_cells(); ++cell)
    if (mesh.cell_tags()[static_cast<std::size_t>(cell)] == 2) {
      EXPECT_EQ(l[static_cast<std::size_t>(cell)], physics::SurfaceDamageCorrosion::pitting_factor(
                                                       1, 1.5, mesh.cell_coordinates(cell)));
    }
  EXPECT_NE(own->report().metal_volume, va);
}

// Mg²⁺ released into the medium equals the Mg dissolved, OH⁻ twice that, the transport's
// own balance closes, H₂ follows, and the medium near the metal turns alkaline.
TEST(SurfaceDamage, ReleasedIonsBalanceTheDissolvedMetal) {
  const auto mesh = slab(MPI_COMM_WORLD, {4, 4, 8}, 4);
  auto p = uniform(1e-8); // a wave every 3333 s
  p.transport = true;
  p.weibull_shape = 3.0;
  p.seed = 5;
  physics::SurfaceDamageCorrosion model(mesh, "metal", p);
  auto& transport = *model.transport();
  const double mg0 = transport.amount(0), oh0 = transport.amount(1);
  double worst_balance = 0.0, ph_min = 14.0;
  int steps = 0;
  model.advance_to(4 * 3600.0, [&](const physics::CorrosionReport& r) {
    worst_balance = std::max(worst_balance, r.balance_error);
    ph_min = std::min(ph_min, r.ph_min);
    ++steps;
  });
  const auto r = model.report();
  const auto removed = model.counts().removed; // collective, like amount()
  const double precipitate = transport.amount(2);
  if (mpi::rank(MPI_COMM_WORLD) == 0)
    std::cerr << "steps " << steps << ", dissolved " << r.dissolved << " mol, inflow Mg "
              << transport.inflow(0) << " mol, OH " << transport.inflow(1) << " mol, pH "
              << r.ph_min << " / " << r.ph_mean << " / " << r.ph_max << ", balance "
              << worst_balance << ", removed " << removed << ", precipitate " << precipitate
              << " mol\n";
  ASSERT_GT(r.dissolved, 0.0);
  EXPECT_GT(removed, 10);
  EXPECT_LT(worst_balance, 1e-9);
  EXPECT_NEAR(model.released(), r.dissolved, 1e-9 * r.dissolved);
  EXPECT_NEAR(transport.inflow(0), r.dissolved, 1e-9 * r.dissolved);
  EXPECT_NEAR(transport.inflow(1), 2.0 * r.dissolved, 2e-9 * r.dissolved);
  // Mg: dissolved ions plus precipitate; OH⁻: released minus 2 per Mg(OH)₂ precipitated.
  EXPECT_GT(precipitate, 0.01 * r.dissolved);
  EXPECT_NEAR(transport.amount(0) + precipitate - mg0, transport.inflow(0), 1e-9 * r.dissolved);
  EXPECT_NEAR(transport.produced(2), precipitate, 1e-9 * r.dissolved);
  EXPECT_NEAR(transport.produced(1), -2.0 * precipitate, 2e-9 * r.dissolved);
  EXPECT_NEAR(transport.amount(1) - oh0, transport.inflow(1) + transport.produced(1),
              2e-9 * r.dissolved);
  EXPECT_DOUBLE_EQ(r.hydrogen_volume, physics::hydrogen_volume_at_body_temperature(r.dissolved));
  EXPECT_NEAR(r.mass_loss, 1.0 - r.metal_volume / (16 * h * h * 4 * h), 1e-12);
  EXPECT_EQ(r.film, 0.0);
  EXPECT_GE(ph_min, 7.4 - 1e-6); // OH⁻ only consumed above K_sp
  // No buffer: alkaline next to the metal. (This block loses 44 % of its volume in 4 h
  // into an equal volume of medium, faster than Mg(OH)₂ precipitates at 7 1/h: pH ~14.)
  EXPECT_GT(r.ph_max, 9.5);
  EXPECT_GT(r.ph_mean, 7.4);
  const auto fields = model.output_fields();
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0].name(), "metal_fraction");
  EXPECT_EQ(fields[1].name(), "pH");
  EXPECT_EQ(model.cell_fields().size(), 3u);
}

TEST(SurfaceDamage, BadInputIsNamed) {
  const auto expect = [](auto&& f, const std::string& fragment) {
    test_support::expect_input_error(f, fragment);
  };
  const auto mesh = slab(MPI_COMM_WORLD, {2, 2, 4}, 2);
  using Model = physics::SurfaceDamageCorrosion;
  auto p = uniform(-1e-9);
  expect([&] { Model m(mesh, "metal", p); }, "recession_speed");
  for (const double shape : {0.0, -2.0, std::numeric_limits<double>::quiet_NaN()}) {
    p = uniform(1e-9);
    p.weibull_shape = shape;
    expect([&] { Model m(mesh, "metal", p); }, "weibull_shape");
  }
  p = uniform(1e-9);
  p.max_damage_increment = 0.0;
  expect([&] { Model m(mesh, "metal", p); }, "max_damage_increment");
  p = uniform(1e-9);
  p.transport = true;
  p.diffusivity_oh = -1.0;
  expect([&] { Model m(mesh, "metal", p); }, "diffusivity_oh");
  expect([&] { Model m(mesh, "implant", uniform(1e-9)); }, "implant");
  expect([&] { Model m(mesh, "empty", uniform(1e-9)); }, "has no cells");
  expect([&] { Model m(mesh, "metal", uniform(1e-9), {"top"}); }, "top");
  // A metal filling the whole mesh touches no medium (the outer boundary is not exposed).
  const auto solid = slab(MPI_COMM_WORLD, {2, 2, 2}, 2);
  expect([&] { Model m(solid, "metal", uniform(1e-9)); }, "touches the medium");
  EXPECT_NEAR(physics::recession_speed_from_mm_per_year(1.0), 3.1688e-11, 1e-15);
}

// On all ranks and on one rank (MPI_COMM_SELF): the same pitted run, with exposure crossing
// the partition boundaries, gives the same series at the same output times.
TEST(SurfaceDamage, RanksAgree) {
  struct Series {
    std::vector<double> damage, ph;
  };
  auto run = [](MPI_Comm comm, bool transport) {
    const auto mesh = slab(comm, {5, 5, 8}, 5);
    auto p = uniform(1e-8);
    p.weibull_shape = 2.0;
    p.seed = 42;
    p.transport = transport;
    physics::SurfaceDamageCorrosion model(mesh, "metal", p);
    Series s;
    for (int k = 1; k <= 8; ++k) {
      model.advance_to(k * 1800.0);
      const auto r = model.report();
      const auto c = model.counts();
      s.damage.insert(s.damage.end(),
                      {r.time, r.metal_volume, r.interface_area, r.dissolved,
                       static_cast<double>(c.removed), static_cast<double>(c.corroding)});
      if (transport)
        s.ph.insert(s.ph.end(), {r.ph_min, r.ph_mean, r.ph_max});
    }
    double sum = 0.0;
    for (const double l : model.pitting_factors())
      sum += l;
    s.damage.push_back(mpi::sum(comm, sum));
    return s;
  };
  for (const bool transport : {false, true}) {
    const auto all = run(MPI_COMM_WORLD, transport);
    const auto one = run(MPI_COMM_SELF, transport);
    ASSERT_EQ(all.damage.size(), one.damage.size());
    for (std::size_t i = 0; i < one.damage.size(); ++i)
      EXPECT_NEAR(all.damage[i], one.damage[i], 1e-12 * std::abs(one.damage[i]))
          << i << " transport " << transport;
    ASSERT_EQ(all.ph.size(), one.ph.size());
    for (std::size_t i = 0; i < one.ph.size(); ++i)
      EXPECT_NEAR(all.ph[i], one.ph[i], 1e-6) << i;
    EXPECT_GT(one.damage[one.damage.size() - 3], 50.0); // cells removed by the end
  }
}
