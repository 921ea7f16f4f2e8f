// The multinomial (softmax) loss over K classes on one shard, as sums (never means) over its rows.
// No MPI here: the distributed layer (include/logreg/dist/multinomial_objective.hpp) reduces them.
//
// Labels yᵢ ∈ {0, …, K−1} (stored as doubles in shard.y), weights sᵢ (1 when absent). Parameters θ
// are class-major, K·(d+1) of them: [W row 0 (d), …, W row K−1, b₀, …, b_{K−1}]. For row i,
// zᵢ = W xᵢ + b, pᵢ = softmax(zᵢ) and ℓᵢ = log Σₖ e^zᵢₖ − zᵢ,yᵢ, computed from e^(z − max z) so
// that no margin overflows. Each pass runs on the process's kernel set (kernel_dispatch.hpp) or the
// one given, dense or CSR, float or double (kernels.hpp, "The multinomial pass": dense and CSR
// storage give the same bits).
#pragma once

#include "logreg/core/column_passes.hpp"
#include "logreg/core/kernels.hpp"
#include "logreg/core/shard.hpp"

namespace logreg {

class LocalMultinomial {
 public:
  // The shard is moved in and owned. Throws DataError naming the first row whose label is not an
  // integer in [0, classes), and std::invalid_argument for classes < 2.
  LocalMultinomial(Shard shard, int classes);
  LocalMultinomial(Shard shard, int classes, const KernelSet& kernels);

  Index rows() const { return passes_.rows(); }
  Index features() const { return passes_.features(); }
  int classes() const { return classes_; }
  const Shard& shard() const { return passes_.shard(); }
  // K·(d+1): the length of θ, of the gradient and of a Hessian product.
  Index parameters() const { return classes_ * (features() + 1); }

  // Σ sᵢℓᵢ at θ, with grad = Σ sᵢ ∂ℓᵢ/∂θ (K·(d+1); the intercepts' part always filled). With
  // `probabilities`, also pᵢ for each row (resized to rows × K), for hessian_product and
  // curvature at θ. One pass.
  double loss_grad(ConstVecRef theta, VecRef grad, RowMatrix<double>* probabilities) const;
  // out = Σ sᵢHᵢv (K·(d+1)), the exact Hessian of the loss sum at the point whose probabilities
  // are P: Hᵢ = (diag(pᵢ) − pᵢpᵢᵀ) ⊗ x̂ᵢx̂ᵢᵀ, x̂ = [x; 1]. One pass.
  void hessian_product(const RowMatrix<double>& P, ConstVecRef v, VecRef out) const;
  // diag = diag(Σ sᵢHᵢ) at P (K·(d+1)) and, when `sums` is not empty, sums = X̂ᵀDₖ per class
  // (Dᵢₖ = sᵢpᵢₖ(1 − pᵢₖ)), for the diagonal in standardized coordinates. One pass.
  void curvature(const RowMatrix<double>& P, VecRef diag, VecRef sums) const;
  // Weighted column sums Σ sᵢxᵢ and Σ sᵢxᵢ² (length d each); returns Σ sᵢ. As
  // LocalObjective::moments, for standardization.
  double moments(VecRef sum, VecRef sum_sq) const;

 private:
  int classes_;
  ColumnPasses passes_;  // the shard, the multinomial passes and their scratch
};

}  // namespace logreg
