#include "logreg/app/train.hpp"

#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <ostream>

#include "logreg/app/checkpointing.hpp"
#include "logreg/app/kernel_report.hpp"
#include "logreg/app/load.hpp"
#include "logreg/app/metrics.hpp"
#include "logreg/app/signals.hpp"
#include "logreg/dist/distributed_objective.hpp"
#include "logreg/dist/evaluator.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/model_io.hpp"
#include "logreg/io/safe_output.hpp"
#include "logreg/solvers/solver.hpp"
#include "logreg/version.hpp"

namespace logreg {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double peak_rss_mb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

DataSource source_for(const Config& c) {
  DataSource s;
  s.features = c.data.features;
  s.labels = c.data.labels;
  s.weights = c.data.weights;
  s.dtype = c.data.dtype == "float32" ? Precision::Float32 : Precision::Float64;
  return s;
}

std::string format(const char* fmt, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

// {"max":…,"mean":…} of one per-rank value, for every rank's entry in `values`.
struct RankStats {
  std::vector<double> max, mean;
};

RankStats reduce_stats(Communicator& comm, const std::vector<double>& values) {
  RankStats s{values, values};
  comm.allreduce_max(s.max);
  comm.allreduce_sum(s.mean);
  for (double& v : s.mean) v /= comm.size();
  return s;
}

std::string max_mean(const RankStats& s, size_t i) {
  return JsonObject().add("max", s.max[i]).add("mean", s.mean[i]).str();
}

int exit_code_for(SolverStatus status) {
  switch (status) {
    case SolverStatus::NonFinite: return kExitNumerical;
    case SolverStatus::Interrupted: return kExitInterrupted;
    default: return kExitOk;
  }
}

// A model is written only when training ended normally; an interrupted or diverged run leaves
// the previous model file as it was.
bool writes_model(SolverStatus status) {
  return status != SolverStatus::NonFinite && status != SolverStatus::Interrupted;
}

// Loads a validation or test set (same layout as data.train; weights are not read: metrics are
// unweighted, like scikit-learn's defaults). Used by training and by --check alike.
LoadedData load_evaluation_data(Communicator& comm, const Config& config,
                                const std::vector<std::string>& files, const char* key,
                                Index n_features) {
  DataSource source = source_for(config);
  source.weights.clear();
  LoadedData d = load_distributed(comm, files, key, source);
  if (d.layout.cols != n_features) {
    throw DataError(std::string(key) + ": has " + std::to_string(d.layout.cols) +
                    " features but data.train has " + std::to_string(n_features));
  }
  return d;
}

// A validation or test set whose rows are evaluated in place on their ranks; its files are
// recorded in `roles` as inputs.
std::unique_ptr<DistributedEvaluator> load_evaluator(Communicator& comm, const Config& config,
                                                     const std::vector<std::string>& files,
                                                     const char* key, Index n_features,
                                                     FileRoles& roles,
                                                     LabelCounts* labels = nullptr) {
  if (files.empty()) return nullptr;
  LoadedData d = load_evaluation_data(comm, config, files, key, n_features);
  for (const auto& f : d.layout.files) roles.input(key, f.path);
  if (labels) *labels = d.labels;
  return std::make_unique<DistributedEvaluator>(make_local_objective(std::move(d.shard)), comm);
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

void add_metrics(JsonObject& json, const std::string& prefix, const EvalMetrics& m) {
  json.add(prefix + "logloss", m.log_loss)
      .add(prefix + "accuracy", m.accuracy)
      .add(prefix + "auc", m.auc)
      .add(prefix + "auc_bound", m.auc_bound);
}

// Early stopping compares "lower is better" scores.
double score(const std::string& metric, const EvalMetrics& m) {
  if (metric == "val_auc") return -m.auc;
  if (metric == "val_accuracy") return -m.accuracy;
  return m.log_loss;
}

}  // namespace

int run_check(Communicator& comm, const Config& config, std::ostream& out) {
  const std::string kernels = select_kernels(comm);
  DataSource source = source_for(config);
  LoadedData train = load_distributed(comm, config.data.train, "data.train", source);
  auto describe = [&](const char* what, const LoadedData& d) {
    if (!comm.is_root()) return;
    out << format("%-10s %lld rows x %lld features, %s, %zu file(s), labels: %.0f positive / %.0f negative\n",
                  what, static_cast<long long>(d.layout.rows), static_cast<long long>(d.layout.cols),
                  d.layout.sparse ? "CSR" : "dense", d.layout.files.size(), d.labels.ones,
                  d.labels.zeros + d.labels.minus_ones);
  };
  describe("train", train);
  for (const auto& [key, files] : {std::pair{"data.validation", config.data.validation},
                                   std::pair{"data.test", config.data.test}}) {
    if (files.empty()) continue;
    LoadedData d = load_evaluation_data(comm, config, files, key, train.layout.cols);
    describe(std::string(key).substr(5).c_str(), d);
  }
  if (comm.is_root()) out << "check passed on " << comm.size() << " rank(s), kernels " << kernels << "\n";
  return kExitOk;
}

int run_training(Communicator& comm, const Config& config, std::ostream& out) {
  const bool root = comm.is_root();
  const std::string kernels = select_kernels(comm);
  DataSource source = source_for(config);
  LoadedData train = load_distributed(comm, config.data.train, "data.train", source);
  const double load_s = train.seconds;

  RegularizationParams reg;
  reg.l2 = config.model.l2;
  reg.l1 = config.model.l1;
  reg.fit_intercept = config.model.fit_intercept;
  reg.standardize = config.model.standardize;
  const Index n_features = train.layout.cols;
  DistributedObjective objective(make_local_objective(std::move(train.shard)), comm, reg);
  objective.set_stop_source(stop_requested);

  FileRoles roles;
  for (const auto& f : train.layout.files) roles.input("data.train", f.path);
  LabelCounts validation_labels;
  std::unique_ptr<DistributedEvaluator> validation =
      load_evaluator(comm, config, config.data.validation, "data.validation", n_features, roles,
                     &validation_labels);
  std::unique_ptr<DistributedEvaluator> test =
      load_evaluator(comm, config, config.data.test, "data.test", n_features, roles);
  // The early-stopping metric must be defined on the validation set (identical on all ranks:
  // the counts are reduced). AUC needs rows of both classes.
  const double positives = validation_labels.ones,
               negatives = validation_labels.zeros + validation_labels.minus_ones;
  if (validation && config.early_stopping.metric == "val_auc" &&
      (positives == 0 || negatives == 0)) {
    throw ConfigError("early_stopping.metric: val_auc is undefined on data.validation, whose " +
                      std::to_string(static_cast<long long>(positives + negatives)) +
                      " rows are all " + (positives == 0 ? "negative" : "positive") +
                      "; use val_logloss or val_accuracy, or a validation set with both classes");
  }
  // Nothing has been written yet; from here on this run owns its outputs.
  std::vector<std::unique_ptr<OutputLock>> locks;
  collectively(comm, [&] {
    if (root) locks = claim_outputs(config, roles);
  });

  Checkpointer checkpointer(comm, config, train.layout);
  const SolverState start = checkpointer.start_state(objective.dim(), config.effective_solver(), out);
  const bool resumed = start.iteration > 0;

  std::unique_ptr<MetricsSink> metrics;
  collectively(comm, [&] {
    if (root) metrics = std::make_unique<MetricsSink>(true, config.output.metrics, resumed);
  });
  if (!metrics) metrics = std::make_unique<MetricsSink>();

  SolverParams sp;
  sp.name = config.effective_solver();
  sp.max_iter = config.solver.max_iter;
  sp.tol = config.solver.tol;
  sp.learning_rate = config.solver.learning_rate;
  sp.memory = config.solver.memory;
  sp.final_state = checkpointer.enabled();

  if (root) {
    out << format(
        "logreg_dist %s: %lld rows x %lld features (%s, %s) on %d rank(s), solver %s, kernels %s\n",
        version(), static_cast<long long>(objective.global_rows()),
        static_cast<long long>(n_features), train.layout.sparse ? "CSR" : "dense",
        config.data.dtype.c_str(), comm.size(), sp.name.c_str(), kernels.c_str());
    out.flush();
  }

  const auto t_train = Clock::now();
  double log_s = 0.0, eval_s = 0.0;
  int last_logged = -1;
  auto evaluate = [&](DistributedEvaluator& set, const Vec& x) {
    const auto t0 = Clock::now();
    EvalMetrics m = set.evaluate(objective.to_model(x));
    eval_s += since(t0);
    return m;
  };
  auto log_iteration = [&](const IterationReport& r, const EvalMetrics* val) {
    const auto t0 = Clock::now();
    last_logged = r.iteration;
    if (root) {
      const double loss = objective.loss_part(*r.point);
      std::string line =
          format("iter %6d  objective %.12e  loss %.6e  |grad| %.3e  step %.2e  time %.2fs",
                 r.iteration, r.objective, loss, r.grad_norm, r.step, since(t_train));
      if (val) {
        line += format("  val: logloss %.6f acc %.4f auc %.4f", val->log_loss, val->accuracy, val->auc);
      }
      out << line << "\n";
      out.flush();
      JsonObject json;
      json.add("iter", r.iteration)
          .add("objective", r.objective)
          .add("loss", loss)
          .add("grad_norm", r.grad_norm)
          .add("step", r.step)
          .add("elapsed_s", since(t_train))
          .add("compute_s", objective.stats().compute_s)
          .add("comm_s", objective.stats().comm_s);
      if (val) add_metrics(json, "val_", *val);
      // One line per iteration: a resumed run does not repeat what its predecessor logged.
      if (r.iteration > metrics->last_iteration()) metrics->write(json);
    }
    log_s += since(t0);
  };

  // Early stopping keeps the best point seen (identical on every rank: the metrics are reduced).
  const EarlyStoppingConfig& es = config.early_stopping;
  struct Best {
    double score = std::numeric_limits<double>::infinity();
    int iteration = -1, since = 0;
    Vec x;
    double objective = 0.0;
    EvalMetrics val;
  } best;
  // The best point travels with the checkpoints.
  if (const auto& saved = checkpointer.resumed_best()) {
    best.score = saved->score, best.iteration = saved->iteration, best.since = saved->since;
    best.objective = saved->objective, best.val.log_loss = saved->val_logloss;
    best.val.accuracy = saved->val_accuracy, best.val.auc = saved->val_auc;
    best.x = saved->x;
  }
  if (!es.metric.empty()) {
    checkpointer.track_best([&]() -> std::optional<BestPoint> {
      if (best.iteration < 0) return std::nullopt;
      return BestPoint{.fingerprint = "",
                       .score = best.score,
                       .iteration = best.iteration,
                       .since = best.since,
                       .objective = best.objective,
                       .val_logloss = best.val.log_loss,
                       .val_accuracy = best.val.accuracy,
                       .val_auc = best.val.auc,
                       .x = best.x};
    });
  }
  double last_step = 0.0;
  int first_iteration = -1;
  Observer observer = [&](const IterationReport& r) {
    last_step = r.step;
    if (first_iteration < 0) first_iteration = r.iteration;
    const bool log_now = config.output.log_every > 0 && r.iteration % config.output.log_every == 0;
    const bool eval_now = validation && (log_now || (!es.metric.empty() && config.output.log_every == 0));
    bool keep_going = true;
    EvalMetrics val;
    // A resumed run's first point was scored before its checkpoint was written.
    const bool resumed_start = resumed && r.iteration == start.iteration;
    if (eval_now) {
      val = evaluate(*validation, r.point->x);
      if (!es.metric.empty() && !resumed_start) {
        const double sc = score(es.metric, val);
        if (sc < best.score - es.min_delta) {
          best.score = sc;
          best.iteration = r.iteration;
          best.since = 0;
          best.x = r.point->x;
          best.objective = r.objective;
          best.val = val;
        } else if (++best.since >= es.patience) {
          keep_going = false;
        }
      }
    }
    // Resuming a run that had already stopped early (its final checkpoint) ends at once.
    if (resumed_start && best.iteration >= 0 && best.since >= es.patience) keep_going = false;
    if (log_now) log_iteration(r, eval_now ? &val : nullptr);
    if (checkpointer.enabled() && r.iteration > first_iteration &&
        r.iteration % config.checkpoint.every == 0) {
      checkpointer.save(r.state);
    }
    return keep_going;
  };

  char vector_mb[32];
  std::snprintf(vector_mb, sizeof vector_mb, "%.1f", 8e-6 * static_cast<double>(n_features + 1));
  const Activity training(
      "training with " + sp.name + " (the solver's vectors of d+1 doubles are " + vector_mb +
      " MB each" +
      (sp.name == "lbfgs" || sp.name == "owlqn"
           ? "; it keeps 2 x solver.memory = " + std::to_string(2 * sp.memory) + " of them)"
           : ")"));
  SolveResult result = minimize(objective, start, sp, observer);
  // A fresh start from which no step decreased the objective: the "model" would be the starting
  // point, which is no fit at all (e.g. features so large that every trial step overflows).
  const bool stuck = result.status == SolverStatus::LineSearchFailed && result.iterations == 0 &&
                     start.iteration == 0;
  const bool keeps_model = writes_model(result.status) && !stuck;
  // The last good state, to resume from; after a normal end, to extend the run from (a larger
  // max_iter or a smaller tol continue where it ended, a rerun ends at once). A failure of that
  // last one must not cost the model: it is reported after the model is written.
  std::string final_checkpoint_error;
  if (checkpointer.enabled()) {
    try {
      checkpointer.save(result.state);
    } catch (const Error& e) {
      if (!keeps_model) throw;
      final_checkpoint_error = e.what();
    }
  }
  const double train_s = since(t_train);
  if (config.output.log_every > 0 && last_logged != result.iterations &&
      result.status != SolverStatus::NonFinite) {
    IterationReport r;
    r.iteration = result.iterations;
    r.objective = result.objective;
    r.grad_norm = result.grad_norm;
    r.step = last_step;
    r.point = &result.point;
    if (validation) {
      const EvalMetrics val = evaluate(*validation, result.point.x);
      log_iteration(r, &val);
    } else {
      log_iteration(r, nullptr);
    }
  }

  const ObjectiveStats& st = objective.stats();
  const double checkpoint_s = checkpointer.seconds();
  const double update_s =
      std::max(0.0, train_s - st.compute_s - st.comm_s - checkpoint_s - log_s - eval_s);
  RankStats times =
      reduce_stats(comm, {load_s, st.compute_s, st.comm_s, update_s, checkpoint_s, peak_rss_mb()});

  // With early stopping the saved model is the best on the validation set.
  const bool use_best = !es.metric.empty() && best.iteration >= 0;
  const Vec theta = objective.to_model(use_best ? best.x : result.point.x);
  const bool converged = result.status == SolverStatus::Converged;
  EvalMetrics test_metrics;
  if (test && keeps_model) test_metrics = test->evaluate(theta);
  int code = stuck ? kExitNumerical : exit_code_for(result.status);
  if (keeps_model) {
    ModelRecord model;
    model.coef = theta.head(n_features);
    model.intercept = theta[n_features];
    model.objective = result.objective;
    model.iterations = result.iterations;
    model.converged = converged;
    model.solver = sp.name;
    model.strings["kernels"] = kernels;
    model.strings["version"] = std::string("logreg_dist ") + version();
    model.stop_reason = to_string(result.status);
    model.l2 = reg.l2;
    model.l1 = reg.l1;
    model.n_samples = objective.global_rows();
    model.n_features = n_features;
    if (use_best) {
      model.objective = best.objective;
      model.extra["best_iteration"] = best.iteration;
      model.extra["early_stopped"] = result.status == SolverStatus::Stopped ? 1.0 : 0.0;
      model.extra["val_logloss"] = best.val.log_loss;
      model.extra["val_accuracy"] = best.val.accuracy;
      model.extra["val_auc"] = best.val.auc;
      model.strings["selected_by"] = "best " + es.metric + " on data.validation";
    }
    if (test) {
      model.extra["test_logloss"] = test_metrics.log_loss;
      model.extra["test_accuracy"] = test_metrics.accuracy;
      model.extra["test_auc"] = test_metrics.auc;
    }
    collectively(comm, [&] {
      if (root) write_model(config.output.model, model);
    });
  }

  if (root) {
    JsonObject summary;
    summary.add("event", "summary")
        .add("status", to_string(result.status))
        .add("converged", converged ? 1 : 0)
        .add("iterations", result.iterations)
        .add("objective", result.objective)
        .add("grad_norm", result.grad_norm)
        .add_raw("load_s", max_mean(times, 0))
        .add_raw("compute_s", max_mean(times, 1))
        .add_raw("comm_s", max_mean(times, 2))
        .add_raw("update_s", max_mean(times, 3))
        .add_raw("checkpoint_s", max_mean(times, 4))
        .add("train_s", train_s)
        .add("evaluations", st.evaluations)
        .add("hessian_products", st.hessian_products)
        .add("line_trials", st.line_trials)
        .add_raw("peak_rss_mb", JsonObject().add("max", times.max[5]).str())
        .add("eval_s", eval_s)
        .add("ranks", comm.size())
        .add("kernels", kernels)
        .add("n_samples", static_cast<long>(objective.global_rows()))
        .add("n_features", static_cast<long>(n_features));
    if (use_best) summary.add("best_iteration", best.iteration).add("selected_by", es.metric);
    if (test && keeps_model) add_metrics(summary, "test_", test_metrics);
    metrics->write(summary);
    out << format("%s after %d iterations: objective %.12e, |grad| %.3e (tol %.1e)\n",
                  converged ? "converged" : ("stopped: " + std::string(to_string(result.status))).c_str(),
                  result.iterations, result.objective, result.grad_norm, sp.tol);
    out << format("time: load %.3fs, train %.3fs (compute %.3fs, comm %.3fs, update %.3fs; max over ranks), "
                  "%ld evaluations, %ld Hessian products, peak RSS %.1f MB (max rank)\n",
                  times.max[0], train_s, times.max[1], times.max[2], times.max[3], st.evaluations,
                  st.hessian_products, times.max[5]);
    const std::string saved = checkpointer.enabled()
                                  ? "the last good state is in " + checkpointer.path()
                                  : std::string("no checkpoint (checkpoint.path is not set)");
    if (stuck) {
      std::fprintf(stderr,
                   "logreg_dist: error: no step from the starting point decreased the objective "
                   "(|grad| %.3e > tol %.1e): the model would be the starting point, so none is "
                   "written. Check the features' scales (rescale them, or model.standardize: "
                   "true)\n",
                   result.grad_norm, sp.tol);
    } else if (result.status == SolverStatus::NonFinite) {
      std::fprintf(stderr,
                   "logreg_dist: error: the objective became non-finite after iteration %d; no "
                   "model written, %s. Try a smaller solver.learning_rate, learning_rate: auto, "
                   "or model.standardize: true\n",
                   result.iterations, saved.c_str());
    } else if (result.status == SolverStatus::Interrupted) {
      out << "stopped by a signal after iteration " << result.iterations << "; " << saved
          << "; no model written. Run the same command again to resume.\n";
    } else {
      if (use_best) {
        out << format("early stopping on %s: best at iteration %d (val logloss %.6f, accuracy %.4f, auc %.4f) is saved\n",
                      es.metric.c_str(), best.iteration, best.val.log_loss, best.val.accuracy, best.val.auc);
      }
      if (test) {
        out << format("test: logloss %.6f  accuracy %.4f  auc %.4f (%.0f rows)\n", test_metrics.log_loss,
                      test_metrics.accuracy, test_metrics.auc, test_metrics.rows);
      }
      out << "model written to " << config.output.model << "\n";
    }
    out.flush();
  }
  collectively(comm, [&] { metrics->commit(); });
  if (!final_checkpoint_error.empty()) {
    if (root) {
      std::fprintf(
          stderr,
          "logreg_dist: error: the model is written to %s, but the final checkpoint is not: %s\n",
          config.output.model.c_str(), final_checkpoint_error.c_str());
    }
    return kExitRuntime;
  }
  return code;
}

}  // namespace logreg
