// Periodic checkpoints (README, "Batch jobs": checkpoint.*): the solver state every
// `checkpoint.every` iterations, and the last good state when the solver returns.
#pragma once

#include <string>

#include "logreg/app/checkpointing.hpp"
#include "logreg/app/training_observer.hpp"

namespace logreg {

class PeriodicCheckpoint final : public TrainingObserver {
 public:
  // Does nothing when `checkpointer` is disabled.
  PeriodicCheckpoint(Checkpointer& checkpointer, int every);

  // Collective: saves at every multiple of `every` after the run's first iteration (a resumed
  // run does not rewrite the checkpoint it started from). Never stops the solver.
  bool on_iteration(const IterationReport& report) override;

  // Collective: saves the final state, to resume from or, after a normal end, to extend the run
  // from (a larger max_iter or a smaller tol continue where it ended). Its failure is thrown
  // unless `keeps_model`: then it must not cost the model, and its message is returned to be
  // reported after the model is written. Empty when saved (or disabled).
  std::string finish(const SolveResult& result, bool keeps_model);

 private:
  Checkpointer& checkpointer_;
  int every_;
  int first_iteration_ = -1;
};

}  // namespace logreg
