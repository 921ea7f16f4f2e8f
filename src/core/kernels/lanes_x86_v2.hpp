// The eight summation lanes as four SSE registers, lanes 0–1, 2–3, 4–5, 6–7 (x86-64-v2: up to
// SSE4.2, no FMA: a multiply-add is a rounded product, then a rounded sum). Included only by
// set_x86_v2.cpp, which is compiled with -march=x86-64-v2.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#define LOGREG_KERNEL_SET_NAME "x86-64-v2"
#define LOGREG_KERNEL_SET_INSTRUCTIONS "SSE4.2, no FMA"
#define LOGREG_KERNEL_SET_FMA false

namespace {

#define LANES_INLINE [[gnu::always_inline]] inline

struct V {
  __m128d p[4];
};

// Applies f to the four pairs of a, b (and c).
template <typename F>
LANES_INLINE V each(F f, V a, V b) {
  return {{f(a.p[0], b.p[0]), f(a.p[1], b.p[1]), f(a.p[2], b.p[2]), f(a.p[3], b.p[3])}};
}

LANES_INLINE V zero() { return {{_mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd(), _mm_setzero_pd()}}; }
LANES_INLINE V set1(double a) {
  const __m128d v = _mm_set1_pd(a);
  return {{v, v, v, v}};
}
LANES_INLINE __m128d load2(const double* p) { return _mm_loadu_pd(p); }
LANES_INLINE __m128d load2(const float* p) {
  return _mm_cvtps_pd(_mm_castsi128_ps(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p))));
}
LANES_INLINE __m128d load1(const double* p) { return _mm_load_sd(p); }
LANES_INLINE __m128d load1(const float* p) { return _mm_cvtps_pd(_mm_load_ss(p)); }
template <typename T>
LANES_INLINE V load(const T* p) {
  return {{load2(p), load2(p + 2), load2(p + 4), load2(p + 6)}};
}
// The first m (0 < m < 8) entries, zeros after; the others are never read.
template <typename T>
LANES_INLINE V load_first(const T* p, int m) {
  V v = zero();
  for (int k = 0; k < 4; ++k) {
    if (2 * k + 2 <= m) {
      v.p[k] = load2(p + 2 * k);
    } else if (2 * k + 1 == m) {
      v.p[k] = load1(p + 2 * k);
    }
  }
  return v;
}
LANES_INLINE void store(double* p, V a) {
  for (int k = 0; k < 4; ++k) _mm_storeu_pd(p + 2 * k, a.p[k]);
}
LANES_INLINE void store_first(double* p, V a, int m) {
  for (int k = 0; k < 4; ++k) {
    if (2 * k + 2 <= m) {
      _mm_storeu_pd(p + 2 * k, a.p[k]);
    } else if (2 * k + 1 == m) {
      _mm_store_sd(p + 2 * k, a.p[k]);
    }
  }
}

LANES_INLINE V add(V a, V b) { return each([](__m128d x, __m128d y) { return _mm_add_pd(x, y); }, a, b); }
LANES_INLINE V sub(V a, V b) { return each([](__m128d x, __m128d y) { return _mm_sub_pd(x, y); }, a, b); }
LANES_INLINE V mul(V a, V b) { return each([](__m128d x, __m128d y) { return _mm_mul_pd(x, y); }, a, b); }
LANES_INLINE V madd(V a, V b, V c) { return add(mul(a, b), c); }
LANES_INLINE double madd1(double a, double b, double c) { return a * b + c; }

LANES_INLINE double combine(V a) {
  const __m128d quads = _mm_hadd_pd(_mm_hadd_pd(a.p[0], a.p[1]), _mm_hadd_pd(a.p[2], a.p[3]));
  return _mm_cvtsd_f64(_mm_add_sd(quads, _mm_unpackhi_pd(quads, quads)));
}

LANES_INLINE void combine4(V a, V b, V c, V d, double* out) {
  out[0] = combine(a), out[1] = combine(b), out[2] = combine(c), out[3] = combine(d);
}

// Rows of the residuals go two at a time, one register (residuals.hpp): a packet of eight rows in
// four registers would not leave enough of the sixteen for exp and log1p.
constexpr unsigned kPacketBytes = 16;

}  // namespace

#include "lanes_register.hpp"

namespace {

LANES_INLINE P pload_first(const double* p, int) { return {_mm_load_sd(p)}; }  // m = 1
LANES_INLINE void pstore_first(double* p, P a, int) { _mm_store_sd(p, a.v); }
LANES_INLINE P madd(P a, P b, P c) { return add(mul(a, b), c); }
// Rows c, c+1 are lanes c mod 8 and the next.
LANES_INLINE void add_packet(V& sums, P a, int lane) {
  __m128d& pair = sums.p[lane / 2];
  pair = _mm_add_pd(pair, a.v);
}

}  // namespace

#include "lanes_common.hpp"

namespace {

using SparseLanes = SparseLanesArray;

}  // namespace
