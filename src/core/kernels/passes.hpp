// The passes over a shard, written once over the eight-lane type V of the lanes header included
// before this one, and the KernelSet that exports them. Each set_*.cpp includes one lanes header
// and this file; everything here has internal linkage (see README.md in this directory).
#pragma once

#include <cstddef>
#include <cstdint>

#include "logreg/core/kernels.hpp"


namespace {

using Index = std::ptrdiff_t;
using logreg::CsrView;
using logreg::DenseView;
using logreg::PassArgs;

LANES_INLINE Index min_index(Index a, Index b) { return a < b ? a : b; }
LANES_INLINE Index max_index(Index a, Index b) { return a > b ? a : b; }

// ---------------------------------------------------------------------------------------------
// exp and log1p on the ranges the residuals need, from IEEE operations only (+ − × ÷, multiply-
// add, rounding to an integer, exponent bits), so every set computes them the same way.

// e^x for x ≤ 0 (or NaN). x = k·ln2 + r with |r| ≤ ln2/2 (Cody–Waite: k·ln2_hi is exact), e^r
// by its Taylor polynomial to degree 13 (truncation < 5e-18), mostly in Estrin's form (short
// chains instead of 13 dependent steps: a pass waits on it less; measured 13–25% faster passes
// in L2 with AVX-512, equal with AVX2), then · 2^k in two exact-or-once-rounded steps so that
// subnormal results round once. Below −746 the result is 0.
LANES_INLINE P exp_neg(P x) {
  x = max(psplat(-746.0), x);  // NaN stays NaN
  const P k = round_nearest(mul(x, psplat(0x1.71547652b82fep+0)));  // x / ln2
  P r = madd(k, psplat(-0x1.62e42fee00000p-1), x);                   // − k·ln2_hi
  r = madd(k, psplat(-0x1.a39ef35793c76p-33), r);                    // − k·ln2_lo
  // e^r = 1 + r(1 + r·Q(r)), Q = Σ r^(j−2)/j! for j = 2 … 13: Q in Estrin's form, the last two
  // steps (which carry the result's leading bits) as Horner's.
  const P r2 = mul(r, r), r4 = mul(r2, r2), r8 = mul(r4, r4);
  auto pair = [&](double c0, double c1) { return madd(psplat(c1), r, psplat(c0)); };  // c0 + c1·r
  const P q0 = pair(0.5, 0x1.5555555555555p-3),                     // 1/2!, 1/3!
      q1 = pair(0x1.5555555555555p-5, 0x1.1111111111111p-7),          // 1/4!, 1/5!
      q2 = pair(0x1.6c16c16c16c17p-10, 0x1.a01a01a01a01ap-13),        // 1/6!, 1/7!
      q3 = pair(0x1.a01a01a01a01ap-16, 0x1.71de3a556c734p-19),        // 1/8!, 1/9!
      q4 = pair(0x1.27e4fb7789f5cp-22, 0x1.ae64567f544e4p-26),        // 1/10!, 1/11!
      q5 = pair(0x1.1eed8eff8d898p-29, 0x1.6124613a86d09p-33);        // 1/12!, 1/13!
  const P Q = madd(madd(q5, r2, q4), r8, madd(madd(q3, r2, q2), r4, madd(q1, r2, q0)));
  const P p = madd(madd(Q, r, psplat(1.0)), r, psplat(1.0));
  const P k1 = max(k, psplat(-1000.0));  // p·2^k1 is exact and normal; ·2^(k − k1) rounds once
  return mul(mul(p, pow2i(k1)), pow2i(sub(k, k1)));
}

// log1p(e) for 0 ≤ e ≤ 1, given u = 1 + e (rounded) and inv = 1/u: fdlibm's log1p. With u ≥ √2, 1 + e =
// 2(1 + f) with f = u/2 − 1 exact and c the rounding error of u; otherwise f = e exactly. Then
// log(1 + f) = f − f²/2 + s(f²/2 + R(s²)), s = f/(2 + f), R fdlibm's minimax polynomial (in
// Estrin's form).
LANES_INLINE P log1p_unit(P e, P u, P inv) {
  const P one = psplat(1.0), zero_p = psplat(0.0);
  const P big = select_ge(u, psplat(0x1.6a09e667f3bcdp+0), one, zero_p);  // k ∈ {0, 1}
  const P f = select_ge(u, psplat(0x1.6a09e667f3bcdp+0), sub(mul(u, psplat(0.5)), one), e);
  const P c = select_ge(u, psplat(0x1.6a09e667f3bcdp+0), mul(sub(e, sub(u, one)), inv), zero_p);
  const P hfsq = mul(mul(psplat(0.5), f), f);
  const P s = div(f, add(psplat(2.0), f));
  const P z = mul(s, s);
  const P z2 = mul(z, z), z4 = mul(z2, z2);
  const P a0 = madd(psplat(3.999999999940941908e-01), z, psplat(6.666666666666735130e-01));
  const P a1 = madd(psplat(2.222219843214978396e-01), z, psplat(2.857142874366239149e-01));
  const P a2 = madd(psplat(1.531383769920937332e-01), z, psplat(1.818357216161805012e-01));
  const P q = madd(madd(psplat(1.479819860511658591e-01), z2, a2), z4, madd(a1, z2, a0));
  const P R = mul(z, q);
  const P low = madd(s, add(hfsq, R), add(mul(big, psplat(1.90821492927058770002e-10)), c));
  return sub(mul(big, psplat(6.93147180369123816490e-01)), sub(sub(hfsq, low), f));
}

// For margins z: e = e^(−|z|), u = 1 + e, inv = 1/u, l = log(1 + e^(−|z|)).
struct Softplus {
  P e, u, inv, l;
};
LANES_INLINE Softplus softplus(P z) {
  const P e = exp_neg(sub(psplat(0.0), abs(z)));
  const P u = add(psplat(1.0), e);
  const P inv = div(psplat(1.0), u);
  return {e, u, inv, log1p_unit(e, u, inv)};
}

// σ(z) as 1/(1+e) for z ≥ 0 and e·(1/(1+e)) otherwise.
LANES_INLINE P sigma(P z, const Softplus& sp) {
  return select_ge(z, psplat(0.0), sp.inv, mul(sp.e, sp.inv));
}

// s·ℓ(z, y) = s·(log(1 + e^(−|z|)) + (max(z, 0) − y·z))
LANES_INLINE P weighted_loss(P z, P y, P s, const Softplus& sp) {
  return mul(s, add(sp.l, sub(max(z, psplat(0.0)), mul(y, z))));
}

// s·σ(1−σ) = s·e / (1+e)² for either sign of z.
LANES_INLINE P curvature(const Softplus& sp, P s) { return mul(s, mul(mul(sp.e, sp.inv), sp.inv)); }

// The first m ≤ kPacket entries of p (zeros after).
LANES_INLINE P load_rows(const double* p, Index m) {
  return m == kPacket ? pload(p) : pload_first(p, static_cast<int>(m));
}
LANES_INLINE void store_rows(double* p, P v, Index m) {
  if (m == kPacket) {
    pstore(p, v);
  } else {
    pstore_first(p, v, static_cast<int>(m));
  }
}

// Weights of the first m rows of a packet: s, or 1 where there are no weights; zero beyond m, so
// padded rows add exactly 0 to every sum.
alignas(64) const double kOnes[8] = {1, 1, 1, 1, 1, 1, 1, 1};
LANES_INLINE P weights_of(const double* s, Index m) { return load_rows(s ? s : kOnes, m); }

// Sums over rows: row i of the shard goes to lane i mod 8, in increasing i, and the lanes are
// combined by the fixed tree at the end, so the sums do not depend on how the rows are cut into
// blocks (every block starts at a multiple of eight rows).
struct RowSums {
  V loss = zero(), r = zero(), h = zero();
};

// For the n rows of a block (n a multiple of 8 except in the shard's last block): residuals r,
// with h the curvatures, and their sums and the losses' sums added to `sums`. Rows go in packets
// of the set's native width (kPacket rows: fewer registers live than eight rows of two or four
// registers each); packet c's rows are lanes c mod 8 onwards of the sums.
LANES_INLINE void residual_block(Index n, const double* z, const double* y, const double* s,
                                 double* r, double* h, RowSums& sums) {
  for (Index c = 0; c < n; c += kPacket) {
    const Index m = min_index(kPacket, n - c);
    const int lane = static_cast<int>(c % 8);
    const P zv = load_rows(z + c, m), yv = load_rows(y + c, m);
    const P sv = weights_of(s ? s + c : nullptr, m);
    const Softplus sp = softplus(zv);
    const P rv = mul(sv, sub(sigma(zv, sp), yv));
    store_rows(r + c, rv, m);
    add_packet(sums.r, rv, lane);
    if (h) {
      const P hv = curvature(sp, sv);
      store_rows(h + c, hv, m);
      add_packet(sums.h, hv, lane);
    }
    add_packet(sums.loss, weighted_loss(zv, yv, sv, sp), lane);
  }
}

void loss_residual(Index n, const double* z, const double* y, const double* s, double* r, double* h,
                   double* loss) {
  RowSums sums;
  residual_block(n, z, y, s, r, h, sums);
  *loss += combine(sums.loss);
}

void line_sums(Index n, const double* z0, const double* zd, double alpha, const double* y,
               const double* s, double* loss, double* slope) {
  V l = zero(), g = zero();
  const P a = psplat(alpha);
  for (Index c = 0; c < n; c += kPacket) {
    const Index m = min_index(kPacket, n - c);
    const int lane = static_cast<int>(c % 8);
    const P dv = load_rows(zd + c, m);
    const P zv = add(load_rows(z0 + c, m), mul(a, dv));
    const P yv = load_rows(y + c, m);
    const P sv = weights_of(s ? s + c : nullptr, m);
    const Softplus sp = softplus(zv);
    add_packet(l, weighted_loss(zv, yv, sv, sp), lane);
    add_packet(g, mul(mul(sv, sub(sigma(zv, sp), yv)), dv), lane);
  }
  *loss = combine(l);
  *slope = combine(g);
}

void hessian_weights(Index n, const double* z, const double* s, double* d) {
  for (Index c = 0; c < n; c += kPacket) {
    const Index m = min_index(kPacket, n - c);
    store_rows(d + c, curvature(softplus(load_rows(z + c, m)), weights_of(s ? s + c : nullptr, m)), m);
  }
}

void exp_neg_rows(Index n, const double* x, double* out) {
  for (Index c = 0; c < n; c += kPacket) {
    const Index m = min_index(kPacket, n - c);
    store_rows(out + c, exp_neg(load_rows(x + c, m)), m);
  }
}

void log1p_unit_rows(Index n, const double* x, double* out) {
  for (Index c = 0; c < n; c += kPacket) {
    const Index m = min_index(kPacket, n - c);
    const P e = load_rows(x + c, m), u = add(psplat(1.0), e);
    store_rows(out + c, log1p_unit(e, u, div(psplat(1.0), u)), m);
  }
}

// ---------------------------------------------------------------------------------------------
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
constexpr int G = 8;                   // rows per Xᵀr step: each chunk of g is loaded once per G rows

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
      for (int r = 0; r < G; r += 4) combine4(acc[r], acc[r + 1], acc[r + 2], acc[r + 3], out + i + r);
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

// ---------------------------------------------------------------------------------------------
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

const logreg::KernelSet kSet = {
    LOGREG_KERNEL_SET_NAME,
    LOGREG_KERNEL_SET_INSTRUCTIONS,
    LOGREG_KERNEL_SET_FMA,
    matrix_kernels<DenseView<double>>(),
    matrix_kernels<DenseView<float>>(),
    matrix_kernels<CsrView<double>>(),
    matrix_kernels<CsrView<float>>(),
    {&loss_residual, &line_sums, &hessian_weights, &exp_neg_rows, &log1p_unit_rows},
    &read_sum,
};

}  // namespace
