// What a training run needs of its objective beyond the solvers' view (README, "Design"): the
// map between solver coordinates and the model in original units, the loss part of f, and the
// run's statistics. Binary (DistributedObjective) and multinomial objectives implement it, so the
// observers and the writers of a run work for both families.
#pragma once

#include <functional>

#include "logreg/core/shard.hpp"
#include "logreg/solvers/objective.hpp"

namespace logreg {

// Seconds and counts spent inside the objective on this rank.
struct ObjectiveStats {
  double compute_s = 0.0;
  double comm_s = 0.0;
  long evaluations = 0;       // loss+gradient passes over the data
  long hessian_products = 0;  // Hessian-vector passes
  long line_trials = 0;       // O(rows) line-search trials

  ObjectiveStats& operator+=(const ObjectiveStats& o) {
    compute_s += o.compute_s;
    comm_s += o.comm_s;
    evaluations += o.evaluations;
    hessian_products += o.hessian_products;
    line_trials += o.line_trials;
    return *this;
  }
};

class TrainingObjective : public Objective {
 public:
  // θ = A x in original units (the model file's layout), and back (warm starts).
  virtual Vec to_model(const Vec& x) const = 0;
  virtual Vec from_model(const Vec& theta) const = 0;
  // Mean loss (without penalty) at a point, from f.
  virtual double loss_part(const Point& p) const = 0;
  virtual Index global_rows() const = 0;
  virtual const ObjectiveStats& stats() const = 0;
  // The same, to add the passes of objectives a run builds on the same rows (cross-validation).
  virtual ObjectiveStats& stats() = 0;
  // Polled before every reduce; true on any rank makes interrupted() true on all after it.
  virtual void set_stop_source(std::function<bool()> source) = 0;
  // Changes the penalty for the next fits (a regularization path): model.l2 and model.l1 as
  // documented in the README ("Regularization path and cross-validation"). Both >= 0.
  virtual void set_penalty(double l2, double l1) = 0;
  // This rank's training rows (cross-validation's fold passes read them in place).
  virtual const Shard& shard() const = 0;
  // How many solver coordinates are intercepts (the last ones of x): 0 without an intercept.
  virtual Index intercepts() const = 0;
  // The coordinates partitioned across ranks or whole again (README, "Partitioned solver
  // state"; regularized_objective.hpp says what changes), and this rank's slice of them.
  virtual void partition(bool on) = 0;
  virtual Index slice_first() const = 0;
  virtual Index slice_count() const = 0;
};

}  // namespace logreg
