// Gradient descent: fixed step, or backtracking (Armijo) whose trials cost O(rows) each.
#include <cmath>

#include "logreg/solvers/detail.hpp"

namespace logreg::detail {

SolveResult minimize_gd(Objective& obj, const SolverState& start, const SolverParams& params,
                        const Observer& observer) {
  Progress progress(obj, params, observer);
  const bool fixed = params.learning_rate > 0;
  // The state (README, "Batch jobs"): alpha, the next first trial of the backtracking search.
  double alpha = fixed ? params.learning_rate : 1.0;
  if (resuming("gd", start, obj.dim())) {
    validate_state("gd", start, {{}, {"alpha"}});
    if (!fixed) alpha = start.scalars.at("alpha");
  }
  int iter = start.iteration;
  Point p = obj.evaluate(start.x);
  double step = 0.0;
  auto state = [&] { return SolverState{"gd", iter, p.x, {}, {{"alpha", alpha}}}; };
  while (true) {
    if (auto s = progress.after_iteration(iter, p, step, state)) return progress.finish(p, *s, iter);
    const Vec d = -p.g;
    auto line = obj.line(p, d);
    Point next;
    if (fixed) {
      next = line->point(alpha);
    } else {
      LineSearchResult ls = backtracking(*line, p.f, -obj.squared_norm(p.g), alpha);
      if (!ls.ok) return progress.finish(p, SolverStatus::LineSearchFailed, iter);
      next = line->point(ls.alpha);
      // Try a longer step next time when this one was accepted at once.
      alpha = ls.alpha == alpha ? 1.5 * ls.alpha : ls.alpha;
      step = ls.alpha;
    }
    if (fixed) step = alpha;
    if (!std::isfinite(next.f) || !obj.all_finite(next.g)) {
      return progress.finish(p, SolverStatus::NonFinite, iter);
    }
    p = std::move(next);
    ++iter;
  }
}

}  // namespace logreg::detail
