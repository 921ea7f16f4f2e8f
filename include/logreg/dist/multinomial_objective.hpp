// MultinomialObjective = LocalMultinomial + Communicator + regularization + standardization map:
// the multinomial (softmax) objective over K classes that every solver minimizes unchanged.
//
//   J(W, b) = (1/S) Σᵢ sᵢ (−log softmax(W xᵢ + b)_yᵢ) + (l2/2)‖W‖²_F + l1‖W‖₁
//
// W is K×d, the intercepts are not penalized, S = Σ sᵢ over all ranks (scikit-learn's
// multi_class="multinomial" with C = 1/(l2·S)). Coordinates, class-major (coordinate_map.hpp):
// x = [x_W row 0, …, x_W row K−1, x_b (K, only with fit_intercept)], dim = K·d (+K); the model
// θ = A x always has the K intercepts. With `standardize` the penalty is on the standardized
// coefficients and, per class, w_k = x_k/σ, b_k = x_b,k − μ·w_k, as in the binary objective.
//
// Each evaluation is one pass and ONE reduce of K·(d+1) + 2 numbers (the raw gradient, the loss
// and the stop flag); each Hessian product one pass and one reduce of K·(d+1) + 1. Every value it
// returns is identical on all ranks. line() is the Objective's default (full evaluations).
#pragma once

#include <memory>

#include "logreg/comm/communicator.hpp"
#include "logreg/core/multinomial.hpp"
#include "logreg/dist/regularized_objective.hpp"

namespace logreg {

// The parameters, the data summary, the coordinate map, the penalty, the reduce and the
// statistics are RegularizedObjective's (regularized_objective.hpp), with K classes.
class MultinomialObjective final : public RegularizedObjective {
 public:
  // Collective: reduces S, the row count and, with standardize, the feature moments.
  MultinomialObjective(std::unique_ptr<LocalMultinomial> local, Communicator& comm,
                       RegularizationParams params);

  Point evaluate(const Vec& x) override;
  // The exact Hessian at the point: its constructor recomputes the rows' probabilities at x (one
  // local pass, no reduce); apply() is one pass and one reduce. Its diagonal() is the exact
  // diagonal too (one pass, one reduce of 2·K·(d+1) + 1): the solvers use it to precondition.
  std::unique_ptr<HessianOperator> hessian_at(const Point& at) override;
  // Two passes (loss and gradient with the probabilities, then the curvature), one reduce.
  Point evaluate_with_diagonal(const Vec& x, Vec& diagonal) override;

  int classes() const { return local_->classes(); }
  Index features() const { return local_->features(); }
  const LocalMultinomial& local() const { return *local_; }
  const Shard& shard() const override { return local_->shard(); }

 private:
  friend class MultinomialHessian;

  // The rows' probabilities at x, in a buffer kept between Hessians (so Newton's outer
  // iterations do not allocate rows × K anew).
  RowMatrix<double> probabilities_at(const Vec& x);

  std::unique_ptr<LocalMultinomial> local_;
  RowMatrix<double> spare_probabilities_;  // handed back by the last Hessian
};

}  // namespace logreg
