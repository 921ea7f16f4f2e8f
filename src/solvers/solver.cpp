#include "logreg/solvers/solver.hpp"

#include <cmath>

#include "logreg/errors.hpp"
#include "logreg/solvers/detail.hpp"

namespace logreg {

const char* to_string(SolverStatus status) {
  switch (status) {
    case SolverStatus::Converged: return "converged";
    case SolverStatus::MaxIter: return "max_iter";
    case SolverStatus::LineSearchFailed: return "line_search_failed";
    case SolverStatus::NonFinite: return "non_finite";
    case SolverStatus::Interrupted: return "interrupted";
    case SolverStatus::Stopped: return "early_stopped";
  }
  return "unknown";
}

const char* to_string(SolverKind kind) {
  switch (kind) {
    case SolverKind::Gd:
      return "gd";
    case SolverKind::Nesterov:
      return "nesterov";
    case SolverKind::Lbfgs:
      return "lbfgs";
    case SolverKind::Newton:
      return "newton";
    case SolverKind::Owlqn:
      return "owlqn";
  }
  return "unknown";
}

SolverKind parse_solver_kind(const std::string& name, const std::string& key) {
  for (SolverKind k : {SolverKind::Gd, SolverKind::Nesterov, SolverKind::Lbfgs, SolverKind::Newton,
                       SolverKind::Owlqn}) {
    if (name == to_string(k)) return k;
  }
  throw ConfigError(key + ": expected gd, nesterov, lbfgs, newton or owlqn, got '" + name + "'");
}

SolverKind solver_for(SolverKind requested, bool has_l1) {
  return has_l1 ? SolverKind::Owlqn : requested;
}

void SolverParams::validate() const {
  if (max_iter < 0) {
    throw ConfigError("solver.max_iter: must be >= 0, got " + std::to_string(max_iter));
  }
  if (!(tol >= 0) || !std::isfinite(tol)) {
    throw ConfigError("solver.tol: must be >= 0, got " + config_number(tol));
  }
  if (!(learning_rate >= 0) || !std::isfinite(learning_rate)) {
    throw ConfigError("solver.learning_rate: must be 'auto' or a finite number > 0, got " +
                      config_number(learning_rate));
  }
  if (memory < 1 || memory > 1000) {
    throw ConfigError("solver.memory: must be in [1, 1000], got " + std::to_string(memory));
  }
}

SolveResult minimize(Objective& objective, const SolverState& start, const SolverParams& params,
                     const Observer& observer) {
  params.validate();
  switch (solver_for(params.name, objective.has_l1())) {
    case SolverKind::Gd:
      return detail::minimize_gd(objective, start, params, observer);
    case SolverKind::Nesterov:
      return detail::minimize_nesterov(objective, start, params, observer);
    case SolverKind::Lbfgs:
      return detail::minimize_lbfgs(objective, start, params, observer);
    case SolverKind::Newton:
      return detail::minimize_newton(objective, start, params, observer);
    case SolverKind::Owlqn:
      return detail::minimize_owlqn(objective, start, params, observer);
  }
  throw ConfigError("solver.name: unknown solver");
}

namespace detail {

Vec pseudo_gradient(const Objective& obj, const Point& p) {
  if (!obj.has_l1()) return p.g;
  const Vec& lam = obj.l1_weights();
  Vec pg(p.g.size());
  for (Index j = 0; j < p.g.size(); ++j) {
    const double g = p.g[j], l = lam[j], x = p.x[j];
    if (x > 0) pg[j] = g + l;
    else if (x < 0) pg[j] = g - l;
    else if (g + l < 0) pg[j] = g + l;
    else if (g - l > 0) pg[j] = g - l;
    else pg[j] = 0.0;
  }
  return pg;
}

double stationarity(const Objective& obj, const Point& p) {
  return obj.max_abs(pseudo_gradient(obj, p));
}

std::optional<SolverStatus> Progress::after_iteration(int iter, const Point& p, double step,
                                                      const std::function<SolverState()>& state) {
  state_ = state;
  IterationReport r;
  r.iteration = iter;
  r.objective = obj_.total(p);
  r.grad_norm = stationarity(obj_, p);
  r.step = step;
  r.point = &p;
  r.state = state;
  if (!std::isfinite(r.objective) || !std::isfinite(r.grad_norm)) return SolverStatus::NonFinite;
  const bool keep_going = observer_ ? observer_(r) : true;
  if (r.grad_norm <= params_.tol) return SolverStatus::Converged;
  if (!keep_going) return SolverStatus::Stopped;
  if (obj_.interrupted()) return SolverStatus::Interrupted;
  if (iter >= params_.max_iter) return SolverStatus::MaxIter;
  return std::nullopt;
}

SolveResult Progress::finish(const Point& p, SolverStatus status, int iterations) const {
  SolveResult res;
  res.point = p;
  res.status = status;
  res.iterations = iterations;
  res.objective = obj_.total(p);
  res.grad_norm = stationarity(obj_, p);
  // Only a run that will resume (or be extended) needs the history; copying it costs
  // 2·memory vectors of d.
  if (params_.final_state || status == SolverStatus::Interrupted ||
      status == SolverStatus::NonFinite) {
    if (state_) res.state = state_();
    res.state.iteration = iterations;
    res.state.x = p.x;
  }
  return res;
}

}  // namespace detail
}  // namespace logreg
