// The pieces of a training run that watch the solver (README, "Design"), in the style of
// ensmallen's callbacks: each observer sees every iteration's report and may ask the solver to
// stop. run_training (src/app/train.cpp) wires them; each lives in its own file.
#pragma once

#include <vector>

#include "logreg/solvers/solver.hpp"

namespace logreg {

class TrainingObserver {
 public:
  virtual ~TrainingObserver() = default;
  // After each iteration, on every rank with identical arguments, so an observer may take part
  // in a collective. False asks the solver to stop (status Stopped).
  virtual bool on_iteration(const IterationReport& report) = 0;
};

// The solver's Observer calling `observers` in order. Every one of them runs at every iteration
// (a stop asked for by one does not skip another's logging or checkpoint); the solver stops when
// any asked.
inline Observer chain(std::vector<TrainingObserver*> observers) {
  return [observers = std::move(observers)](const IterationReport& report) {
    bool keep_going = true;
    for (TrainingObserver* o : observers) keep_going = o->on_iteration(report) && keep_going;
    return keep_going;
  };
}

}  // namespace logreg
