// The eight summation lanes as two AVX2 registers, lanes 0–3 and 4–7 (x86-64-v3: AVX2, FMA).
// Included only by set_x86_v3.cpp, which is compiled with -march=x86-64-v3.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#define LOGREG_KERNEL_SET_NAME "x86-64-v3"
#define LOGREG_KERNEL_SET_INSTRUCTIONS "AVX2, FMA"
#define LOGREG_KERNEL_SET_FMA true

namespace {

#define LANES_INLINE [[gnu::always_inline]] inline

struct V {
  __m256d lo, hi;
};

// Masks of lanes 0–3 and 4–7 below m.
LANES_INLINE __m256i mask_lo(int m) {
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(m), _mm256_set_epi64x(3, 2, 1, 0));
}
LANES_INLINE __m256i mask_hi(int m) {
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(m), _mm256_set_epi64x(7, 6, 5, 4));
}
LANES_INLINE __m128i mask_lo32(int m) { return _mm_cmpgt_epi32(_mm_set1_epi32(m), _mm_set_epi32(3, 2, 1, 0)); }
LANES_INLINE __m128i mask_hi32(int m) { return _mm_cmpgt_epi32(_mm_set1_epi32(m), _mm_set_epi32(7, 6, 5, 4)); }

LANES_INLINE V zero() { return {_mm256_setzero_pd(), _mm256_setzero_pd()}; }
LANES_INLINE V set1(double a) { return {_mm256_set1_pd(a), _mm256_set1_pd(a)}; }
LANES_INLINE V load(const double* p) { return {_mm256_loadu_pd(p), _mm256_loadu_pd(p + 4)}; }
LANES_INLINE V load(const float* p) {
  return {_mm256_cvtps_pd(_mm_loadu_ps(p)), _mm256_cvtps_pd(_mm_loadu_ps(p + 4))};
}
// The first m (0 < m < 8) entries, zeros after; masked-out entries are never read.
LANES_INLINE V load_first(const double* p, int m) {
  return {_mm256_maskload_pd(p, mask_lo(m)), _mm256_maskload_pd(p + 4, mask_hi(m))};
}
LANES_INLINE V load_first(const float* p, int m) {
  return {_mm256_cvtps_pd(_mm_maskload_ps(p, mask_lo32(m))),
          _mm256_cvtps_pd(_mm_maskload_ps(p + 4, mask_hi32(m)))};
}
LANES_INLINE void store(double* p, V a) {
  _mm256_storeu_pd(p, a.lo);
  _mm256_storeu_pd(p + 4, a.hi);
}
LANES_INLINE void store_first(double* p, V a, int m) {
  _mm256_maskstore_pd(p, mask_lo(m), a.lo);
  _mm256_maskstore_pd(p + 4, mask_hi(m), a.hi);
}

LANES_INLINE V add(V a, V b) { return {_mm256_add_pd(a.lo, b.lo), _mm256_add_pd(a.hi, b.hi)}; }
LANES_INLINE V sub(V a, V b) { return {_mm256_sub_pd(a.lo, b.lo), _mm256_sub_pd(a.hi, b.hi)}; }
LANES_INLINE V mul(V a, V b) { return {_mm256_mul_pd(a.lo, b.lo), _mm256_mul_pd(a.hi, b.hi)}; }
LANES_INLINE V madd(V a, V b, V c) {
  return {_mm256_fmadd_pd(a.lo, b.lo, c.lo), _mm256_fmadd_pd(a.hi, b.hi, c.hi)};
}
LANES_INLINE double madd1(double a, double b, double c) { return __builtin_fma(a, b, c); }
LANES_INLINE double combine(V a) {
  const __m256d pairs = _mm256_hadd_pd(a.lo, a.hi);  // l0+l1, l4+l5, l2+l3, l6+l7
  const __m128d quads = _mm_add_pd(_mm256_castpd256_pd128(pairs), _mm256_extractf128_pd(pairs, 1));
  return _mm_cvtsd_f64(_mm_add_sd(quads, _mm_unpackhi_pd(quads, quads)));
}

// out[0..3] = combine(a), combine(b), combine(c), combine(d), the same tree for four rows at once.
LANES_INLINE void combine4(V a, V b, V c, V d, double* out) {
  // a0+a1, b0+b1, a2+a3, b2+b3 and the same of lanes 4–7
  const __m256d ab_lo = _mm256_hadd_pd(a.lo, b.lo), ab_hi = _mm256_hadd_pd(a.hi, b.hi);
  const __m256d cd_lo = _mm256_hadd_pd(c.lo, d.lo), cd_hi = _mm256_hadd_pd(c.hi, d.hi);
  // a0123, b0123, c0123, d0123 and a4567, b4567, c4567, d4567
  const __m256d q_lo = _mm256_add_pd(_mm256_permute2f128_pd(ab_lo, cd_lo, 0x20),
                                     _mm256_permute2f128_pd(ab_lo, cd_lo, 0x31));
  const __m256d q_hi = _mm256_add_pd(_mm256_permute2f128_pd(ab_hi, cd_hi, 0x20),
                                     _mm256_permute2f128_pd(ab_hi, cd_hi, 0x31));
  _mm256_storeu_pd(out, _mm256_add_pd(q_lo, q_hi));
}

// Rows of the residuals go four at a time, one register (residuals.hpp): a packet of eight rows in
// two registers would not leave enough of the sixteen for exp and log1p.
constexpr unsigned kPacketBytes = 32;

}  // namespace

#include "lanes_register.hpp"

namespace {

LANES_INLINE P pload_first(const double* p, int m) { return {_mm256_maskload_pd(p, mask_lo(m))}; }
LANES_INLINE void pstore_first(double* p, P a, int m) { _mm256_maskstore_pd(p, mask_lo(m), a.v); }
LANES_INLINE P madd(P a, P b, P c) { return {_mm256_fmadd_pd(a.v, b.v, c.v)}; }
// Rows c … c+3 are lanes 0–3 or 4–7 (lane = c mod 8).
LANES_INLINE void add_packet(V& sums, P a, int lane) {
  if (lane == 0) {
    sums.lo = _mm256_add_pd(sums.lo, a.v);
  } else {
    sums.hi = _mm256_add_pd(sums.hi, a.v);
  }
}

}  // namespace

#include "lanes_common.hpp"

namespace {

using SparseLanes = SparseLanesArray;

}  // namespace
