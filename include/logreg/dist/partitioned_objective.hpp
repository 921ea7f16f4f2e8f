// The solver state partitioned across ranks (README, "Partitioned solver state"; ZeRO's idea for
// the optimizer): the solver sees only this rank's contiguous slice [r·n/P, (r+1)·n/P) of the n
// coordinates, so its vectors (x, g, the L-BFGS pairs and preconditioner, the momentum) cost
// O(n/P) memory and update time per rank instead of O(n). The wrapped objective is switched to
// its partitioned passes for this object's lifetime (TrainingObjective::partition): each pass
// allgathers θ = A x, reduce-scatters the gradient and finishes only this rank's slice of it. The
// dot products and maxima the solvers take are reduced by sum_parts/max_parts. Observers see the
// slice point; whole() gives them the whole x on demand and the result whole.
#pragma once

#include <memory>
#include <span>

#include "logreg/comm/communicator.hpp"
#include "logreg/dist/training_objective.hpp"
#include "logreg/solvers/solver.hpp"

namespace logreg {

class PartitionedObjective final : public Objective {
 public:
  // `inner` (same value on every rank) is partitioned until this is destroyed; it must outlive
  // this.
  PartitionedObjective(TrainingObjective& inner, Communicator& comm);
  ~PartitionedObjective() override;
  PartitionedObjective(const PartitionedObjective&) = delete;
  PartitionedObjective& operator=(const PartitionedObjective&) = delete;

  Index dim() const override { return inner_.slice_count(); }
  const Vec& l1_weights() const override { return l1_; }
  bool has_l1() const override { return inner_.has_l1(); }
  Point evaluate(const Vec& x) override { return inner_.evaluate(x); }
  Point evaluate_with_diagonal(const Vec& x, Vec& diagonal) override {
    return inner_.evaluate_with_diagonal(x, diagonal);
  }
  using Objective::line;
  std::unique_ptr<LineFunction> line(const Point& from, const Vec& direction) override {
    return inner_.line(from, direction);
  }
  std::unique_ptr<HessianOperator> hessian_at(const Point& at) override {
    return inner_.hessian_at(at);
  }
  bool interrupted() const override { return inner_.interrupted(); }
  bool partitioned() const override { return true; }
  void sum_parts(std::span<double> parts) const override;
  void max_parts(std::span<double> parts) const override;

  Index first() const { return inner_.slice_first(); }
  Vec slice(const Vec& full) const { return full.segment(first(), dim()); }
  // Collective: the slices of all ranks in rank order, on every rank.
  Vec gather(const Vec& slice) const;
  // A replicated state (a checkpoint's, a warm start) cut to this rank's slice: x and every
  // vector. DataError (the same on every rank) for a vector that is not n long.
  SolverState slice(const SolverState& full) const;
  // Collective: the full state on rank 0 (the checkpoint format); x and vectors empty elsewhere.
  SolverState gather_to_root(const SolverState& slice) const;
  // The solver's view made whole for the observers (IterationReport::whole_x gathers x; a state
  // snapshot gathers to rank 0: both must be taken on every rank alike) and the final result
  // (whole x and gradient on every rank, state on rank 0).
  Observer whole(Observer inner) const;
  SolveResult whole(SolveResult result) const;
  // Seconds spent in this wrapper's own communication on this rank.
  double comm_seconds() const { return comm_s_; }

 private:
  TrainingObjective& inner_;
  Communicator& comm_;
  std::vector<int> counts_;  // every rank's slice length
  Vec l1_;
  mutable double comm_s_ = 0.0;
};

}  // namespace logreg
