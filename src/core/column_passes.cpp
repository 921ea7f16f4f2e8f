// ColumnPasses (include/logreg/core/column_passes.hpp): the shard's storage bound to the K-column
// passes of the kernel set (src/core/kernels/multinomial_passes.hpp and fold_passes.hpp).
#include "logreg/core/column_passes.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <variant>

namespace logreg {

namespace {

Index column_count(const Shard& shard) {
  return std::visit([](const auto& m) { return m.cols(); }, shard.X);
}

// The doubles of a multinomial pass's scratch over K columns (kernels.hpp, MultinomialArgs::work).
size_t multinomial_work(const Shard& shard, Index K) {
  const Index K8 = (K + 7) / 8 * 8;
  const bool csr = std::holds_alternative<CsrMatrix<double>>(shard.X) ||
                   std::holds_alternative<CsrMatrix<float>>(shard.X);
  return static_cast<size_t>(K * kMultinomialWorkPerClass + 8 + 9 * K8 +
                             (csr ? 2 * column_count(shard) * K8 : 0));
}

// `columns`, checked before the scratch is sized for that many.
Index at_least_two(Index columns, ColumnPasses::Family family) {
  if (columns < 2) {
    const bool folds = family == ColumnPasses::Family::Folds;
    throw std::invalid_argument(std::string(folds ? "cross-validation" : "multinomial loss") +
                                ": needs 2 " + (folds ? "folds" : "classes") + " or more, got " +
                                std::to_string(columns));
  }
  return columns;
}

// pass(view) with the view of the shard's storage (DenseView<T> or CsrView<T>).
template <typename Pass>
void with_view(const Shard& shard, Pass&& pass) {
  std::visit([&](const auto& m) { pass(m.view()); }, shard.X);
}

}  // namespace

ColumnPasses::ColumnPasses(Shard shard, Index columns, Family family, const KernelSet& kernels,
                           Index extra)
    : ColumnPasses(std::make_shared<const Shard>(std::move(shard)), columns, family, kernels,
                   extra) {}

ColumnPasses::ColumnPasses(const Shard* borrowed, Index columns, Family family,
                           const KernelSet& kernels, Index extra)
    : ColumnPasses(std::shared_ptr<const Shard>(borrowed, [](const Shard*) {}), columns, family,
                   kernels, extra) {}

ColumnPasses::ColumnPasses(std::shared_ptr<const Shard> shard, Index columns, Family family,
                           const KernelSet& kernels, Index extra)
    : shard_(std::move(shard)),
      columns_(at_least_two(columns, family)),
      features_(column_count(*shard_)),
      family_(family),
      kernels_(kernels),
      work_(multinomial_work(*shard_, columns) + static_cast<size_t>(extra)) {}

MultinomialArgs ColumnPasses::args() const {
  MultinomialArgs a;
  a.classes = columns_;
  a.y = shard_->y.data();
  a.s = shard_->weight.size() ? shard_->weight.data() : nullptr;
  a.work = work_.data();
  return a;
}

// pass(kernels, view): the storage's view and the family's kernels for it.
template <typename Pass>
void ColumnPasses::run(Pass&& pass) const {
  with_view(*shard_, [&](const auto& view) {
    using View = std::decay_t<decltype(view)>;
    pass(family_ == Family::Folds ? kernels_.folds<View>() : kernels_.multinomial<View>(), view);
  });
}

double ColumnPasses::loss_grad(MultinomialArgs a, ConstVecRef theta, VecRef grad,
                               RowMatrix<double>* at) const {
  a.theta = theta.data();
  a.grad = grad.data();
  if (at) {
    at->resize(rows(), columns_);
    a.probabilities = at->data();
  }
  double loss = 0.0;
  run([&](const auto& k, const auto& view) { loss = k.loss_grad(view, a); });
  return loss;
}

void ColumnPasses::hessian_product(MultinomialArgs a, const RowMatrix<double>& at, ConstVecRef v,
                                   VecRef out) const {
  a.theta = v.data();
  a.probabilities = const_cast<double*>(at.data());  // read only
  a.grad = out.data();
  run([&](const auto& k, const auto& view) { k.hessian_apply(view, a); });
}

void ColumnPasses::curvature(MultinomialArgs a, const RowMatrix<double>& at, VecRef diag,
                             VecRef sums) const {
  a.probabilities = const_cast<double*>(at.data());  // read only
  a.grad = diag.data();
  a.sums = sums.size() ? sums.data() : nullptr;
  run([&](const auto& k, const auto& view) { k.curvature(view, a); });
}

void ColumnPasses::moments(const double* s, double* sum, double* sum_sq) const {
  std::fill(sum, sum + features_, 0.0);
  std::fill(sum_sq, sum_sq + features_, 0.0);
  with_view(*shard_, [&](const auto& view) {
    const auto& k = kernels_.get<std::decay_t<decltype(view)>>();
    k.transpose_add(view, s, sum);
    k.squared_transpose_add(view, s, sum_sq);
  });
}

}  // namespace logreg
