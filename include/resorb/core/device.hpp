#pragma once
/// @file
/// Annotations for code that runs on the host and inside device kernels (CUDA through nvcc,
/// or any Kokkos backend). Headers included by kernels/ use only these, fixed-size arrays and
/// plain arithmetic: no allocation, no exceptions, no PETSc.

#if defined(__CUDACC__)
#define RESORB_HOST_DEVICE __host__ __device__
#else
/// Marks functions callable from host and device code.
#define RESORB_HOST_DEVICE
#endif

namespace resorb {

/// Adds @p value to @p *target: an atomic add inside a CUDA kernel (cells sharing a node
/// scatter into it concurrently), a plain add on the host, whose cell loops run in order.
RESORB_HOST_DEVICE inline void atomic_add(double* target, double value) {
#if defined(__CUDA_ARCH__)
  atomicAdd(target, value);
#else
  *target += value;
#endif
}

} // namespace resorb
