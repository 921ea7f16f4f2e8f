#include "logreg/app/train.hpp"

#include <cstdio>
#include <ostream>

#include "logreg/app/early_stopping.hpp"
#include "logreg/app/family_data.hpp"
#include "logreg/app/iteration_log.hpp"
#include "logreg/app/kernel_report.hpp"
#include "logreg/app/periodic_checkpoint.hpp"
#include "logreg/app/run_outputs.hpp"
#include "logreg/app/selection.hpp"
#include "logreg/app/training_setup.hpp"
#include "logreg/app/validation_scoring.hpp"
#include "logreg/errors.hpp"

namespace logreg {

namespace {

// What the run is doing, for the out-of-memory message (README, "Exit status").
std::string training_activity(const SolverParams& solver, Index n_features) {
  char vector_mb[32];
  std::snprintf(vector_mb, sizeof vector_mb, "%.1f", 8e-6 * static_cast<double>(n_features + 1));
  const bool history = solver.name == SolverKind::Lbfgs || solver.name == SolverKind::Owlqn;
  return std::string("training with ") + to_string(solver.name) +
         " (the solver's vectors of d+1 doubles are " + vector_mb + " MB each" +
         (history
              ? "; it keeps 2 x solver.memory = " + std::to_string(2 * solver.memory) + " of them)"
              : ")");
}

void describe(const char* what, const LoadedData& d, const ClassInfo& classes, std::ostream& out) {
  char line[512];
  std::snprintf(line, sizeof line,
                "%-10s %lld rows x %lld features, %s, %zu file(s), labels: ", what,
                static_cast<long long>(d.layout.rows), static_cast<long long>(d.layout.cols),
                d.layout.sparse ? "CSR" : "dense", d.layout.files.size());
  out << line;
  if (classes.family == Family::Binomial) {
    std::snprintf(line, sizeof line, "%.0f positive / %.0f negative\n", d.labels.ones,
                  d.labels.zeros + d.labels.minus_ones);
    out << line;
    return;
  }
  out << classes.classes << " classes (rows per class:";
  for (int k = 0; k < classes.classes; ++k) {
    const size_t i = static_cast<size_t>(k) + 1;
    out << " " << (i < d.label_values.size() ? static_cast<long long>(d.label_values[i]) : 0);
  }
  out << ")\n";
}

}  // namespace

int run_check(Communicator& comm, const Config& config, std::ostream& out) {
  const std::string kernels = select_kernels(comm);
  std::string notes;
  const TrainData train = load_train(comm, config, &notes);
  if (comm.is_root()) describe("train", train.data, train.classes, out << notes);
  for (const auto& [key, files] : {std::pair{"data.validation", config.data.validation},
                                   std::pair{"data.test", config.data.test}}) {
    if (files.empty()) continue;
    const LoadedData d =
        load_evaluation_data(comm, config, files, key, train.data.layout.cols, train.classes);
    if (comm.is_root()) describe(std::string(key).substr(5).c_str(), d, train.classes, out);
  }
  if (comm.is_root()) {
    out << "check passed on " << comm.size() << " rank(s), kernels " << kernels << "\n";
  }
  return kExitOk;
}

// Loads, then runs the solver with its observers: validation scoring, early stopping, the
// iteration log and periodic checkpoints, in that order (each sees what the ones before it did
// at the same iteration); then the final checkpoint, the last log line and the outputs.
int run_training(Communicator& comm, const Config& config, std::ostream& out) {
  if (config.path.enabled() || config.cv.enabled()) return run_selection(comm, config, out);
  TrainingRun run = prepare_training(comm, config, out);
  const EarlyStoppingConfig& stopping = config.early_stopping;
  ValidationScorer scorer(run.validation.get(), *run.objective, config.output.log_every,
                          stopping.enabled());
  EarlyStopping early_stopping(stopping, scorer, run.resumed() ? run.start.iteration : -1,
                               run.checkpointer->resumed_best());
  if (stopping.enabled()) run.checkpointer->track_best([&] { return early_stopping.best(); });
  const RunClock clock{run.solver.max_iter, run.start.iteration,
                       run.checkpointer->resumed_elapsed()};
  IterationLog log(out, *run.metrics, *run.objective, scorer, config.output.log_every,
                   comm.is_root(), clock);
  run.checkpointer->track_elapsed([&] { return log.elapsed_total(); });
  PeriodicCheckpoint checkpoints(*run.checkpointer, config.checkpoint.every);

  const Activity training(training_activity(run.solver, run.features()));
  RunEnd end;
  Observer observer = chain({&scorer, &early_stopping, &log, &checkpoints});
  if (run.partitioned) {
    // Each rank starts from its slice; the observers and outputs see the whole point.
    end.result =
        run.partitioned->whole(minimize(*run.partitioned, run.partitioned->slice(run.start),
                                        run.solver, run.partitioned->whole(observer)));
  } else {
    end.result = minimize(*run.objective, run.start, run.solver, observer);
  }
  end.checkpoint_error = checkpoints.finish(end.result, keeps_model(end.result, end.stuck(run)));
  end.train_s = log.elapsed();
  log.finish(end.result, scorer);
  end.best = early_stopping.best();
  end.log_s = log.seconds();
  end.eval_s = scorer.seconds();
  return finish_training(comm, config, run, end, out);
}

}  // namespace logreg
