// Tests of the parallel XDMF + HDF5 writer. The files are checked independently of the writer
// by tests/io/check_xdmf.py (h5py + numpy), run from rank 0.
#include <resorb/core/environment.hpp>
#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/io/xdmf.hpp>
#include <resorb/mesh/box.hpp>

#include "expect_error.hpp"
#include <fmt/format.h>

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#ifndef RESORB_SOURCE_DIR
#error "RESORB_SOURCE_DIR must be defined (path of the source tree, for tests/io/check_xdmf.py)"
#endif
#ifndef RESORB_PYTHON
#define RESORB_PYTHON "python3" // needs h5py and numpy
#endif

using namespace resorb;
namespace fs = std::filesystem;

namespace {

/// A fresh directory name, the same on every rank, removed (by rank 0) on destruction.
class TempDir {
public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name;
    if (mpi::rank(MPI_COMM_WORLD) == 0) {
      name = (fs::temp_directory_path() /
              fmt::format("resorb_test_xdmf_{}_{}", ::getpid(), info->name()))
                 .string();
      fs::remove_all(name);
    }
    int length = static_cast<int>(name.size());
    MPI_Bcast(&length, 1, MPI_INT, 0, MPI_COMM_WORLD);
    name.resize(static_cast<std::size_t>(length));
    MPI_Bcast(name.data(), length, MPI_CHAR, 0, MPI_COMM_WORLD);
    path_ = name;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    MPI_Barrier(MPI_COMM_WORLD);
    if (mpi::rank(MPI_COMM_WORLD) == 0) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  [[nodiscard]] const fs::path& path() const { return path_; }

private:
  fs::path path_;
};

/// Runs tests/io/check_xdmf.py on @p xdmf with @p options; returns its exit status.
int run_checker(const fs::path& xdmf, const std::string& options) {
  const std::string command = fmt::format("'{}' '{}/tests/io/check_xdmf.py' '{}' {}", RESORB_PYTHON,
                                          RESORB_SOURCE_DIR, xdmf.string(), options);
  const int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

/// The test point field u = (x, 2y, 3z) at each owned vertex (by default named "u", in m).
io::PointField u_field(const mesh::TetMesh& mesh, std::string name = "u", std::string unit = "m") {
  io::PointField u{std::move(name), 3, {}, std::move(unit)};
  const auto x = mesh.coordinates();
  for (LocalIndex i = 0; i < mesh.vertex_map().num_owned(); ++i)
    for (int d = 0; d < 3; ++d)
      u.values.push_back((d + 1) * x[3 * static_cast<std::size_t>(i) + d]);
  return u;
}

/// The test cell field: z of each owned cell's centroid (by default named "centroid_z").
io::CellField centroid_z_field(const mesh::TetMesh& mesh, std::string name = "centroid_z") {
  io::CellField f{std::move(name), 1, {}, "m"};
  for (LocalIndex c = 0; c < mesh.num_cells(); ++c) {
    const auto x = mesh.cell_coordinates(c);
    f.values.push_back((x[0][2] + x[1][2] + x[2][2] + x[3][2]) / 4.0);
  }
  return f;
}

/// Whether @p directory holds any file whose name ends in @p suffix.
bool has_file_ending_in(const fs::path& directory, std::string_view suffix) {
  if (!fs::is_directory(directory))
    return false;
  for (const auto& entry : fs::directory_iterator(directory)) {
    const std::string name = entry.path().filename().string();
    if (name.size() >= suffix.size() && name.ends_with(suffix))
      return true;
  }
  return false;
}

/// Runs @p f, expecting resorb::Error with @p needle in its message.
template <class F>
void expect_error_containing(F&& f, const std::string& needle) {
  test_support::expect_error<Error>(std::forward<F>(f), needle);
}

} // namespace

TEST(Xdmf, WritesMeshAndFieldsThatTheCheckerAccepts) {
  const TempDir dir;
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {4, 3, 2}, {0, 0, 0}, {1, 2, 3});
  const std::vector<io::PointField> points{
      u_field(mesh),
      {"temperature", 1,
       std::vector<double>(static_cast<std::size_t>(mesh.vertex_map().num_owned()), 310.0), "K"}};
  const std::vector<io::CellField> cells{
      centroid_z_field(mesh),
      {"stress", 6, std::vector<double>(6 * static_cast<std::size_t>(mesh.num_cells()), 1.5),
       "Pa"}};
  // The directory does not exist yet: the writer creates it (nested).
  const fs::path out = dir.path() / "nested";
  io::write_xdmf(mesh, out, "box", points, cells);

  EXPECT_TRUE(fs::is_regular_file(out / "box.h5"));
  EXPECT_TRUE(fs::is_regular_file(out / "box.xdmf"));
  EXPECT_FALSE(has_file_ending_in(out, ".part"));
  if (mpi::rank(MPI_COMM_WORLD) == 0) {
    std::ifstream in(out / "box.xdmf");
    const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(xml.find("<Information Name=\"unit\" Value=\"Pa\"/>"), std::string::npos);
    EXPECT_NE(xml.find("AttributeType=\"Tensor6\""), std::string::npos);
    EXPECT_EQ(run_checker(out / "box.xdmf", "--test-fields"), 0);
    // max |u| is at (1, 2, 3): |(1, 4, 9)| = sqrt(98).
    EXPECT_EQ(run_checker(out / "box.xdmf", fmt::format("--displacement-field u "
                                                        "--expect-max-displacement {:.17g} "
                                                        "--rtol 1e-12",
                                                        std::sqrt(98.0))),
              0);
    EXPECT_EQ(run_checker(out / "box.xdmf", "--displacement-field u "
                                            "--expect-max-displacement 9.8 --rtol 1e-3"),
              1)
        << "the checker must reject a wrong maximum displacement";
  }
}

TEST(Xdmf, RanksWithoutCellsTakePartInCollectiveWrites) {
  // 6 cells: with more than 6 ranks some own no cell and no vertex.
  const TempDir dir;
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {1, 1, 1}, {0, 0, 0}, {1, 1, 1});
  if (mpi::size(MPI_COMM_WORLD) > 6) {
    EXPECT_EQ(mpi::min<std::int32_t>(MPI_COMM_WORLD, mesh.num_cells()), 0);
    EXPECT_EQ(mpi::min<std::int32_t>(MPI_COMM_WORLD, mesh.vertex_map().num_owned()), 0);
  }
  const std::vector<io::PointField> points{u_field(mesh)};
  const std::vector<io::CellField> cells{centroid_z_field(mesh)};
  io::write_xdmf(mesh, dir.path(), "tiny", points, cells);
  if (mpi::rank(MPI_COMM_WORLD) == 0) {
    EXPECT_EQ(run_checker(dir.path() / "tiny.xdmf", "--test-fields"), 0);
  }
}

TEST(Xdmf, OverwritesEarlierOutput) {
  const TempDir dir;
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {2, 2, 2}, {0, 0, 0}, {1, 1, 1});
  const std::vector<io::PointField> points{u_field(mesh)};
  const std::vector<io::CellField> cells{centroid_z_field(mesh)};
  io::write_xdmf(mesh, dir.path(), "out", points, {});
  io::write_xdmf(mesh, dir.path(), "out", {}, cells);
  if (mpi::rank(MPI_COMM_WORLD) == 0) {
    std::ifstream in(dir.path() / "out.xdmf");
    const std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(xml.find("Name=\"u\""), std::string::npos);
    EXPECT_NE(xml.find("Name=\"centroid_z\""), std::string::npos);
    EXPECT_EQ(run_checker(dir.path() / "out.xdmf", ""), 0);
  }
  EXPECT_FALSE(has_file_ending_in(dir.path(), ".part"));
}

TEST(Xdmf, WrongSizedPointFieldThrowsOnEveryRankAndLeavesNoXdmf) {
  const TempDir dir;
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {4, 3, 2}, {0, 0, 0}, {1, 2, 3});
  auto u = u_field(mesh);
  // Wrong on the last rank only: every rank must still throw (no rank may be left waiting in a
  // collective HDF5 call).
  if (mpi::rank(MPI_COMM_WORLD) == mpi::size(MPI_COMM_WORLD) - 1)
    u.values.pop_back();
  const std::vector<io::PointField> points{u};
  expect_error_containing([&] { io::write_xdmf(mesh, dir.path(), "bad", points, {}); }, "'u'");
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_FALSE(fs::exists(dir.path() / "bad.xdmf"));
  EXPECT_FALSE(has_file_ending_in(dir.path(), ".xdmf"));
  EXPECT_FALSE(has_file_ending_in(dir.path(), ".part"));
}

TEST(Xdmf, WrongSizedCellFieldThrowsNamingTheField) {
  const TempDir dir;
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {4, 3, 2}, {0, 0, 0}, {1, 2, 3});
  auto f = centroid_z_field(mesh);
  f.components = 3; // values hold 1 per cell
  const std::vector<io::CellField> cells{f};
  expect_error_containing([&] { io::write_xdmf(mesh, dir.path(), "bad", {}, cells); },
                          "'centroid_z'");
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_FALSE(fs::exists(dir.path() / "bad.xdmf"));
}

TEST(Xdmf, InvalidFieldNamesAreRejected) {
  const TempDir dir;
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {1, 1, 1}, {0, 0, 0}, {1, 1, 1});
  const auto u = u_field(mesh, "a/b");
  expect_error_containing(
      [&] { io::write_xdmf(mesh, dir.path(), "bad", std::vector<io::PointField>{u}, {}); },
      "'a/b'");
  const auto tag = centroid_z_field(mesh, "cell_tag");
  expect_error_containing(
      [&] { io::write_xdmf(mesh, dir.path(), "bad", {}, std::vector<io::CellField>{tag}); },
      "'cell_tag'");
  const auto twice = centroid_z_field(mesh, "u");
  expect_error_containing(
      [&] {
        io::write_xdmf(mesh, dir.path(), "bad", std::vector<io::PointField>{u_field(mesh)},
                       std::vector<io::CellField>{twice});
      },
      "'u'");
}

TEST(Xdmf, FieldListsThatDifferBetweenRanksThrowOnEveryRank) {
  if (mpi::size(MPI_COMM_WORLD) < 2)
    GTEST_SKIP() << "needs 2 or more ranks";
  const TempDir dir;
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {2, 2, 2}, {0, 0, 0}, {1, 1, 1});
  const auto u = u_field(mesh, "u", mpi::rank(MPI_COMM_WORLD) == 1 ? "mm" : "m");
  expect_error_containing(
      [&] { io::write_xdmf(mesh, dir.path(), "bad", std::vector<io::PointField>{u}, {}); },
      "differ between ranks");
}

TEST(Xdmf, Hdf5FailureThrowsOnEveryRankNamingTheFile) {
  const TempDir dir;
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {2, 2, 2}, {0, 0, 0}, {1, 1, 1});
  // A directory where the HDF5 file is to be created makes H5Fcreate fail.
  if (mpi::rank(MPI_COMM_WORLD) == 0)
    fs::create_directories(dir.path() / "blocked.h5.part" / "keep");
  MPI_Barrier(MPI_COMM_WORLD);
  expect_error_containing(
      [&] {
        io::write_xdmf(mesh, dir.path(), "blocked", std::vector<io::PointField>{u_field(mesh)}, {});
      },
      (dir.path() / "blocked.h5").string());
  MPI_Barrier(MPI_COMM_WORLD);
  EXPECT_FALSE(fs::exists(dir.path() / "blocked.xdmf"));
  EXPECT_FALSE(fs::exists(dir.path() / "blocked.h5"));
}

TEST(Xdmf, DirectoryThatIsAFileThrowsOnEveryRank) {
  const TempDir dir;
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {1, 1, 1}, {0, 0, 0}, {1, 1, 1});
  if (mpi::rank(MPI_COMM_WORLD) == 0) {
    fs::create_directories(dir.path());
    std::ofstream(dir.path() / "file") << "not a directory\n";
  }
  MPI_Barrier(MPI_COMM_WORLD);
  expect_error_containing([&] { io::write_xdmf(mesh, dir.path() / "file", "x", {}, {}); },
                          (dir.path() / "file").string());
}
