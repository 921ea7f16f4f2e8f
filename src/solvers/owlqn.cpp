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

struct Step {
  Point point;
  double alpha = 0.0;
};

// One step from p: the quasi-Newton direction on the pseudo-gradient, backtracked (detail.hpp)
// with every trial projected onto the orthant of p. Sufficient decrease is measured along the
// projected step; near the optimum, the pseudo-gradient at the trial along that step decides.
std::optional<Step> orthant_step(Objective& obj, const Point& p, History& hist, const Vec& lambda) {
  const Vec pg = pseudo_gradient(obj, p);
  Vec d = hist.direction(obj, pg, Vec(), obj.coordinate_blocks(), obj.block_count());
  // Keep only components that agree with steepest descent on J.
  for (Index j = 0; j < d.size(); ++j) {
    if (d[j] * pg[j] >= 0) d[j] = 0.0;
  }
  if (!(obj.dot(d, pg) < 0)) {
    hist.clear();
    d = -pg;
  }
  // The orthant to stay in: the sign of x, or of the descent direction where x is zero.
  Vec orthant(p.x.size());
  for (Index j = 0; j < orthant.size(); ++j) {
    orthant[j] = p.x[j] != 0 ? sign(p.x[j]) : sign(-pg[j]);
  }
  const double f0 = obj.total(p);
  Point next;
  auto accept = [&](double alpha) {
    Vec x = p.x + alpha * d;
    for (Index j = 0; j < x.size(); ++j) {
      if (lambda[j] > 0 && sign(x[j]) != orthant[j]) x[j] = 0.0;
    }
    next = obj.evaluate(x);
    return sufficient_decrease(obj.total(next), f0, kArmijoC * obj.dot(pg, next.x - p.x), [&] {
      return obj.dot(pseudo_gradient(obj, next), next.x - p.x) <= 0;
    });
  };
  const std::optional<double> alpha =
      backtrack(hist.s.empty() ? std::min(1.0, 1.0 / obj.norm(d)) : 1.0, accept);
  if (!alpha) return std::nullopt;
  return Step{std::move(next), *alpha};
}

}  // namespace

SolveResult minimize_owlqn(Objective& obj, const SolverState& start, const SolverParams& params,
                           const Observer& observer) {
  Progress progress(obj, params, observer);
  const Vec lambda = obj.has_l1() ? obj.l1_weights() : Vec::Zero(obj.dim());
  const size_t memory = static_cast<size_t>(params.memory);
  History hist;
  // The state (README, "Batch jobs"): the pairs of the history, as for L-BFGS.
  if (resuming("owlqn", start, obj.dim())) {
    StateLayout layout;
    History::layout("owlqn", start, obj.dim(), memory, layout);
    validate_state("owlqn", start, layout);
    hist.load(obj, start, memory);
  }
  int iter = start.iteration;
  Point p = obj.evaluate(start.x);
  double step = 0.0;
  auto state = [&] {
    SolverState st{"owlqn", iter, p.x, {}, {}};
    hist.save(st);
    return st;
  };
  while (true) {
    if (auto s = progress.after_iteration(iter, p, step, state)) {
      return progress.finish(p, *s, iter);
    }
    std::optional<Step> next = orthant_step(obj, p, hist, lambda);
    if (!next && !hist.s.empty()) {
      hist.clear();  // retry once along the steepest descent of J before giving up
      next = orthant_step(obj, p, hist, lambda);
    }
    if (!next) return progress.finish(p, SolverStatus::LineSearchFailed, iter);
    if (!obj.all_finite(next->point.g)) return progress.finish(p, SolverStatus::NonFinite, iter);
    hist.push(obj, next->point.x - p.x, next->point.g - p.g, memory);
    step = next->alpha;
    p = std::move(next->point);
    ++iter;
  }
}

}  // namespace logreg::detail
