// OWL-QN (Andrew & Gao, 2007): L-BFGS on the smooth part, steered by the pseudo-gradient of
// J = f + Σλⱼ|xⱼ| and kept inside the orthant of the current iterate, so coefficients that
// should be zero become exactly zero. Trial points are projected onto the orthant, which is not
// a line, so each trial is a full evaluation.
#include <cmath>

#include "lbfgs_history.hpp"
#include "logreg/solvers/detail.hpp"

namespace logreg::detail {

namespace {

double sign(double v) { return v > 0 ? 1.0 : (v < 0 ? -1.0 : 0.0); }

}  // namespace

SolveResult minimize_owlqn(Objective& obj, const SolverState& start, const SolverParams& params,
                           const Observer& observer) {
  Progress progress(obj, params, observer);
  const Vec lambda = obj.has_l1() ? obj.l1_weights() : Vec::Zero(obj.dim());
  const size_t memory = static_cast<size_t>(params.memory);
  History hist;
  hist.load(start.vectors, memory);
  int iter = start.iteration;
  Point p = obj.evaluate(start.x);
  double step = 0.0;
  auto state = [&] { return SolverState{"owlqn", iter, p.x, hist.to_vectors(), {}}; };
  auto total = [&](const Point& q) { return obj.total(q); };
  bool retry = false;
  while (true) {
    if (!retry) {
      if (auto s = progress.after_iteration(iter, p, step, state)) {
        return progress.finish(p, *s, iter);
      }
    }
    retry = false;
    const Vec pg = pseudo_gradient(obj, p);
    Vec d = hist.direction(pg);
    // Keep only components that agree with steepest descent on J.
    for (Index j = 0; j < d.size(); ++j) {
      if (d[j] * pg[j] >= 0) d[j] = 0.0;
    }
    if (!(d.dot(pg) < 0)) {
      hist.clear();
      d = -pg;
    }
    // The orthant to stay in: the sign of x, or of the descent direction where x is zero.
    Vec orthant(p.x.size());
    for (Index j = 0; j < orthant.size(); ++j) {
      orthant[j] = p.x[j] != 0 ? sign(p.x[j]) : sign(-pg[j]);
    }
    const double f0 = total(p);
    double alpha = hist.s.empty() ? std::min(1.0, 1.0 / d.norm()) : 1.0;
    bool accepted = false;
    Point next;
    for (int trial = 0; trial < 60; ++trial) {
      Vec x = p.x + alpha * d;
      for (Index j = 0; j < x.size(); ++j) {
        if (lambda[j] > 0 && sign(x[j]) != orthant[j]) x[j] = 0.0;
      }
      next = obj.evaluate(x);
      const double f = total(next);
      // Sufficient decrease along the projected step, with the noise-level fallback of the
      // other line searches (the pseudo-gradient change at the new point is the derivative).
      const double decrease = pg.dot(next.x - p.x);
      accepted = std::isfinite(f) &&
                 (f <= f0 + 1e-4 * decrease ||
                  (f <= f0 + 1e-10 * std::abs(f0) &&
                   pseudo_gradient(obj, next).dot(next.x - p.x) <= 0));
      if (accepted) break;
      alpha *= 0.5;
    }
    if (!accepted) {
      if (hist.s.empty()) return progress.finish(p, SolverStatus::LineSearchFailed, iter);
      hist.clear();
      retry = true;
      continue;
    }
    if (!next.g.allFinite()) return progress.finish(p, SolverStatus::NonFinite, iter);
    hist.push(next.x - p.x, next.g - p.g, memory);
    step = alpha;
    p = std::move(next);
    ++iter;
  }
}

}  // namespace logreg::detail
