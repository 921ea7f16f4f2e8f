// Summation-order contract shared by the dense and CSR kernels, so that the same rows stored
// either way give bitwise-identical sums (a stored zero adds exactly +0):
//  * x·w accumulates xⱼwⱼ into lane j mod 8, in increasing j, and combines the lanes by the
//    fixed tree ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7));
//  * Xᵀr adds rᵢxᵢ into g row after row, in increasing i;
//  * squared products are rᵢ·(xᵢⱼ·xᵢⱼ).
// For dense rows the eight lanes are independent chains, which the compiler vectorizes.
#pragma once

#include "logreg/core/types.hpp"

namespace logreg {

constexpr int kLanes = 8;

inline double combine_lanes(const double* l) {
  return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

// Σⱼ x[j]·w[j] over a dense row of n entries.
template <typename T>
inline double lane_dot(const T* x, const double* w, Index n) {
  double l[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
  Index j = 0;
  for (; j + kLanes <= n; j += kLanes) {
    for (int k = 0; k < kLanes; ++k) l[k] += static_cast<double>(x[j + k]) * w[j + k];
  }
  for (int k = 0; j + k < n; ++k) l[k] += static_cast<double>(x[j + k]) * w[j + k];
  return combine_lanes(l);
}

// Four rows at once: each row's sum is accumulated exactly as lane_dot does it (so results are
// bitwise equal), but the four independent chains hide the add latency and w is read once.
template <typename T>
inline void lane_dot4(const T* x0, const T* x1, const T* x2, const T* x3, const double* w,
                      Index n, double* out) {
  double a[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0}, b[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
  double c[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0}, d[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
  Index j = 0;
  for (; j + kLanes <= n; j += kLanes) {
    for (int k = 0; k < kLanes; ++k) {
      const double wk = w[j + k];
      a[k] += static_cast<double>(x0[j + k]) * wk;
      b[k] += static_cast<double>(x1[j + k]) * wk;
      c[k] += static_cast<double>(x2[j + k]) * wk;
      d[k] += static_cast<double>(x3[j + k]) * wk;
    }
  }
  for (int k = 0; j + k < n; ++k) {
    const double wk = w[j + k];
    a[k] += static_cast<double>(x0[j + k]) * wk;
    b[k] += static_cast<double>(x1[j + k]) * wk;
    c[k] += static_cast<double>(x2[j + k]) * wk;
    d[k] += static_cast<double>(x3[j + k]) * wk;
  }
  out[0] = combine_lanes(a);
  out[1] = combine_lanes(b);
  out[2] = combine_lanes(c);
  out[3] = combine_lanes(d);
}

// Σₖ v[k]·w[idx[k]] over a sparse row whose column ids increase.
template <typename T, typename I>
inline double lane_dot_sparse(const T* v, const I* idx, int64_t nnz, const double* w) {
  double l[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int64_t k = 0; k < nnz; ++k) l[idx[k] & (kLanes - 1)] += static_cast<double>(v[k]) * w[idx[k]];
  return combine_lanes(l);
}

}  // namespace logreg
