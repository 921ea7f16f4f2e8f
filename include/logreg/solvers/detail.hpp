// Pieces shared by the solver implementations (not part of the public solver API): stationarity,
// the end-of-iteration logic, the line searches and their constants, and the checks of a state to
// resume from.
#pragma once

#include <algorithm>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

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

// ---- Line searches (README, "Stopping rule": line searches) ----

// The constants of every sufficient-decrease test and backtracking search here.
inline constexpr double kArmijoC = 1e-4;         // sufficient decrease: f ≤ f0 + c·Δ
inline constexpr double kBacktrackShrink = 0.5;  // α ← α/2 after a rejected trial
inline constexpr int kBacktrackTrials = 60;      // 2⁻⁶⁰: below any useful step
inline constexpr double kNoiseRelative = 1e-10;  // |f| · this: the rounding level of f

inline double noise_level(double f0) { return kNoiseRelative * std::max(std::abs(f0), 1e-300); }

// Armijo's sufficient decrease f ≤ f0 + required, where required = c·Δ < 0 and Δ is the
// first-order change the step predicts; or, near the optimum where that decrease falls below the
// rounding of f (Hager & Zhang 2005), f within noise of f0 and `slope_ok()`, a test of the
// derivative at the new point (which stays accurate there). A non-finite f never passes.
template <class SlopeOk>
bool sufficient_decrease(double f, double f0, double required, SlopeOk slope_ok) {
  if (!std::isfinite(f)) return false;
  if (f <= f0 + required) return true;
  return f <= f0 + noise_level(f0) && slope_ok();
}

// Backtracking: tries α = alpha0, alpha0/2, … until `accept(α)` holds, at most `max_trials`
// times. Returns the accepted α, or nullopt.
std::optional<double> backtrack(double alpha0, const std::function<bool(double)>& accept,
                                int max_trials = kBacktrackTrials);

struct LineSearchResult {
  bool ok = false;
  double alpha = 0.0;
  double f = 0.0;
};

// Strong-Wolfe line search (Nocedal & Wright, Alg. 3.5/3.6 with cubic interpolation) on φ,
// starting from φ(0) = f0, φ'(0) = df0 < 0, first trial alpha0.
LineSearchResult strong_wolfe(LineFunction& phi, double f0, double df0, double alpha0,
                              double c1 = kArmijoC, double c2 = 0.9, int max_trials = 40);

// backtrack() on φ with sufficient_decrease (Δ = α·φ'(0)).
LineSearchResult backtracking(LineFunction& phi, double f0, double df0, double alpha0,
                              double c = kArmijoC);

// ---- Solver states (README, "Batch jobs": checkpoint format) ----

// The named fields a solver needs to resume: each vector with its length, each scalar.
struct StateLayout {
  std::vector<std::pair<std::string, Index>> vectors;
  std::vector<std::string> scalars;
};

// Whether `start` continues a run (iteration > 0, or solver fields present) rather than starting
// afresh at start.x; either way start.x must have `dim` entries (DataError otherwise).
bool resuming(const std::string& solver, const SolverState& start, Index dim);

// Checks that the state of a run being continued holds exactly the fields of `layout`, each vector
// with its length. Throws DataError naming the solver, the field and, for a wrong length, both
// lengths.
void validate_state(const std::string& solver, const SolverState& state, const StateLayout& layout);

// The scalar `name` of a state being resumed, which must be an integer in [lo, hi]; throws
// DataError naming the solver and the field otherwise (also when it is missing).
int state_count(const std::string& solver, const SolverState& state, const std::string& name,
                int lo, int hi);

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
