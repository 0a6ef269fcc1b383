#pragma once
/// @file
/// Where matrix-free operators and the device Krylov solver run, and the host↔device copies
/// they make.

#include <cstdint>
#include <string>
#include <string_view>

namespace resorb {

/// Where an operator's data live and its kernels run.
enum class ExecutionSpace {
  host, ///< the CPU (the same kernels, run in a loop)
  cuda  ///< an NVIDIA GPU (one per MPI rank), kernels compiled by nvcc
};

/// Parses "cpu" (or "host") and "cuda" (or "gpu"). @throws InputError naming @p text otherwise
[[nodiscard]] ExecutionSpace parse_execution_space(std::string_view text);
/// "cpu" or "cuda".
[[nodiscard]] std::string to_string(ExecutionSpace space);

/// True when resorb was built with CUDA (nvcc found at configure time).
[[nodiscard]] bool cuda_built();
/// True when resorb was built with CUDA and this process sees at least one CUDA device.
[[nodiscard]] bool cuda_available();
/// Why cuda_available() is false ("" when it is true): not built with CUDA, no device, or the
/// driver's error.
[[nodiscard]] std::string cuda_unavailable_reason();

/// Host↔device copies made by an operator or solver (none on the host).
struct TransferLog {
  std::int64_t to_device = 0;       ///< copies host → device
  std::int64_t to_host = 0;         ///< copies device → host
  std::int64_t bytes_to_device = 0; ///< bytes host → device
  std::int64_t bytes_to_host = 0;   ///< bytes device → host

  /// Copies in both directions.
  [[nodiscard]] std::int64_t copies() const { return to_device + to_host; }
  /// The difference since @p earlier (a solve's share of an operator's log).
  [[nodiscard]] TransferLog since(const TransferLog& earlier) const {
    return {to_device - earlier.to_device, to_host - earlier.to_host,
            bytes_to_device - earlier.bytes_to_device, bytes_to_host - earlier.bytes_to_host};
  }
};

} // namespace resorb
