// Early stopping (README, "Validation and early stopping": early_stopping.*): keeps the best
// point by the validation metric and stops the solver after `patience` scored iterations
// without an improvement of more than `min_delta`. The best point is identical on every rank
// (the scores are reduced) and travels with the checkpoints, so a resumed run selects among all
// iterations.
#pragma once

#include <optional>

#include "logreg/app/config.hpp"
#include "logreg/app/validation_scoring.hpp"
#include "logreg/io/checkpoint.hpp"

namespace logreg {

// The metric as a "lower is better" score.
double stop_score(StopMetric metric, const EvalMetrics& m);

class EarlyStopping final : public TrainingObserver {
 public:
  // Off (never stops, no best point) unless config.enabled(). `resumed_from` is the iteration of
  // the checkpoint this run resumed from (−1 for a fresh start): that point was scored before the
  // checkpoint was written, and `saved` is the best point stored with it.
  EarlyStopping(const EarlyStoppingConfig& config, const ValidationScorer& scorer, int resumed_from,
                std::optional<BestPoint> saved);

  // Takes the scores the scorer holds for the report's iteration (if any) to consider().
  bool on_iteration(const IterationReport& report) override;
  // The rule itself: `scores` are those of the report's point, or null when it was not scored.
  // False when the solver should stop.
  bool consider(const IterationReport& report, const EvalMetrics* scores);

  // The best point so far; nullopt while there is none or when early stopping is off.
  std::optional<BestPoint> best() const;

 private:
  EarlyStoppingConfig config_;
  const ValidationScorer& scorer_;
  int resumed_from_;
  BestPoint best_;
};

}  // namespace logreg
