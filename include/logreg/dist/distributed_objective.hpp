// DistributedObjective = LocalObjective + Communicator + regularization + reparametrization.
// Each evaluation reduces local sums once (loss, gradient and control flags in one buffer),
// divides by the global weight sum S (reduced once at setup) and adds the penalty afterwards.
//
// Solver coordinates x relate to the raw model θ = [w; b] by a linear map θ = A x:
//   w = x_w / σ,   b = x_b − μ·(x_w / σ)   (x_b absent when there is no intercept)
// where μ, σ are the feature means and scales with `standardize` (μ = 0, σ = 1 otherwise;
// μ = 0 also without an intercept). The penalty (l2/2)‖x_w‖² + l1‖x_w‖₁ is on x_w: on the
// scaled coefficients when standardizing (Spark's semantics), the raw ones otherwise.
#pragma once

#include <functional>
#include <memory>

#include "logreg/comm/communicator.hpp"
#include "logreg/core/local_objective.hpp"
#include "logreg/dist/regularized_objective.hpp"
#include "logreg/solvers/objective.hpp"

namespace logreg {

// Spare row-length vectors (margins): points dropped by a solver and finished line searches hand
// theirs back, so a pass does not allocate. Fresh large allocations are new pages from the OS,
// and faulting them in cost a few ms per pass (measured, 1M rows).
struct RowBuffers {
  explicit RowBuffers(Index n) : rows(n) {}
  Vec take();
  void give(Vec&& v);
  Index rows;
  std::vector<Vec> spare;  // at most two: more would only raise the memory held between passes
};

// The parameters, the data summary, the coordinate map, the penalty, the reduce and the
// statistics are RegularizedObjective's (regularized_objective.hpp), with one class.
class DistributedObjective final : public RegularizedObjective {
 public:
  // Collective (reduces S, the row count and, with standardize, the feature moments).
  DistributedObjective(std::unique_ptr<LocalObjective> local, Communicator& comm,
                       RegularizationParams params);

  Point evaluate(const Vec& x) override;
  using Objective::line;
  std::unique_ptr<LineFunction> line(const Point& from, const Vec& direction) override;
  std::unique_ptr<HessianOperator> hessian_at(const Point& at) override;
  // One pass and one reduce for both.
  Point evaluate_with_diagonal(const Vec& x, Vec& diagonal) override;

  Index features() const { return local_->features(); }
  const LocalObjective& local() const { return *local_; }
  const Shard& shard() const override { return local_->shard(); }

 private:
  // The pass helpers, shared with the line and Hessian classes (distributed_objective.cpp).
  friend class DistributedLine;
  friend class DistributedHessian;

  Point evaluate_pass(const Vec& x, Vec* diagonal);

  std::unique_ptr<LocalObjective> local_;
  std::shared_ptr<RowBuffers> buffers_;  // after local_: sized from it
};

}  // namespace logreg
