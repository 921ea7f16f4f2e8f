// LocalFolds (include/logreg/core/folds.hpp): the folds of the shard's rows, and its storage bound
// to the fold passes of the kernel set (src/core/kernels/fold_passes.hpp) through ColumnPasses.
#include "logreg/core/folds.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

#include "logreg/core/kernel_dispatch.hpp"
#include "logreg/errors.hpp"

namespace logreg {

namespace {

void check_labels(const Shard& shard) {
  for (Index i = 0; i < shard.rows(); ++i) {
    const double y = shard.y[i];
    if (!(y == 0.0 || y == 1.0)) {
      throw DataError("row " + std::to_string(shard.row_offset + i) + ": label " +
                      config_number(y) + " is not 0 or 1 (cross-validation fits binary models)");
    }
  }
}

}  // namespace

// The first output of Vigna's splitmix64 generator from the state row + seed·γ: the state
// advances by γ, then two xor-shift-multiply rounds and a final xor-shift mix it (all mod 2⁶⁴).
int fold_of(Index global_row, int folds, int seed) {
  if (folds < 1) {
    throw std::invalid_argument("fold_of: needs folds >= 1, got " + std::to_string(folds));
  }
  constexpr uint64_t gamma = 0x9E3779B97F4A7C15ull;
  uint64_t z = static_cast<uint64_t>(global_row) + static_cast<uint64_t>(seed) * gamma + gamma;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<int>(z % static_cast<uint64_t>(folds));
}

LocalFolds::LocalFolds(Shard shard, int folds, int seed)
    : LocalFolds(std::move(shard), folds, seed, active_kernels()) {}

LocalFolds::LocalFolds(Shard shard, int folds, int seed, const KernelSet& kernels)
    : folds_(folds),
      passes_(std::move(shard), folds, ColumnPasses::Family::Folds, kernels,
              kFoldWorkPerModel * folds) {
  assign_folds(seed);
}

LocalFolds::LocalFolds(const Shard* borrowed, int folds, int seed)
    : folds_(folds),
      passes_(borrowed, folds, ColumnPasses::Family::Folds, active_kernels(),
              kFoldWorkPerModel * folds) {
  assign_folds(seed);
}

void LocalFolds::assign_folds(int seed) {
  const int folds = folds_;
  check_labels(passes_.shard());
  fold_.resize(static_cast<size_t>(rows()));
  fold_values_.resize(rows());
  const Index offset = passes_.shard().row_offset;
  for (Index i = 0; i < rows(); ++i) {
    fold_[static_cast<size_t>(i)] = fold_of(offset + i, folds, seed);
    fold_values_[i] = fold_[static_cast<size_t>(i)];
  }
}

MultinomialArgs LocalFolds::args() const {
  MultinomialArgs a = passes_.args();
  a.fold = fold_values_.data();
  return a;
}

double LocalFolds::loss_grad(ConstVecRef theta, VecRef grad, VecRef losses,
                             RowMatrix<double>* margins) const {
  MultinomialArgs a = args();
  a.losses = losses.data();
  return passes_.loss_grad(a, theta, grad, margins);  // margins travel as probabilities do
}

void LocalFolds::hessian_product(const RowMatrix<double>& Z, ConstVecRef v, VecRef out) const {
  passes_.hessian_product(args(), Z, v, out);
}

void LocalFolds::curvature(const RowMatrix<double>& Z, VecRef diag, VecRef sums) const {
  passes_.curvature(args(), Z, diag, sums);
}

Vec LocalFolds::moments(RowMatrix<double>& sum, RowMatrix<double>& sum_sq) const {
  sum.resize(folds_, features());
  sum_sq.resize(folds_, features());
  Vec totals(folds_), s(rows());
  for (int k = 0; k < folds_; ++k) {
    for (Index i = 0; i < rows(); ++i) {
      const double weight = shard().weight.size() ? shard().weight[i] : 1.0;
      s[i] = fold_[static_cast<size_t>(i)] == k ? 0.0 : weight;
    }
    passes_.moments(s.data(), sum.row(k).data(), sum_sq.row(k).data());
    totals[k] = s.sum();
  }
  return totals;
}

}  // namespace logreg
