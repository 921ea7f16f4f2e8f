// Validation scoring during training (README, "Validation and early stopping"): the model is
// scored on data.validation at every logged iteration, and at every iteration when early
// stopping runs without logging (output.log_every: 0). Collective: the metrics are reduced, so
// every rank holds the same scores.
#pragma once

#include <optional>

#include "logreg/app/training_observer.hpp"
#include "logreg/dist/evaluator.hpp"
#include "logreg/dist/training_objective.hpp"

namespace logreg {

class ValidationScorer final : public TrainingObserver {
 public:
  // `set` may be null (no validation data: nothing is scored). `every_iteration`: score at every
  // iteration when nothing is logged (early stopping with log_every 0).
  ValidationScorer(ModelEvaluator* set, const TrainingObjective& objective, int log_every,
                   bool every_iteration);

  bool on_iteration(const IterationReport& report) override;  // never stops the solver

  // The scores of iteration `iteration` if it was the last one scored, else null.
  const EvalMetrics* scores_at(int iteration) const;
  // Scores `x` (solver coordinates) now; nullopt without validation data.
  std::optional<EvalMetrics> score(const Vec& x);

  bool enabled() const { return set_ != nullptr; }
  double seconds() const { return seconds_; }

 private:
  ModelEvaluator* set_;
  const TrainingObjective& objective_;
  int log_every_;
  bool every_iteration_;
  int scored_iteration_ = -1;
  EvalMetrics scores_;
  double seconds_ = 0.0;
};

// Whether `log_every` logs iteration `iteration` (0 = never).
inline bool logged_at(int log_every, int iteration) {
  return log_every > 0 && iteration % log_every == 0;
}

}  // namespace logreg
