// Cross-validation's K binary logistic models on one shard, as sums (never means) over its rows,
// all K in one pass: model k trains on the rows whose fold is not k. No MPI here.
//
// Labels yᵢ ∈ {0, 1}, weights sᵢ (1 when absent); model k weighs row i by sᵢₖ = sᵢ·[foldᵢ ≠ k].
// Parameters θ are class-major like the multinomial ones, K·(d+1) of them: [w₀ (d), …, w_{K−1},
// b₀, …, b_{K−1}]; zᵢₖ = xᵢ·wₖ + bₖ and ℓ the binary log-loss. Each pass runs on the process's
// kernel set (kernel_dispatch.hpp) or the one given, dense or CSR, float or double (kernels.hpp,
// "The fold passes": model k's sums are those of the binary pass with weights sᵢₖ, and dense and
// CSR storage give the same bits).
#pragma once

#include <vector>

#include "logreg/core/column_passes.hpp"
#include "logreg/core/kernels.hpp"
#include "logreg/core/shard.hpp"

namespace logreg {

// The fold of a row from its global index (docs/kernels.md, "The fold passes"): splitmix64 of
// (row + seed·0x9E3779B97F4A7C15) modulo K = folds. It depends only on the row's global index, so
// the folds are the same for any rank count. 0 ≤ result < folds; std::invalid_argument for
// folds < 1.
int fold_of(Index global_row, int folds, int seed);

class LocalFolds {
 public:
  // K = folds ≥ 2 binary models on one shard (moved in and owned); row i (global index
  // shard.row_offset + i) belongs to fold fold_of(row_offset + i, K, seed). Throws DataError
  // naming the global index of the first row whose label is not 0 or 1, and
  // std::invalid_argument for folds < 2.
  LocalFolds(Shard shard, int folds, int seed);
  LocalFolds(Shard shard, int folds, int seed, const KernelSet& kernels);
  // The same on a borrowed shard, which must outlive this object (cross-validation runs on the
  // full-data objective's rows in place, include/logreg/dist/folds_objective.hpp).
  LocalFolds(const Shard* borrowed, int folds, int seed);

  Index rows() const { return passes_.rows(); }
  Index features() const { return passes_.features(); }
  int folds() const { return folds_; }
  const Shard& shard() const { return passes_.shard(); }
  // Per row, its fold (rows() entries).
  const std::vector<int>& fold() const { return fold_; }
  // K·(d+1): the length of θ, of the gradient and of a Hessian product.
  Index parameters() const { return folds_ * (features() + 1); }

  // One pass: losses[k] = Σ over model k's rows of sᵢℓ(zᵢₖ, yᵢ) (K entries), and grad = X̂ᵀrₖ per
  // model in θ's layout, rᵢₖ = sᵢₖ(σ(zᵢₖ) − yᵢ) (K·(d+1)). With `margins`, also zᵢₖ for every
  // row and model, held-out rows included (resized to rows × K, row-major), for hessian_product
  // and curvature at θ. Returns Σₖ losses[k].
  double loss_grad(ConstVecRef theta, VecRef grad, VecRef losses, RowMatrix<double>* margins) const;
  // One pass: out = X̂ᵀDₖX̂vₖ per model (K·(d+1)), Dᵢₖ = sᵢₖσ(zᵢₖ)(1 − σ(zᵢₖ)), at the margins Z
  // (as loss_grad fills them).
  void hessian_product(const RowMatrix<double>& Z, ConstVecRef v, VecRef out) const;
  // One pass: diag = the diagonal of those Hessians (K·(d+1)) and, when `sums` is not empty,
  // sums = X̂ᵀDₖ per model, as LocalMultinomial::curvature.
  void curvature(const RowMatrix<double>& Z, VecRef diag, VecRef sums) const;
  // Per model, over its rows: the weighted column sums Σ sᵢₖxᵢ (row k of `sum`, resized to K × d)
  // and Σ sᵢₖxᵢ² (row k of `sum_sq`); returns Σᵢ sᵢₖ (K entries). For per-fold standardization:
  // K passes, meant to be called once.
  Vec moments(RowMatrix<double>& sum, RowMatrix<double>& sum_sq) const;

 private:
  // Labels checked, folds assigned.
  void assign_folds(int seed);
  // The arguments of a pass: those of every K-column pass, and the folds.
  MultinomialArgs args() const;

  int folds_;
  // The shard, the fold passes and their scratch (kernels.hpp: that of a multinomial pass, then
  // kFoldWorkPerModel per model).
  ColumnPasses passes_;
  std::vector<int> fold_;
  Vec fold_values_;  // fold_ as doubles, as the kernels read them
};

}  // namespace logreg
