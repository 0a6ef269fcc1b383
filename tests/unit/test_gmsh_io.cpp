#include <resorb/core/error.hpp>
#include <resorb/core/mpi.hpp>
#include <resorb/io/gmsh.hpp>
#include <resorb/mesh/box.hpp>
#include <resorb/mesh/quality.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace resorb;
namespace fs = std::filesystem;

namespace {
fs::path scratch(const std::string& name) {
  const auto dir = fs::temp_directory_path() / "resorb_test_gmsh_io";
  fs::create_directories(dir);
  return dir / name;
}

std::string read_error(const fs::path& file) {
  try {
    (void)io::read_gmsh(MPI_COMM_WORLD, file, 1e-3);
  } catch (const InputError& e) {
    return e.what();
  }
  return {};
}

// One tetrahedron in MSH 4.1 ASCII with a volume group "bone" and a surface group "base".
std::string single_tet_msh(double z3) {
  return "$MeshFormat\n4.1 0 8\n$EndMeshFormat\n"
         "$PhysicalNames\n2\n2 5 \"base\"\n3 1 \"bone\"\n$EndPhysicalNames\n"
         "$Entities\n0 0 1 1\n1 0 0 0 1 1 1 1 5 0\n1 0 0 0 1 1 1 1 1 1 1\n$EndEntities\n"
         "$Nodes\n2 4 1 4\n2 1 0 3\n1\n2\n3\n0 0 0\n1 0 0\n0 1 0\n3 1 0 1\n4\n0 0 " +
         std::to_string(z3) +
         "\n$EndNodes\n"
         "$Elements\n2 2 1 2\n2 1 2 1\n1 1 2 3\n3 1 4 1\n2 1 2 3 4\n$EndElements\n";
}
} // namespace

TEST(GmshIO, RoundTripAsciiAndBinaryKeepsGroupsAndGeometry) {
  const auto mesh = mesh::make_box(MPI_COMM_WORLD, {3, 2, 2}, {0, 0, 0}, {3e-3, 2e-3, 2e-3});
  const auto original = mesh::quality_report(mesh);
  for (bool binary : {false, true}) {
    const auto file = scratch(binary ? "box_binary.msh" : "box_ascii.msh");
    io::write_gmsh(mesh, file, 1e-3, binary);
    const auto back = io::read_gmsh(MPI_COMM_WORLD, file, 1e-3);
    const auto report = mesh::quality_report(back);
    EXPECT_EQ(report.cells, original.cells);
    EXPECT_EQ(report.vertices, original.vertices);
    EXPECT_NEAR(report.volume_m3, original.volume_m3, 1e-12 * original.volume_m3);
    EXPECT_EQ(back.facet_tag("zmax"), 6);
    EXPECT_EQ(back.group_name(3, 1), "box");
    const auto facets =
        mpi::sum<GlobalIndex>(back.comm(), static_cast<GlobalIndex>(back.facets().size()));
    EXPECT_EQ(facets, 2 * 2 * (3 * 2 + 2 * 2 + 3 * 2));
  }
}

TEST(GmshIO, ReadsHandWrittenFileWithUnit) {
  const auto file = scratch("single.msh");
  if (mpi::rank(MPI_COMM_WORLD) == 0)
    std::ofstream(file) << single_tet_msh(1.0);
  MPI_Barrier(MPI_COMM_WORLD);
  const auto mesh = io::read_gmsh(MPI_COMM_WORLD, file, 1e-3);
  EXPECT_NEAR(mesh::quality_report(mesh).volume_m3, 1e-9 / 6.0, 1e-22);
  EXPECT_EQ(mesh.facet_tag("base"), 5);
}

TEST(GmshIO, InvertedTetrahedronIsAnErrorNamingElementAndFile) {
  const auto file = scratch("inverted.msh");
  if (mpi::rank(MPI_COMM_WORLD) == 0)
    std::ofstream(file) << single_tet_msh(-1.0);
  MPI_Barrier(MPI_COMM_WORLD);
  const auto what = read_error(file);
  EXPECT_NE(what.find("inverted"), std::string::npos) << what;
  EXPECT_NE(what.find("element 2"), std::string::npos) << what;
  EXPECT_NE(what.find(file.string()), std::string::npos) << what;
}

TEST(GmshIO, TruncatedAndMissingFilesAreErrors) {
  const auto file = scratch("truncated.msh");
  if (mpi::rank(MPI_COMM_WORLD) == 0) {
    const auto text = single_tet_msh(1.0);
    std::ofstream(file) << text.substr(0, text.size() / 2);
  }
  MPI_Barrier(MPI_COMM_WORLD);
  auto what = read_error(file);
  EXPECT_FALSE(what.empty());
  EXPECT_NE(what.find(file.string()), std::string::npos) << what;
  what = read_error(scratch("does_not_exist.msh"));
  EXPECT_NE(what.find("cannot open"), std::string::npos) << what;
}
