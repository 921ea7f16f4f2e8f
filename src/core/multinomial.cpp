// LocalMultinomial (include/logreg/core/multinomial.hpp): the shard's storage bound to the
// multinomial passes of the kernel set (src/core/kernels/multinomial_passes.hpp).
#include "logreg/core/multinomial.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "logreg/core/kernel_dispatch.hpp"
#include "logreg/errors.hpp"

namespace logreg {

namespace {

Index column_count(const Shard& shard) {
  return std::visit([](const auto& m) { return m.cols(); }, shard.X);
}

void check_labels(const Shard& shard, int classes) {
  for (Index i = 0; i < shard.rows(); ++i) {
    const double y = shard.y[i];
    if (!(y >= 0 && y < classes && y == std::floor(y))) {
      throw DataError("row " + std::to_string(shard.row_offset + i) + ": label " +
                      config_number(y) + " is not a class of 0 … " + std::to_string(classes - 1));
    }
  }
}

}  // namespace

LocalMultinomial::LocalMultinomial(Shard shard, int classes)
    : LocalMultinomial(std::move(shard), classes, active_kernels()) {}

LocalMultinomial::LocalMultinomial(Shard shard, int classes, const KernelSet& kernels)
    : shard_(std::move(shard)),
      classes_(classes),
      features_(column_count(shard_)),
      kernels_(kernels) {
  if (classes < 2) {
    throw std::invalid_argument("multinomial loss: needs 2 classes or more, got " +
                                std::to_string(classes));
  }
  check_labels(shard_, classes);
  const Index K = classes, K8 = (K + 7) / 8 * 8;
  const bool csr = std::holds_alternative<CsrMatrix<double>>(shard_.X) ||
                   std::holds_alternative<CsrMatrix<float>>(shard_.X);
  work_.resize(static_cast<size_t>(K * kMultinomialWorkPerClass + 8 + 9 * K8 +
                                   (csr ? 2 * features_ * K8 : 0)));
}

MultinomialArgs LocalMultinomial::args() const {
  MultinomialArgs a;
  a.classes = classes_;
  a.y = shard_.y.data();
  a.s = shard_.weight.size() ? shard_.weight.data() : nullptr;
  a.work = work_.data();
  return a;
}

// pass(kernels, view): the storage's view and its multinomial kernels.
template <typename Pass>
void LocalMultinomial::run(Pass&& pass) const {
  std::visit(
      [&](const auto& m) {
        const auto view = m.view();
        pass(kernels_.multinomial<std::decay_t<decltype(view)>>(), view);
      },
      shard_.X);
}

double LocalMultinomial::loss_grad(ConstVecRef theta, VecRef grad,
                                   RowMatrix<double>* probabilities) const {
  MultinomialArgs a = args();
  a.theta = theta.data();
  a.grad = grad.data();
  if (probabilities) {
    probabilities->resize(rows(), classes_);
    a.probabilities = probabilities->data();
  }
  double loss = 0.0;
  run([&](const auto& k, const auto& view) { loss = k.loss_grad(view, a); });
  return loss;
}

void LocalMultinomial::hessian_product(const RowMatrix<double>& P, ConstVecRef v,
                                       VecRef out) const {
  MultinomialArgs a = args();
  a.theta = v.data();
  a.probabilities = const_cast<double*>(P.data());  // read only
  a.grad = out.data();
  run([&](const auto& k, const auto& view) { k.hessian_apply(view, a); });
}

void LocalMultinomial::curvature(const RowMatrix<double>& P, VecRef diag, VecRef sums) const {
  MultinomialArgs a = args();
  a.probabilities = const_cast<double*>(P.data());  // read only
  a.grad = diag.data();
  a.sums = sums.size() ? sums.data() : nullptr;
  run([&](const auto& k, const auto& view) { k.curvature(view, a); });
}

double LocalMultinomial::moments(VecRef sum, VecRef sum_sq) const {
  sum.setZero();
  sum_sq.setZero();
  const Vec ones = shard_.weight.size() ? Vec() : Vec::Ones(rows());
  const Vec& s = shard_.weight.size() ? shard_.weight : ones;
  std::visit(
      [&](const auto& m) {
        const auto view = m.view();
        const auto& k = kernels_.get<std::decay_t<decltype(view)>>();
        k.transpose_add(view, s.data(), sum.data());
        k.squared_transpose_add(view, s.data(), sum_sq.data());
      },
      shard_.X);
  return s.sum();
}

}  // namespace logreg
