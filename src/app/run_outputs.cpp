#include "logreg/app/run_outputs.hpp"

#include <sys/resource.h>

#include <cstdio>
#include <ctime>
#include <iostream>
#include <ostream>

#include "logreg/app/config_paths.hpp"
#include "logreg/app/iteration_log.hpp"
#include "logreg/app/path_plots.hpp"
#include "logreg/app/path_table.hpp"
#include "logreg/dist/inference.hpp"
#include "logreg/dist/regularized_objective.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/model_io.hpp"
#include "logreg/version.hpp"

namespace logreg {

namespace {

std::string format(const char* fmt, auto... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

double peak_rss_mb() {
  struct rusage ru {};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

// Per-rank times and memory, as max and mean over the ranks (the summary's {"max", "mean"}).
struct RankTimes {
  enum { kLoad, kCompute, kComm, kUpdate, kCheckpoint, kPeakRss, kStateMb, kCount };
  std::vector<double> max, mean;

  RankTimes(Communicator& comm, std::vector<double> values) : max(values), mean(std::move(values)) {
    comm.allreduce_max(max);
    comm.allreduce_sum(mean);
    for (double& v : mean) v /= comm.size();
  }
  std::string json(int i) const {
    return JsonObject().add("max", max[i]).add("mean", mean[i]).str();
  }
};

// The MB of the solver's own vectors on this rank (README, "Partitioned solver state"): its
// checkpointed state (x, the L-BFGS/OWL-QN pairs and preconditioner, Nesterov's x_prev) and the
// gradient and direction of the current point, each as long as this rank's coordinates.
double solver_state_mb(const TrainingRun& run) {
  const SolverKind kind = run.solver.name;
  double vectors = 3;  // x, g, direction
  if (kind == SolverKind::Lbfgs || kind == SolverKind::Owlqn) vectors += 2.0 * run.solver.memory;
  if (kind == SolverKind::Lbfgs || kind == SolverKind::Nesterov) vectors += 1;
  return vectors * 8e-6 * static_cast<double>(run.solver_objective().dim());
}

RankTimes rank_times(Communicator& comm, const TrainingRun& run, const RunEnd& end) {
  const ObjectiveStats& st = run.objective->stats();
  const double checkpoint_s = run.checkpointer->seconds();
  // The wrapper's allgathers and scalar reduces count as communication.
  const double comm_s = st.comm_s + (run.partitioned ? run.partitioned->comm_seconds() : 0.0);
  const double update_s =
      std::max(0.0, end.train_s - st.compute_s - comm_s - checkpoint_s - end.log_s - end.eval_s);
  return RankTimes(comm, {run.load_s, st.compute_s, comm_s, update_s, checkpoint_s, peak_rss_mb(),
                          solver_state_mb(run)});
}

// The path's models and, with CV, what chose the model (README, "Regularization path and
// cross-validation"); the model's penalties are the chosen point's.
void add_selection(ModelRecord& model, const Selection& s, CvRule rule) {
  const PathPoint& chosen = s.points[static_cast<size_t>(s.chosen)];
  model.l2 = chosen.l2;
  model.l1 = chosen.l1;
  const Index n = static_cast<Index>(s.points.size()), K = std::max(model.classes, 1);
  const Index d = model.n_features;
  ModelRecord::Path& path = model.path;
  path.penalty = s.penalty;
  path.source = s.source;
  path.coef.resize(n, K * d);
  path.intercept.resize(n, K);
  for (Index i = 0; i < n; ++i) {
    const Vec& t = s.points[static_cast<size_t>(i)].theta;
    path.lambda.push_back(s.points[static_cast<size_t>(i)].lambda);
    path.coef.row(i) = t.head(K * d).transpose();
    path.intercept.row(i) = t.tail(K).transpose();
    if (K > 1) path.intercept.row(i).array() -= t.tail(K).mean();
  }
  model.extra["path_index"] = s.chosen;
  if (s.folds == 0) return;
  model.extra["cv_folds"] = s.folds;
  model.extra["cv_mean"] = chosen.cv_mean;
  model.extra["cv_se"] = chosen.cv_se;
  model.strings["cv_metric"] = to_string(s.metric);
  model.strings["selected_by"] = std::string(to_string(rule)) + " mean " + to_string(s.metric) +
                                 " over " + std::to_string(s.folds) + " folds";
}

ModelRecord model_record(const Config& config, const TrainingRun& run, const RunEnd& end,
                         const Vec& theta, const std::optional<EvalMetrics>& test) {
  const SolveResult& r = end.result;
  ModelRecord model;
  const Index d = run.features();
  if (run.classes.family == Family::Multinomial) {
    const int K = run.classes.classes;
    model.family = "multinomial";
    model.classes = K;
    model.coef_matrix = Eigen::Map<const RowMatrix<double>>(theta.data(), K, d);
    // The intercepts are unpenalized and softmax ignores a common shift, so only their
    // differences are determined: the file holds them centered (Σₖ bₖ = 0), the same for every
    // solver, rank count and resume.
    model.intercepts = theta.tail(K).array() - theta.tail(K).mean();
    model.class_names = run.classes.names;
  } else {
    model.coef = theta.head(d);
    model.intercept = theta[d];
  }
  model.objective = end.best ? end.best->objective : r.objective;
  model.iterations = r.iterations;
  model.converged = r.status == SolverStatus::Converged;
  model.solver = to_string(run.solver.name);
  model.strings["kernels"] = run.kernels;
  model.strings["version"] = std::string("logreg_dist ") + version();
  model.stop_reason = to_string(r.status);
  model.l2 = config.model.l2;
  model.l1 = config.model.l1;
  model.n_samples = run.objective->global_rows();
  model.n_features = d;
  model.feature_names = run.feature_names;
  if (end.best) {
    model.extra["best_iteration"] = end.best->iteration;
    model.extra["early_stopped"] = r.status == SolverStatus::Stopped ? 1.0 : 0.0;
    model.extra["val_logloss"] = end.best->val_logloss;
    model.extra["val_accuracy"] = end.best->val_accuracy;
    model.extra["val_auc"] = end.best->val_auc;
    model.strings["selected_by"] =
        std::string("best ") + to_string(config.early_stopping.metric) + " on data.validation";
  }
  if (end.selection) add_selection(model, *end.selection, config.cv.rule);
  if (test) {
    model.extra["test_logloss"] = test->log_loss;
    model.extra["test_accuracy"] = test->accuracy;
    model.extra["test_auc"] = test->auc;
  }
  return model;
}

// Where the model came from (README, "Outputs"): when, by which config and from which files.
// Rank 0 only: it reads the ends of every training file.
void add_provenance(ModelRecord& model, const Config& config, const TrainingRun& run) {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
  model.strings["created_utc"] = stamp;
  // As --print-config shows it: the paths absolute, so it runs from any directory (README,
  // "Outputs").
  Config absolute = config;
  make_config_paths_absolute(absolute);
  model.strings["config"] = to_yaml(absolute);
  for (const FileLayout& file : run.layout.files) {
    model.data_files.push_back(describe_data_file(file.path));
  }
}

void write_summary(const Config& config, const TrainingRun& run, const RunEnd& end,
                   const RankTimes& times, const std::optional<EvalMetrics>& test, int ranks) {
  const SolveResult& r = end.result;
  const ObjectiveStats& st = run.objective->stats();
  JsonObject summary;
  summary.add("event", "summary")
      .add("status", to_string(r.status))
      .add("converged", r.status == SolverStatus::Converged ? 1 : 0)
      .add("iterations", r.iterations)
      .add("objective", r.objective)
      .add("grad_norm", r.grad_norm)
      .add_raw("load_s", times.json(RankTimes::kLoad))
      .add_raw("compute_s", times.json(RankTimes::kCompute))
      .add_raw("comm_s", times.json(RankTimes::kComm))
      .add_raw("update_s", times.json(RankTimes::kUpdate))
      .add_raw("checkpoint_s", times.json(RankTimes::kCheckpoint))
      .add("train_s", end.train_s)
      .add("evaluations", st.evaluations)
      .add("hessian_products", st.hessian_products)
      .add("line_trials", st.line_trials)
      .add_raw("peak_rss_mb", JsonObject().add("max", times.max[RankTimes::kPeakRss]).str())
      .add_raw("solver_state_mb", times.json(RankTimes::kStateMb))
      .add("solver_state", run.partitioned ? "partitioned" : "replicated")
      .add("eval_s", end.eval_s)
      .add("ranks", ranks)
      .add("kernels", run.kernels)
      .add("n_samples", static_cast<long>(run.objective->global_rows()))
      .add("n_features", static_cast<long>(run.features()));
  if (end.best) {
    summary.add("best_iteration", end.best->iteration)
        .add("selected_by", to_string(config.early_stopping.metric));
  }
  if (test) add_metrics(summary, "test_", *test);
  run.metrics->write(summary);
}

// Rank 0's closing lines: the outcome, the times, and what was (not) written.
void print_outcome(const Config& config, const TrainingRun& run, const RunEnd& end,
                   const RankTimes& times, const std::optional<EvalMetrics>& test,
                   std::ostream& out) {
  const SolveResult& r = end.result;
  const ObjectiveStats& st = run.objective->stats();
  out << format("%s after %d iterations: objective %.12e, |grad| %.3e (tol %.1e)\n",
                r.status == SolverStatus::Converged
                    ? "converged"
                    : ("stopped: " + std::string(to_string(r.status))).c_str(),
                r.iterations, r.objective, r.grad_norm, run.solver.tol);
  out << format(
      "time: load %.3fs, train %.3fs (compute %.3fs, comm %.3fs, update %.3fs; max "
      "over ranks), %ld evaluations, %ld Hessian products, peak RSS %.1f MB (max rank)\n",
      times.max[RankTimes::kLoad], end.train_s, times.max[RankTimes::kCompute],
      times.max[RankTimes::kComm], times.max[RankTimes::kUpdate], st.evaluations,
      st.hessian_products, times.max[RankTimes::kPeakRss]);
  const std::string saved = run.checkpointer->enabled()
                                ? "the last good state is in " + run.checkpointer->path()
                                : std::string("no checkpoint (checkpoint.path is not set)");
  if (end.stuck(run)) {
    std::fprintf(stderr,
                 "logreg_dist: error: no step from the starting point decreased the objective "
                 "(|grad| %.3e > tol %.1e): the model would be the starting point, so none is "
                 "written. Check the features' scales (rescale them, or model.standardize: "
                 "true)\n",
                 r.grad_norm, run.solver.tol);
  } else if (r.status == SolverStatus::NonFinite) {
    std::fprintf(stderr,
                 "logreg_dist: error: the objective became non-finite after iteration %d; no "
                 "model written, %s. Try a smaller solver.learning_rate, learning_rate: auto, "
                 "or model.standardize: true\n",
                 r.iterations, saved.c_str());
  } else if (r.status == SolverStatus::Interrupted) {
    out << "stopped by a signal after iteration " << r.iterations << "; " << saved
        << "; no model written. Run the same command again to resume.\n";
  } else {
    if (end.best) {
      out << format(
          "early stopping on %s: best at iteration %d (val logloss %.6f, accuracy "
          "%.4f, auc %.4f) is saved\n",
          to_string(config.early_stopping.metric), end.best->iteration, end.best->val_logloss,
          end.best->val_accuracy, end.best->val_auc);
    }
    if (test) {
      out << format("test: logloss %.6f  accuracy %.4f  auc %.4f (%.0f rows)\n", test->log_loss,
                    test->accuracy, test->auc, test->rows);
    }
    out << "model written to " << config.output.model << "\n";
  }
  out.flush();
}

int exit_code_for(const RunEnd& end, const TrainingRun& run) {
  if (end.stuck(run)) return kExitNumerical;
  switch (end.result.status) {
    case SolverStatus::NonFinite:
      return kExitNumerical;
    case SolverStatus::Interrupted:
      return kExitInterrupted;
    default:
      return kExitOk;
  }
}

}  // namespace

bool keeps_model(const SolveResult& result, bool stuck) {
  return result.status != SolverStatus::NonFinite && result.status != SolverStatus::Interrupted &&
         !stuck;
}

// Standard errors at the model (README, "Inference"); a singular information matrix is reported
// (the model is still written, without them) and makes the exit code 3.
std::optional<Inference> model_inference(Communicator& comm, const Config& config,
                                         const TrainingRun& run, const ModelRecord& model,
                                         const Vec& theta, std::string& error) {
  const auto* obj = dynamic_cast<const RegularizedObjective*>(run.objective.get());
  if (!config.inference || !obj) return std::nullopt;
  InferenceParams p;
  p.weight_sum = obj->weight_sum();
  p.l2 = model.l2;
  p.scale = obj->feature_scale();
  p.fit_intercept = config.model.fit_intercept;
  try {
    return compute_inference(comm, run.objective->shard(), theta, p);
  } catch (const NumericalError& e) {
    error = e.what();
    return std::nullopt;
  }
}

int finish_training(Communicator& comm, const Config& config, TrainingRun& run, const RunEnd& end,
                    std::ostream& out) {
  const bool root = comm.is_root();
  const RankTimes times = rank_times(comm, run, end);
  const bool kept = keeps_model(end.result, end.stuck(run));
  // With early stopping the saved model is the best on the validation set.
  const Vec theta = run.objective->to_model(end.best ? end.best->x : end.result.point.x);
  std::optional<EvalMetrics> test;
  if (run.test && kept) test = run.test->evaluate(theta);
  std::string inference_error;
  if (kept) {
    ModelRecord model = model_record(config, run, end, theta, test);
    model.inference = model_inference(comm, config, run, model, theta, inference_error);
    if (root && model.inference) out << inference_table(theta, *model.inference, {});
    collectively(comm, [&] {
      if (!root) return;
      add_provenance(model, config, run);
      write_model(config.output.model, model);
    });
  }
  if (kept && end.selection && !config.output.path.empty()) {
    collectively(comm, [&] {
      if (root) write_path_table(config.output.path, *end.selection);
    });
  }
  if (root) {
    write_summary(config, run, end, times, test, comm.size());
    print_outcome(config, run, end, times, test, out);
  }
  collectively(comm, [&] { run.metrics->commit(); });
  // The plots are a convenience drawn from the files just written: a failure is one warning,
  // never a failed run (path_plots.hpp).
  if (root && kept && end.selection && !config.output.plots.empty()) {
    out.flush();
    draw_path_plots(config.output.path, config.output.model, config.output.plots, std::cerr);
  }
  if (!inference_error.empty()) {
    if (root) {
      std::fprintf(stderr, "logreg_dist: error: %s (the model is written without them)\n",
                   inference_error.c_str());
    }
    return kExitNumerical;
  }
  if (!end.checkpoint_error.empty()) {
    if (root) {
      std::fprintf(
          stderr,
          "logreg_dist: error: the model is written to %s, but the final checkpoint is not: %s\n",
          config.output.model.c_str(), end.checkpoint_error.c_str());
    }
    return kExitRuntime;
  }
  return exit_code_for(end, run);
}

}  // namespace logreg
