// The observers of a training run (src/app: validation scoring, early stopping, the iteration
// log, periodic checkpoints) and the chain that runs them, each on its own.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "logreg/app/early_stopping.hpp"
#include "logreg/app/iteration_log.hpp"
#include "logreg/app/periodic_checkpoint.hpp"
#include "logreg/app/validation_scoring.hpp"
#include "logreg/core/local_objective.hpp"
#include "logreg/errors.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

// A small problem on one "rank": the objective and a validation set over the same rows.
struct Problem {
  SerialCommunicator comm;
  RowMatrix<double> X;
  Vec y;
  std::unique_ptr<DistributedObjective> objective;
  std::unique_ptr<DistributedEvaluator> validation;

  Problem() {
    test::random_problem(40, 3, 7, X, y);
    objective = std::make_unique<DistributedObjective>(
        make_local_objective(test::dense_shard(X, y)), comm, RegularizationParams{});
    validation =
        std::make_unique<DistributedEvaluator>(make_local_objective(test::dense_shard(X, y)), comm);
  }
  Point point(double scale) { return objective->evaluate(Vec::Constant(objective->dim(), scale)); }
};

IterationReport report(int iteration, const Point& p) {
  IterationReport r;
  r.iteration = iteration;
  r.objective = p.f;
  r.point = &p;
  r.state = [iteration, &p] { return SolverState{"lbfgs", iteration, p.x, {}, {}}; };
  return r;
}

struct Counting final : TrainingObserver {
  explicit Counting(bool answer) : answer(answer) {}
  bool on_iteration(const IterationReport&) override { return ++calls, answer; }
  bool answer;
  int calls = 0;
};

TEST(Observers, ChainRunsEveryObserverAndStopsWhenAnyAsks) {
  Counting go(true), stop(false), after(true);
  Point p;
  EXPECT_TRUE(chain({&go, &after})(report(1, p)));
  EXPECT_FALSE(chain({&go, &stop, &after})(report(2, p)));
  EXPECT_EQ(after.calls, 2);  // the stop did not skip the observer after it
  EXPECT_EQ(go.calls, 2);
}

TEST(Observers, ValidationIsScoredAtLoggedIterationsOnly) {
  Problem pb;
  const Point p = pb.point(0.1);
  ValidationScorer scorer(pb.validation.get(), *pb.objective, 2, false);
  for (int it = 1; it <= 4; ++it) scorer.on_iteration(report(it, p));
  EXPECT_EQ(scorer.scores_at(3), nullptr);
  ASSERT_NE(scorer.scores_at(4), nullptr);
  const EvalMetrics direct = pb.validation->evaluate(pb.objective->to_model(p.x));
  EXPECT_EQ(scorer.scores_at(4)->log_loss, direct.log_loss);
  EXPECT_EQ(scorer.scores_at(4)->auc, direct.auc);

  // Early stopping without logging scores every iteration; without data, nothing is scored.
  ValidationScorer every(pb.validation.get(), *pb.objective, 0, true);
  every.on_iteration(report(3, p));
  EXPECT_NE(every.scores_at(3), nullptr);
  ValidationScorer none(nullptr, *pb.objective, 1, true);
  none.on_iteration(report(3, p));
  EXPECT_EQ(none.scores_at(3), nullptr);
  EXPECT_FALSE(none.score(p.x).has_value());
}

// Feeds a sequence of validation log-losses (iterations 1, 2, …) to early stopping; returns the
// iteration at which it asked to stop (0 = never).
int stop_after(EarlyStopping& es, const std::vector<double>& losses, int first = 1) {
  Point p;
  p.x = Vec::Zero(2);
  for (size_t k = 0; k < losses.size(); ++k) {
    EvalMetrics m;
    m.log_loss = losses[k];
    const int it = first + static_cast<int>(k);
    if (!es.consider(report(it, p), &m)) return it;
  }
  return 0;
}

EarlyStoppingConfig rule(int patience, double min_delta = 0.0) {
  EarlyStoppingConfig c;
  c.metric = StopMetric::ValLogloss;
  c.patience = patience;
  c.min_delta = min_delta;
  return c;
}

TEST(Observers, EarlyStoppingKeepsTheBestAndStopsAfterPatience) {
  Problem pb;
  ValidationScorer scorer(nullptr, *pb.objective, 1, true);
  EarlyStopping es(rule(2), scorer, -1, std::nullopt);
  EXPECT_FALSE(es.best().has_value());
  EXPECT_EQ(stop_after(es, {0.5, 0.4, 0.45, 0.41, 0.3}), 4);
  ASSERT_TRUE(es.best().has_value());
  EXPECT_EQ(es.best()->iteration, 2);
  EXPECT_EQ(es.best()->val_logloss, 0.4);
  EXPECT_EQ(es.best()->since, 2);

  // An improvement smaller than min_delta is none.
  EarlyStopping strict(rule(2, 0.05), scorer, -1, std::nullopt);
  EXPECT_EQ(stop_after(strict, {0.5, 0.47, 0.46}), 3);
  EXPECT_EQ(strict.best()->iteration, 1);

  // Off: never stops, keeps nothing.
  EarlyStopping off(EarlyStoppingConfig{}, scorer, -1, std::nullopt);
  EXPECT_EQ(stop_after(off, {0.5, 0.6, 0.7, 0.8}), 0);
  EXPECT_FALSE(off.best().has_value());
}

TEST(Observers, EarlyStoppingByAucPrefersHigher) {
  Problem pb;
  ValidationScorer scorer(nullptr, *pb.objective, 1, true);
  EarlyStoppingConfig c = rule(1);
  c.metric = StopMetric::ValAuc;
  EarlyStopping es(c, scorer, -1, std::nullopt);
  Point p;
  EvalMetrics m;
  m.auc = 0.7;
  EXPECT_TRUE(es.consider(report(1, p), &m));
  m.auc = 0.8;
  EXPECT_TRUE(es.consider(report(2, p), &m));
  m.auc = 0.75;
  EXPECT_FALSE(es.consider(report(3, p), &m));
  EXPECT_EQ(es.best()->iteration, 2);
  EXPECT_EQ(es.best()->score, -0.8);
}

TEST(Observers, EarlyStoppingResumesWithItsBestPoint) {
  Problem pb;
  ValidationScorer scorer(nullptr, *pb.objective, 1, true);
  BestPoint saved;
  saved.score = saved.val_logloss = 0.4;
  saved.iteration = 8;
  saved.since = 1;
  saved.x = Vec::Ones(2);
  // The checkpoint's own iteration (10) was scored before it was written: not counted again.
  EarlyStopping es(rule(2), scorer, 10, saved);
  EXPECT_EQ(stop_after(es, {0.9, 0.45}, 10), 11);
  EXPECT_EQ(es.best()->iteration, 8);
  // A run that had already stopped early ends at its first iteration.
  saved.since = 2;
  EarlyStopping done(rule(2), scorer, 10, saved);
  EXPECT_EQ(stop_after(done, {0.1}, 10), 10);
}

Config checkpoint_config(const std::string& path) {
  Config c;
  c.data.train = {"train.h5"};
  c.checkpoint.path = path;
  return c;
}

// Periodic checkpoints every 5 iterations into `file` of a fresh directory (none without a file).
struct Checkpoints {
  explicit Checkpoints(const std::string& file)
      : config(checkpoint_config(file.empty() ? "" : dir.file(file))),
        checkpointer(pb.comm, config, DataLayout{}),
        periodic(checkpointer, 5) {}
  std::string path() const { return config.checkpoint.path; }
  Problem pb;
  test::TempDir dir{"observers_ckpt"};
  Config config;
  Checkpointer checkpointer;
  PeriodicCheckpoint periodic;
};

TEST(Observers, PeriodicCheckpointSavesEveryNAfterTheFirstIteration) {
  Checkpoints c("c.h5");
  const Point p = c.pb.point(0.2);
  // A resumed run starts at a multiple of `every`: its first iteration is not saved again.
  c.periodic.on_iteration(report(5, p));
  EXPECT_FALSE(read_checkpoint(c.path()).has_value());
  for (int it = 6; it <= 12; ++it) c.periodic.on_iteration(report(it, p));
  EXPECT_EQ(read_checkpoint(c.path())->state.iteration, 10);

  SolveResult end;
  end.state = SolverState{"lbfgs", 12, p.x, {}, {}};
  EXPECT_EQ(c.periodic.finish(end, true), "");
  EXPECT_EQ(read_checkpoint(c.path())->state.iteration, 12);
}

TEST(Observers, AFailedFinalCheckpointCostsTheModelOnlyWhenThereIsNone) {
  // The checkpoint's directory does not exist: every save fails.
  Checkpoints c("missing/c.h5");
  SolveResult end;
  end.state = SolverState{"lbfgs", 3, Vec::Zero(c.pb.objective->dim()), {}, {}};
  EXPECT_NE(c.periodic.finish(end, true).find("missing"), std::string::npos);
  EXPECT_THROW(c.periodic.finish(end, false), Error);

  // Disabled: nothing to save, nothing to report.
  Checkpoints none("");
  EXPECT_EQ(none.periodic.finish(end, false), "");
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(Observers, IterationLogWritesLoggedIterationsAndTheEnd) {
  Problem pb;
  test::TempDir dir("observers_log");
  std::ostringstream out;
  {
    MetricsSink metrics(true, dir.file("m.jsonl"));
    ValidationScorer scorer(pb.validation.get(), *pb.objective, 2, false);
    IterationLog log(out, metrics, *pb.objective, scorer, 2, true, RunClock{10, 0, 100.0});
    const Point p = pb.point(0.1);
    for (int it = 1; it <= 5; ++it) {
      scorer.on_iteration(report(it, p));
      log.on_iteration(report(it, p));
    }
    SolveResult end;
    end.point = p;
    end.iterations = 5;
    end.status = SolverStatus::MaxIter;
    log.finish(end, scorer);
    log.finish(end, scorer);  // the end point is logged once
    metrics.commit();
  }
  const std::vector<std::string> console = lines_of(out.str());
  ASSERT_EQ(console.size(), 3u) << out.str();
  EXPECT_EQ(console[0].rfind("iter      2/10  objective", 0), 0u) << console[0];
  // elapsed_s continues from the resumed runs' 100 s; an ETA follows it.
  EXPECT_NE(console[0].find("  time 100."), std::string::npos) << console[0];
  EXPECT_NE(console[0].find("s  eta "), std::string::npos) << console[0];
  EXPECT_NE(console[0].find("val: logloss"), std::string::npos);
  EXPECT_EQ(console[2].rfind("iter      5/10", 0), 0u) << console[2];
  EXPECT_NE(console[2].find("val: logloss"), std::string::npos);  // the end point is scored
  std::ifstream file(dir.file("m.jsonl"));
  std::stringstream json;
  json << file.rdbuf();
  const std::vector<std::string> records = lines_of(json.str());
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].rfind("{\"iter\":4,", 0), 0u) << records[1];
  EXPECT_NE(records[1].find("\"val_auc\":"), std::string::npos);
  EXPECT_NE(records[1].find("\"max_iter\":10,"), std::string::npos) << records[1];
  EXPECT_NE(records[1].find("\"eta_s\":"), std::string::npos) << records[1];
  EXPECT_NE(records[1].find("\"elapsed_s\":100."), std::string::npos) << records[1];
}

// README, "Outputs": the ETA is the iterations left times this run's mean seconds per iteration.
TEST(Observers, EtaFromTheMeanSecondsPerIterationOfThisRun) {
  const RunClock fresh{100, 0, 0.0};
  EXPECT_TRUE(std::isnan(eta_seconds(0, fresh, 0.5)));
  EXPECT_DOUBLE_EQ(eta_seconds(10, fresh, 5.0), 45.0);  // 90 left at 0.5 s
  EXPECT_DOUBLE_EQ(eta_seconds(100, fresh, 50.0), 0.0);
  const RunClock resumed{100, 40, 1000.0};  // the resumed runs' time does not count
  EXPECT_TRUE(std::isnan(eta_seconds(40, resumed, 0.1)));
  EXPECT_DOUBLE_EQ(eta_seconds(50, resumed, 2.0), 10.0);  // 50 left at 0.2 s
  EXPECT_EQ(format_duration(std::nan("")), "?");
  EXPECT_EQ(format_duration(0.0), "0s");
  EXPECT_EQ(format_duration(42.4), "42s");
  EXPECT_EQ(format_duration(185.0), "3m05s");
  EXPECT_EQ(format_duration(7620.0), "2h07m");
}

TEST(Observers, IterationLogSkipsADivergedEndAndLogsNothingWithLogEveryZero) {
  Problem pb;
  std::ostringstream out;
  MetricsSink metrics;
  ValidationScorer scorer(nullptr, *pb.objective, 2, false);
  SolveResult end;
  end.point = pb.point(0.0);
  end.iterations = 3;
  end.status = SolverStatus::NonFinite;
  IterationLog log(out, metrics, *pb.objective, scorer, 2, true);
  log.finish(end, scorer);
  EXPECT_EQ(out.str(), "");
  IterationLog quiet(out, metrics, *pb.objective, scorer, 0, true);
  for (int it = 1; it <= 4; ++it) quiet.on_iteration(report(it, end.point));
  end.status = SolverStatus::Converged;
  quiet.finish(end, scorer);
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace logreg
