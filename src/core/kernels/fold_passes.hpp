// The fold passes of cross-validation (kernels.hpp, "The fold passes"), for either storage: K
// binary logistic models on the same rows in one sweep, model k leaving out the rows of fold k.
// They run on the multinomial passes' drivers and row blocks (multinomial_passes.hpp) with the
// per-row steps below, built from the binary residuals' σ, loss and curvature (residuals.hpp), so
// each model's sums are those of the binary pass with weights s·[fold ≠ k]. Included by
// set_table.hpp, after multinomial_passes.hpp.
#pragma once

#include "multinomial_passes.hpp"

namespace {

// The weights of rows in model k: s where the row's fold f is not k, exactly 0 where it is (f and
// k whole numbers held as doubles).
LANES_INLINE P model_weights(P f, P k, P s) {
  return select_ge(f, k, select_ge(k, f, psplat(0.0), s), s);
}

// step(k, c, n, sₖ) for each packet of rows [c, c + n) of the block's m rows and each model k in
// increasing k, with sₖ the rows' weights in model k (zero beyond the n rows, as weights_of).
template <typename Step>
LANES_INLINE void for_each_model_packet(Index m, const MnWork& w, const double* fold,
                                        const double* s, Step&& step) {
  for (Index c = 0; c < m; c += kPacket) {
    const Index n = min_index(kPacket, m - c);
    const P f = load_rows(fold + c, n), sv = weights_of(s ? s + c : nullptr, n);
    P kv = psplat(0.0);
    for (Index k = 0; k < w.K; ++k, kv = add(kv, psplat(1.0)))
      step(k, c, n, model_weights(f, kv, sv));
  }
}

// For the m rows of a block with the models' margins in w.z: the residuals sₖ(σ(z) − y) into w.r
// (model-major, as the margins), their sums into the lanes, the losses sₖℓ(z, y) into w.losses.
LANES_INLINE void fold_block(Index m, const MnWork& w, const double* y, const double* fold,
                             const double* s) {
  for_each_model_packet(
      m, w, fold, s, [&](Index k, Index c, Index n, P sk) __attribute__((always_inline)) {
        const int lane = static_cast<int>(c % 8);
        const P z = load_rows(w.z + k * w.mb + c, n), yv = load_rows(y + c, n);
        const Softplus sp = softplus(z);
        const P r = mul(sk, sub(sigma(z, sp), yv));
        store_rows(w.r + k * w.mb + c, r, n);
        add_lanes(w.lanes + 8 * k, r, lane);
        add_lanes(w.losses + 8 * k, weighted_loss(z, yv, sk, sp), lane);
      });
}

// With the margins in w.r: Dₖ = sₖσ(1 − σ) into w.z, in place of what is there (the curvature
// pass) or, with `Product`, times it (the Hessian product: u = X̂vₖ, giving Dₖu); its sums into
// the lanes.
template <bool Product>
LANES_INLINE void fold_curvature_block(Index m, const MnWork& w, const double* fold,
                                       const double* s) {
  for_each_model_packet(
      m, w, fold, s, [&](Index k, Index c, Index n, P sk) __attribute__((always_inline)) {
        double* out = w.z + k * w.mb + c;
        P q = curvature(softplus(load_rows(w.r + k * w.mb + c, n)), sk);
        if constexpr (Product) q = mul(load_rows(out, n), q);
        store_rows(out, q, n);
        add_lanes(w.lanes + 8 * k, q, static_cast<int>(c % 8));
      });
}

// The fold model of the passes (the steps of Softmax, multinomial_passes.hpp). The margins travel
// in MultinomialArgs::probabilities: written by loss_grad, read by the other two.
struct Folds {
  static void start(const MnWork& w) { set_zero(w.losses, 8 * w.K); }
  // The margins (when asked for) into a.probabilities, the residuals into w.r.
  static void loss_step(const MnWork& w, const MultinomialArgs& a, Index i0, Index m) {
    if (a.probabilities) rows_out(w.z, m, w, a.probabilities + i0 * w.K);
    fold_block(m, w, a.y + i0, a.fold + i0, weights_from(a, i0));
  }
  // a.losses[k] for each model; returns their sum, in increasing k.
  static double loss(const MnWork& w, const MultinomialArgs& a) {
    double total = 0.0;
    for (Index k = 0; k < w.K; ++k) total += a.losses[k] = combine(load(w.losses + 8 * k));
    return total;
  }
  static void hessian_step(const MnWork& w, const MultinomialArgs& a, Index i0, Index m) {
    fold_curvature_block<true>(m, w, a.fold + i0, weights_from(a, i0));
  }
  static void curvature_step(const MnWork& w, const MultinomialArgs& a, Index i0, Index m) {
    fold_curvature_block<false>(m, w, a.fold + i0, weights_from(a, i0));
  }
};

template <typename M>
constexpr logreg::MultinomialKernels<M> fold_kernels() {
  return model_kernels<Folds, M>();
}

}  // namespace
