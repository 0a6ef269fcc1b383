// CUDA launches of the kernels/ functors: one thread per cell or vector entry. Every functor
// type a matrix-free operator or the device solver runs is instantiated at the end; the host
// path runs the same functors in a loop (execution.hpp).

#include "cell_apply.hpp"
#include "elasticity_action.hpp"
#include "execution.hpp"
#include "reaction_diffusion_action.hpp"
#include "vector_kernels.hpp"

#include "resorb/fem/lagrange.hpp"

#include <cuda_runtime.h>

#include <string>

namespace resorb::solvers::impl {

namespace {

constexpr int threads_per_block = 256;

void check(cudaError_t code, const char* what) {
  if (code != cudaSuccess)
    throw Error(std::string("CUDA ") + what + ": " + cudaGetErrorString(code));
}

unsigned blocks_for(LocalIndex n) {
  return static_cast<unsigned>((static_cast<long long>(n) + threads_per_block - 1) /
                               threads_per_block);
}

// The functor (about 1 KB with a P2 tabulation) stays in constant parameter space instead of
// being copied to every thread's local memory.
template <class F>
__global__ void for_each_kernel(LocalIndex n, const __grid_constant__ F f) {
  const long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n)
    f(static_cast<LocalIndex>(i));
}

// Block sums in shared memory, then one atomic add per block.
template <class F>
__global__ void sum_kernel(LocalIndex n, const __grid_constant__ F f, double* out) {
  __shared__ double partial[threads_per_block];
  double s = 0.0;
  for (long long i = static_cast<long long>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<long long>(gridDim.x) * blockDim.x)
    s += f(static_cast<LocalIndex>(i));
  partial[threadIdx.x] = s;
  __syncthreads();
  for (unsigned stride = blockDim.x / 2; stride > 0; stride /= 2) {
    if (threadIdx.x < stride)
      partial[threadIdx.x] += partial[threadIdx.x + stride];
    __syncthreads();
  }
  if (threadIdx.x == 0)
    atomicAdd(out, partial[0]);
}

} // namespace

int cuda_device_count(std::string& error) {
  int count = 0;
  const cudaError_t code = cudaGetDeviceCount(&count);
  if (code != cudaSuccess) {
    error = cudaGetErrorString(code);
    return 0;
  }
  return count;
}

void cuda_synchronize() {
  check(cudaDeviceSynchronize(), "kernel");
}

void cuda_select_device(int node_rank) {
  int count = 0;
  check(cudaGetDeviceCount(&count), "device count");
  check(cudaSetDevice(node_rank % count), "device selection");
}

template <class F>
void cuda_for_each(LocalIndex n, const F& f) {
  for_each_kernel<<<blocks_for(n), threads_per_block>>>(n, f);
  check(cudaGetLastError(), "kernel launch");
}

template <class F>
double cuda_sum(LocalIndex n, const F& f) {
  // One 8-byte accumulator per device for the life of the process: a dot product per CG
  // step must not pay for cudaMalloc/cudaFree (which synchronise).
  static double* accumulator[64] = {};
  int device = 0;
  check(cudaGetDevice(&device), "current device");
  double*& out = accumulator[device % 64];
  if (out == nullptr)
    check(cudaMalloc(&out, sizeof(double)), "allocation");
  check(cudaMemset(out, 0, sizeof(double)), "memset");
  const unsigned blocks = blocks_for(n) < 1024u ? blocks_for(n) : 1024u;
  sum_kernel<<<blocks, threads_per_block>>>(n, f, out);
  check(cudaGetLastError(), "reduction launch");
  double result = 0.0;
  check(cudaMemcpy(&result, out, sizeof(double), cudaMemcpyDeviceToHost), "reduction copy");
  return result;
}

void* cuda_allocate(std::size_t bytes) {
  if (bytes == 0)
    return nullptr;
  void* p = nullptr;
  check(cudaMalloc(&p, bytes), "allocation");
  return p;
}

void cuda_free(void* p) noexcept {
  cudaFree(p);
}

void cuda_copy_to_device(void* device, const void* host, std::size_t bytes) {
  if (bytes > 0)
    check(cudaMemcpy(device, host, bytes, cudaMemcpyHostToDevice), "copy to device");
}

void cuda_copy_to_host(void* host, const void* device, std::size_t bytes) {
  if (bytes > 0)
    check(cudaMemcpy(host, device, bytes, cudaMemcpyDeviceToHost), "copy to host");
}

// The functors launched on the device.
#define RESORB_CUDA_FOR_EACH(...)                                                                  \
  template void cuda_for_each<__VA_ARGS__>(LocalIndex, const __VA_ARGS__&);
#define RESORB_CUDA_CELL_LOOPS(...)                                                                \
  RESORB_CUDA_FOR_EACH(kernels::CellApply<__VA_ARGS__>)                                            \
  RESORB_CUDA_FOR_EACH(kernels::CellDiagonal<__VA_ARGS__>)

RESORB_CUDA_CELL_LOOPS(kernels::ElasticityAction<fem::P1, kernels::PrecomputedGeometry>)
RESORB_CUDA_CELL_LOOPS(kernels::ElasticityAction<fem::P1, kernels::RecomputedGeometry>)
RESORB_CUDA_CELL_LOOPS(kernels::ElasticityAction<fem::P2, kernels::PrecomputedGeometry>)
RESORB_CUDA_CELL_LOOPS(kernels::ElasticityAction<fem::P2, kernels::RecomputedGeometry>)
RESORB_CUDA_CELL_LOOPS(kernels::ReactionDiffusionAction<kernels::PrecomputedGeometry>)
RESORB_CUDA_CELL_LOOPS(kernels::ReactionDiffusionAction<kernels::RecomputedGeometry>)
RESORB_CUDA_FOR_EACH(kernels::ConstrainedRows)
RESORB_CUDA_FOR_EACH(kernels::Axpby)
RESORB_CUDA_FOR_EACH(kernels::Multiply)
RESORB_CUDA_FOR_EACH(kernels::Reciprocal)
RESORB_CUDA_FOR_EACH(kernels::ChebyshevStep)
RESORB_CUDA_FOR_EACH(kernels::Pack)
RESORB_CUDA_FOR_EACH(kernels::UnpackInsert)
RESORB_CUDA_FOR_EACH(kernels::UnpackAdd)
RESORB_CUDA_FOR_EACH(kernels::Fill)
template double cuda_sum<kernels::DotTerm>(LocalIndex, const kernels::DotTerm&);
template double cuda_sum<kernels::NonPositive>(LocalIndex, const kernels::NonPositive&);

} // namespace resorb::solvers::impl
