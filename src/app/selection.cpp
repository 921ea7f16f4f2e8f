// Model selection in one job (include/logreg/app/selection.hpp; README, "Regularization path
// and cross-validation").
#include "logreg/app/selection.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <ostream>

#include "logreg/app/run_outputs.hpp"
#include "logreg/app/signals.hpp"
#include "logreg/app/training_setup.hpp"
#include "logreg/dist/folds_objective.hpp"
#include "logreg/dist/penalty_path.hpp"
#include "logreg/errors.hpp"

namespace logreg {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

long passes(const ObjectiveStats& s) { return s.evaluations + s.hessian_products; }

double nonzeros(const Vec& theta, Index weights) {
  return static_cast<double>((theta.head(weights).array() != 0.0).count());
}

FoldMetric fold_metric(StopMetric m) {
  switch (m) {
    case StopMetric::ValAuc:
      return FoldMetric::Auc;
    case StopMetric::ValAccuracy:
      return FoldMetric::Accuracy;
    default:
      return FoldMetric::LogLoss;
  }
}

SolverKind solver_at(const Config& config, const PathPoint& at) {
  const SolverKind kind = solver_for(config.solver.name, at.l1 > 0);
  return kind == SolverKind::Owlqn && at.l1 <= 0 ? SolverKind::Lbfgs : kind;
}

// Fits one penalty from `start` (x, and the history carried from the previous fit).
SolveResult fit_one(TrainingObjective& obj, const Config& config, const PathPoint& at,
                    const SolverState& start) {
  obj.set_penalty(at.l2, at.l1);
  SolverParams params = config.solver;
  params.name = solver_at(config, at);
  params.final_state = true;
  return minimize(obj, start, params, [](const IterationReport&) { return true; });
}

// L-BFGS's preconditioner at penalty l2: diag(∇²f(0))⁻¹ from the loss part's diagonal (one pass
// at the start of the path) plus l2 on the weights. Always Jacobi, unlike a lone fit (which
// drops a near-uniform diagonal, lbfgs.cpp): a fit started without curvature pairs needs a step
// scale, and at a large l2 the unit-length step of plain −g overshot 50-fold.
void set_preconditioner(SolverState& state, const Vec& loss_diagonal, double l2, Index weights) {
  if (loss_diagonal.size() == 0) return;
  Vec inv = loss_diagonal;
  inv.head(weights).array() += l2;
  for (Index j = 0; j < inv.size(); ++j) inv[j] = inv[j] > 1e-12 ? 1.0 / inv[j] : 1.0;
  if (!state.scalars.count("pairs")) state.scalars["pairs"] = 0.0;
  state.scalars["preconditioned"] = 1.0;
  state.vectors["inv_diag"] = std::move(inv);
}

// The next fit's start: with the same quasi-Newton solver the previous fit's state, its
// curvature pairs corrected for the change of l2 (shift_pairs_for_l2; l1 does not enter them) and
// its preconditioner set for the new l2; else x alone. Restarting L-BFGS without its history cost
// as many passes as a cold start.
SolverState next_start(const SolveResult& r, const PathPoint& from, const PathPoint& to,
                       const Config& config, const Vec& loss_diagonal, Index weights) {
  SolverState next;
  const SolverKind kind = solver_at(config, to);
  next.solver = to_string(kind);
  next.x = r.point.x;
  const bool quasi_newton = kind == SolverKind::Lbfgs || kind == SolverKind::Owlqn;
  if (!quasi_newton || r.state.solver != next.solver) return next;
  next = r.state;
  next.iteration = 0;
  shift_pairs_for_l2(next, to.l2 - from.l2, weights);
  if (kind == SolverKind::Lbfgs) set_preconditioner(next, loss_diagonal, to.l2, weights);
  return next;
}

// diag(∇²f(0)) of the loss part alone (one pass), for L-BFGS's preconditioner at each penalty;
// empty for the other solvers.
Vec loss_diagonal(TrainingObjective& obj, const Config& config) {
  if (config.effective_solver() != SolverKind::Lbfgs) return Vec();
  obj.set_penalty(0.0, 0.0);
  Vec diag;
  obj.evaluate_with_diagonal(Vec::Zero(obj.dim()), diag);
  return diag;
}

// Throws for the ends a path cannot go on from; an interrupt is returned to the caller.
void check_fit(const SolveResult& r, const PathPoint& at) {
  if (r.status == SolverStatus::NonFinite) {
    throw Error(kExitNumerical, "path: the fit at l2 = " + config_number(at.l2) + ", l1 = " +
                                    config_number(at.l1) + " ended with " + to_string(r.status) +
                                    " (try model.standardize: true or a larger path.ratio)");
  }
}

// One line per fit; n = 0 marks the refit on all rows.
void print_point(const Selection& s, size_t i, size_t n, std::ostream& out) {
  const PathPoint& p = s.points[i];
  char line[256], head[32];
  if (n > 0)
    std::snprintf(head, sizeof head, "path %2zu/%zu", i + 1, n);
  else
    std::snprintf(head, sizeof head, "refit (all rows)");
  std::snprintf(line, sizeof line,
                "%s  %s %.4e  iterations %4d  passes %5ld  objective %.10e  nnz %.1f", head,
                s.penalty.c_str(), p.lambda, p.iterations, p.passes, p.objective, p.nnz);
  out << line;
  if (!p.cv.empty()) {
    std::snprintf(line, sizeof line, "  cv %s %.6f +- %.6f", to_string(s.metric), p.cv_mean,
                  p.cv_se);
    out << line;
  }
  if (p.status != "converged") out << "  (" << p.status << ", not converged)";
  out << "\n";
  out.flush();
}

void summarize_folds(PathPoint& p) {
  const double k = static_cast<double>(p.cv.size());
  double sum = 0.0, sq = 0.0;
  for (double v : p.cv) sum += v;
  p.cv_mean = sum / k;
  for (double v : p.cv) sq += (v - p.cv_mean) * (v - p.cv_mean);
  p.cv_sd = k > 1 ? std::sqrt(sq / (k - 1)) : 0.0;
  p.cv_se = p.cv_sd / std::sqrt(k);
}

// Fits the points of the path from x in turn, each from the previous optimum (`diag`: the loss
// diagonal of loss_diagonal, taken by the caller before anything else moved the objective's
// remembered point); after
// each fit record(point, result) fills what the fit means, then rank 0 prints the line (`refit`:
// the one refit on all rows). `last` gets the last fit's result. Returns false when interrupted.
bool fit_points(Communicator& comm, const Config& config, TrainingObjective& obj, Vec x,
                const Vec& diag, Selection& s, bool refit, SolveResult& result,
                const std::function<void(PathPoint&, const SolveResult&)>& record,
                std::ostream& out) {
  const Index weights = obj.dim() - obj.intercepts();
  SolverState state;
  state.solver = to_string(solver_at(config, s.points[0]));
  state.x = std::move(x);
  if (state.solver == "lbfgs") set_preconditioner(state, diag, s.points[0].l2, weights);
  const size_t n = s.points.size();
  for (size_t i = 0; i < n; ++i) {
    PathPoint& p = s.points[i];
    const long before = passes(obj.stats());
    result = fit_one(obj, config, p, state);
    if (result.status == SolverStatus::Interrupted || obj.interrupted()) return false;
    check_fit(result, p);
    p.iterations = result.iterations;
    p.status = to_string(result.status);
    record(p, result);
    p.passes = passes(obj.stats()) - before;
    if (comm.is_root()) print_point(s, i, refit ? 0 : n, out);
    if (i + 1 < n) state = next_start(result, p, s.points[i + 1], config, diag, weights);
  }
  return true;
}

// The K fold-models over every point, from each fold-model's intercept-only optimum (or
// model.init); fills each point's fit and scores. Returns false when interrupted.
bool fit_folds(Communicator& comm, const Config& config, TrainingRun& run, const Vec& init,
               Selection& s, std::ostream& out) {
  const int K = config.cv.folds;
  FoldsObjective folds(run.objective->shard(), K, config.cv.seed, comm, config.model);
  folds.set_stop_source(stop_requested);
  const Index d = run.features();
  // Before path_start: its first pass (at 0) is then the diagonal's, and its second the first
  // fit's starting point, whose sums the objective keeps.
  const Vec diag = loss_diagonal(folds, config);
  Vec x;
  if (init.isZero()) {
    x = path_start(folds, true).x;
  } else {  // model.init: every fold-model starts from it
    const Vec theta0 = run.objective->to_model(init);
    Vec theta_all(K * (d + 1));
    for (int k = 0; k < K; ++k) theta_all.segment(k * d, d) = theta0.head(d);
    theta_all.tail(K).setConstant(theta0[d]);
    x = folds.from_model(theta_all);
  }
  SolveResult unused;  // the fold-models' result: the run's is the refit's
  const bool done = fit_points(
      comm, config, folds, std::move(x), diag, s, false, unused,
      [&](PathPoint& p, const SolveResult& r) {
        p.objective = r.objective / K;
        p.theta = Vec::Zero(d + 1);
        p.nnz = 0.0;
        for (int k = 0; k < K; ++k) {
          const Vec m = folds.fold_model(r.point.x, k);
          p.theta += m / K;
          p.nnz += nonzeros(m, d) / K;
        }
        p.cv = folds.score(r.point.x, fold_metric(config.cv.metric));  // the last pass's margins
        summarize_folds(p);
      },
      out);
  run.objective->stats() += folds.stats();
  return done;
}

// The points on all rows; `last_fit` is the run's result. Returns false when interrupted.
bool fit_all_rows(Communicator& comm, const Config& config, TrainingRun& run, Vec x, Selection& s,
                  SolveResult& last_fit, std::ostream& out, bool refit = false) {
  TrainingObjective& obj = *run.objective;
  const Index d = run.features();
  const Vec diag = loss_diagonal(obj, config);
  return fit_points(
      comm, config, obj, std::move(x), diag, s, refit, last_fit,
      [&](PathPoint& p, const SolveResult& r) {
        p.objective = r.objective;
        p.theta = obj.to_model(r.point.x);
        p.nnz = nonzeros(p.theta, p.theta.size() - p.theta.size() / (d + 1));
      },
      out);
}

}  // namespace

bool sweeps_l1(const Config& c) {
  if (!c.path.l1.empty()) return true;
  if (!c.path.l2.empty()) return false;
  if (c.path.penalty == PathPenalty::Auto) return c.model.l1 > 0;
  return c.path.penalty == PathPenalty::L1;
}

std::vector<double> path_values(const Config& c, double l1_max) {
  const bool l1 = sweeps_l1(c);
  std::vector<double> v = l1 ? c.path.l1 : c.path.l2;
  if (!c.path.enabled()) return {l1 ? c.model.l1 : c.model.l2};
  if (v.empty()) {
    const double max = l1 ? l1_max : kRidgeFactor * l1_max;
    if (!(max > 0)) {
      throw DataError(
          "path: lambda_max is 0 (no feature's gradient is non-zero at the intercept-only "
          "model); give explicit values in path.l2 or path.l1");
    }
    return log_spaced(max, c.path.ratio, c.path.n);
  }
  std::sort(v.begin(), v.end(), std::greater<>());
  return v;
}

int choose_point(const std::vector<PathPoint>& points, StopMetric metric, CvRule rule) {
  const bool lower = metric == StopMetric::ValLogloss;
  int best = 0;
  for (int i = 1; i < static_cast<int>(points.size()); ++i) {
    const double a = points[static_cast<size_t>(i)].cv_mean;
    const double b = points[static_cast<size_t>(best)].cv_mean;
    if (lower ? a < b : a > b) best = i;
  }
  if (rule == CvRule::Min) return best;
  const PathPoint& b = points[static_cast<size_t>(best)];
  const double bound = lower ? b.cv_mean + b.cv_se : b.cv_mean - b.cv_se;
  for (int i = 0; i <= best; ++i) {  // largest penalty first
    const double m = points[static_cast<size_t>(i)].cv_mean;
    if (lower ? m <= bound : m >= bound) return i;
  }
  return best;
}

int run_selection(Communicator& comm, const Config& config, std::ostream& out) {
  TrainingRun run = prepare_training(comm, config, out);
  if (config.cv.enabled() && run.classes.family == Family::Multinomial) {
    throw ConfigError("cv: cross-validation supports the binomial family only (the labels have " +
                      std::to_string(run.classes.classes) + " classes)");
  }
  const auto t0 = std::chrono::steady_clock::now();
  const PathStart start = path_start(*run.objective);
  Selection s;
  s.penalty = sweeps_l1(config) ? "l1" : "l2";
  for (double v : path_values(config, start.l1_max)) {
    PathPoint p;
    p.lambda = v;
    p.l2 = s.penalty == "l1" ? config.model.l2 : v;
    p.l1 = s.penalty == "l1" ? v : config.model.l1;
    s.points.push_back(p);
  }
  const Vec& init = run.start.x;  // zero, or model.init
  const Vec x0 = init.isZero() ? start.x : init;
  RunEnd end;
  bool done = false;
  if (config.cv.enabled()) {
    s.folds = config.cv.folds;
    s.metric = config.cv.metric;
    s.source = "mean of the " + std::to_string(s.folds) + " fold-models";
    done = fit_folds(comm, config, run, init, s, out);
    if (done) {
      s.chosen = choose_point(s.points, s.metric, config.cv.rule);
      // The refit starts from the mean of the fold-models at the chosen penalty: close to the
      // optimum on all rows, so it takes a few iterations. It leaves the chosen point (the
      // fold-models' figures) as it is: its own figures are the run's.
      const size_t c = static_cast<size_t>(s.chosen);
      Selection refit = {s.penalty, {s.points[c]}, 0, s.folds, s.metric, s.source};
      done = fit_all_rows(comm, config, run, run.objective->from_model(s.points[c].theta), refit,
                          end.result, out, true);
    }
  } else {
    s.source = "fit on all rows";
    done = fit_all_rows(comm, config, run, x0, s, end.result, out);
    s.chosen = static_cast<int>(s.points.size()) - 1;
  }
  if (!done) end.result.status = SolverStatus::Interrupted;
  end.train_s = seconds_since(t0);
  end.selection = &s;
  return finish_training(comm, config, run, end, out);
}

}  // namespace logreg
