#include "resorb/core/execution_space.hpp"

#include "resorb/core/error.hpp"

#include <fmt/format.h>

namespace resorb {

#if RESORB_HAVE_CUDA
namespace solvers::impl {
int cuda_device_count(std::string& error); // cuda_execution.cu
}
#endif

ExecutionSpace parse_execution_space(std::string_view text) {
  if (text == "cpu" || text == "host")
    return ExecutionSpace::host;
  if (text == "cuda" || text == "gpu")
    return ExecutionSpace::cuda;
  throw InputError(fmt::format("unknown device \"{}\" (known: \"cpu\", \"cuda\")", text));
}

std::string to_string(ExecutionSpace space) {
  return space == ExecutionSpace::cuda ? "cuda" : "cpu";
}

bool cuda_built() {
  return RESORB_HAVE_CUDA != 0;
}

std::string cuda_unavailable_reason() {
#if RESORB_HAVE_CUDA
  std::string error;
  const int count = solvers::impl::cuda_device_count(error);
  if (count > 0)
    return "";
  return error.empty() ? "this machine has no CUDA device" : "CUDA reports: " + error;
#else
  return "this resorb was built without CUDA (nvcc was not found when it was configured)";
#endif
}

bool cuda_available() {
  return cuda_unavailable_reason().empty();
}

} // namespace resorb
