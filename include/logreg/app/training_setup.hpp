// Everything a training run sets up before the solver starts (README, "Configuration" and
// "Safe outputs"): the data loaded and checked, the distributed objective, the validation and
// test sets, the outputs claimed and locked, the state to start from (fresh or a checkpoint's)
// and the metrics file. Collective.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "logreg/app/checkpointing.hpp"
#include "logreg/app/config.hpp"
#include "logreg/app/family_data.hpp"
#include "logreg/app/load.hpp"
#include "logreg/app/metrics.hpp"
#include "logreg/dist/distributed_objective.hpp"
#include "logreg/dist/evaluator.hpp"
#include "logreg/dist/partitioned_objective.hpp"
#include "logreg/io/safe_output.hpp"

namespace logreg {

struct TrainingRun {
  std::string kernels;  // the kernel set (or sets, on a mixed job) the ranks run
  DataLayout layout;    // of data.train
  std::vector<std::string> feature_names;  // of data.train, on rank 0 (empty: unnamed)
  ClassInfo classes;    // the family and its classes
  double load_s = 0.0;  // this rank's loading time
  std::unique_ptr<TrainingObjective> objective;      // binary or multinomial
  std::unique_ptr<PartitionedObjective> partitioned;  // the solver's view of it with solver.state
                                                      // partitioned, else null
  std::unique_ptr<ModelEvaluator> validation;        // null without data.validation
  std::unique_ptr<ModelEvaluator> test;              // null without data.test
  std::vector<std::unique_ptr<OutputLock>> locks;    // held until the run ends (rank 0)
  std::unique_ptr<Checkpointer> checkpointer;
  SolverState start;
  std::unique_ptr<MetricsSink> metrics;  // inactive on ranks other than 0
  SolverParams solver;                   // config.solver with the solver actually run

  Index features() const { return layout.cols; }
  bool resumed() const { return start.iteration > 0; }
  // The objective the solver runs on and its coordinates on this rank.
  Objective& solver_objective() const {
    return partitioned ? static_cast<Objective&>(*partitioned) : *objective;
  }
};

// Loads and prepares; rank 0 prints the start line to `out`. Throws (on every rank) what the
// data, the config or the outputs make impossible, before anything is written.
TrainingRun prepare_training(Communicator& comm, const Config& config, std::ostream& out);

}  // namespace logreg
