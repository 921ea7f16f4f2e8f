// The binary passes over a shard, written once over the eight-lane type V of the lanes header
// included before this one: the fused loss/gradient pass, margins, Xᵀr, (X∘X)ᵀr and H·v, from the
// residuals (residuals.hpp) and the row blocks (row_blocks.hpp), and their table. Each set_*.cpp
// includes one lanes header and set_table.hpp, which includes this file; everything here has
// internal linkage (docs/kernels.md, "How the dispatch is built"). The residuals come before the
// row blocks as they did in one file: in the other order GCC 12 allocates x86-64-v2's registers
// differently.
#pragma once

#include <cstddef>

#include "pass_common.hpp"
#include "residuals.hpp"
#include "row_blocks.hpp"

namespace {

// Whole passes, for either storage.

LANES_INLINE void set_zero(double* p, Index n) {
  for (Index i = 0; i < n; ++i) p[i] = 0.0;
}

constexpr Index kPrefetchAhead = 4096;  // measured best of 2, 4 and 8 KiB (float32, AVX2)

// Asks for rows ahead of this block while its residuals and Xᵀr are computed from L1, so memory
// does not idle meanwhile: the bytes of one block, starting kPrefetchAhead bytes past its end.
// Not for wide rows (> 4 KiB each, eight to a block): those blocks do not fit in L1 twice.
template <typename T>
LANES_INLINE void prefetch_after(const DenseView<T>& X, Index i0, Index n) {
  const Index row = X.cols * static_cast<Index>(sizeof(T)), bytes = n * row;
  if (bytes > 8192) return;
  const Index from = (i0 + n) * row + kPrefetchAhead, to = min_index(from + bytes, X.rows * row);
  const char* p = reinterpret_cast<const char*>(X.x);
  for (Index k = from; k < to; k += 64) __builtin_prefetch(p + k, 0, 3);
}
template <typename T>
LANES_INLINE void prefetch_after(const CsrView<T>&, Index, Index) {}  // measured slower for CSR

template <typename M>
double loss_grad(const M& x, const PassArgs& a) {
  const Index d = x.cols, n = x.rows, step = block_rows(x);
  set_zero(a.grad, d);
  if (a.diag) set_zero(a.diag, d);
  if (a.sums) set_zero(a.sums, d);
  alignas(64) double r[kMaxBlockRows], h[kMaxBlockRows];
  RowSums sums;
  for (Index i0 = 0; i0 < n; i0 += step) {
    const Index m = min_index(step, n - i0);
    double* z = a.z + i0;
    if (a.margins == PassArgs::Margins::FromTheta) {
      multiply(x, i0, m, a.theta, a.theta[d], z);
    } else if (a.margins == PassArgs::Margins::Along) {
      double* zd = a.zd + i0;
      const double* z0 = a.z0 + i0;
      multiply(x, i0, m, a.theta, a.theta[d], zd);
      for (Index i = 0; i < m; ++i) z[i] = z0[i] + a.alpha * zd[i];
    }
    prefetch_after(x, i0, m);
    residual_block(m, z, a.y + i0, a.s ? a.s + i0 : nullptr, r, a.diag ? h : nullptr, sums);
    transpose_add<false>(x, i0, m, r, a.grad);
    if (a.diag) {
      transpose_add<true>(x, i0, m, h, a.diag);
      if (a.sums) transpose_add<false>(x, i0, m, h, a.sums);
    }
  }
  a.grad[d] = combine(sums.r);
  if (a.diag) a.diag[d] = combine(sums.h);
  if (a.sums) a.sums[d] = a.diag[d];
  return combine(sums.loss);
}

template <typename M>
void margins(const M& x, const double* theta, double* z) {
  const Index step = block_rows(x);
  for (Index i0 = 0; i0 < x.rows; i0 += step) {
    multiply(x, i0, min_index(step, x.rows - i0), theta, theta[x.cols], z + i0);
  }
}

template <bool Squared, typename M>
void transpose_add_all(const M& x, const double* r, double* g) {
  const Index step = block_rows(x);
  for (Index i0 = 0; i0 < x.rows; i0 += step) {
    transpose_add<Squared>(x, i0, min_index(step, x.rows - i0), r + i0, g);
  }
}

template <typename M>
void hessian_apply(const M& x, const double* D, const double* v, double* out) {
  const Index d = x.cols, step = block_rows(x);
  set_zero(out, d);
  alignas(64) double u[kMaxBlockRows];
  V sum = zero();
  for (Index i0 = 0; i0 < x.rows; i0 += step) {
    const Index m = min_index(step, x.rows - i0);
    multiply(x, i0, m, v, v[d], u);
    prefetch_after(x, i0, m);
    for (Index c = 0; c < m; c += 8) {  // u = D X̂v, summed over rows as in RowSums
      const Index k = min_index(8, m - c);
      const V uv = mul(load_lanes(u + c, k), load_lanes(D + i0 + c, k));
      store_lanes(u + c, uv, k);
      sum = add(sum, uv);
    }
    transpose_add<false>(x, i0, m, u, out);
  }
  out[d] = combine(sum);
}

// The benchmarks' read probe: a sum with independent accumulators, as fast as this set reads.
double read_sum(const double* a, std::size_t n) {
  V acc[4] = {zero(), zero(), zero(), zero()};
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    for (int k = 0; k < 4; ++k) acc[k] = add(acc[k], load(a + i + 8 * k));
  }
  double s = combine(add(add(acc[0], acc[1]), add(acc[2], acc[3])));
  for (; i < n; ++i) s += a[i];
  return s;
}

template <typename M>
constexpr logreg::MatrixKernels<M> matrix_kernels() {
  return {&loss_grad<M>, &margins<M>, &transpose_add_all<false, M>, &transpose_add_all<true, M>,
          &hessian_apply<M>};
}

}  // namespace
