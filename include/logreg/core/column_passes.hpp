// The passes over K parameter columns of one shard (kernels.hpp, MultinomialKernels) with their
// scratch: what LocalMultinomial runs with the multinomial passes and LocalFolds with the fold
// passes. Each pass runs on the kernel set given, for the shard's storage (dense or CSR, float or
// double). The scratch is allocated once: a pass does not allocate, so one object runs one pass at
// a time.
#pragma once

#include <memory>
#include <vector>

#include "logreg/core/kernels.hpp"
#include "logreg/core/shard.hpp"

namespace logreg {

class ColumnPasses {
 public:
  enum class Family { Multinomial, Folds };  // the kernel set's table the passes come from
  // The shard is moved in and owned; K = columns ≥ 2 (std::invalid_argument otherwise, naming
  // classes or folds by the family). The scratch is a multinomial pass's
  // (kernels.hpp, MultinomialArgs::work: about 4 KiB per column, and with CSR storage 2·d·K₈
  // doubles more, K₈ = K rounded up to a multiple of 8) and `extra` doubles after it.
  ColumnPasses(Shard shard, Index columns, Family family, const KernelSet& kernels, Index extra);
  // The same on a borrowed shard, which must outlive this object (cross-validation reads the
  // full-data objective's rows in place: no second copy of the data).
  ColumnPasses(const Shard* borrowed, Index columns, Family family, const KernelSet& kernels,
               Index extra);

  const Shard& shard() const { return *shard_; }
  Index rows() const { return shard_->rows(); }
  Index features() const { return features_; }

  // The arguments every pass takes: K, the labels, the weights (nullptr when all 1), the scratch.
  MultinomialArgs args() const;
  // The passes, with `a` from args() (and what the family adds). loss_grad at θ returns the
  // loss; with `at`, it also fills the per-row values (probabilities or margins, resized to
  // rows × K) at which hessian_product and curvature then run.
  double loss_grad(MultinomialArgs a, ConstVecRef theta, VecRef grad, RowMatrix<double>* at) const;
  void hessian_product(MultinomialArgs a, const RowMatrix<double>& at, ConstVecRef v,
                       VecRef out) const;
  // `sums` only when not empty.
  void curvature(MultinomialArgs a, const RowMatrix<double>& at, VecRef diag, VecRef sums) const;
  // sum = Σ sᵢxᵢ and sum_sq = Σ sᵢxᵢ² (d each) for the weights s, by the binary passes.
  void moments(const double* s, double* sum, double* sum_sq) const;

 private:
  ColumnPasses(std::shared_ptr<const Shard> shard, Index columns, Family family,
               const KernelSet& kernels, Index extra);
  template <typename Pass>
  void run(Pass&& pass) const;

  std::shared_ptr<const Shard> shard_;  // owned, or borrowed (a no-op deleter)
  Index columns_;
  Index features_;  // the column count of X
  Family family_;
  const KernelSet& kernels_;
  mutable std::vector<double> work_;
};

}  // namespace logreg
