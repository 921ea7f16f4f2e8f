// K-fold cross-validation as one objective (README, "Regularization path and cross-validation"):
// the K binary fold-models stacked, f(x) = Σ_k f_k(x_k) with f_k = (1/S_k) Σ_{fold(i) ≠ k} sᵢℓᵢ +
// penalty, S_k the weight of model k's training rows. The sum is separable, so its minimum is
// every fold-model's own minimum, and the solvers' stopping rule ‖∇f‖∞ ≤ tol holds for each.
// Each pass reads the rows once for all K models (LocalFolds, include/logreg/core/folds.hpp) and
// reduces once. Layout as the multinomial model's with K "classes": [x_w0, …, x_w(K−1), x_b0, …].
// Standardization uses the moments of all training rows, the same for every fold-model.
#pragma once

#include <memory>
#include <vector>

#include "logreg/core/folds.hpp"
#include "logreg/dist/regularized_objective.hpp"

namespace logreg {

enum class FoldMetric { LogLoss, Auc, Accuracy };

class FoldsObjective final : public RegularizedObjective {
 public:
  // Collective. The shard is borrowed (the full-data objective owns it) and must outlive this.
  FoldsObjective(const Shard& shard, int folds, int seed, Communicator& comm,
                 RegularizationParams params);

  Point evaluate(const Vec& x) override;
  Point evaluate_with_diagonal(const Vec& x, Vec& diagonal) override;
  std::unique_ptr<HessianOperator> hessian_at(const Point& at) override;
  const Shard& shard() const override { return local_->shard(); }
  // The mean of the fold-models' losses (without penalty).
  double loss_part(const Point& p) const override;
  // Its passes are whole-vector only: cross-validation keeps the solver state replicated (README,
  // "Partitioned solver state"; the configuration refuses the combination). std::logic_error.
  void partition(bool on) override;

  int folds() const { return local_->folds(); }
  // Coordinate j belongs to fold-model j / d (weights) or j − K·d (intercepts).
  const std::vector<int>& coordinate_blocks() const override { return blocks_; }
  int block_count() const override { return folds(); }
  // Fold-model k's θ = [w; b] (d+1) in original units.
  Vec fold_model(const Vec& x, int k) const;
  // Each fold-model's metric on its held-out rows (unweighted, as the validation metrics):
  // one pass and three reduces. Collective.
  std::vector<double> score(const Vec& x, FoldMetric metric);

 private:
  friend class FoldsHessian;
  // raw (θ layout, summed over rows) → gradient in solver coordinates, each model's block divided
  // by its S_k.
  Vec scaled(Vec raw) const;
  // Divides each model's entries of a θ-layout sum by its S_k.
  void per_model(Vec& sums) const;
  // The diagonal in solver coordinates from the reduced sums diag(H) and X̂ᵀD_k.
  Vec diagonal_from(Vec hdiag, Vec hsums) const;
  Point point(const Vec& x, const Vec& losses, Vec raw) const;

  std::unique_ptr<LocalFolds> local_;
  Vec model_weight_;  // S_k
  std::vector<int> blocks_;
  // The last pass: where it was, its margins and its reduced sums (empty when it had none). The
  // scoring at a fit's final point, a Hessian there and the next fit's start reuse them instead
  // of another pass.
  Vec last_x_;
  RowMatrix<double> last_z_;
  Vec last_losses_, last_sums_;
  std::vector<double> fold_auc(const RowMatrix<double>& Z);
  // The margins at x (rows × K): the cached ones, or one pass.
  const RowMatrix<double>& margins_at(const Vec& x);
};

}  // namespace logreg
