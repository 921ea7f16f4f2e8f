// The eight summation lanes as plain doubles, for processors without a specific kernel set (and
// the only set of non-x86 builds). A multiply-add is fused where the target has FMA.
#pragma once

#include <cstddef>
#include <cstdint>

#if defined(__FMA__) || defined(__ARM_FEATURE_FMA) || defined(__aarch64__)
#define LOGREG_GENERIC_FMA 1
#define LOGREG_KERNEL_SET_INSTRUCTIONS "portable C++, FMA"
#define LOGREG_KERNEL_SET_FMA true
#else
#define LOGREG_GENERIC_FMA 0
#define LOGREG_KERNEL_SET_INSTRUCTIONS "portable C++, no FMA"
#define LOGREG_KERNEL_SET_FMA false
#endif
#define LOGREG_KERNEL_SET_NAME "generic"

namespace {

#define LANES_INLINE [[gnu::always_inline]] inline

struct V {
  double l[8];
};

template <typename F>
LANES_INLINE V each(F f, const V& a, const V& b) {
  V r;
  for (int k = 0; k < 8; ++k) r.l[k] = f(a.l[k], b.l[k]);
  return r;
}

LANES_INLINE V zero() { return {{0, 0, 0, 0, 0, 0, 0, 0}}; }
LANES_INLINE V set1(double a) { return {{a, a, a, a, a, a, a, a}}; }
template <typename T>
LANES_INLINE V load(const T* p) {
  V r;
  for (int k = 0; k < 8; ++k) r.l[k] = static_cast<double>(p[k]);
  return r;
}
template <typename T>
LANES_INLINE V load_first(const T* p, int m) {
  V r = zero();
  for (int k = 0; k < m; ++k) r.l[k] = static_cast<double>(p[k]);
  return r;
}
LANES_INLINE void store(double* p, const V& a) {
  for (int k = 0; k < 8; ++k) p[k] = a.l[k];
}
LANES_INLINE void store_first(double* p, const V& a, int m) {
  for (int k = 0; k < m; ++k) p[k] = a.l[k];
}

LANES_INLINE double madd1(double a, double b, double c) {
#if LOGREG_GENERIC_FMA
  return __builtin_fma(a, b, c);
#else
  return a * b + c;
#endif
}
LANES_INLINE V add(const V& a, const V& b) { return each([](double x, double y) { return x + y; }, a, b); }
LANES_INLINE V sub(const V& a, const V& b) { return each([](double x, double y) { return x - y; }, a, b); }
LANES_INLINE V mul(const V& a, const V& b) { return each([](double x, double y) { return x * y; }, a, b); }
LANES_INLINE V div(const V& a, const V& b) { return each([](double x, double y) { return x / y; }, a, b); }
LANES_INLINE V madd(const V& a, const V& b, const V& c) {
  V r;
  for (int k = 0; k < 8; ++k) r.l[k] = madd1(a.l[k], b.l[k], c.l[k]);
  return r;
}
// a > b ? a : b, as the x86 sets' MAXPD.
LANES_INLINE V max(const V& a, const V& b) { return each([](double x, double y) { return x > y ? x : y; }, a, b); }
LANES_INLINE V abs(const V& a) { return each([](double x, double) { return __builtin_fabs(x); }, a, a); }
LANES_INLINE V select_ge(const V& x, const V& t, const V& a, const V& b) {
  V r;
  for (int k = 0; k < 8; ++k) r.l[k] = x.l[k] >= t.l[k] ? a.l[k] : b.l[k];
  return r;
}
// To the nearest integer, ties to even, for |a| < 2⁵¹ (the residuals need |a| < 1100): adding
// 1.5·2⁵² leaves no fraction bits, and the rounding of that sum is the one wanted.
LANES_INLINE V round_nearest(const V& a) {
  V r;
  for (int k = 0; k < 8; ++k) r.l[k] = (a.l[k] + 0x1.8p52) - 0x1.8p52;
  return r;
}
// 2^k for integral k in [−1022, 1023] (any other value, NaN included, gives some finite
// power of two; the callers multiply it with NaN in that case).
LANES_INLINE V pow2i(const V& k) {
  V r;
  for (int j = 0; j < 8; ++j) {
    const double kj = k.l[j] == k.l[j] ? k.l[j] : 0.0;
    const uint64_t bits = static_cast<uint64_t>(static_cast<int64_t>(kj) + 1023) << 52;
    __builtin_memcpy(&r.l[j], &bits, sizeof bits);
  }
  return r;
}
LANES_INLINE double combine(const V& a) {
  const double* l = a.l;
  return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}
LANES_INLINE void combine4(const V& a, const V& b, const V& c, const V& d, double* out) {
  out[0] = combine(a), out[1] = combine(b), out[2] = combine(c), out[3] = combine(d);
}

// Rows of the residuals go eight at a time, one V (residuals.hpp).
using P = V;
constexpr int kPacket = 8;
LANES_INLINE P psplat(double a) { return set1(a); }
LANES_INLINE P pload(const double* p) { return load(p); }
LANES_INLINE P pload_first(const double* p, int m) { return load_first(p, m); }
LANES_INLINE void pstore(double* p, const V& a) { store(p, a); }
LANES_INLINE void pstore_first(double* p, const V& a, int m) { store_first(p, a, m); }
LANES_INLINE void add_packet(V& sums, const V& a, int) { sums = add(sums, a); }

}  // namespace

#include "lanes_common.hpp"

namespace {

using SparseLanes = SparseLanesArray;

}  // namespace
