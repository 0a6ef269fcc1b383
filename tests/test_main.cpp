// Shared main of the GoogleTest executables: MPI, PETSc and Kokkos come up once, and only
// rank 0 prints results so that 2-rank runs stay readable.
#include <resorb/core/environment.hpp>

#include <gtest/gtest.h>

int main(int argc, char** argv) {
  resorb::Environment env(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  if (env.rank() != 0) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  return RUN_ALL_TESTS();
}
