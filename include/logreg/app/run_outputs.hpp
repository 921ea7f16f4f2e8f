// The end of a training run (README, "Output" and "Exit status"): the model file (only after a
// normal end), the summary line of the metrics file, rank 0's closing messages, and the exit
// code. Collective.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "logreg/app/config.hpp"
#include "logreg/app/selection.hpp"
#include "logreg/app/training_setup.hpp"
#include "logreg/io/checkpoint.hpp"

namespace logreg {

// How the solver ended and what the observers measured.
struct RunEnd {
  SolveResult result;
  std::optional<BestPoint> best;  // early stopping's best point: the model to keep
  double train_s = 0.0;           // the solver's wall time
  double log_s = 0.0;             // spent writing the iteration log
  double eval_s = 0.0;            // spent scoring on the validation data
  std::string checkpoint_error;   // the final checkpoint failed though the model was kept
  const Selection* selection = nullptr;  // a path or cross-validation job (selection.hpp)

  // A fresh start from which no step decreased the objective: the "model" would be the
  // starting point, which is no fit at all (e.g. features so large every trial step overflows).
  bool stuck(const TrainingRun& run) const {
    return result.status == SolverStatus::LineSearchFailed && result.iterations == 0 &&
           run.start.iteration == 0;
  }
};

// A model is written only when training ended normally and moved from its start; an
// interrupted or diverged run leaves the previous model file as it was.
bool keeps_model(const SolveResult& result, bool stuck);

// Writes the model (when kept), the summary and the messages; returns the exit code, identical
// on every rank.
int finish_training(Communicator& comm, const Config& config, TrainingRun& run, const RunEnd& end,
                    std::ostream& out);

}  // namespace logreg
