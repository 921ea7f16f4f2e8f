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
#include <span>
#include <vector>

#include "logreg/comm/communicator.hpp"
#include "logreg/core/shard.hpp"
#include "logreg/dist/coordinate_map.hpp"
#include "logreg/dist/training_objective.hpp"

namespace logreg {

struct ReduceLayout;  // src/dist/reduce_layout.hpp

// What every point of these objectives keeps: its mean loss (the `loss` of the iteration log;
// a partitioned point's x is a slice, so f − penalty(x) would need a reduce).
struct LossCache : PointCache {
  double loss = 0.0;
};

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
  // Mean loss (without penalty) at a point, as its cache recorded it.
  double loss_part(const Point& p) const override;

  // The coordinates partitioned across ranks (README, "Partitioned solver state"): with `on`,
  // evaluate, line, evaluate_with_diagonal and hessian_at take and return this rank's contiguous
  // slice [first, first + count) = [r·n/P, (r+1)·n/P) of the n solver coordinates, and sum_parts
  // and max_parts reduce over the ranks. dim(), l1_weights(), to_model and from_model keep the
  // whole coordinates. Each pass assembles θ = A x with one allgather (and one reduce of K numbers
  // when centering) and reduce-scatters the gradient's weights; the intercepts' entries and the
  // scalars go in one small allreduce. The O(d) work left on every rank is the pass's own: the
  // full θ it reads and the gradient sums it adds up. Not for cross-validation's fold-models.
  void partition(bool on) override;
  bool partitioned() const override { return slice_.has_value(); }
  void sum_parts(std::span<double> parts) const override;
  void max_parts(std::span<double> parts) const override;
  Index slice_first() const override { return slice_ ? slice_->first : 0; }
  Index slice_count() const override { return slice_ ? slice_->count : dim(); }

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
  // The same for a pass's buffer: partitioned, the wide parts' weights are reduce-scattered (this
  // rank's slice lands at its own positions; the other weights are left unreduced) and the rest in
  // one small allreduce.
  void reduce(Vec& buf, const ReduceLayout& layout);
  // θ = A x for a pass from x (this rank's slice when partitioned: collective then).
  Vec model_of(const Vec& x);
  // The point at x from its pass's buffer (raw, loss and, partitioned, the penalty slot): fills
  // the penalty slot, reduces and finishes the point, its mean loss in `cache`.
  Point reduce_to_point(Vec x, Vec& buf, const ReduceLayout& layout,
                        std::shared_ptr<LossCache> cache);
  // diag(∇²f) in solver coordinates (this rank's slice when partitioned) from a reduced buffer's
  // diagonal and column sums, not yet divided by S.
  Vec diagonal_from(const Vec& buf, const ReduceLayout& layout) const;
  // The penalty slot a pass needs: 1 when partitioned (each rank adds its slice's ‖x_W‖²).
  Index penalty_slots() const { return slice_ ? 1 : 0; }
  // How many of x's entries are weights: all but the intercepts, or this rank's share of them.
  Index local_weights() const { return slice_ ? slice_->weights : map_.weights(); }
  double penalty(const Vec& x) const;
  void add_penalty_gradient(const Vec& x, Vec& g) const;
  // The point x from its reduced sums: the loss and the raw gradient, not yet divided by S.
  // Remembers them (last_sums_ below).
  Point point_from_sums(Vec x, double loss, ConstVecRef raw,
                        std::shared_ptr<LossCache> cache) const;
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
  mutable ObjectiveStats stats_;  // mutable: sum_parts times its reduces

 private:
  struct LastSums {
    Vec x, raw;
    double loss = 0.0;
    std::shared_ptr<LossCache> cache;
  };
  // This rank's coordinates when partitioned: the first `weights` of its `count` are weights.
  struct Slice {
    Index first = 0, count = 0, weights = 0;
    std::vector<int> counts, weight_counts;  // every rank's, for the allgather and the scatter
  };
  std::optional<Slice> slice_;
  mutable LastSums last_sums_;
  bool remember_ = false;  // set by set_penalty: only paths revisit their last point
  void apply_penalty(double l2, double l1);
  // point_from_sums without remembering.
  Point make_point(Vec x, double loss, ConstVecRef raw, std::shared_ptr<LossCache> cache) const;
};

}  // namespace logreg
