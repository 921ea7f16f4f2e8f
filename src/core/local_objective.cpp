#include "logreg/core/local_objective.hpp"

#include "logreg/core/logistic.hpp"

namespace logreg {

namespace {

// Walks a matrix in cache-sized row blocks: fn(i0, n) for each block.
template <typename M, typename Fn>
void for_each_block(const M& x, Fn&& fn) {
  const Index step = x.block_rows();
  for (Index i0 = 0; i0 < x.rows(); i0 += step) fn(i0, std::min(step, x.rows() - i0));
}

template <typename M>
class Hessian final : public LocalHessian {
 public:
  Hessian(const M& x, Vec d) : x_(x), d_(std::move(d)), u_(x.block_rows()) {}

  void apply(ConstVecRef v, VecRef out) const override {
    const Index p = x_.cols();
    out.setZero();
    for_each_block(x_, [&](Index i0, Index n) {
      auto u = u_.head(n);
      x_.multiply(i0, n, v.head(p), v[p], u);
      u.array() *= d_.segment(i0, n).array();
      x_.transpose_multiply_add(i0, n, u, out.head(p));
      for (Index i = 0; i < n; ++i) out[p] += u[i];  // row by row: independent of blocking
    });
  }

  void diagonal(VecRef out) const override {
    const Index p = x_.cols();
    out.setZero();
    for_each_block(x_, [&](Index i0, Index n) {
      x_.squared_transpose_multiply_add(i0, n, d_.segment(i0, n), out.head(p));
    });
    out[p] = d_.sum();
  }

  void weighted_column_sums(VecRef out) const override {
    const Index p = x_.cols();
    out.setZero();
    for_each_block(x_, [&](Index i0, Index n) {
      x_.transpose_multiply_add(i0, n, d_.segment(i0, n), out.head(p));
    });
    out[p] = d_.sum();
  }

 private:
  const M& x_;
  Vec d_;
  mutable Vec u_;  // block scratch, sized once
};

template <typename M>
class Local final : public LocalObjective {
 public:
  explicit Local(Shard shard) : shard_(std::move(shard)), x_(std::get<M>(shard_.X)) {
    r_.resize(x_.block_rows());
  }

  Index rows() const override { return x_.rows(); }
  Index features() const override { return x_.cols(); }
  const Shard& shard() const override { return shard_; }

  double loss_grad(ConstVecRef theta, VecRef z, VecRef grad) const override {
    const Index p = x_.cols();
    grad.setZero();
    double loss = 0.0;
    for_each_block(x_, [&](Index i0, Index n) {
      x_.multiply(i0, n, theta.head(p), theta[p], z.segment(i0, n));
      block_residual(i0, n, z, loss);
      accumulate(i0, n, grad);
    });
    return loss;
  }

  double loss_grad_curvature(ConstVecRef theta, VecRef z, VecRef grad, VecRef diag,
                             VecRef sums) const override {
    const Index p = x_.cols();
    grad.setZero();
    diag.setZero();
    sums.setZero();
    double loss = 0.0;
    Vec h(x_.block_rows());  // once per call, not per block
    for_each_block(x_, [&](Index i0, Index n) {
      x_.multiply(i0, n, theta.head(p), theta[p], z.segment(i0, n));
      auto hb = h.head(n);
      block_residual(i0, n, z, loss, hb.data());
      accumulate(i0, n, grad);
      x_.squared_transpose_multiply_add(i0, n, hb, diag.head(p));
      if (sums.size()) x_.transpose_multiply_add(i0, n, hb, sums.head(p));
      for (Index i = 0; i < n; ++i) diag[p] += hb[i];
    });
    if (sums.size()) sums[p] = diag[p];
    return loss;
  }

  double loss_grad_along(ConstVecRef z0, ConstVecRef dir, double alpha, VecRef zd, VecRef z,
                         VecRef grad) const override {
    const Index p = x_.cols();
    grad.setZero();
    double loss = 0.0;
    for_each_block(x_, [&](Index i0, Index n) {
      x_.multiply(i0, n, dir.head(p), dir[p], zd.segment(i0, n));
      for (Index i = i0; i < i0 + n; ++i) z[i] = z0[i] + alpha * zd[i];  // blocks are short
      block_residual(i0, n, z, loss);
      accumulate(i0, n, grad);
    });
    return loss;
  }

  double loss_grad_at_margins(ConstVecRef z, VecRef grad) const override {
    grad.setZero();
    double loss = 0.0;
    for_each_block(x_, [&](Index i0, Index n) {
      block_residual(i0, n, z, loss);
      accumulate(i0, n, grad);
    });
    return loss;
  }

  std::pair<double, double> line_sums(ConstVecRef z0, ConstVecRef zd,
                                      double alpha) const override {
    return logreg::line_sums(z0, zd, alpha, shard_.y, weights());
  }

  void margins(ConstVecRef theta, VecRef z) const override {
    const Index p = x_.cols();
    for_each_block(x_, [&](Index i0, Index n) {
      x_.multiply(i0, n, theta.head(p), theta[p], z.segment(i0, n));
    });
  }

  double moments(VecRef sum, VecRef sum_sq) const override {
    sum.setZero();
    sum_sq.setZero();
    const Vec ones = shard_.weight.size() ? Vec() : Vec::Ones(rows());
    ConstVecRef s = shard_.weight.size() ? ConstVecRef(shard_.weight) : ConstVecRef(ones);
    for_each_block(x_, [&](Index i0, Index n) {
      x_.transpose_multiply_add(i0, n, s.segment(i0, n), sum);
      x_.squared_transpose_multiply_add(i0, n, s.segment(i0, n), sum_sq);
    });
    return s.sum();
  }

  std::unique_ptr<LocalHessian> hessian(ConstVecRef z) const override {
    Vec d(rows());
    hessian_weights(z, weights(), d);
    return std::make_unique<Hessian<M>>(x_, std::move(d));
  }

 private:
  const double* weights() const { return shard_.weight.size() ? shard_.weight.data() : nullptr; }

  // Fills r_ for rows [i0, i0+n) from margins z and adds their losses to `loss`.
  // With h, also the Hessian weights of those rows.
  void block_residual(Index i0, Index n, ConstVecRef z, double& loss, double* h = nullptr) const {
    const double* s = weights();
    loss_and_residual(z.segment(i0, n), shard_.y.segment(i0, n), s ? s + i0 : nullptr,
                      r_.head(n), loss, h);
  }

  // Running sums continue row by row across blocks, so dense and CSR storage (which block
  // differently) give bitwise-identical results.
  void accumulate(Index i0, Index n, VecRef grad) const {
    const Index p = x_.cols();
    x_.transpose_multiply_add(i0, n, r_.head(n), grad.head(p));
    for (Index i = 0; i < n; ++i) grad[p] += r_[i];
  }

  Shard shard_;
  const M& x_;
  mutable Vec r_;  // residual scratch for one block, sized once
};

}  // namespace

std::unique_ptr<LocalObjective> make_local_objective(Shard shard) {
  return std::visit(
      [&](auto& m) -> std::unique_ptr<LocalObjective> {
        using M = std::decay_t<decltype(m)>;
        return std::make_unique<Local<M>>(std::move(shard));
      },
      shard.X);
}

}  // namespace logreg
