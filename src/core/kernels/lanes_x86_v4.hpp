// The eight summation lanes as one AVX-512 register (x86-64-v4). Included only by
// set_x86_v4.cpp, which is compiled with -march=x86-64-v4.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#define LOGREG_KERNEL_SET_NAME "x86-64-v4"
#define LOGREG_KERNEL_SET_INSTRUCTIONS "AVX-512, FMA"
#define LOGREG_KERNEL_SET_FMA true

namespace {

#define LANES_INLINE [[gnu::always_inline]] inline

// Rows of the residuals go eight at a time, one register like the lanes (residuals.hpp).
constexpr unsigned kPacketBytes = 64;

}  // namespace

#include "lanes_register.hpp"

namespace {

using V = Reg<64>;

LANES_INLINE __mmask8 first_mask(int m) { return static_cast<__mmask8>((1u << m) - 1); }

LANES_INLINE V zero() { return {_mm512_setzero_pd()}; }
LANES_INLINE V set1(double a) { return splat<64>(a); }
LANES_INLINE V load(const double* p) { return {_mm512_loadu_pd(p)}; }
LANES_INLINE V load(const float* p) { return {_mm512_cvtps_pd(_mm256_loadu_ps(p))}; }
// The first m (0 < m < 8) entries, zeros after; the others are never read.
LANES_INLINE V load_first(const double* p, int m) { return {_mm512_maskz_loadu_pd(first_mask(m), p)}; }
LANES_INLINE V load_first(const float* p, int m) {
  return {_mm512_cvtps_pd(_mm256_maskz_loadu_ps(first_mask(m), p))};
}
LANES_INLINE void store(double* p, V a) { _mm512_storeu_pd(p, a.v); }
LANES_INLINE void store_first(double* p, V a, int m) { _mm512_mask_storeu_pd(p, first_mask(m), a.v); }

LANES_INLINE V madd(V a, V b, V c) { return {_mm512_fmadd_pd(a.v, b.v, c.v)}; }
LANES_INLINE double madd1(double a, double b, double c) { return __builtin_fma(a, b, c); }
LANES_INLINE double combine(V a) {
  const __m256d lo = _mm512_castpd512_pd256(a.v), hi = _mm512_extractf64x4_pd(a.v, 1);
  // (l0+l1), (l2+l3) | (l4+l5), (l6+l7)
  const __m256d pairs = _mm256_hadd_pd(lo, hi);  // l0+l1, l4+l5, l2+l3, l6+l7
  const __m128d p0 = _mm256_castpd256_pd128(pairs), p1 = _mm256_extractf128_pd(pairs, 1);
  const __m128d quads = _mm_add_pd(p0, p1);  // (l0+l1)+(l2+l3), (l4+l5)+(l6+l7)
  return _mm_cvtsd_f64(_mm_add_sd(quads, _mm_unpackhi_pd(quads, quads)));
}

// out[0..3] = combine(a), combine(b), combine(c), combine(d), the same tree for four rows at once.
LANES_INLINE void combine4(V a, V b, V c, V d, double* out) {
  // pairwise: a0+a1, b0+b1, a2+a3, b2+b3, a4+a5, b4+b5, a6+a7, b6+b7
  const __m512d ab = __builtin_shufflevector(a.v, b.v, 0, 8, 2, 10, 4, 12, 6, 14) +
                     __builtin_shufflevector(a.v, b.v, 1, 9, 3, 11, 5, 13, 7, 15);
  const __m512d cd = __builtin_shufflevector(c.v, d.v, 0, 8, 2, 10, 4, 12, 6, 14) +
                     __builtin_shufflevector(c.v, d.v, 1, 9, 3, 11, 5, 13, 7, 15);
  // quads: a0123, b0123, c0123, d0123, a4567, b4567, c4567, d4567
  const __m512d q = __builtin_shufflevector(ab, cd, 0, 1, 8, 9, 4, 5, 12, 13) +
                    __builtin_shufflevector(ab, cd, 2, 3, 10, 11, 6, 7, 14, 15);
  _mm256_storeu_pd(out, __builtin_shufflevector(q, q, 0, 1, 2, 3) + __builtin_shufflevector(q, q, 4, 5, 6, 7));
}

// The residuals' packet P is V itself (lanes_register.hpp).
LANES_INLINE P pload_first(const double* p, int m) { return load_first(p, m); }
LANES_INLINE void pstore_first(double* p, V a, int m) { store_first(p, a, m); }
LANES_INLINE void add_packet(V& sums, V a, int) { sums = add(sums, a); }

}  // namespace

#include "lanes_common.hpp"

namespace {

// A sparse row's lanes in one register; each step a fused multiply-add masked to lane j mod 8
// (the others keep their value), so no lane goes through memory.
struct SparseLanes {
  __m512d acc = _mm512_setzero_pd();
  template <typename T>
  LANES_INLINE void step(T v, int32_t j, const double* w) {
    const auto m = static_cast<__mmask8>(1u << (j & 7));
    acc = _mm512_mask3_fmadd_pd(_mm512_set1_pd(static_cast<double>(v)), _mm512_set1_pd(w[j]), acc, m);
  }
};

LANES_INLINE double combine(const SparseLanes& a) { return combine(V{a.acc}); }
LANES_INLINE void combine4(const SparseLanes (&a)[4], double* out) {
  combine4(V{a[0].acc}, V{a[1].acc}, V{a[2].acc}, V{a[3].acc}, out);
}

}  // namespace
