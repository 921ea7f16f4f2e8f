// LocalMultinomial (include/logreg/core/multinomial.hpp): the shard's storage bound to the
// multinomial passes of the kernel set (src/core/kernels/multinomial_passes.hpp), through
// ColumnPasses.
#include "logreg/core/multinomial.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "logreg/core/kernel_dispatch.hpp"
#include "logreg/errors.hpp"

namespace logreg {

namespace {

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
    : classes_(classes),
      passes_(std::move(shard), classes, ColumnPasses::Family::Multinomial, kernels, 0) {
  check_labels(passes_.shard(), classes);
}

double LocalMultinomial::loss_grad(ConstVecRef theta, VecRef grad,
                                   RowMatrix<double>* probabilities) const {
  return passes_.loss_grad(passes_.args(), theta, grad, probabilities);
}

void LocalMultinomial::hessian_product(const RowMatrix<double>& P, ConstVecRef v,
                                       VecRef out) const {
  passes_.hessian_product(passes_.args(), P, v, out);
}

void LocalMultinomial::curvature(const RowMatrix<double>& P, VecRef diag, VecRef sums) const {
  passes_.curvature(passes_.args(), P, diag, sums);
}

double LocalMultinomial::moments(VecRef sum, VecRef sum_sq) const {
  const Vec ones = shard().weight.size() ? Vec() : Vec::Ones(rows());
  const Vec& s = shard().weight.size() ? shard().weight : ones;
  passes_.moments(s.data(), sum.data(), sum_sq.data());
  return s.sum();
}

}  // namespace logreg
