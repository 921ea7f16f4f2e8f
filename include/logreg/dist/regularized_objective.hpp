// What the binary objective (distributed_objective.hpp) and the multinomial one
// (multinomial_objective.hpp) share: the regularization parameters; the data summary reduced once
// at setup (the global weight sum S, the row count and, with `standardize`, the feature means and
// scales) and the coordinate map θ = A x it defines (coordinate_map.hpp); the penalty
// (l2/2)‖x_W‖² + l1‖x_W‖₁ on the weights of the solver coordinates; the reduce of each pass with
// its stop flag; and the time and pass counts. Every value it hands a solver is identical on all
// ranks.
#pragma once

#include <functional>
#include <memory>
#include <optional>

#include "logreg/comm/communicator.hpp"
#include "logreg/core/shard.hpp"
#include "logreg/dist/coordinate_map.hpp"
#include "logreg/dist/training_objective.hpp"

namespace logreg {

struct RegularizationParams {
  double l2 = 1e-4;
  double l1 = 0.0;
  bool fit_intercept = true;
  bool standardize = false;
  void validate() const;
};


class RegularizedObjective : public TrainingObjective {
 public:
  Index dim() const override { return map_.dim(); }
  // l1 on the weights, zero on the intercepts; empty without an L1 term.
  const Vec& l1_weights() const override { return l1_weights_; }
  bool interrupted() const override { return interrupted_; }

  // Polled before every reduce; true on any rank makes interrupted() true on all after it.
  void set_stop_source(std::function<bool()> source) override { stop_source_ = std::move(source); }

  void set_penalty(double l2, double l1) override;
  Index intercepts() const override { return dim() - map_.weights(); }

  // θ = A x in original units (coordinate_map.hpp).
  Vec to_model(const Vec& x) const override { return map_.to_model(x); }
  // x = A⁻¹ θ (for warm starts and resuming from a model).
  Vec from_model(const Vec& theta) const override { return map_.from_model(theta); }
  // Mean loss (without penalty) at a point, from f.
  double loss_part(const Point& p) const override { return p.f - penalty(p.x); }

  double weight_sum() const { return weight_sum_; }
  Index global_rows() const override { return global_rows_; }
  const ObjectiveStats& stats() const override { return stats_; }
  ObjectiveStats& stats() override { return stats_; }
  Communicator& comm() { return comm_; }
  const RegularizationParams& params() const { return params_; }
  // Empty unless standardizing (then μ is empty too without an intercept).
  const Vec& feature_mean() const { return map_.mean(); }
  const Vec& feature_scale() const { return map_.scale(); }

 protected:
  // Collective: checks the parameters, then reduces the data summary of the shard (`moments` as
  // LocalObjective::moments, called only when standardizing) and sets the map for `classes`.
  RegularizedObjective(Communicator& comm, RegularizationParams params, Index classes,
                       const Shard& shard, Index features,
                       const std::function<double(VecRef, VecRef)>& moments);

  // Sums `buf` over the ranks; its last entry is the stop flag's slot. Records comm time.
  void reduce(Vec& buf);
  double penalty(const Vec& x) const;
  void add_penalty_gradient(const Vec& x, Vec& g) const;
  // The point x from its reduced sums: the loss and the raw gradient, not yet divided by S.
  // Remembers them (last_sums_ below).
  Point point_from_sums(Vec x, double loss, ConstVecRef raw,
                        std::shared_ptr<const PointCache> cache) const;
  // The last point made, when it was at x: its sums do not depend on the penalty, so the next
  // fit of a regularization path starts there without a pass (it starts where the last ended).
  std::optional<Point> remembered(const Vec& x) const;
  // True when the map centers the features (standardizing with an intercept).
  bool centered() const { return map_.mean().size() > 0; }
  // diag(∇²f) in solver coordinates from the reduced sums diag(H) and, when centering, the column
  // sums X̂ᵀD (both already divided by S).
  Vec solver_diagonal(const Vec& hdiag, const Vec& hsums) const;
  // The same from one pass and one reduce: pass(diag, sums) fills this rank's sums, `n` entries
  // each (`sums` empty unless centering).
  Vec reduced_diagonal(Index n, const std::function<void(VecRef, VecRef)>& pass);
  // H v in solver coordinates (+ l2 v on the weights) from one pass and one reduce: pass(θ, out)
  // fills this rank's product (n entries, θ's coordinates) with the direction θ = A v.
  Vec reduced_hessian_product(const Vec& v, Index n,
                              const std::function<void(ConstVecRef, VecRef)>& pass);

  Communicator& comm_;
  RegularizationParams params_;
  Index global_rows_ = 0;
  double weight_sum_ = 0.0;
  CoordinateMap map_;  // μ, σ empty unless standardizing
  Vec l1_weights_;
  bool interrupted_ = false;
  std::function<bool()> stop_source_;
  ObjectiveStats stats_;

 private:
  struct LastSums {
    Vec x, raw;
    double loss = 0.0;
    std::shared_ptr<const PointCache> cache;
  };
  mutable LastSums last_sums_;
  bool remember_ = false;  // set by set_penalty: only paths revisit their last point
  void apply_penalty(double l2, double l1);
  // point_from_sums without remembering.
  Point make_point(Vec x, double loss, ConstVecRef raw,
                   std::shared_ptr<const PointCache> cache) const;
};

}  // namespace logreg
