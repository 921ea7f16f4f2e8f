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
#include "logreg/dist/training_objective.hpp"

namespace logreg {

struct RegularizationParams {
  double l2 = 1e-4;
  double l1 = 0.0;
  bool fit_intercept = true;
  bool standardize = false;
  void validate() const;
};

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

class DistributedObjective final : public TrainingObjective {
 public:
  // Collective (reduces S, the label sum and, with standardize, the feature moments).
  DistributedObjective(std::unique_ptr<LocalObjective> local, Communicator& comm,
                       RegularizationParams params);

  Index dim() const override { return dim_; }
  const Vec& l1_weights() const override { return l1_weights_; }
  Point evaluate(const Vec& x) override;
  using Objective::line;
  std::unique_ptr<LineFunction> line(const Point& from, const Vec& direction) override;
  std::unique_ptr<HessianOperator> hessian_at(const Point& at) override;
  // One pass and one reduce for both.
  Point evaluate_with_diagonal(const Vec& x, Vec& diagonal) override;
  bool interrupted() const override { return interrupted_; }

  // Polled before every reduce; true on any rank makes interrupted() true on all after it.
  void set_stop_source(std::function<bool()> source) override { stop_source_ = std::move(source); }

  // θ = A x in original units: [w; b] with d+1 entries.
  Vec to_model(const Vec& x) const override;
  // x = A⁻¹ θ (for warm starts and resuming from a model).
  Vec from_model(const Vec& theta) const override;
  // Mean loss (without penalty) at a point, from f.
  double loss_part(const Point& p) const override;

  double weight_sum() const { return weight_sum_; }
  Index global_rows() const override { return global_rows_; }
  Index features() const { return local_->features(); }
  const ObjectiveStats& stats() const override { return stats_; }
  ObjectiveStats& stats() { return stats_; }
  const LocalObjective& local() const { return *local_; }
  Communicator& comm() { return comm_; }
  const RegularizationParams& params() const { return params_; }
  // Empty unless standardizing (then μ is empty too without an intercept).
  const Vec& feature_mean() const { return mean_; }
  const Vec& feature_scale() const { return scale_; }

 private:
  // The pass helpers, shared with the line and Hessian classes (distributed_objective.cpp).
  friend class DistributedLine;
  friend class DistributedHessian;

  // Reduces `buf` (sum); its last entry is the slot for the stop flag. Records comm time.
  void reduce(Vec& buf);
  // Raw gradient [g_w; g_b] (d+1) → solver gradient Aᵀ g (dim).
  Vec pullback(const Vec& raw) const;
  // Penalty value and gradient contribution in solver coordinates.
  double penalty(const Vec& x) const;
  // diag(∇²f) in solver coordinates from the reduced sums diag(X̂ᵀDX̂) and X̂ᵀD (the latter read
  // only when centering), both already divided by S.
  Vec solver_diagonal(const Vec& hdiag, const Vec& hsums) const;
  Point evaluate_pass(const Vec& x, Vec* diagonal);
  void add_penalty_gradient(const Vec& x, Vec& g) const;
  // The point x from its reduced sums (loss and raw gradient, not yet divided by S).
  Point point_from_sums(Vec x, double loss, ConstVecRef raw,
                        std::shared_ptr<const PointCache> cache) const;

  std::unique_ptr<LocalObjective> local_;
  Communicator& comm_;
  RegularizationParams params_;
  std::shared_ptr<RowBuffers> buffers_;  // after local_: sized from it
  Index dim_ = 0;
  Index global_rows_ = 0;
  double weight_sum_ = 0.0;
  Vec mean_, scale_;  // length d when standardizing, else empty (no d-length vectors to hold)
  Vec l1_weights_;
  bool interrupted_ = false;
  std::function<bool()> stop_source_;
  ObjectiveStats stats_;
};

}  // namespace logreg
