// Pieces shared by the solver implementations (not part of the public solver API).
#pragma once

#include <optional>

#include "logreg/solvers/solver.hpp"

namespace logreg::detail {

// ‖∇J‖∞ with the minimum-norm subgradient of the L1 term where present.
double stationarity(const Objective& obj, const Point& p);

// The minimum-norm subgradient of J = f + Σλ|x| (equals g without L1).
Vec pseudo_gradient(const Objective& obj, const Point& p);

// The common end-of-iteration logic: non-finite check, report, convergence, interrupt, budget.
class Progress {
 public:
  Progress(Objective& obj, const SolverParams& params, const Observer& observer)
      : obj_(obj), params_(params), observer_(observer) {}
  // Returns a status when the solver must stop after iteration `iter` at point `p`.
  std::optional<SolverStatus> after_iteration(int iter, const Point& p, double step,
                                              const std::function<SolverState()>& state);
  // Also snapshots the solver state given to the last after_iteration call.
  SolveResult finish(const Point& p, SolverStatus status, int iterations) const;

 private:
  std::function<SolverState()> state_;
  Objective& obj_;
  const SolverParams& params_;
  const Observer& observer_;
};

struct LineSearchResult {
  bool ok = false;
  double alpha = 0.0;
  double f = 0.0;
};

// Strong-Wolfe line search (Nocedal & Wright, Alg. 3.5/3.6 with cubic interpolation) on φ,
// starting from φ(0) = f0, φ'(0) = df0 < 0, first trial alpha0.
LineSearchResult strong_wolfe(LineFunction& phi, double f0, double df0, double alpha0,
                              double c1 = 1e-4, double c2 = 0.9, int max_trials = 40);

// Backtracking until φ(α) ≤ f0 + c·α·df0; starts at alpha0 and halves.
LineSearchResult backtracking(LineFunction& phi, double f0, double df0, double alpha0,
                              double c = 1e-4, int max_trials = 60);

SolveResult minimize_gd(Objective& obj, const SolverState& start, const SolverParams& params,
                        const Observer& observer);
SolveResult minimize_nesterov(Objective& obj, const SolverState& start,
                              const SolverParams& params, const Observer& observer);
SolveResult minimize_lbfgs(Objective& obj, const SolverState& start, const SolverParams& params,
                           const Observer& observer);
SolveResult minimize_newton(Objective& obj, const SolverState& start, const SolverParams& params,
                            const Observer& observer);
SolveResult minimize_owlqn(Objective& obj, const SolverState& start, const SolverParams& params,
                           const Observer& observer);

}  // namespace logreg::detail
