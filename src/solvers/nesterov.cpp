// Accelerated gradient (FISTA momentum) with backtracking and adaptive restart
// (O'Donoghue & Candès 2015): momentum is reset when the objective goes up or the step turns
// against the momentum direction.
#include <cmath>

#include "logreg/solvers/detail.hpp"

namespace logreg::detail {

SolveResult minimize_nesterov(Objective& obj, const SolverState& start,
                              const SolverParams& params, const Observer& observer) {
  Progress progress(obj, params, observer);
  const bool fixed = params.learning_rate > 0;
  double alpha = fixed ? params.learning_rate : 1.0;
  double t = 1.0, t_prev = 1.0;  // momentum sequence t_k, t_{k-1}
  int iter = start.iteration;
  Vec x_prev = start.x;  // x_{k-1}; x_k on a fresh start (no momentum)
  // The state (README, "Batch jobs"): x_prev, the momentum sequence t_prev, t, and alpha, the
  // next first trial of the backtracking search.
  if (resuming("nesterov", start, obj.dim())) {
    validate_state("nesterov", start, {{{"x_prev", obj.dim()}}, {"t_prev", "t", "alpha"}});
    t_prev = start.scalars.at("t_prev");
    t = start.scalars.at("t");
    if (!fixed) alpha = start.scalars.at("alpha");
    x_prev = start.vectors.at("x_prev");
  }
  Point p = obj.evaluate(start.x);  // x_k
  // y_k = x_k + β (x_k − x_{k−1}) with β = (t_{k−1} − 1) / t_k, evaluated along that line from
  // x_k (one pass).
  auto extrapolate = [&]() -> Point {
    const double beta = (t_prev - 1.0) / t;
    const Vec momentum = p.x - x_prev;
    if (beta <= 0 || obj.squared_norm(momentum) == 0) return p;
    return obj.line(p, momentum)->point(beta);
  };
  double step = 0.0;
  auto state = [&] {
    return SolverState{"nesterov",
                       iter,
                       p.x,
                       {{"x_prev", x_prev}},
                       {{"t_prev", t_prev}, {"t", t}, {"alpha", alpha}}};
  };
  if (auto s = progress.after_iteration(iter, p, step, state)) return progress.finish(p, *s, iter);
  Point y = extrapolate();
  while (true) {
    if (!std::isfinite(y.f)) return progress.finish(p, SolverStatus::NonFinite, iter);
    const Vec d = -y.g;
    auto line = obj.line(y, d);
    double a = alpha;
    if (!fixed) {
      // f(y − αg) ≤ f(y) − (α/2)‖g‖²: the sufficient decrease of an L-smooth step with α ≤ 1/L.
      LineSearchResult ls = backtracking(*line, y.f, -obj.squared_norm(y.g), alpha, 0.5);
      if (!ls.ok) return progress.finish(p, SolverStatus::LineSearchFailed, iter);
      a = ls.alpha;
      alpha = a == alpha ? 1.1 * a : a;
    }
    Point next = line->point(a);
    if (!std::isfinite(next.f) || !obj.all_finite(next.g)) {
      return progress.finish(p, SolverStatus::NonFinite, iter);
    }
    const bool restart = next.f > p.f || obj.dot(y.g, next.x - p.x) > 0;
    x_prev = std::move(p.x);
    p = std::move(next);
    step = a;
    ++iter;
    t_prev = restart ? 1.0 : t;
    t = restart ? 1.0 : (1.0 + std::sqrt(1.0 + 4.0 * t * t)) / 2.0;
    if (auto s = progress.after_iteration(iter, p, step, state)) return progress.finish(p, *s, iter);
    y = extrapolate();
  }
}

}  // namespace logreg::detail
