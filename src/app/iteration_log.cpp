#include "logreg/app/iteration_log.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <ostream>

namespace logreg {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

double eta_seconds(int iteration, const RunClock& clock, double seconds_this_run) {
  const int done = iteration - clock.first_iteration;
  if (done <= 0) return std::numeric_limits<double>::quiet_NaN();
  return std::max(0, clock.max_iter - iteration) * (seconds_this_run / done);
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds)) return "?";
  const long s = std::lround(std::max(0.0, seconds));
  char buf[48];
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%lds", s);
  else if (s < 3600)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  else
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
  return buf;
}

void add_metrics(JsonObject& json, const std::string& prefix, const EvalMetrics& m) {
  json.add(prefix + "logloss", m.log_loss)
      .add(prefix + "accuracy", m.accuracy)
      .add(prefix + "auc", m.auc)
      .add(prefix + "auc_bound", m.auc_bound);
}

IterationLog::IterationLog(std::ostream& out, MetricsSink& metrics,
                           const TrainingObjective& objective, const ValidationScorer& scorer,
                           int log_every, bool root, const RunClock& clock)
    : out_(out),
      metrics_(metrics),
      objective_(objective),
      scorer_(scorer),
      log_every_(log_every),
      root_(root),
      clock_(clock) {}

double IterationLog::elapsed() const { return seconds_since(start_); }

bool IterationLog::on_iteration(const IterationReport& report) {
  last_step_ = report.step;
  if (logged_at(log_every_, report.iteration)) write(report, scorer_.scores_at(report.iteration));
  return true;
}

void IterationLog::finish(const SolveResult& result, ValidationScorer& scorer) {
  if (log_every_ <= 0 || last_logged_ == result.iterations ||
      result.status == SolverStatus::NonFinite) {
    return;
  }
  IterationReport r;
  r.iteration = result.iterations;
  r.objective = result.objective;
  r.grad_norm = result.grad_norm;
  r.step = last_step_;
  r.point = &result.point;
  const std::optional<EvalMetrics> scores = scorer.score(result.point.x);
  write(r, scores ? &*scores : nullptr);
}

void IterationLog::write(const IterationReport& r, const EvalMetrics* scores) {
  const auto t0 = std::chrono::steady_clock::now();
  last_logged_ = r.iteration;
  if (root_) {
    const double loss = objective_.loss_part(*r.point);
    const double eta = eta_seconds(r.iteration, clock_, elapsed());
    char line[512];
    int n = std::snprintf(line, sizeof line,
                          "iter %6d/%d  objective %.12e  loss %.6e  |grad| %.3e  step %.2e  "
                          "time %.2fs  eta %s",
                          r.iteration, clock_.max_iter, r.objective, loss, r.grad_norm, r.step,
                          elapsed_total(), format_duration(eta).c_str());
    if (scores && n > 0 && static_cast<size_t>(n) < sizeof line) {
      std::snprintf(line + n, sizeof line - n, "  val: logloss %.6f acc %.4f auc %.4f",
                    scores->log_loss, scores->accuracy, scores->auc);
    }
    out_ << line << "\n";
    out_.flush();
    JsonObject json;
    json.add("iter", r.iteration)
        .add("objective", r.objective)
        .add("loss", loss)
        .add("grad_norm", r.grad_norm)
        .add("step", r.step)
        .add("elapsed_s", elapsed_total())
        .add("compute_s", objective_.stats().compute_s)
        .add("comm_s", objective_.stats().comm_s)
        .add("max_iter", clock_.max_iter)
        .add("eta_s", eta);
    if (scores) add_metrics(json, "val_", *scores);
    // One line per iteration: a resumed run does not repeat what its predecessor logged.
    if (r.iteration > metrics_.last_iteration()) metrics_.write(json);
  }
  seconds_ += seconds_since(t0);
}

}  // namespace logreg
