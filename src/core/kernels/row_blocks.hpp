// Row-block primitives over either storage: the block size of a pass, X w and Xᵀr (or (X∘X)ᵀr)
// for a block of dense or CSR rows, in the lane order of docs/kernels.md ("The summation
// contract"). Included by passes.hpp, after a lanes header.
#pragma once

#include "pass_common.hpp"

namespace {

// Dense rows.

// The first m ≤ 8 entries of p as lanes (zeros after).
LANES_INLINE V load_lanes(const double* p, Index m) {
  return m == 8 ? load(p) : load_first(p, static_cast<int>(m));
}
LANES_INLINE void store_lanes(double* p, V v, Index m) {
  if (m == 8) {
    store(p, v);
  } else {
    store_first(p, v, static_cast<int>(m));
  }
}

constexpr Index kMaxBlockRows = 1024;  // row scratch of a pass lives on the stack
constexpr int G = 8;  // rows per Xᵀr step: each chunk of g is loaded once per G rows

// Rows per block. A pass computes a block's margins, residuals and Xᵀr before moving on, so a
// block must still be in L1 for its transposed use, and short enough that X keeps streaming from
// memory: the hardware prefetcher follows the forward reads, and a long stretch of in-cache work
// between them leaves memory idle. About 4 KiB, at least G rows, a multiple of G.
template <typename T>
Index block_rows(const DenseView<T>& x) {
  const Index row_bytes = max_index(1, x.cols * static_cast<Index>(sizeof(T)));
  return max_index(G, 4096 / row_bytes / G * G);
}

template <typename T>
Index block_rows(const CsrView<T>&) {
  return kMaxBlockRows;
}
// out = X[i0, i0+n) w + b
template <typename T>
void multiply(const DenseView<T>& X, Index i0, Index n, const double* w, double b, double* out) {
  const Index d = X.cols;
  const T* x = X.x + i0 * d;
  Index i = 0;
  if (d * static_cast<Index>(sizeof(T)) <= 4096) {
    // Four rows side by side: each row's lanes are chains of dependent multiply-adds, four
    // chains hide their latency, and each load of w serves four rows.
    for (; i + 4 <= n; i += 4) {
      V acc[4];
      lane_sums<4>(x + i * d, d, w, acc);
      combine4(acc[0], acc[1], acc[2], acc[3], out + i);
    }
    for (; i < n; ++i) {
      V acc[1];
      lane_sums<1>(x + i * d, d, w, acc);
      out[i] = combine(acc[0]);
    }
  } else {
    // A wide row's dot product is one long dependent chain; G rows side by side hide its latency.
    for (; i + G <= n; i += G) {
      V acc[G];
      lane_sums<G>(x + i * d, d, w, acc);
      for (int r = 0; r < G; r += 4) {
        combine4(acc[r], acc[r + 1], acc[r + 2], acc[r + 3], out + i + r);
      }
    }
    for (; i < n; ++i) {
      V acc[1];
      lane_sums<1>(x + i * d, d, w, acc);
      out[i] = combine(acc[0]);
    }
  }
  for (i = 0; i < n; ++i) out[i] += b;
}

// g[j] += c[r]·f(x[r·d + j]) for r = 0 … R−1 in that order, for the R dense rows starting at x,
// with f(v) = v, or v·v when Squared. Two chunks of g at a time keep two chains in flight.
template <int R, bool Squared, typename T>
LANES_INLINE void add_rows(const T* __restrict x, Index d, const double* __restrict c,
                           double* __restrict g) {
  V cb[R];
  for (int r = 0; r < R; ++r) cb[r] = set1(c[r]);
  auto f = [](V v) {
    if constexpr (Squared) v = mul(v, v);
    return v;
  };
  Index j = 0;
  for (; j + 16 <= d; j += 16) {
    V g0 = load(g + j), g1 = load(g + j + 8);
    for (int r = 0; r < R; ++r) {
      g0 = madd(cb[r], f(load(x + r * d + j)), g0);
      g1 = madd(cb[r], f(load(x + r * d + j + 8)), g1);
    }
    store(g + j, g0);
    store(g + j + 8, g1);
  }
  for (; j + 8 <= d; j += 8) {
    V gv = load(g + j);
    for (int r = 0; r < R; ++r) gv = madd(cb[r], f(load(x + r * d + j)), gv);
    store(g + j, gv);
  }
  if (j < d) {
    const int m = static_cast<int>(d - j);
    V gv = load_first(g + j, m);
    for (int r = 0; r < R; ++r) gv = madd(cb[r], f(load_first(x + r * d + j, m)), gv);
    store_first(g + j, gv, m);
  }
}

// g += X[i0, i0+n)ᵀ r (or (X∘X)ᵀ r), row after row.
template <bool Squared, typename T>
void transpose_add(const DenseView<T>& X, Index i0, Index n, const double* r, double* g) {
  const Index d = X.cols;
  const T* x = X.x + i0 * d;
  Index i = 0;
  for (; i + G <= n; i += G) add_rows<G, Squared>(x + i * d, d, r + i, g);
  for (; i < n; ++i) add_rows<1, Squared>(x + i * d, d, r + i, g);
}

// ---------------------------------------------------------------------------------------------
// CSR rows.

// out[0..3] = the dot products with w of the four rows whose entries are [ptr[r], ptr[r+1]).
// Each row is one chain of lane updates; the four chains advance together.
template <typename T>
LANES_INLINE void sparse_dot4(const T* v, const int32_t* idx, const int64_t* ptr, const double* w,
                              double* out) {
  SparseLanes acc[4];
  int64_t m = ptr[1] - ptr[0];  // steps all four rows have
  for (int r = 1; r < 4; ++r) {
    const int64_t len = ptr[r + 1] - ptr[r];
    m = len < m ? len : m;
  }
  const T *v0 = v + ptr[0], *v1 = v + ptr[1], *v2 = v + ptr[2], *v3 = v + ptr[3];
  const int32_t *i0 = idx + ptr[0], *i1 = idx + ptr[1], *i2 = idx + ptr[2], *i3 = idx + ptr[3];
  for (int64_t k = 0; k < m; ++k) {
    acc[0].step(v0[k], i0[k], w);
    acc[1].step(v1[k], i1[k], w);
    acc[2].step(v2[k], i2[k], w);
    acc[3].step(v3[k], i3[k], w);
  }
  for (int r = 0; r < 4; ++r) {
    for (int64_t k = ptr[r] + m; k < ptr[r + 1]; ++k) acc[r].step(v[k], idx[k], w);
  }
  combine4(acc, out);
}

template <typename T>
void multiply(const CsrView<T>& X, Index i0, Index n, const double* w, double b, double* out) {
  const int64_t* ptr = X.indptr + i0;
  Index i = 0;
  for (; i + 4 <= n; i += 4) {
    sparse_dot4(X.values, X.indices, ptr + i, w, out + i);
    for (int r = 0; r < 4; ++r) out[i + r] += b;
  }
  for (; i < n; ++i) {
    SparseLanes acc;
    for (int64_t k = ptr[i]; k < ptr[i + 1]; ++k) acc.step(X.values[k], X.indices[k], w);
    out[i] = combine(acc) + b;
  }
}

template <bool Squared, typename T>
void transpose_add(const CsrView<T>& X, Index i0, Index n, const double* r, double* g) {
  const int64_t* ptr = X.indptr + i0;
  for (Index i = 0; i < n; ++i) {
    const double ri = r[i];
    for (int64_t k = ptr[i]; k < ptr[i + 1]; ++k) {
      double v = static_cast<double>(X.values[k]);
      if constexpr (Squared) v = v * v;
      double& gj = g[X.indices[k]];
      gj = madd1(ri, v, gj);
    }
  }
}

}  // namespace
