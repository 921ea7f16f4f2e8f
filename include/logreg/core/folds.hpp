// TEMPORARY reference implementation (replaced by the kernel version).
#pragma once

#include <vector>

#include "logreg/core/shard.hpp"

namespace logreg {

int fold_of(Index global_row, int folds, int seed);

class LocalFolds {
 public:
  LocalFolds(const Shard& shard, int folds, int seed);
  Index rows() const { return shard_->rows(); }
  Index features() const { return shard_->features; }
  int folds() const { return K_; }
  const Shard& shard() const { return *shard_; }
  const std::vector<int>& fold() const { return fold_; }
  Index parameters() const { return K_ * (features() + 1); }
  double loss_grad(ConstVecRef theta, VecRef grad, VecRef losses, RowMatrix<double>* margins) const;
  void hessian_product(const RowMatrix<double>& Z, ConstVecRef v, VecRef out) const;
  void curvature(const RowMatrix<double>& Z, VecRef diag, VecRef sums) const;
  Vec moments(RowMatrix<double>& sum, RowMatrix<double>& sum_sq) const;

 private:
  template <typename F>
  void for_rows(F&& f) const;
  const Shard* shard_;
  int K_;
  std::vector<int> fold_;
};

}  // namespace logreg
