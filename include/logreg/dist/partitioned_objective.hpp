// The solver state partitioned across ranks (README, "Partitioned solver state"; ZeRO's idea for
// the optimizer): the solver sees only this rank's contiguous slice [r·n/P, (r+1)·n/P) of the n
// coordinates, so its vectors (x, g, the L-BFGS pairs and preconditioner, the momentum) cost
// O(n/P) memory and update time per rank instead of O(n). Each pass over the data allgathers the
// full x and runs the wrapped objective, whose reduce yields the full gradient; this rank keeps
// its slice. The dot products and maxima the solvers take are reduced by sum_parts/max_parts.
// Every point it returns keeps the wrapped objective's full point in its cache, so observers and
// outputs read the full x without communication (full()).
#pragma once

#include <memory>
#include <span>

#include "logreg/comm/communicator.hpp"
#include "logreg/solvers/solver.hpp"

namespace logreg {

class PartitionedObjective final : public Objective {
 public:
  // `inner` is the replicated objective (same value on every rank); it must outlive this.
  PartitionedObjective(Objective& inner, Communicator& comm);

  Index dim() const override { return count_; }
  const Vec& l1_weights() const override { return l1_; }
  bool has_l1() const override { return inner_.has_l1(); }
  Point evaluate(const Vec& x) override;
  Point evaluate_with_diagonal(const Vec& x, Vec& diagonal) override;
  using Objective::line;
  std::unique_ptr<LineFunction> line(const Point& from, const Vec& direction) override;
  std::unique_ptr<HessianOperator> hessian_at(const Point& at) override;
  bool interrupted() const override { return inner_.interrupted(); }
  bool partitioned() const override { return true; }
  void sum_parts(std::span<double> parts) const override;
  void max_parts(std::span<double> parts) const override;

  // The full point a slice point was made from (std::logic_error for a point not made here).
  static const Point& full(const Point& slice);
  Index first() const { return first_; }
  Vec slice(const Vec& full) const { return full.segment(first_, count_); }
  // Collective: the slices of all ranks in rank order, on every rank.
  Vec gather(const Vec& slice) const;
  // A replicated state (a checkpoint's, a warm start) cut to this rank's slice: x and every
  // vector. DataError (the same on every rank) for a vector that is not n long.
  SolverState slice(const SolverState& full) const;
  // Collective: the full state on rank 0 (the checkpoint format); x and vectors empty elsewhere.
  SolverState gather_to_root(const SolverState& slice) const;
  // The solver's view made whole for the observers (full point; a state snapshot that gathers,
  // so it must be taken on every rank) and the final result (full point, state on rank 0).
  Observer whole(Observer inner) const;
  SolveResult whole(SolveResult result) const;
  // Seconds spent in this wrapper's own communication on this rank.
  double comm_seconds() const { return comm_s_; }

  // Wraps a full point of the inner objective as a slice point.
  Point wrap(Point full) const;

 private:
  Objective& inner_;
  Communicator& comm_;
  Index first_ = 0, count_ = 0;
  Vec l1_;
  mutable double comm_s_ = 0.0;
};

}  // namespace logreg
