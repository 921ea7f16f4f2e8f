// The iteration log (README, "Output": output.log_every, output.metrics): rank 0 prints one line
// per logged iteration and writes it to the JSON-lines metrics file, with the validation scores
// when that iteration was scored. Other ranks only keep count. Each line shows the iteration out
// of solver.max_iter and an estimate of the time left (an upper bound when the solver converges
// before max_iter); elapsed_s continues across resumes (README, "Batch jobs").
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>

#include "logreg/app/metrics.hpp"
#include "logreg/app/validation_scoring.hpp"

namespace logreg {

// Where the run stands when its log starts.
struct RunClock {
  int max_iter = 0;             // solver.max_iter
  int first_iteration = 0;      // where this run starts: 0, or the checkpoint's iteration
  double elapsed_before = 0.0;  // training seconds of the runs it resumes (from the checkpoint)
};

// Seconds left at `iteration`: the iterations left to max_iter times the mean seconds per
// iteration of this run so far; NaN before this run has done an iteration.
double eta_seconds(int iteration, const RunClock& clock, double seconds_this_run);
// "42s", "3m05s", "2h07m" ("?" for NaN).
std::string format_duration(double seconds);

class IterationLog final : public TrainingObserver {
 public:
  // Starts the run's clock (elapsed_s in the log continues from clock.elapsed_before).
  IterationLog(std::ostream& out, MetricsSink& metrics, const TrainingObjective& objective,
               const ValidationScorer& scorer, int log_every, bool root,
               const RunClock& clock = {});

  bool on_iteration(const IterationReport& report) override;  // never stops the solver

  // Collective: logs the final point unless its iteration was logged already or the run ended
  // non-finite; scores it on the validation data first (the last scores may be older).
  void finish(const SolveResult& result, ValidationScorer& scorer);

  // Seconds since the log was made (this run's training time), the same plus the training time
  // of the runs it resumes (elapsed_s, saved in checkpoints), and seconds spent writing the log.
  double elapsed() const;
  double elapsed_total() const { return clock_.elapsed_before + elapsed(); }
  double seconds() const { return seconds_; }

 private:
  void write(const IterationReport& report, const EvalMetrics* scores);

  std::ostream& out_;
  MetricsSink& metrics_;
  const TrainingObjective& objective_;
  const ValidationScorer& scorer_;
  int log_every_;
  bool root_;
  RunClock clock_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  int last_logged_ = -1;
  double last_step_ = 0.0;
  double seconds_ = 0.0;
};

// Adds "<prefix>logloss", accuracy, auc and auc_bound to `json`.
void add_metrics(JsonObject& json, const std::string& prefix, const EvalMetrics& m);

}  // namespace logreg
