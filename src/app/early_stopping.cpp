#include "logreg/app/early_stopping.hpp"

namespace logreg {

double stop_score(StopMetric metric, const EvalMetrics& m) {
  switch (metric) {
    case StopMetric::ValAuc:
      return -m.auc;
    case StopMetric::ValAccuracy:
      return -m.accuracy;
    default:
      return m.log_loss;
  }
}

EarlyStopping::EarlyStopping(const EarlyStoppingConfig& config, const ValidationScorer& scorer,
                             int resumed_from, std::optional<BestPoint> saved)
    : config_(config), scorer_(scorer), resumed_from_(resumed_from) {
  if (saved) best_ = std::move(*saved);
}

bool EarlyStopping::on_iteration(const IterationReport& report) {
  return consider(report, scorer_.scores_at(report.iteration));
}

bool EarlyStopping::consider(const IterationReport& report, const EvalMetrics* scores) {
  if (!config_.enabled()) return true;
  if (report.iteration == resumed_from_) {
    // A resumed run's first point was scored before its checkpoint was written; resuming a run
    // that had already stopped early (its final checkpoint) ends at once.
    return !(best_.iteration >= 0 && best_.since >= config_.patience);
  }
  if (!scores) return true;
  const double score = stop_score(config_.metric, *scores);
  if (score < best_.score - config_.min_delta) {
    best_.score = score;
    best_.iteration = report.iteration;
    best_.since = 0;
    best_.x = report.whole_x();
    best_.objective = report.objective;
    best_.val_logloss = scores->log_loss;
    best_.val_accuracy = scores->accuracy;
    best_.val_auc = scores->auc;
    return true;
  }
  return ++best_.since < config_.patience;
}

std::optional<BestPoint> EarlyStopping::best() const {
  if (!config_.enabled() || best_.iteration < 0) return std::nullopt;
  return best_;
}

}  // namespace logreg
