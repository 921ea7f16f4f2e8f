// The linear map θ = A x between solver coordinates x and the model θ, for K classes: K = 1 is
// the binary model [w; b] (distributed_objective.hpp), K ≥ 2 the multinomial one
// (multinomial_objective.hpp). μ and σ are the feature means and scales reduced at setup
// (regularized_objective.hpp).
//
// Layout, class-major: [w₀ (d), …, w_{K−1} (d), b₀, …, b_{K−1}]; θ always has the K intercepts, x
// only with fit_intercept. Per class, w_k = x_k/σ and b_k = x_b,k − μ·w_k, with μ = 0 without an
// intercept or standardization and σ = 1 without standardization. The penalty is on x's weights.
#pragma once

#include "logreg/core/types.hpp"

namespace logreg {

class CoordinateMap {
 public:
  CoordinateMap() = default;
  CoordinateMap(Index features, Index classes, bool fit_intercept, Vec mean, Vec scale);

  Index dim() const { return intercept_ ? K_ * (d_ + 1) : K_ * d_; }
  Index weights() const { return K_ * d_; }  // the penalized coordinates, first in x
  const Vec& mean() const { return mean_; }
  const Vec& scale() const { return scale_; }

  // θ = A x (K·(d+1) entries).
  Vec to_model(const Vec& x) const;
  // x = A⁻¹ θ (for warm starts and resuming from a model).
  Vec from_model(const Vec& theta) const;
  // Aᵀ g: a gradient (or Hessian product) in θ's coordinates, K·(d+1), to solver coordinates.
  Vec pullback(const Vec& raw) const;
  // diag(AᵀHA) + l2 on the weights, from diag(H) and the column sums X̂ᵀDₖ per class (K·(d+1)
  // each; the sums are read only when centering): diag_kj = (H_jj − 2μ_j H_jb + μ_j² H_bb)/σ_j².
  Vec solver_diagonal(const Vec& hdiag, const Vec& hsums, double l2) const;

  // The same on a range [first, first + x.size()) of solver coordinates: a rank's slice of a
  // partitioned state (README, "Partitioned solver state"), entry by entry as above.
  // θ at the range's positions: w/σ on weights, x_b on intercepts; the centering −μ·w_k is the
  // caller's to finish, with this range's part of μ·w_k added to `center_dots` (K entries).
  void to_model_range(Index first, ConstVecRef x, VecRef theta, VecRef center_dots) const;
  // The sums are full-length in θ's layout but read only at the range's weights and the K
  // intercept entries, each divided by `divisor` (the weight sum S) first.
  Vec pullback_range(Index first, Index n, ConstVecRef raw, double divisor) const;
  Vec solver_diagonal_range(Index first, Index n, ConstVecRef hdiag, ConstVecRef hsums,
                            double divisor, double l2) const;
  Index features() const { return d_; }
  Index classes() const { return K_; }

 private:
  Index d_ = 0, K_ = 1;
  bool intercept_ = true;
  Vec mean_, scale_;
};

}  // namespace logreg
