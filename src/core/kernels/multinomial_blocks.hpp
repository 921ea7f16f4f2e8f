// Row-block primitives of the multinomial passes (multinomial_passes.hpp), dense and CSR: the K
// margins of each row of a block, Z = X Wᵀ + b, and G += Cᵀ X (or Cᵀ (X∘X)) for per-row, per-class
// coefficients C, in the order of kernels.hpp ("The multinomial pass"). A block's values are held
// class-major in the scratch: class k of row i at k·mb + i, mb the block's stride.
// Dense rows keep x·wₖ in the eight feature lanes of the binary passes, several classes and four
// rows side by side; CSR rows keep the same lanes as eight rows of K values (one per lane) in the
// scratch, and read W and write G transposed, so a non-zero's K weights are side by side.
// Included by multinomial_passes.hpp, after passes.hpp.
#pragma once

#include "pass_common.hpp"

namespace {

// Classes per step of the dense passes: four where the lanes are one of AVX-512's 32 registers
// (the margins of four classes of four rows in sixteen accumulators, each x and w chunk loaded
// once for four multiply-adds; G for four classes, each x chunk loaded once for four), one where
// they take two or more of 16 registers (more would spill).
#if defined(__AVX512F__)
constexpr int kClassStep = 4;
#else
constexpr int kClassStep = 1;
#endif

// step.template operator()<C>(k) for tiles [k, k + C) covering the K classes: kClassStep classes
// while they last, then two, then one at a time.
template <typename Step>
LANES_INLINE void for_class_tiles(Index K, Step&& step) {
  Index k = 0;
  if constexpr (kClassStep == 4) {
    // Five classes (five cross-validation folds) in one tile of five, not four and one: the
    // lone class's tile would read every row again for a single multiply-add per load.
    if (K % 4 == 1 && K >= 5) {
      for (; k + 5 < K; k += 4) step.template operator()<4>(k);
      step.template operator()<5>(k);
      return;
    }
  }
  for (; k + kClassStep <= K; k += kClassStep) step.template operator()<kClassStep>(k);
  if constexpr (kClassStep > 2) {
    if (k + 2 <= K) step.template operator()<2>(k), k += 2;
  }
  for (; k < K; ++k) step.template operator()<1>(k);
}

LANES_INLINE Index round_up8(Index k) { return (k + 7) / 8 * 8; }

// The scratch of a pass (kernels.hpp, MultinomialArgs::work), cut into its parts.
struct MnWork {
  Index K = 0, K8 = 0, mb = 0;  // classes, classes rounded up to 8, the block's stride
  double* z = nullptr;          // K × mb: margins, Hessian products or probabilities
  double* r = nullptr;          // K × mb: residuals or curvatures
  double* lanes = nullptr;      // 8 per class: the per-class row sums, then 8 for the loss
  double* acc = nullptr;        // CSR: 8 × K8, a row's margins in the eight lanes
  double* row = nullptr;        // CSR: K8, a row's coefficients (zero beyond K)
  double* wt = nullptr;         // CSR: d × K8, W transposed (or a second G)
  double* gt = nullptr;         // CSR: d × K8, G transposed
  double* losses = nullptr;     // fold passes only: 8 per model, the models' loss sums
  // `transposed`: the rows of W and G held transposed (d for CSR, 0 for dense storage).
  MnWork(double* work, Index classes, Index transposed, Index stride)
      : K(classes), K8(round_up8(classes)), mb(stride) {
    z = work;
    r = z + K * logreg::kMultinomialBlockRows;
    lanes = r + K * logreg::kMultinomialBlockRows;
    acc = lanes + 8 * (K + 1);
    row = acc + 8 * K8;
    wt = row + K8;
    gt = wt + transposed * K8;
    losses = gt + transposed * K8;  // past the multinomial scratch (kernels.hpp)
  }
};

// v, held in a register when `Shared` (used by several multiply-adds): loaded once, not folded
// into each multiply-add as a memory operand (rows of 800 bytes straddle cache lines, so such a
// load counts twice). Measured with AVX-512: G for K = 8 in 24 instead of 35 ns per row in cache.
template <bool Shared>
LANES_INLINE V in_register(V v) {
  if constexpr (Shared) {
#if defined(__AVX512F__)
    __asm__("" : "+v"(v.v));
#elif defined(__AVX2__)
    __asm__("" : "+x"(v.lo), "+x"(v.hi));
#endif
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Dense rows.

template <typename T>
Index mn_block_rows(const DenseView<T>& x, Index K) {
  const Index cap = max_index(8, min_index(logreg::kMultinomialBlockRows, 1024 / K / 8 * 8));
  return min_index(block_rows(x), cap);
}

// acc[c][r] = the lane sums of xᵣ·w_c for R rows and C classes (rows at x, stride d; classes at
// w, stride d), as lane_sums does for one class: each x chunk is loaded once for all classes.
template <int R, int C, typename T>
LANES_INLINE void class_lane_sums(const T* x, Index d, const double* w, V (&acc)[C][R]) {
  for (int c = 0; c < C; ++c)
    for (int r = 0; r < R; ++r) acc[c][r] = zero();
  Index j = 0;
  for (; j + 8 <= d; j += 8) {
    V xv[R];
    for (int r = 0; r < R; ++r) xv[r] = in_register<(C > 1)>(load(x + r * d + j));
    for (int c = 0; c < C; ++c) {
      const V wv = in_register<(R > 1)>(load(w + c * d + j));
      for (int r = 0; r < R; ++r) acc[c][r] = madd(xv[r], wv, acc[c][r]);
    }
  }
  if (j < d) {
    const int m = static_cast<int>(d - j);
    V xv[R];
    for (int r = 0; r < R; ++r) xv[r] = load_first(x + r * d + j, m);
    for (int c = 0; c < C; ++c) {
      const V wv = load_first(w + c * d + j, m);
      for (int r = 0; r < R; ++r) acc[c][r] = madd(xv[r], wv, acc[c][r]);
    }
  }
}

// Classes [k, k + C) of four rows at x into z (class-major, stride mb).
template <int C, typename T>
LANES_INLINE void margins4(const T* x, Index d, const double* w, double* z, Index mb) {
  V acc[C][4];
  class_lane_sums<4, C>(x, d, w, acc);
  for (int c = 0; c < C; ++c) combine4(acc[c][0], acc[c][1], acc[c][2], acc[c][3], z + c * mb);
}

// Asks for rows [i, i + n) while other rows are worked on: a multinomial block takes K times the
// binary pass's arithmetic, so its margins, spread over, ask for the next block's rows in time
// (measured: K = 8 at 37% of the probe instead of 20% without, 29% with the whole next block
// asked for at once). Not for wide rows (> 2 KiB): those stream on their own.
template <typename T>
LANES_INLINE void prefetch_rows(const DenseView<T>& X, Index i, Index n) {
  const Index row = X.cols * static_cast<Index>(sizeof(T));
  if (row > 2048) return;
  const Index from = i * row, to = min_index(from + n * row, X.rows * row);
  const char* p = reinterpret_cast<const char*>(X.x);
  for (Index k = from; k < to; k += 64) __builtin_prefetch(p + k, 0, 3);
}

// Z = X[i0, i0+m) Wᵀ + b from θ (W row-major, then b).
template <typename T>
void mn_margins(const DenseView<T>& X, Index i0, Index m, const double* theta, MnWork& w) {
  const Index d = X.cols, K = w.K;
  const T* x = X.x + i0 * d;
  Index i = 0;
  for (; i + 4 <= m; i += 4) {
    prefetch_rows(X, i0 + m + i, 4);
    for_class_tiles(
        K, [&]<int C>(Index k) __attribute__((always_inline)) {
          margins4<C>(x + i * d, d, theta + k * d, w.z + k * w.mb + i, w.mb);
        });
  }
  for (; i < m; ++i) {
    for (Index k = 0; k < K; ++k) {
      V acc[1][1];
      class_lane_sums<1, 1>(x + i * d, d, theta + k * d, acc);
      w.z[k * w.mb + i] = combine(acc[0][0]);
    }
  }
  for (Index k = 0; k < K; ++k) {
    const double b = theta[K * d + k];
    for (i = 0; i < m; ++i) w.z[k * w.mb + i] += b;
  }
}

// g_c[j] += Σᵣ c[c·mb + r]·f(xᵣ[j]) over R rows in increasing r, for C classes (g_c at g + c·d),
// f(v) = v or v·v: add_rows for several classes, each x chunk loaded once for all of them.
template <int R, int C, bool Squared, typename T>
LANES_INLINE void add_rows_classes(const T* __restrict x, Index d, const double* __restrict c,
                                   Index mb, double* __restrict g) {
  V cb[C][R];
  for (int k = 0; k < C; ++k)
    for (int r = 0; r < R; ++r) cb[k][r] = set1(c[k * mb + r]);
  auto f = [](V v) {
    if constexpr (Squared) v = mul(v, v);
    return v;
  };
  // Two chunks at a time: 2·C independent chains of R multiply-adds (four chunks measured no
  // faster in cache, and slower from memory).
  constexpr int W = 2;
  Index j = 0;
  for (; j + 8 * W <= d; j += 8 * W) {
    V gv[C][W];
    for (int k = 0; k < C; ++k)
      for (int c = 0; c < W; ++c) gv[k][c] = load(g + k * d + j + 8 * c);
    for (int r = 0; r < R; ++r) {
      for (int c = 0; c < W; ++c) {
        const V xv = in_register<(C > 1)>(f(load(x + r * d + j + 8 * c)));
        for (int k = 0; k < C; ++k) gv[k][c] = madd(cb[k][r], xv, gv[k][c]);
      }
    }
    for (int k = 0; k < C; ++k)
      for (int c = 0; c < W; ++c) store(g + k * d + j + 8 * c, gv[k][c]);
  }
  for (; j + 8 <= d; j += 8) {
    V gv[C];
    for (int k = 0; k < C; ++k) gv[k] = load(g + k * d + j);
    for (int r = 0; r < R; ++r) {
      const V xv = in_register<(C > 1)>(f(load(x + r * d + j)));
      for (int k = 0; k < C; ++k) gv[k] = madd(cb[k][r], xv, gv[k]);
    }
    for (int k = 0; k < C; ++k) store(g + k * d + j, gv[k]);
  }
  if (j < d) {
    const int m = static_cast<int>(d - j);
    V gv[C];
    for (int k = 0; k < C; ++k) gv[k] = load_first(g + k * d + j, m);
    for (int r = 0; r < R; ++r) {
      const V xv = f(load_first(x + r * d + j, m));
      for (int k = 0; k < C; ++k) gv[k] = madd(cb[k][r], xv, gv[k]);
    }
    for (int k = 0; k < C; ++k) store_first(g + k * d + j, gv[k], m);
  }
}

template <int C, bool Squared, typename T>
LANES_INLINE void add_block_classes(const T* x, Index d, Index m, const double* c, Index mb,
                                    double* g) {
  Index i = 0;
  for (; i + G <= m; i += G) add_rows_classes<G, C, Squared>(x + i * d, d, c + i, mb, g);
  for (; i < m; ++i) add_rows_classes<1, C, Squared>(x + i * d, d, c + i, mb, g);
}

// g (K × d, row-major) += Cᵀ X[i0, i0+m) (or Cᵀ (X∘X)), C class-major with stride mb.
template <bool Squared, typename T>
void mn_transpose_add(const DenseView<T>& X, Index i0, Index m, const double* c, const MnWork& w,
                      double* g) {
  const Index d = X.cols;
  const T* x = X.x + i0 * d;
  for_class_tiles(
      w.K, [&]<int C>(Index k) __attribute__((always_inline)) {
        add_block_classes<C, Squared>(x, d, m, c + k * w.mb, w.mb, g + k * d);
      });
}

// The next block's rows (for a pass without margins, whose blocks do not ask for them).
template <typename T>
LANES_INLINE void prefetch_next_block(const DenseView<T>& X, Index i0, Index m) {
  prefetch_rows(X, i0 + m, m);
}

// ---------------------------------------------------------------------------------------------
// CSR rows.

template <typename T>
LANES_INLINE void prefetch_next_block(const CsrView<T>&, Index, Index) {}

template <typename T>
Index mn_block_rows(const CsrView<T>&, Index K) {
  return max_index(8, min_index(logreg::kMultinomialBlockRows, 1024 / K / 8 * 8));
}

// Z = X[i0, i0+m) Wᵀ + b, W read transposed from w.wt (d × K8) and b from θ.
template <typename T>
void mn_margins(const CsrView<T>& X, Index i0, Index m, const double* theta, MnWork& w) {
  const Index K = w.K, K8 = w.K8;
  const double* b = theta + K * X.cols;
  alignas(64) double z[8];
  for (Index i = 0; i < m; ++i) {
    for (Index k = 0; k < 8 * K8; ++k) w.acc[k] = 0.0;
    for (int64_t e = X.indptr[i0 + i]; e < X.indptr[i0 + i + 1]; ++e) {
      const V v = set1(static_cast<double>(X.values[e]));
      const int32_t j = X.indices[e];
      double* a = w.acc + (j & 7) * K8;
      const double* wj = w.wt + j * K8;
      for (Index k = 0; k < K8; k += 8) store(a + k, madd(v, load(wj + k), load(a + k)));
    }
    for (Index k = 0; k < K8; k += 8) {
      auto lane = [&](int l) { return load(w.acc + l * K8 + k); };
      store(z, add(add(add(lane(0), lane(1)), add(lane(2), lane(3))),
                   add(add(lane(4), lane(5)), add(lane(6), lane(7)))));
      for (Index c = k; c < min_index(k + 8, K); ++c) w.z[c * w.mb + i] = z[c - k] + b[c];
    }
  }
}

// g (d × K8, transposed) += Cᵀ X[i0, i0+m) (or Cᵀ (X∘X)), C class-major with stride mb.
template <bool Squared, typename T>
void mn_transpose_add(const CsrView<T>& X, Index i0, Index m, const double* c, const MnWork& w,
                      double* g) {
  const Index K8 = w.K8;
  for (Index i = 0; i < m; ++i) {
    for (Index k = 0; k < w.K; ++k) w.row[k] = c[k * w.mb + i];
    for (int64_t e = X.indptr[i0 + i]; e < X.indptr[i0 + i + 1]; ++e) {
      double x = static_cast<double>(X.values[e]);
      if constexpr (Squared) x = x * x;
      const V v = set1(x);
      double* gj = g + X.indices[e] * K8;
      for (Index k = 0; k < K8; k += 8) store(gj + k, madd(v, load(w.row + k), load(gj + k)));
    }
  }
}

}  // namespace
