#include "logreg/app/training_setup.hpp"

#include <cstdio>
#include <ostream>

#include "logreg/app/kernel_report.hpp"
#include "logreg/app/signals.hpp"
#include "logreg/app/warm_start.hpp"
#include "logreg/dist/inference.hpp"
#include "logreg/errors.hpp"
#include "logreg/version.hpp"

namespace logreg {

namespace {

// A validation or test set whose rows are evaluated in place on their ranks; its files are
// recorded in `roles` as inputs.
std::unique_ptr<ModelEvaluator> load_evaluator(Communicator& comm, const Config& config,
                                               const std::vector<std::string>& files,
                                               const char* key, const TrainingRun& run,
                                               FileRoles& roles) {
  if (files.empty()) return nullptr;
  LoadedData d = load_evaluation_data(comm, config, files, key, run.features(), run.classes);
  for (const auto& f : d.layout.files) roles.input(key, f.path);
  if (std::string(key) == "data.validation") check_stop_metric(config, run.classes, d);
  return make_evaluator(std::move(d.shard), run.classes, comm);
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
  if (!config.output.path.empty()) outputs.push_back({"output.path", config.output.path});
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
                "kernels %s%s\n",
                version(), static_cast<long long>(run.objective->global_rows()),
                static_cast<long long>(run.features()), run.layout.sparse ? "CSR" : "dense",
                to_string(config.data.dtype), ranks, to_string(run.solver.name),
                run.kernels.c_str(),
                run.classes.family == Family::Multinomial
                    ? (", multinomial, " + std::to_string(run.classes.classes) + " classes").c_str()
                    : "");
  out << line;
  out.flush();
}

// inference: what only the data decides (README, "Inference"), before any training.
void check_inference(const Config& config, const TrainingRun& run) {
  if (!config.inference) return;
  if (run.classes.family == Family::Multinomial) {
    throw ConfigError("inference: the multinomial family is not supported (the labels have " +
                      std::to_string(run.classes.classes) + " classes); binomial only");
  }
  if (run.features() > kMaxInferenceFeatures) {
    throw ConfigError("inference: " + std::to_string(run.features()) +
                      " features is more than the limit of " +
                      std::to_string(kMaxInferenceFeatures) +
                      " (the information matrix has (d+1)^2 doubles on every rank)");
  }
}

// solver.state (README, "Partitioned solver state"). auto partitions on more than one rank when
// the L-BFGS/OWL-QN history, 2·memory vectors of d doubles, would pass 256 MB per rank; paths
// and cross-validation (their own fits) and Newton-CG stay replicated.
bool partitioned_state(const Config& config, Index dim, int ranks) {
  if (config.path.enabled() || config.cv.enabled()) return false;
  if (config.solver.state != SolverStateMode::Auto)
    return config.solver.state == SolverStateMode::Partitioned;
  const SolverKind kind = config.effective_solver();
  if (ranks < 2 || (kind != SolverKind::Lbfgs && kind != SolverKind::Owlqn)) return false;
  return 2.0 * config.solver.memory * static_cast<double>(dim) * 8.0 > 256e6;
}

}  // namespace

TrainingRun prepare_training(Communicator& comm, const Config& config, std::ostream& out) {
  const bool root = comm.is_root();
  TrainingRun run;
  run.kernels = select_kernels(comm);
  std::string notes;
  TrainData train = load_train(comm, config, &notes);
  run.layout = train.data.layout;
  // For the model file, which rank 0 writes (README, "Outputs").
  collectively(comm, [&] {
    if (root) run.feature_names = read_feature_names(run.layout);
  });
  run.load_s = train.data.seconds;
  run.classes = train.classes;
  apply_class_weights(class_weight_values(config.model.class_weight, run.classes),
                      train.data.shard);
  check_inference(config, run);
  run.objective = make_objective(std::move(train.data.shard), run.classes, comm, config.model);
  run.objective->set_stop_source(stop_requested);

  FileRoles roles;
  for (const auto& f : run.layout.files) roles.input("data.train", f.path);
  if (!config.model.init.empty()) roles.input("model.init", config.model.init);
  run.validation =
      load_evaluator(comm, config, config.data.validation, "data.validation", run, roles);
  run.test = load_evaluator(comm, config, config.data.test, "data.test", run, roles);
  // Nothing has been written yet; from here on this run owns its outputs.
  collectively(comm, [&] {
    if (root) run.locks = claim_outputs(config, roles);
  });

  run.solver = config.solver;
  run.solver.name = config.effective_solver();
  run.checkpointer = std::make_unique<Checkpointer>(comm, config, run.layout);
  run.solver.final_state = run.checkpointer->enabled();
  if (partitioned_state(config, run.objective->dim(), comm.size())) {
    run.partitioned = std::make_unique<PartitionedObjective>(*run.objective, comm);
    run.checkpointer->snapshot_on_every_rank();
  }
  run.start = run.checkpointer->start_state(run.objective->dim(), to_string(run.solver.name), out);
  if (!run.resumed() && !config.model.init.empty()) {
    run.start.x = warm_start(comm, config.model.init, run.classes, run.features(), *run.objective);
  }
  collectively(comm, [&] {
    if (root)
      run.metrics = std::make_unique<MetricsSink>(true, config.output.metrics, run.resumed());
  });
  if (!run.metrics) run.metrics = std::make_unique<MetricsSink>();
  if (root) {
    print_start(run, config, comm.size(), out);
    out << notes;
  }
  return run;
}

}  // namespace logreg
