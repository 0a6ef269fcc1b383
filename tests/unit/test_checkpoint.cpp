// Checkpoints: a round trip per rank, what a killed or damaged checkpoint gives (named errors,
// no crash, no giant allocation), the fallback after a write interrupted between its renames,
// and a reaction–diffusion problem restored mid-run that takes exactly the steps of the one
// that went on. Runs on 1 and 2 ranks.
#include <resorb/core/checkpoint.hpp>
#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/physics/transport.hpp>

#include "expect_error.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace resorb;
using test_support::expect_input_error;
namespace fs = std::filesystem;

namespace {

/// A fresh directory shared by all ranks.
fs::path scratch(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("resorb_test_checkpoint_" + name + "_" +
                                                std::to_string(mpi::size(MPI_COMM_WORLD)));
  if (mpi::rank(MPI_COMM_WORLD) == 0) {
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  return dir;
}

Checkpoint sample(int rank) {
  Checkpoint c;
  c.put("a/values", std::vector<double>{1.0 + rank, 2.5, -3e-300, 4e300});
  c.put("a/scalar", 42.0 * (rank + 1));
  c.put("empty", std::vector<double>{});
  return c;
}

} // namespace

TEST(Checkpoint, RoundTripsEveryRanksPart) {
  const auto dir = scratch("round_trip");
  const int rank = mpi::rank(MPI_COMM_WORLD);
  sample(rank).write(MPI_COMM_WORLD, dir);
  ASSERT_TRUE(Checkpoint::exists(dir));
  const auto c = Checkpoint::read(MPI_COMM_WORLD, dir);
  const auto values = c.get("a/values", 4);
  EXPECT_EQ(values[0], 1.0 + rank);
  EXPECT_EQ(values[2], -3e-300);
  EXPECT_EQ(values[3], 4e300);
  EXPECT_EQ(c.scalar("a/scalar"), 42.0 * (rank + 1));
  EXPECT_TRUE(c.get("empty").empty());
  expect_input_error([&] { (void)c.get("a/values", 5); }, "entry 'a/values' has 4 values");
  expect_input_error([&] { (void)c.scalar("missing"); }, "no entry 'missing'");
  // A second checkpoint replaces the first completely.
  Checkpoint next;
  next.put("b", 1.0);
  next.write(MPI_COMM_WORLD, dir);
  const auto d = Checkpoint::read(MPI_COMM_WORLD, dir);
  EXPECT_TRUE(d.contains("b"));
  EXPECT_FALSE(d.contains("a/scalar"));
  EXPECT_FALSE(fs::exists(dir / "checkpoint.part"));
  EXPECT_FALSE(fs::exists(dir / "checkpoint.old"));
}

TEST(Checkpoint, DamagedOrMissingCheckpointsAreNamed) {
  const auto dir = scratch("damaged");
  const int rank = mpi::rank(MPI_COMM_WORLD);
  expect_input_error([&] { (void)Checkpoint::read(MPI_COMM_WORLD, dir); }, "holds no checkpoint");
  EXPECT_FALSE(Checkpoint::exists(dir));
  sample(rank).write(MPI_COMM_WORLD, dir);
  const auto file = dir / "checkpoint" / "rank-0.bin";
  const auto size = fs::file_size(file);
  MPI_Barrier(MPI_COMM_WORLD);
  // Cut short (a kill while writing, a full disk): every rank gets the error.
  if (rank == 0)
    fs::resize_file(file, size - 20);
  MPI_Barrier(MPI_COMM_WORLD);
  expect_input_error([&] { (void)Checkpoint::read(MPI_COMM_WORLD, dir); }, "truncated");
  // An entry that announces 10^12 values in a file of a few hundred bytes: refused before
  // anything is allocated. Layout: magic 8, version 4, ranks 4, rank 4, entries 8, then
  // the first key ("a/scalar", length 4 + 8) and its value count.
  sample(rank).write(MPI_COMM_WORLD, dir);
  if (rank == 0) {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(8 + 4 + 4 + 4 + 8 + 4 + 8);
    const std::uint64_t huge = 1'000'000'000'000ULL;
    f.write(reinterpret_cast<const char*>(&huge), sizeof huge);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  expect_input_error([&] { (void)Checkpoint::read(MPI_COMM_WORLD, dir); }, "announces");
  // Not a checkpoint at all.
  if (rank == 0)
    std::ofstream(file, std::ios::trunc) << "hello, this is not a checkpoint";
  MPI_Barrier(MPI_COMM_WORLD);
  expect_input_error([&] { (void)Checkpoint::read(MPI_COMM_WORLD, dir); },
                     "not a resorb checkpoint");
}

TEST(Checkpoint, InterruptedSwapFallsBackToThePreviousOne) {
  const auto dir = scratch("swap");
  const int rank = mpi::rank(MPI_COMM_WORLD);
  sample(rank).write(MPI_COMM_WORLD, dir);
  // As if killed after renaming checkpoint -> checkpoint.old, before part -> checkpoint.
  if (rank == 0) {
    fs::rename(dir / "checkpoint", dir / "checkpoint.old");
    fs::create_directories(dir / "checkpoint.part");
  }
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_TRUE(Checkpoint::exists(dir));
  const auto c = Checkpoint::read(MPI_COMM_WORLD, dir);
  EXPECT_EQ(c.scalar("a/scalar"), 42.0 * (rank + 1));
}

TEST(Checkpoint, ResumingOnAnotherNumberOfRanksIsNamed) {
  const auto dir = scratch("ranks");
  const int ranks = mpi::size(MPI_COMM_WORLD);
  // A checkpoint whose files say one rank more wrote it.
  sample(mpi::rank(MPI_COMM_WORLD)).write(MPI_COMM_WORLD, dir);
  if (mpi::rank(MPI_COMM_WORLD) == 0)
    for (int r = 0; r < ranks; ++r) {
      std::fstream f(dir / "checkpoint" / fmt::format("rank-{}.bin", r),
                     std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(8 + 4);
      const auto more = static_cast<std::uint32_t>(ranks + 1);
      f.write(reinterpret_cast<const char*>(&more), sizeof more);
    }
  MPI_Barrier(MPI_COMM_WORLD);
  expect_input_error([&] { (void)Checkpoint::read(MPI_COMM_WORLD, dir); },
                     fmt::format("written by {} rank(s)", ranks + 1));
  // A real one of fewer ranks (1) read by more.
  if (ranks > 1) {
    if (mpi::rank(MPI_COMM_WORLD) == 0)
      sample(0).write(MPI_COMM_SELF, dir);
    MPI_Barrier(MPI_COMM_WORLD);
    expect_input_error([&] { (void)Checkpoint::read(MPI_COMM_WORLD, dir); }, "written by 1 rank");
  }
}

// Save mid-run, go on; a second problem restored from the save takes the same steps to the
// same state, bit for bit (the step history, proposed step and balances are all restored).
TEST(Checkpoint, RestoredTransportTakesTheSameSteps) {
  const auto dir = scratch("transport");
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {8, 2, 2}, {0, 0, 0}, {4e-3, 1e-3, 1e-3});
  auto make = [&] {
    physics::Species a;
    a.name = "A";
    a.initial = 1.0;
    a.default_diffusivity = 2e-9;
    a.boundaries.push_back({"xmin", physics::SpeciesBoundary::Kind::concentration, 5.0});
    physics::Species b;
    b.name = "B";
    b.default_diffusivity = 1e-9;
    physics::Reaction r{"A+A->B", 1e-4, {{"A", 2.0}}, {{"A", -2.0}, {"B", 1.0}}, {}};
    physics::TransportSettings settings;
    settings.dt_initial = 10.0;
    return std::make_unique<physics::ReactionDiffusion>(mesh, std::vector{a, b}, std::vector{r},
                                                        settings);
  };
  auto first = make();
  first->advance_to(500.0);
  {
    Checkpoint c;
    first->save(c, "transport/");
    c.write(MPI_COMM_WORLD, dir);
  }
  std::vector<double> went_on, resumed;
  first->advance_to(2000.0, [&](const physics::StepReport& s) {
    went_on.insert(went_on.end(), {s.time, s.dt, first->amount(0), first->amount(1)});
  });
  auto second = make();
  second->restore(Checkpoint::read(MPI_COMM_WORLD, dir), "transport/");
  EXPECT_EQ(second->time(), 500.0);
  second->advance_to(2000.0, [&](const physics::StepReport& s) {
    resumed.insert(resumed.end(), {s.time, s.dt, second->amount(0), second->amount(1)});
  });
  ASSERT_EQ(went_on.size(), resumed.size());
  ASSERT_GT(went_on.size(), 8u);
  for (std::size_t i = 0; i < went_on.size(); ++i)
    EXPECT_EQ(went_on[i], resumed[i]) << "entry " << i;
  EXPECT_EQ(first->inflow(0), second->inflow(0));
  EXPECT_EQ(first->produced(1), second->produced(1));
  // A checkpoint of another problem (here: none of its entries) is named.
  Checkpoint other;
  other.put("x", 1.0);
  expect_input_error([&] { second->restore(other, "transport/"); }, "no entry 'transport/u'");
}
