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

// Σₖ v[k]·w[idx[k]] over a sparse row whose column ids increase.
template <typename T, typename I>
inline double lane_dot_sparse(const T* v, const I* idx, int64_t nnz, const double* w) {
  double l[kLanes] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int64_t k = 0; k < nnz; ++k) l[idx[k] & (kLanes - 1)] += static_cast<double>(v[k]) * w[idx[k]];
  return combine_lanes(l);
}

}  // namespace logreg
