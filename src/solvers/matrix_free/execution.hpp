#pragma once
// Runs a functor over an index range in an execution space: the host loop, or one CUDA thread
// per index (src/solvers/matrix_free/cuda_execution.cu instantiates the launches for the
// functors of kernels/). Device memory and copies counted in a TransferLog.

#include "resorb/core/error.hpp"
#include "resorb/core/execution_space.hpp"
#include "resorb/core/index_map.hpp"

#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace resorb::solvers::impl {

#if RESORB_HAVE_CUDA
/// Launches f(i) for i in [0, n) on the current CUDA device (default stream; it does not
/// wait: blocking copies on the same stream order what follows).
template <class F>
void cuda_for_each(LocalIndex n, const F& f);
/// Σ f(i) over [0, n) on the current CUDA device.
template <class F>
double cuda_sum(LocalIndex n, const F& f);
/// Waits for the device's work (timings; errors of earlier launches surface here).
void cuda_synchronize();
/// Makes device (node_rank mod devices) current: one GPU per rank on a node.
void cuda_select_device(int node_rank);
void* cuda_allocate(std::size_t bytes);
void cuda_free(void* p) noexcept;
void cuda_copy_to_device(void* device, const void* host, std::size_t bytes);
void cuda_copy_to_host(void* host, const void* device, std::size_t bytes);
#endif

/// Calls f(i) for every i in [0, n) in @p space.
template <class F>
void for_each(ExecutionSpace space, LocalIndex n, const F& f) {
  if (space == ExecutionSpace::cuda) {
#if RESORB_HAVE_CUDA
    if (n > 0)
      cuda_for_each(n, f);
    return;
#else
    throw Error("this resorb was built without CUDA");
#endif
  }
  for (LocalIndex i = 0; i < n; ++i)
    f(i);
}

/// Σ f(i) over [0, n) in @p space (this rank only).
template <class F>
double sum(ExecutionSpace space, LocalIndex n, const F& f) {
  if (space == ExecutionSpace::cuda) {
#if RESORB_HAVE_CUDA
    return n > 0 ? cuda_sum(n, f) : 0.0;
#else
    throw Error("this resorb was built without CUDA");
#endif
  }
  double s = 0.0;
  for (LocalIndex i = 0; i < n; ++i)
    s += f(i);
  return s;
}

/// Waits until the work launched in @p space has finished (a no-op on the host).
inline void synchronize(ExecutionSpace space) {
#if RESORB_HAVE_CUDA
  if (space == ExecutionSpace::cuda)
    cuda_synchronize();
#else
  (void)space;
#endif
}

/// An array in an execution space: host memory, or device memory through the CUDA runtime.
/// Copies to and from the host are counted in a TransferLog when the array is on the device.
template <class T>
class DeviceArray {
public:
  DeviceArray() = default;
  /// @p n values, zero on the host; uninitialised on the device (fill them).
  DeviceArray(ExecutionSpace space, std::size_t n) : space_(space), size_(n) {
    if (space == ExecutionSpace::host) {
      host_.assign(n, T{});
      data_ = host_.data();
    } else {
#if RESORB_HAVE_CUDA
      data_ = static_cast<T*>(cuda_allocate(n * sizeof(T)));
#else
      throw Error("this resorb was built without CUDA");
#endif
    }
  }
  /// Copies @p values into a new array in @p space.
  DeviceArray(ExecutionSpace space, std::span<const T> values, TransferLog& log)
      : DeviceArray(space, values.size()) {
    upload(values, log);
  }
  ~DeviceArray() {
    release();
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  DeviceArray(DeviceArray&& o) noexcept {
    *this = std::move(o);
  }
  DeviceArray& operator=(DeviceArray&& o) noexcept {
    if (this != &o) {
      release();
      space_ = o.space_;
      size_ = std::exchange(o.size_, 0);
      host_ = std::move(o.host_);
      data_ = space_ == ExecutionSpace::host ? host_.data() : o.data_;
      o.data_ = nullptr;
    }
    return *this;
  }

  /// The values (in the array's space).
  [[nodiscard]] T* data() {
    return data_;
  }
  /// The values (in the array's space).
  [[nodiscard]] const T* data() const {
    return data_;
  }
  /// Number of values.
  [[nodiscard]] std::size_t size() const {
    return size_;
  }

  /// Copies @p values (at most size()) from the host into the front of the array.
  void upload(std::span<const T> values, [[maybe_unused]] TransferLog& log) {
    RESORB_ASSERT(values.size() <= size_);
    if (space_ == ExecutionSpace::host) {
      std::copy(values.begin(), values.end(), host_.begin());
      return;
    }
#if RESORB_HAVE_CUDA
    cuda_copy_to_device(data_, values.data(), values.size_bytes());
    ++log.to_device;
    log.bytes_to_device += static_cast<std::int64_t>(values.size_bytes());
#endif
  }
  /// Copies the front of the array into @p values (at most size()) on the host.
  void download(std::span<T> values, [[maybe_unused]] TransferLog& log) const {
    RESORB_ASSERT(values.size() <= size_);
    if (space_ == ExecutionSpace::host) {
      std::copy(host_.begin(), host_.begin() + static_cast<std::ptrdiff_t>(values.size()),
                values.begin());
      return;
    }
#if RESORB_HAVE_CUDA
    cuda_copy_to_host(values.data(), data_, values.size_bytes());
    ++log.to_host;
    log.bytes_to_host += static_cast<std::int64_t>(values.size_bytes());
#endif
  }

private:
  void release() noexcept {
#if RESORB_HAVE_CUDA
    if (space_ == ExecutionSpace::cuda && data_ != nullptr)
      cuda_free(data_);
#endif
    data_ = nullptr;
  }

  ExecutionSpace space_ = ExecutionSpace::host;
  std::size_t size_ = 0;
  std::vector<T> host_;
  T* data_ = nullptr;
};

} // namespace resorb::solvers::impl
