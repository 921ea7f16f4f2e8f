// The multinomial passes over a shard (kernels.hpp, "The multinomial pass"), for either storage:
// the fused loss/gradient pass, the Hessian-vector product and the curvature (diagonal) pass.
// Each walks the rows in blocks that stay in L1: the K margins of the block's rows (or of the
// direction), a per-row step over packets of rows (softmax and residuals, the Hessian's or the
// curvature's weights), then G += Cᵀ X̂. The drivers take the per-row steps from a model type, so
// the fold passes (fold_passes.hpp) run on them too. The per-row steps use the binary residuals'
// exp and log1p, so every set of a family gives the same bits. Included by set_table.hpp, after
// passes.hpp (whose zeroing it uses).
#pragma once

#include "multinomial_blocks.hpp"

namespace {

using logreg::MultinomialArgs;

// log u for 1 ≤ u ≤ K (a sum of K terms e^(zₖ − max), one of them 1), with inv = 1/u: u = 2^k·m
// with 1 ≤ m < 2 (k counted by comparisons, as u ≤ K), log m = log1p(m − 1) as the binary loss
// computes it (m − 1 and 1/m = inv·2^k exact), and k·ln 2 in fdlibm's two parts.
LANES_INLINE P log_at_least_one(P u, P inv, Index K) {
  const P one = psplat(1.0), none = psplat(0.0);
  P k = none, t = psplat(2.0);  // (a runtime psplat would be eight masked broadcasts on AVX-512)
  for (Index power = 2; power <= K; power *= 2, t = add(t, t)) {
    k = add(k, select_ge(u, t, one, none));
  }
  const P m = mul(u, pow2i(sub(none, k)));
  const P log_m = log1p_unit(sub(m, one), m, mul(inv, pow2i(k)));
  return add(mul(k, psplat(6.93147180369123816490e-01)),
             madd(k, psplat(1.90821492927058770002e-10), log_m));
}

// Adds a packet of rows to eight row-sum lanes held in the scratch (lane = first row mod 8).
LANES_INLINE void add_lanes(double* lanes, P a, int lane) {
  V v = load(lanes);
  add_packet(v, a, lane);
  store(lanes, v);
}

// For the m rows of a block with margins in w.z: the residuals s(p − onehot(y)) into w.r (class-
// major), the probabilities into w.z when `keep`, and the loss and per-class residual sums into
// the lanes.
LANES_INLINE void softmax_block(Index m, const MnWork& w, const double* y, const double* s,
                                bool keep) {
  const Index K = w.K, mb = w.mb;
  for (Index c = 0; c < m; c += kPacket) {
    const Index n = min_index(kPacket, m - c);
    const int lane = static_cast<int>(c % 8);
    double *z = w.z + c, *r = w.r + c;
    P mx = load_rows(z, n);
    for (Index k = 1; k < K; ++k) mx = max(mx, load_rows(z + k * mb, n));
    const P yv = load_rows(y + c, n), sv = weights_of(s ? s + c : nullptr, n);
    const P one = psplat(1.0);
    P sum = psplat(0.0), zy = psplat(0.0), kv = psplat(0.0);  // kv: the class k in every row
    for (Index k = 0; k < K; ++k, kv = add(kv, one)) {
      const P zk = load_rows(z + k * mb, n), e = exp_neg(sub(zk, mx));
      store_rows(r + k * mb, e, n);
      sum = add(sum, e);
      zy = select_ge(yv, kv, zk, zy);
    }
    const P inv = div(one, sum);
    add_lanes(w.lanes + 8 * K, mul(sv, add(sub(mx, zy), log_at_least_one(sum, inv, K))), lane);
    kv = psplat(0.0);
    for (Index k = 0; k < K; ++k) {
      const P p = mul(load_rows(r + k * mb, n), inv), next = add(kv, one);
      if (keep) store_rows(z + k * mb, p, n);
      const P q = select_ge(yv, kv, select_ge(yv, next, p, sub(p, one)), p);  // p − 1 where y = k
      const P rk = mul(sv, q);
      store_rows(r + k * mb, rk, n);
      add_lanes(w.lanes + 8 * k, rk, lane);
      kv = next;
    }
  }
}

// Hessian products: with u = X̂ v in w.z and the probabilities p in w.r, q = s·p∘(u − pᵀu) into
// w.z and its per-class sums into the lanes.
LANES_INLINE void hessian_block(Index m, const MnWork& w, const double* s) {
  const Index K = w.K, mb = w.mb;
  for (Index c = 0; c < m; c += kPacket) {
    const Index n = min_index(kPacket, m - c);
    const int lane = static_cast<int>(c % 8);
    double *u = w.z + c, *p = w.r + c;
    const P sv = weights_of(s ? s + c : nullptr, n);
    P dot = psplat(0.0);
    for (Index k = 0; k < K; ++k)
      dot = madd(load_rows(p + k * mb, n), load_rows(u + k * mb, n), dot);
    for (Index k = 0; k < K; ++k) {
      const P q = mul(sv, mul(load_rows(p + k * mb, n), sub(load_rows(u + k * mb, n), dot)));
      store_rows(u + k * mb, q, n);
      add_lanes(w.lanes + 8 * k, q, lane);
    }
  }
}

// Curvatures: with the probabilities p in w.r, D = s·p(1 − p) into w.z, sums into the lanes.
LANES_INLINE void curvature_block(Index m, const MnWork& w, const double* s) {
  for (Index c = 0; c < m; c += kPacket) {
    const Index n = min_index(kPacket, m - c);
    const P sv = weights_of(s ? s + c : nullptr, n);
    for (Index k = 0; k < w.K; ++k) {
      const P p = load_rows(w.r + k * w.mb + c, n);
      const P dk = mul(sv, mul(p, sub(psplat(1.0), p)));
      store_rows(w.z + k * w.mb + c, dk, n);
      add_lanes(w.lanes + 8 * k, dk, static_cast<int>(c % 8));
    }
  }
}

// A block's probabilities between the row-major matrix (rows × K) and the class-major scratch.
LANES_INLINE void rows_in(const double* P_rows, Index m, const MnWork& w, double* dst) {
  for (Index i = 0; i < m; ++i)
    for (Index k = 0; k < w.K; ++k) dst[k * w.mb + i] = P_rows[i * w.K + k];
}
LANES_INLINE void rows_out(const double* src, Index m, const MnWork& w, double* P_rows) {
  for (Index i = 0; i < m; ++i)
    for (Index k = 0; k < w.K; ++k) P_rows[i * w.K + k] = src[k * w.mb + i];
}

// Where a pass accumulates a K·(d+1) output: in place for dense storage; for CSR in a transposed
// copy (d × K8, the scratch `t`), copied out at the end. The intercepts' entries come from the
// per-class row sums. No output (nullptr): nothing to do.
struct Accumulator {
  double* out;
  double* acc;
  Index d, K8;
  bool transposed;
  Accumulator(double* output, double* t, Index cols, const MnWork& w, bool csr)
      : out(output),
        acc(!output ? nullptr
            : csr   ? t
                    : output),
        d(cols),
        K8(w.K8),
        transposed(csr) {
    if (acc) set_zero(acc, transposed ? d * K8 : d * w.K);
  }
  void finish(const MnWork& w) const {
    if (!out) return;
    if (transposed) {
      for (Index k = 0; k < w.K; ++k)
        for (Index j = 0; j < d; ++j) out[k * d + j] = acc[j * K8 + k];
    }
    for (Index k = 0; k < w.K; ++k) out[w.K * d + k] = combine(load(w.lanes + 8 * k));
  }
};

template <typename T>
constexpr bool is_csr(const DenseView<T>&) {
  return false;
}
template <typename T>
constexpr bool is_csr(const CsrView<T>&) {
  return true;
}

// The pass's scratch; for CSR with W of `theta` (when given) held transposed in w.wt.
template <typename M>
MnWork mn_work(const M& x, const MultinomialArgs& a, const double* theta) {
  const Index K = a.classes, d = x.cols;
  MnWork w(a.work, K, is_csr(x) ? d : 0, mn_block_rows(x, K));
  set_zero(w.lanes, 8 * (K + 1));
  set_zero(w.row, w.K8);
  if (is_csr(x) && theta) {
    for (Index j = 0; j < d; ++j) {
      for (Index k = 0; k < K; ++k) w.wt[j * w.K8 + k] = theta[k * d + j];
      for (Index k = K; k < w.K8; ++k) w.wt[j * w.K8 + k] = 0.0;
    }
  }
  return w;
}

// The rows in blocks of w.mb: per block, the next block's rows prefetched, the margins of `theta`
// into w.z when it is given, then step(i0, m) for rows [i0, i0 + m).
template <typename M, typename Step>
LANES_INLINE void for_each_block(const M& x, MnWork& w, const double* theta, Step&& step) {
  for (Index i0 = 0; i0 < x.rows; i0 += w.mb) {
    const Index m = min_index(w.mb, x.rows - i0);
    if (!theta) prefetch_next_block(x, i0, m);
    if (theta) mn_margins(x, i0, m, theta, w);
    step(i0, m);
  }
}

// The weights of the rows from i0 on (nullptr: all 1).
LANES_INLINE const double* weights_from(const MultinomialArgs& a, Index i0) {
  return a.s ? a.s + i0 : nullptr;
}

// The softmax model of the multinomial passes: each pass's step over a block of rows [i0, i0 + m),
// between the block's margins (of θ or of the direction) and G += Cᵀ X̂ in the drivers below.
// Another model (fold_passes.hpp) brings its own steps to the same drivers.
struct Softmax {
  static void start(const MnWork&) {}
  // The residuals into w.r, the probabilities (when asked for) into a.probabilities.
  static void loss_step(const MnWork& w, const MultinomialArgs& a, Index i0, Index m) {
    softmax_block(m, w, a.y + i0, weights_from(a, i0), a.probabilities != nullptr);
    if (a.probabilities) rows_out(w.z, m, w, a.probabilities + i0 * w.K);
  }
  static double loss(const MnWork& w, const MultinomialArgs&) {
    return combine(load(w.lanes + 8 * w.K));
  }
  // With u = X̂v in w.z and the block's probabilities in w.r: the coefficients into w.z.
  static void hessian_step(const MnWork& w, const MultinomialArgs& a, Index i0, Index m) {
    hessian_block(m, w, weights_from(a, i0));
  }
  // With the block's probabilities in w.r: D into w.z.
  static void curvature_step(const MnWork& w, const MultinomialArgs& a, Index i0, Index m) {
    curvature_block(m, w, weights_from(a, i0));
  }
};

template <typename Model, typename M>
double mn_loss_grad(const M& x, const MultinomialArgs& a) {
  MnWork w = mn_work(x, a, a.theta);
  Model::start(w);
  const Accumulator g(a.grad, w.gt, x.cols, w, is_csr(x));
  for_each_block(x, w, a.theta, [&](Index i0, Index m) {
    Model::loss_step(w, a, i0, m);
    mn_transpose_add<false>(x, i0, m, w.r, w, g.acc);
  });
  g.finish(w);
  return Model::loss(w, a);
}

template <typename Model, typename M>
void mn_hessian_apply(const M& x, const MultinomialArgs& a) {
  MnWork w = mn_work(x, a, a.theta);
  const Accumulator g(a.grad, w.gt, x.cols, w, is_csr(x));
  for_each_block(x, w, a.theta, [&](Index i0, Index m) {
    rows_in(a.probabilities + i0 * w.K, m, w, w.r);
    Model::hessian_step(w, a, i0, m);
    mn_transpose_add<false>(x, i0, m, w.z, w, g.acc);
  });
  g.finish(w);
}

template <typename Model, typename M>
void mn_curvature(const M& x, const MultinomialArgs& a) {
  MnWork w = mn_work(x, a, nullptr);
  const Accumulator diag(a.grad, w.gt, x.cols, w, is_csr(x));
  // The column sums go to the CSR scratch of W, which this pass does not read.
  const Accumulator sums(a.sums, w.wt, x.cols, w, is_csr(x));
  for_each_block(x, w, nullptr, [&](Index i0, Index m) {
    rows_in(a.probabilities + i0 * w.K, m, w, w.r);
    Model::curvature_step(w, a, i0, m);
    mn_transpose_add<true>(x, i0, m, w.z, w, diag.acc);
    if (a.sums) mn_transpose_add<false>(x, i0, m, w.z, w, sums.acc);
  });
  diag.finish(w);
  sums.finish(w);
}

// The three passes of a model on storage M.
template <typename Model, typename M>
constexpr logreg::MultinomialKernels<M> model_kernels() {
  return {&mn_loss_grad<Model, M>, &mn_hessian_apply<Model, M>, &mn_curvature<Model, M>};
}

template <typename M>
constexpr logreg::MultinomialKernels<M> multinomial_kernels() {
  return model_kernels<Softmax, M>();
}

}  // namespace
