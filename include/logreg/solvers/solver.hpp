// Solver entry point, parameters, status and per-iteration reporting. Solvers see only the
// Objective interface; they never throw for non-convergence but return a status.
//
// Stopping rule (all solvers): converged when ‖∇J(x)‖∞ ≤ tol, where ∇J is the gradient of the
// full objective in solver coordinates (the minimum-norm subgradient when l1 > 0). J is a mean
// over samples, so tol is independent of the number of rows. tol = 0 stops only at an exactly
// zero gradient: the solver runs max_iter iterations unless its line search finds no decrease or
// the objective turns non-finite (no solver derives an inner tolerance from tol, so none loops).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "logreg/core/solver_state.hpp"
#include "logreg/solvers/objective.hpp"

namespace logreg {

enum class SolverStatus { Converged, MaxIter, LineSearchFailed, NonFinite, Interrupted, Stopped };
const char* to_string(SolverStatus status);

enum class SolverKind { Gd, Nesterov, Lbfgs, Newton, Owlqn };
// The config's names ("gd", "nesterov", "lbfgs", "newton", "owlqn").
const char* to_string(SolverKind kind);
// ConfigError naming `key` and the accepted names for anything else.
SolverKind parse_solver_kind(const std::string& name, const std::string& key = "solver.name");

// The one rule for L1 (README, "Solvers"): only OWL-QN handles the non-smooth term, so it is the
// solver whenever there is an L1 term, whatever was asked for.
SolverKind solver_for(SolverKind requested, bool has_l1);

// Where the solver's vectors live (README, "Partitioned solver state"): every rank holds them
// whole, or each its slice of the coordinates. The training run wraps the objective for the
// latter (include/logreg/dist/partitioned_objective.hpp); the solvers do not read it.
enum class SolverStateMode { Auto, Replicated, Partitioned };

// The solver section of the config (README, "Configuration": solver.*) is this struct.
struct SolverParams {
  SolverKind name = SolverKind::Lbfgs;
  int max_iter = 200;
  double tol = 1e-6;           // >= 0; 0 = no gradient test: run max_iter iterations
  double learning_rate = 0.0;  // gd/nesterov: > 0 fixed step, 0 = backtracking ("auto")
  int memory = 10;             // lbfgs/owlqn history pairs
  bool final_state = false;
  SolverStateMode state =
      SolverStateMode::Auto;  // fill SolveResult::state at every end, not only to resume from
  // ConfigError naming the solver.* key and the value for anything out of range.
  void validate() const;
};

struct IterationReport {
  int iteration = 0;
  double objective = 0.0;  // J = f + l1 term
  double grad_norm = 0.0;  // ‖∇J‖∞ as used by the stopping rule
  double step = 0.0;       // accepted step length α
  const Point* point = nullptr;
  std::function<SolverState()> state;  // snapshot on demand (copies history)
  // With a partitioned solver state (README, "Partitioned solver state") point->x is this rank's
  // slice: this gathers the whole x, collectively (take it on every rank alike). Empty otherwise.
  std::function<Vec()> gather_x;
  Vec whole_x() const { return gather_x ? gather_x() : point->x; }
};

// Called on every rank after each iteration with identical arguments; returning false stops the
// solver with status Stopped (early stopping).
using Observer = std::function<bool(const IterationReport&)>;

struct SolveResult {
  Point point;        // final iterate (the last good one after a non-finite step)
  SolverState state;  // to continue from `point`; filled when Interrupted or NonFinite, or
                      // at every end with SolverParams::final_state
  SolverStatus status = SolverStatus::MaxIter;
  int iterations = 0;
  double objective = 0.0;
  double grad_norm = 0.0;
};

// An L-BFGS/OWL-QN state's curvature pairs for a penalty l2 changed by dl2: y += dl2·s on the
// first `weights` coordinates (exact: the penalty's Hessian is l2·I there). A regularization
// path carries the history of one fit to the next this way (README, "Regularization path and
// cross-validation"). No pairs: nothing to do.
void shift_pairs_for_l2(SolverState& state, double dl2, Index weights);

// Minimizes from `start` (start.x, plus solver history when resuming a checkpoint).
SolveResult minimize(Objective& objective, const SolverState& start, const SolverParams& params,
                     const Observer& observer);

}  // namespace logreg
