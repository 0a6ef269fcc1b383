#pragma once
// Element-wise vector kernels of the device Krylov solver and the ghost exchange: one functor
// call per entry, run by the host loop or one CUDA thread per entry.

#include "resorb/core/device.hpp"
#include "resorb/core/index_map.hpp"

namespace resorb::kernels {

/// y = a x + b y.
struct Axpby {
  double a;        ///< factor of x
  const double* x; ///< input
  double b;        ///< factor of y
  double* y;       ///< input and output
  /// Entry @p i.
  RESORB_HOST_DEVICE void operator()(LocalIndex i) const { y[i] = a * x[i] + b * y[i]; }
};

/// y = d ⊙ x (Jacobi scaling).
struct Multiply {
  const double* d; ///< scaling
  const double* x; ///< input
  double* y;       ///< output
  /// Entry @p i.
  RESORB_HOST_DEVICE void operator()(LocalIndex i) const { y[i] = d[i] * x[i]; }
};

/// y = 1 / x, entry-wise (the inverse diagonal).
struct Reciprocal {
  const double* x; ///< input
  double* y;       ///< output
  /// Entry @p i.
  RESORB_HOST_DEVICE void operator()(LocalIndex i) const { y[i] = 1.0 / x[i]; }
};

/// One Chebyshev step (Saad, Iterative Methods, Alg. 12.1) on the Jacobi-scaled system:
/// d = c₁ d + c₂ D⁻¹ (r − A z), z = z + d.
struct ChebyshevStep {
  const double* r;    ///< right-hand side
  const double* az;   ///< A z
  const double* dinv; ///< inverse diagonal
  double c1;          ///< ρ_k ρ_(k−1)
  double c2;          ///< 2 ρ_k / δ
  double* d;          ///< update direction
  double* z;          ///< iterate
  /// Entry @p i.
  RESORB_HOST_DEVICE void operator()(LocalIndex i) const {
    d[i] = c1 * d[i] + c2 * dinv[i] * (r[i] - az[i]);
    z[i] += d[i];
  }
};

/// Term i of the dot product x · y (summed by the backend's reduction).
struct DotTerm {
  const double* x; ///< first vector
  const double* y; ///< second vector
  /// Term @p i.
  RESORB_HOST_DEVICE double operator()(LocalIndex i) const { return x[i] * y[i]; }
};

/// 1 where x_i ≤ 0 (or NaN), 0 elsewhere: counts entries a Jacobi scaling cannot invert.
struct NonPositive {
  const double* x; ///< the vector
  /// Term @p i.
  RESORB_HOST_DEVICE double operator()(LocalIndex i) const { return x[i] > 0.0 ? 0.0 : 1.0; }
};

/// packed[k] = values[index[k]] (ghost exchange: what a neighbour needs).
struct Pack {
  const LocalIndex* index; ///< entries to send
  const double* values;    ///< local form
  double* packed;          ///< send buffer
  /// Entry @p k.
  RESORB_HOST_DEVICE void operator()(LocalIndex k) const { packed[k] = values[index[k]]; }
};

/// values[index[k]] = packed[k] (owned values into ghost entries).
struct UnpackInsert {
  const LocalIndex* index; ///< entries received
  const double* packed;    ///< receive buffer
  double* values;          ///< local form
  /// Entry @p k.
  RESORB_HOST_DEVICE void operator()(LocalIndex k) const { values[index[k]] = packed[k]; }
};

/// values[index[k]] += packed[k] (ghost contributions into their owners; several neighbours
/// may add to one entry, hence atomic).
struct UnpackAdd {
  const LocalIndex* index; ///< entries received
  const double* packed;    ///< receive buffer
  double* values;          ///< local form
  /// Entry @p k.
  RESORB_HOST_DEVICE void operator()(LocalIndex k) const {
    atomic_add(&values[index[k]], packed[k]);
  }
};

/// values[i] = 0.
struct Fill {
  double value;   ///< what to write
  double* values; ///< output
  /// Entry @p i.
  RESORB_HOST_DEVICE void operator()(LocalIndex i) const { values[i] = value; }
};

} // namespace resorb::kernels
