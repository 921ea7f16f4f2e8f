#include "logreg/core/local_objective.hpp"

#include "logreg/core/kernel_dispatch.hpp"

namespace logreg {

namespace {

// The matrix's kernels in the chosen set, bound to its storage.
template <typename M>
struct Passes {
  using View = decltype(std::declval<const M&>().view());
  Passes(const M& x, const KernelSet& k) : view(x.view()), k(k.get<View>()), rows(k.rows) {}
  View view;
  const MatrixKernels<View>& k;
  const RowKernels& rows;
};

template <typename M>
class Hessian final : public LocalHessian {
 public:
  Hessian(const Passes<M>& passes, Vec d) : p_(passes), d_(std::move(d)) {}

  void apply(ConstVecRef v, VecRef out) const override {
    p_.k.hessian_apply(p_.view, d_.data(), v.data(), out.data());
  }

  void diagonal(VecRef out) const override {
    out.setZero();
    p_.k.squared_transpose_add(p_.view, d_.data(), out.data());
    out[p_.view.cols] = d_.sum();
  }

  void weighted_column_sums(VecRef out) const override {
    out.setZero();
    p_.k.transpose_add(p_.view, d_.data(), out.data());
    out[p_.view.cols] = d_.sum();
  }

 private:
  const Passes<M>& p_;
  Vec d_;
};

template <typename M>
class Local final : public LocalObjective {
 public:
  Local(Shard shard, const KernelSet& k)
      : shard_(std::move(shard)), x_(std::get<M>(shard_.X)), p_(x_, k) {}

  Index rows() const override { return x_.rows(); }
  Index features() const override { return x_.cols(); }
  const Shard& shard() const override { return shard_; }

  double loss_grad(ConstVecRef theta, VecRef z, VecRef grad) const override {
    PassArgs a = args(z, grad);
    a.theta = theta.data();
    return p_.k.loss_grad(p_.view, a);
  }

  double loss_grad_curvature(ConstVecRef theta, VecRef z, VecRef grad, VecRef diag,
                             VecRef sums) const override {
    PassArgs a = args(z, grad);
    a.theta = theta.data();
    a.diag = diag.data();
    a.sums = sums.size() ? sums.data() : nullptr;
    return p_.k.loss_grad(p_.view, a);
  }

  double loss_grad_along(ConstVecRef z0, ConstVecRef dir, double alpha, VecRef zd, VecRef z,
                         VecRef grad) const override {
    PassArgs a = args(z, grad);
    a.margins = PassArgs::Margins::Along;
    a.theta = dir.data();
    a.z0 = z0.data();
    a.alpha = alpha;
    a.zd = zd.data();
    return p_.k.loss_grad(p_.view, a);
  }

  double loss_grad_at_margins(ConstVecRef z, VecRef grad) const override {
    PassArgs a = args(z, grad);
    a.margins = PassArgs::Margins::Given;
    return p_.k.loss_grad(p_.view, a);
  }

  std::pair<double, double> line_sums(ConstVecRef z0, ConstVecRef zd,
                                      double alpha) const override {
    double loss = 0.0, slope = 0.0;
    p_.rows.line_sums(rows(), z0.data(), zd.data(), alpha, shard_.y.data(), weights(), &loss,
                      &slope);
    return {loss, slope};
  }

  void margins(ConstVecRef theta, VecRef z) const override {
    p_.k.margins(p_.view, theta.data(), z.data());
  }

  double moments(VecRef sum, VecRef sum_sq) const override {
    sum.setZero();
    sum_sq.setZero();
    const Vec ones = shard_.weight.size() ? Vec() : Vec::Ones(rows());
    const Vec& s = shard_.weight.size() ? shard_.weight : ones;
    p_.k.transpose_add(p_.view, s.data(), sum.data());
    p_.k.squared_transpose_add(p_.view, s.data(), sum_sq.data());
    return s.sum();
  }

  std::unique_ptr<LocalHessian> hessian(ConstVecRef z) const override {
    Vec d(rows());
    p_.rows.hessian_weights(rows(), z.data(), weights(), d.data());
    return std::make_unique<Hessian<M>>(p_, std::move(d));
  }

 private:
  const double* weights() const { return shard_.weight.size() ? shard_.weight.data() : nullptr; }

  // The pass's rows and outputs; margins from θ unless changed. (A Given pass only reads z.)
  PassArgs args(ConstVecRef z, VecRef grad) const {
    PassArgs a;
    a.z = const_cast<double*>(z.data());
    a.y = shard_.y.data();
    a.s = weights();
    a.grad = grad.data();
    return a;
  }

  Shard shard_;
  const M& x_;
  Passes<M> p_;
};

}  // namespace

std::unique_ptr<LocalObjective> make_local_objective(Shard shard, const KernelSet& kernels) {
  return std::visit(
      [&](auto& m) -> std::unique_ptr<LocalObjective> {
        using M = std::decay_t<decltype(m)>;
        return std::make_unique<Local<M>>(std::move(shard), kernels);
      },
      shard.X);
}

std::unique_ptr<LocalObjective> make_local_objective(Shard shard) {
  return make_local_objective(std::move(shard), active_kernels());
}

}  // namespace logreg
