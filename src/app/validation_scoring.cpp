#include "logreg/app/validation_scoring.hpp"

#include <chrono>

namespace logreg {

ValidationScorer::ValidationScorer(ModelEvaluator* set, const TrainingObjective& objective,
                                   int log_every, bool every_iteration)
    : set_(set), objective_(objective), log_every_(log_every), every_iteration_(every_iteration) {}

bool ValidationScorer::on_iteration(const IterationReport& report) {
  const bool due = logged_at(log_every_, report.iteration) || (every_iteration_ && log_every_ == 0);
  if (set_ && due) {
    scores_ = *score(report.whole_x());
    scored_iteration_ = report.iteration;
  }
  return true;
}

const EvalMetrics* ValidationScorer::scores_at(int iteration) const {
  return set_ && scored_iteration_ == iteration ? &scores_ : nullptr;
}

std::optional<EvalMetrics> ValidationScorer::score(const Vec& x) {
  if (!set_) return std::nullopt;
  const auto t0 = std::chrono::steady_clock::now();
  EvalMetrics m = set_->evaluate(objective_.to_model(x));
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return m;
}

}  // namespace logreg
