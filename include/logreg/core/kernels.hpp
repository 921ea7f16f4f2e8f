// Summation-order contract shared by the dense and CSR kernels, so that the same rows stored
// either way give bitwise-identical sums (a stored zero adds exactly +0):
//  * x·w accumulates xⱼwⱼ into lane j mod 8, in increasing j, and combines the lanes by the
//    fixed tree ((l0+l1)+(l2+l3))+((l4+l5)+(l6+l7));
//  * Xᵀr adds rᵢxᵢ into g row after row, in increasing i;
//  * squared products are rᵢ·(xᵢⱼ·xᵢⱼ);
//  * every accumulation step is madd() below: one fused multiply-add where the hardware has it.
// Dense kernels hold the eight lanes in one vector (GCC/Clang vector extension, compiled to
// whatever SIMD width the target has) and work on several rows at a time: the dot products share
// each load of w, and Xᵀr loads and stores each chunk of g once per group while adding the rows
// in order, so the contract holds element by element. The build uses -ffp-contract=off, so
// the compiler never fuses (or declines to fuse) on its own.
#pragma once

#include <algorithm>
#include <cstdint>
#include <type_traits>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "logreg/core/types.hpp"

namespace logreg {

constexpr int kLanes = 8;

using Lanes = double __attribute__((vector_size(64)));
using LanesUnaligned = double __attribute__((vector_size(64), aligned(8), may_alias));
using FloatLanesUnaligned = float __attribute__((vector_size(32), aligned(4), may_alias));

// Lanes xⱼ … xⱼ₊₇ widened to double.
template <typename T>
inline Lanes load_lanes(const T* p) {
  if constexpr (std::is_same_v<T, double>) {
    return *reinterpret_cast<const LanesUnaligned*>(p);
  } else {
#if defined(__AVX512F__)
    // One widening conversion; GCC splits the generic __builtin_convertvector into halves.
    return reinterpret_cast<Lanes>(_mm512_cvtps_pd(_mm256_loadu_ps(p)));
#else
    return __builtin_convertvector(*reinterpret_cast<const FloatLanesUnaligned*>(p), Lanes);
#endif
  }
}

// The first m < 8 entries, zeros after (a masked load where the target has one: building the
// vector in memory would stall on store-to-load forwarding).
template <typename T>
inline Lanes load_lanes_partial(const T* p, Index m) {
#if defined(__AVX512F__) && defined(__AVX512VL__)
  const auto mask = static_cast<__mmask8>((1u << m) - 1);
  if constexpr (std::is_same_v<T, double>) {
    return reinterpret_cast<Lanes>(_mm512_maskz_loadu_pd(mask, p));
  } else {
    return reinterpret_cast<Lanes>(_mm512_cvtps_pd(_mm256_maskz_loadu_ps(mask, p)));
  }
#else
  Lanes v = {0, 0, 0, 0, 0, 0, 0, 0};
  for (Index k = 0; k < m; ++k) v[k] = static_cast<double>(p[k]);
  return v;
#endif
}

inline Lanes broadcast(double v) { return Lanes{v, v, v, v, v, v, v, v}; }

// a·b + c. With hardware fused multiply-add (every AVX-512 and AVX2 processor) this is rounded
// once, otherwise the product and the sum are rounded separately (the build passes
// -ffp-contract=off, so the compiler never chooses for us). Dense and CSR kernels both go through
// these two functions, so they agree bitwise within a build.
inline double madd(double a, double b, double c) {
#if defined(__FMA__)
  return __builtin_fma(a, b, c);
#else
  return a * b + c;
#endif
}

inline Lanes madd(Lanes a, Lanes b, Lanes c) {
#if defined(__AVX512F__)
  return reinterpret_cast<Lanes>(_mm512_fmadd_pd(reinterpret_cast<__m512d>(a),
                                                 reinterpret_cast<__m512d>(b),
                                                 reinterpret_cast<__m512d>(c)));
#elif defined(__FMA__)
  Lanes r;
  for (int k = 0; k < 8; ++k) r[k] = __builtin_fma(a[k], b[k], c[k]);
  return r;
#else
  return a * b + c;
#endif
}

inline void store_lanes(double* p, Lanes v) { *reinterpret_cast<LanesUnaligned*>(p) = v; }

inline double combine_lanes(Lanes l) {
  return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

// out[0..3] = combine_lanes(a), combine_lanes(b), combine_lanes(c), combine_lanes(d), the same
// tree evaluated for four rows at once with shuffles instead of one lane at a time.
inline void combine_lanes4(Lanes a, Lanes b, Lanes c, Lanes d, double* out) {
  using Quad = double __attribute__((vector_size(32), aligned(8), may_alias));
  const Lanes ab = __builtin_shufflevector(a, b, 0, 8, 2, 10, 4, 12, 6, 14) +
                   __builtin_shufflevector(a, b, 1, 9, 3, 11, 5, 13, 7, 15);  // lane pairs
  const Lanes cd = __builtin_shufflevector(c, d, 0, 8, 2, 10, 4, 12, 6, 14) +
                   __builtin_shufflevector(c, d, 1, 9, 3, 11, 5, 13, 7, 15);
  const Lanes q = __builtin_shufflevector(ab, cd, 0, 1, 8, 9, 4, 5, 12, 13) +
                  __builtin_shufflevector(ab, cd, 2, 3, 10, 11, 6, 7, 14, 15);  // quads
  *reinterpret_cast<Quad*>(out) =
      __builtin_shufflevector(q, q, 0, 1, 2, 3) + __builtin_shufflevector(q, q, 4, 5, 6, 7);
}

// acc[r] = the eight lane sums of x·w for the R dense rows starting at x (any alignment).
template <int R, typename T>
inline void lane_sums(const T* x, Index d, const double* w, Lanes (&acc)[R]) {
  for (int r = 0; r < R; ++r) acc[r] = Lanes{0, 0, 0, 0, 0, 0, 0, 0};
  Index j = 0;
  for (; j + kLanes <= d; j += kLanes) {
    const Lanes wv = load_lanes(w + j);
    for (int r = 0; r < R; ++r) acc[r] = madd(load_lanes(x + r * d + j), wv, acc[r]);
  }
  if (j < d) {
    // Zero-padded lanes add +0·0 = +0, which leaves every lane unchanged.
    const Lanes wv = load_lanes_partial(w + j, d - j);
    for (int r = 0; r < R; ++r) acc[r] = madd(load_lanes_partial(x + r * d + j, d - j), wv, acc[r]);
  }
}

// out[r] = Σⱼ x[r·d + j]·w[j] for the R dense rows starting at x.
template <int R, typename T>
inline void lane_dot_rows(const T* x, Index d, const double* w, double* out) {
  Lanes acc[R];
  lane_sums(x, d, w, acc);
  if constexpr (R % 4 == 0) {
    for (int r = 0; r < R; r += 4) combine_lanes4(acc[r], acc[r + 1], acc[r + 2], acc[r + 3], out + r);
  } else {
    for (int r = 0; r < R; ++r) out[r] = combine_lanes(acc[r]);
  }
}

// The eight lane sums of x·w for one dense row (combine_lanes of the result is x·w), reading x
// only in whole aligned chunks of 8 elements: a row that starts o elements into its chunk is
// summed in lanes rotated by o, and the lanes are rotated back at the end, so every lane adds
// the same products in the same order as lane_dot_rows<1>. A row read this way never loads
// across a cache line, and rows read one after another form a single sequential stream that the
// hardware prefetcher follows (the eight-row kernel reads eight interleaved streams from memory,
// at about half the bandwidth). Masked-out elements are never read.
template <typename T>
inline Lanes row_lanes(const T* x, Index d, const double* w) {
#if defined(__AVX512F__) && defined(__AVX512VL__)
  constexpr uintptr_t chunk = kLanes * sizeof(T);
  const auto o = static_cast<unsigned>((reinterpret_cast<uintptr_t>(x) & (chunk - 1)) / sizeof(T));
  // Integer arithmetic: the rotated chunk starts before x and w.
  const T* xa = reinterpret_cast<const T*>(reinterpret_cast<uintptr_t>(x) & ~(chunk - 1));
  const double* wa = reinterpret_cast<const double*>(reinterpret_cast<uintptr_t>(w) - o * sizeof(double));
  const Index end = d + o;  // positions [o, end) of the rotated row hold x[0 … d)
  auto load = [](__mmask8 m, const T* p) {
    if constexpr (std::is_same_v<T, double>) {
      return _mm512_maskz_load_pd(m, p);
    } else {
      return _mm512_cvtps_pd(_mm256_maskz_load_ps(m, p));
    }
  };
  __mmask8 m = static_cast<__mmask8>(0xFFu << o);
  if (end < kLanes) m &= static_cast<__mmask8>((1u << end) - 1);
  // Zeroed lanes add +0·0 = +0, which leaves every lane unchanged.
  __m512d acc = _mm512_fmadd_pd(load(m, xa), _mm512_maskz_loadu_pd(m, wa), _mm512_setzero_pd());
  Index k = kLanes;
#pragma GCC unroll 2
  for (; k + kLanes <= end; k += kLanes) {
    acc = _mm512_fmadd_pd(load(0xFF, xa + k), _mm512_loadu_pd(wa + k), acc);
  }
  if (k < end) {
    const auto t = static_cast<__mmask8>((1u << (end - k)) - 1);
    acc = _mm512_fmadd_pd(load(t, xa + k), _mm512_maskz_loadu_pd(t, wa + k), acc);
  }
  const __m512i back = _mm512_and_si512(
      _mm512_add_epi64(_mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0), _mm512_set1_epi64(o)),
      _mm512_set1_epi64(kLanes - 1));
  // (The zero-masked form: GCC 12 warns about the plain one's undefined pass-through operand.)
  return reinterpret_cast<Lanes>(_mm512_maskz_permutexvar_pd(0xFF, back, acc));
#else
  Lanes acc[1];
  lane_sums(x, d, w, acc);
  return acc[0];
#endif
}

// out[r] = Σⱼ x[r·d + j]·w[j] for n dense rows starting at x, one row after another (row_lanes),
// the lane sums of four rows combined at once.
template <typename T>
inline void dot_rows_sequential(const T* x, Index d, Index n, const double* w, double* out) {
  Index i = 0;
  for (; i + 4 <= n; i += 4) {
    const Lanes a = row_lanes(x + i * d, d, w), b = row_lanes(x + (i + 1) * d, d, w);
    const Lanes c = row_lanes(x + (i + 2) * d, d, w), e = row_lanes(x + (i + 3) * d, d, w);
    combine_lanes4(a, b, c, e, out + i);
  }
  for (; i < n; ++i) out[i] = combine_lanes(row_lanes(x + i * d, d, w));
}

// g[j] += c[r]·f(x[r·d + j]) for r = 0 … R−1 in that order, for the R dense rows starting at x,
// with f(v) = v, or v·v when Squared. Two chunks of g at a time: each chunk is a chain of R
// dependent multiply-adds, and two chains keep both FMA pipes busy.
template <int R, bool Squared, typename T>
inline void add_rows(const T* __restrict x, Index d, const double* __restrict c,
                     double* __restrict g) {
  Lanes cb[R];
  for (int r = 0; r < R; ++r) cb[r] = broadcast(c[r]);
  auto f = [](Lanes v) {
    if constexpr (Squared) v = v * v;
    return v;
  };
  Index j = 0;
  for (; j + 2 * kLanes <= d; j += 2 * kLanes) {
    Lanes g0 = load_lanes(g + j), g1 = load_lanes(g + j + kLanes);
    for (int r = 0; r < R; ++r) {
      g0 = madd(cb[r], f(load_lanes(x + r * d + j)), g0);
      g1 = madd(cb[r], f(load_lanes(x + r * d + j + kLanes)), g1);
    }
    store_lanes(g + j, g0);
    store_lanes(g + j + kLanes, g1);
  }
  for (; j + kLanes <= d; j += kLanes) {
    Lanes gv = load_lanes(g + j);
    for (int r = 0; r < R; ++r) gv = madd(cb[r], f(load_lanes(x + r * d + j)), gv);
    store_lanes(g + j, gv);
  }
  for (; j < d; ++j) {
    for (int r = 0; r < R; ++r) {
      double v = static_cast<double>(x[r * d + j]);
      if constexpr (Squared) v = v * v;
      g[j] = madd(c[r], v, g[j]);
    }
  }
}

#if defined(__AVX512F__)
// One step of a sparse row's lane sums: v·w[j] added to lane j mod 8 by a fused multiply-add
// masked to that lane (the others keep their value).
template <typename T, typename I>
inline __m512d sparse_step(__m512d acc, T v, I j, const double* w) {
  const auto mask = static_cast<__mmask8>(1u << (j & (kLanes - 1)));
  return _mm512_mask3_fmadd_pd(_mm512_set1_pd(static_cast<double>(v)), _mm512_set1_pd(w[j]), acc,
                               mask);
}

// out[r] = Σₖ v[k]·w[idx[k]] over the four sparse rows r = 0 … 3 whose entries are
// [ptr[r], ptr[r+1]). Each row is one chain of dependent multiply-adds; the four chains advance
// together, so four are in flight where one row alone waits for each step's latency.
template <typename T, typename I>
inline void lane_dot_sparse4(const T* v, const I* idx, const int64_t* ptr, const double* w,
                             double* out) {
  __m512d acc[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(),
                    _mm512_setzero_pd()};
  int64_t m = ptr[1] - ptr[0];  // steps all four rows have
  for (int r = 1; r < 4; ++r) m = std::min(m, ptr[r + 1] - ptr[r]);
  const T *v0 = v + ptr[0], *v1 = v + ptr[1], *v2 = v + ptr[2], *v3 = v + ptr[3];
  const I *i0 = idx + ptr[0], *i1 = idx + ptr[1], *i2 = idx + ptr[2], *i3 = idx + ptr[3];
  for (int64_t k = 0; k < m; ++k) {
    acc[0] = sparse_step(acc[0], v0[k], i0[k], w);
    acc[1] = sparse_step(acc[1], v1[k], i1[k], w);
    acc[2] = sparse_step(acc[2], v2[k], i2[k], w);
    acc[3] = sparse_step(acc[3], v3[k], i3[k], w);
  }
  for (int r = 0; r < 4; ++r) {
    for (int64_t k = ptr[r] + m; k < ptr[r + 1]; ++k) acc[r] = sparse_step(acc[r], v[k], idx[k], w);
  }
  combine_lanes4(reinterpret_cast<Lanes>(acc[0]), reinterpret_cast<Lanes>(acc[1]),
                 reinterpret_cast<Lanes>(acc[2]), reinterpret_cast<Lanes>(acc[3]), out);
}
#endif

// Σₖ v[k]·w[idx[k]] over a sparse row whose column ids increase.
template <typename T, typename I>
inline double lane_dot_sparse(const T* v, const I* idx, int64_t nnz, const double* w) {
#if defined(__AVX512F__)
  // Lanes in a register, each step a fused multiply-add masked to lane idx mod 8 (the others
  // keep their value): no store-to-load round trip through an array indexed by the lane.
  __m512d acc = _mm512_setzero_pd();
  for (int64_t k = 0; k < nnz; ++k) acc = sparse_step(acc, v[k], idx[k], w);
  return combine_lanes(reinterpret_cast<Lanes>(acc));
#else
  Lanes l = {0, 0, 0, 0, 0, 0, 0, 0};
  for (int64_t k = 0; k < nnz; ++k) {
    const auto lane = idx[k] & (kLanes - 1);
    l[lane] = madd(static_cast<double>(v[k]), w[idx[k]], l[lane]);
  }
  return combine_lanes(l);
#endif
}

}  // namespace logreg
