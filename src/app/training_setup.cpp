#include "logreg/app/training_setup.hpp"

#include <cstdio>
#include <ostream>

#include "logreg/app/kernel_report.hpp"
#include "logreg/app/signals.hpp"
#include "logreg/errors.hpp"
#include "logreg/version.hpp"

namespace logreg {

namespace {

// A validation or test set whose rows are evaluated in place on their ranks; its files are
// recorded in `roles` as inputs.
std::unique_ptr<ModelEvaluator> load_evaluator(Communicator& comm, const Config& config,
                                               const std::vector<std::string>& files,
                                               const char* key, Index n_features, FileRoles& roles,
                                               LabelCounts* labels = nullptr) {
  if (files.empty()) return nullptr;
  LoadedData d = load_evaluation_data(comm, config, files, key, n_features);
  for (const auto& f : d.layout.files) roles.input(key, f.path);
  if (labels) *labels = d.labels;
  return std::make_unique<DistributedEvaluator>(make_local_objective(std::move(d.shard)), comm);
}

// The early-stopping metric must be defined on the validation set (identical on all ranks: the
// counts are reduced). AUC needs rows of both classes.
void check_stop_metric(const Config& config, const LabelCounts& validation) {
  const double positives = validation.ones, negatives = validation.zeros + validation.minus_ones;
  if (config.early_stopping.metric == StopMetric::ValAuc && (positives == 0 || negatives == 0)) {
    throw ConfigError("early_stopping.metric: val_auc is undefined on data.validation, whose " +
                      std::to_string(static_cast<long long>(positives + negatives)) +
                      " rows are all " + (positives == 0 ? "negative" : "positive") +
                      "; use val_logloss or val_accuracy, or a validation set with both classes");
  }
}

// The run's outputs, checked against its inputs and each other before anything is written, and
// locked for the run (rank 0 writes them all). Throws as FileRoles::check and OutputLock.
std::vector<std::unique_ptr<OutputLock>> claim_outputs(const Config& config, FileRoles& roles) {
  std::vector<std::pair<std::string, std::string>> outputs = {
      {"output.model", config.output.model}};
  if (!config.output.metrics.empty()) {
    outputs.push_back({"output.metrics", config.output.metrics});
    roles.output("output.metrics (its live copy)", config.output.metrics + ".partial");
  }
  if (!config.checkpoint.path.empty())
    outputs.push_back({"checkpoint.path", config.checkpoint.path});
  for (const auto& [key, path] : outputs) roles.output(key, path);
  roles.check();
  std::vector<std::unique_ptr<OutputLock>> locks;
  for (const auto& [key, path] : outputs) {
    ensure_parent_directory(path, key);
    locks.push_back(std::make_unique<OutputLock>(key, path));
  }
  return locks;
}

void print_start(const TrainingRun& run, const Config& config, int ranks, std::ostream& out) {
  char line[512];
  std::snprintf(line, sizeof line,
                "logreg_dist %s: %lld rows x %lld features (%s, %s) on %d rank(s), solver %s, "
                "kernels %s\n",
                version(), static_cast<long long>(run.objective->global_rows()),
                static_cast<long long>(run.features()), run.layout.sparse ? "CSR" : "dense",
                to_string(config.data.dtype), ranks, to_string(run.solver.name),
                run.kernels.c_str());
  out << line;
  out.flush();
}

}  // namespace

LoadedData load_evaluation_data(Communicator& comm, const Config& config,
                                const std::vector<std::string>& files, const char* key,
                                Index n_features) {
  DataSource source = config.data;
  source.weights.clear();
  LoadedData d = load_distributed(comm, files, key, source);
  if (d.layout.cols != n_features) {
    throw DataError(std::string(key) + ": has " + std::to_string(d.layout.cols) +
                    " features but data.train has " + std::to_string(n_features));
  }
  return d;
}

TrainingRun prepare_training(Communicator& comm, const Config& config, std::ostream& out) {
  const bool root = comm.is_root();
  TrainingRun run;
  run.kernels = select_kernels(comm);
  LoadedData train = load_distributed(comm, config.data.train, "data.train", config.data);
  run.layout = train.layout;
  run.load_s = train.seconds;
  run.objective = std::make_unique<DistributedObjective>(
      make_local_objective(std::move(train.shard)), comm, config.model);
  run.objective->set_stop_source(stop_requested);

  FileRoles roles;
  for (const auto& f : train.layout.files) roles.input("data.train", f.path);
  LabelCounts validation_labels;
  run.validation = load_evaluator(comm, config, config.data.validation, "data.validation",
                                  run.features(), roles, &validation_labels);
  run.test = load_evaluator(comm, config, config.data.test, "data.test", run.features(), roles);
  if (run.validation) check_stop_metric(config, validation_labels);
  // Nothing has been written yet; from here on this run owns its outputs.
  collectively(comm, [&] {
    if (root) run.locks = claim_outputs(config, roles);
  });

  run.solver = config.solver;
  run.solver.name = config.effective_solver();
  run.checkpointer = std::make_unique<Checkpointer>(comm, config, run.layout);
  run.solver.final_state = run.checkpointer->enabled();
  run.start = run.checkpointer->start_state(run.objective->dim(), to_string(run.solver.name), out);
  collectively(comm, [&] {
    if (root)
      run.metrics = std::make_unique<MetricsSink>(true, config.output.metrics, run.resumed());
  });
  if (!run.metrics) run.metrics = std::make_unique<MetricsSink>();
  if (root) print_start(run, config, comm.size(), out);
  return run;
}

}  // namespace logreg
