// The iteration log (README, "Output": output.log_every, output.metrics): rank 0 prints one line
// per logged iteration and writes it to the JSON-lines metrics file, with the validation scores
// when that iteration was scored. Other ranks only keep count.
#pragma once

#include <chrono>
#include <iosfwd>

#include "logreg/app/metrics.hpp"
#include "logreg/app/validation_scoring.hpp"

namespace logreg {

class IterationLog final : public TrainingObserver {
 public:
  // Starts the run's clock (elapsed_s in the log).
  IterationLog(std::ostream& out, MetricsSink& metrics, const TrainingObjective& objective,
               const ValidationScorer& scorer, int log_every, bool root);

  bool on_iteration(const IterationReport& report) override;  // never stops the solver

  // Collective: logs the final point unless its iteration was logged already or the run ended
  // non-finite; scores it on the validation data first (the last scores may be older).
  void finish(const SolveResult& result, ValidationScorer& scorer);

  // Seconds since the log was made (the training time) and spent writing the log.
  double elapsed() const;
  double seconds() const { return seconds_; }

 private:
  void write(const IterationReport& report, const EvalMetrics* scores);

  std::ostream& out_;
  MetricsSink& metrics_;
  const TrainingObjective& objective_;
  const ValidationScorer& scorer_;
  int log_every_;
  bool root_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  int last_logged_ = -1;
  double last_step_ = 0.0;
  double seconds_ = 0.0;
};

// Adds "<prefix>logloss", accuracy, auc and auc_bound to `json`.
void add_metrics(JsonObject& json, const std::string& prefix, const EvalMetrics& m);

}  // namespace logreg
