// Config parsing: defaults, overrides, round trip, and errors that name the key.
#include <gtest/gtest.h>

#include <cstdlib>

#include "logreg/app/cli.hpp"
#include "logreg/app/config.hpp"
#include "logreg/errors.hpp"

namespace logreg {
namespace {

const char* kMinimal = "data:\n  train: train.h5\n";

std::string error_of(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  try {
    parse_config(yaml, "cfg.yaml", overrides);
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.exit_code(), 2);
    return e.what();
  }
  ADD_FAILURE() << "no error for:\n" << yaml;
  return "";
}

TEST(Config, DefaultsMatchTheSpec) {
  Config c = parse_config(kMinimal, "cfg.yaml");
  EXPECT_EQ(c.data.train, std::vector<std::string>{"train.h5"});
  EXPECT_EQ(c.data.features, "X");
  EXPECT_EQ(c.data.labels, "y");
  EXPECT_TRUE(c.data.weights.empty());
  EXPECT_EQ(c.data.dtype, Precision::Float64);
  EXPECT_TRUE(c.model.fit_intercept);
  EXPECT_DOUBLE_EQ(c.model.l2, 1e-4);
  EXPECT_DOUBLE_EQ(c.model.l1, 0.0);
  EXPECT_FALSE(c.model.standardize);
  EXPECT_EQ(c.solver.name, SolverKind::Lbfgs);
  EXPECT_EQ(c.solver.max_iter, 200);
  EXPECT_DOUBLE_EQ(c.solver.tol, 1e-6);
  EXPECT_DOUBLE_EQ(c.solver.learning_rate, 0.0);
  EXPECT_EQ(c.solver.memory, 10);
  EXPECT_EQ(c.output.model, "out/model.h5");
  EXPECT_EQ(c.output.metrics, "out/metrics.jsonl");
  EXPECT_EQ(c.output.log_every, 1);
  EXPECT_TRUE(c.checkpoint.path.empty());
  EXPECT_EQ(c.checkpoint.every, 10);
  EXPECT_EQ(c.checkpoint.resume, ResumeMode::Auto);
}

TEST(Config, ListsGlobsAndOverrides) {
  Config c = parse_config("data:\n  train: [a.h5, 'b_*.h5']\nsolver:\n  max_iter: 7\n", "cfg.yaml",
                          {"solver.max_iter=50", "model.l2=0.5", "solver.learning_rate=0.1",
                           "data.validation=v.h5", "model.standardize=true"});
  EXPECT_EQ(c.data.train, (std::vector<std::string>{"a.h5", "b_*.h5"}));
  EXPECT_EQ(c.solver.max_iter, 50);  // --set wins over the file
  EXPECT_DOUBLE_EQ(c.model.l2, 0.5);
  EXPECT_DOUBLE_EQ(c.solver.learning_rate, 0.1);
  EXPECT_EQ(c.data.validation, std::vector<std::string>{"v.h5"});
  EXPECT_TRUE(c.model.standardize);
}

TEST(Config, L1SelectsOwlqn) {
  Config c = parse_config(kMinimal, "cfg.yaml", {"model.l1=0.01"});
  EXPECT_EQ(c.effective_solver(), SolverKind::Owlqn);
  EXPECT_EQ(parse_config(kMinimal, "cfg.yaml").effective_solver(), SolverKind::Lbfgs);
}

TEST(Config, PrintedConfigRoundTrips) {
  Config c = parse_config(kMinimal, "cfg.yaml",
                          {"model.l2=1.25e-7", "solver.name=gd", "solver.learning_rate=0.3",
                           "checkpoint.path=ck.h5", "data.train=[x.h5, y.h5]"});
  const std::string yaml = to_yaml(c);
  Config again = parse_config(yaml, "printed");
  EXPECT_EQ(to_yaml(again), yaml);
  EXPECT_DOUBLE_EQ(again.model.l2, 1.25e-7);
  EXPECT_DOUBLE_EQ(again.solver.learning_rate, 0.3);
  EXPECT_EQ(again.data.train.size(), 2u);
  EXPECT_NE(yaml.find("learning_rate: 0.3\n"), std::string::npos) << yaml;
}

// README, "Command line": --print-config prints the shortest form that reads back exactly.
TEST(Config, NumbersPrintShortestRoundTrip) {
  EXPECT_EQ(config_number(1e-6), "1e-06");
  EXPECT_EQ(config_number(0.1), "0.1");
  EXPECT_EQ(config_number(1.0), "1.0");
  EXPECT_EQ(config_number(-250.0), "-250.0");
  EXPECT_EQ(config_number(1.25e-7), "1.25e-07");
  for (double v : {1.0 / 3.0, 0.1 + 0.2, 6.02214076e23, 5e-324}) {
    EXPECT_EQ(std::strtod(config_number(v).c_str(), nullptr), v) << config_number(v);
  }
  EXPECT_EQ(config_number(1.0 / 3.0), "0.3333333333333333");
  EXPECT_EQ(config_number(1e20), "1e+20");
}

TEST(Config, ErrorsNameTheKey) {
  EXPECT_NE(error_of("data:\n  train: t.h5\nsolver:\n  maxiter: 3\n").find("'solver.maxiter'"),
            std::string::npos);
  EXPECT_NE(error_of("data:\n  train: t.h5\nsolver:\n  maxiter: 3\n").find("did you mean 'solver.max_iter'"),
            std::string::npos);
  EXPECT_NE(error_of("data:\n  train: t.h5\nsolvers:\n  name: gd\n").find("'solvers'"), std::string::npos);
  EXPECT_NE(error_of("data:\n  train: t.h5\nsolver:\n  max_iter: ten\n").find("solver.max_iter: expected an integer, got 'ten'"),
            std::string::npos);
  EXPECT_NE(error_of("data:\n  train: t.h5\nmodel:\n  l2: -1\n").find("model.l2"), std::string::npos);
  EXPECT_NE(error_of("data:\n  train: t.h5\nmodel:\n  l2: .nan\n").find("model.l2"), std::string::npos);
  EXPECT_NE(error_of("data:\n  train: t.h5\nmodel:\n  fit_intercept: maybe\n").find("model.fit_intercept"),
            std::string::npos);
  EXPECT_NE(error_of("data:\n  train: t.h5\nsolver:\n  name: sgd\n").find("solver.name"), std::string::npos);
  EXPECT_NE(error_of("data:\n  train: t.h5\nsolver:\n  learning_rate: -0.1\n").find("solver.learning_rate"),
            std::string::npos);
  EXPECT_NE(error_of("data:\n  train: t.h5\nsolver:\n  memory: 0\n").find("solver.memory"), std::string::npos);
  EXPECT_NE(error_of("data:\n  train: t.h5\ndata:\n  dtype: float16\n").find("data"), std::string::npos);
  EXPECT_NE(error_of("data:\n  train: t.h5\n  dtype: float16\n").find("data.dtype"), std::string::npos);
  EXPECT_NE(error_of("data:\n  train: t.h5\ncheckpoint:\n  resume: sometimes\n").find("checkpoint.resume"),
            std::string::npos);
  EXPECT_NE(error_of("data:\n  train: t.h5\noutput:\n  log_every: -2\n").find("output.log_every"),
            std::string::npos);
  EXPECT_NE(error_of("model:\n  l2: 1\n").find("data.train"), std::string::npos);
  EXPECT_NE(error_of("data: [1, 2]\n").find("data"), std::string::npos);
  EXPECT_NE(error_of("- just\n- a list\n").find("top level"), std::string::npos);
}

TEST(Config, DuplicateKeysAreRefusedWithBothLines) {
  EXPECT_EQ(error_of("data:\n  train: t.h5\nsolver:\n  max_iter: 5\n  tol: 1.0e-8\n"
                     "  name: gd\n  max_iter: 50\n"),
            "cfg.yaml: duplicate key 'solver.max_iter' (lines 4 and 7)");
  EXPECT_EQ(error_of("solver:\n  name: gd\ndata:\n  train: t.h5\nsolver:\n  max_iter: 5\n"),
            "cfg.yaml: duplicate key 'solver' (lines 1 and 5)");
  EXPECT_EQ(error_of("data:\n  train: t.h5\nmodel: {l2: 1, l2: 2}\n"),
            "cfg.yaml: duplicate key 'model.l2' (lines 3 and 3)");
  EXPECT_EQ(error_of("data:\n  train: t.h5\n[a, b]: 1\n"),
            "cfg.yaml: line 3: expected a key name, got a list");
  // --set replaces a key of the file: that is no duplicate.
  EXPECT_EQ(parse_config("data:\n  train: t.h5\nsolver:\n  max_iter: 5\n", "cfg.yaml",
                         {"solver.max_iter=6", "solver.max_iter=7"})
                .solver.max_iter,
            7);
}

TEST(Config, TolZeroMeansRunMaxIter) {
  EXPECT_EQ(parse_config(kMinimal, "cfg.yaml", {"solver.tol=0"}).solver.tol, 0.0);
  EXPECT_EQ(parse_config("data:\n  train: t.h5\nsolver:\n  tol: 0.0\n", "cfg").solver.tol, 0.0);
  EXPECT_EQ(error_of(kMinimal, {"solver.tol=-0.5"}), "solver.tol: must be >= 0, got -0.5");
}

TEST(Config, YamlSyntaxErrorsGiveTheLine) {
  const std::string e = error_of("data:\n  train: t.h5\nmodel:\n  l2: [1, 2\n");
  EXPECT_NE(e.find("cfg.yaml: YAML syntax error at line"), std::string::npos) << e;
}

TEST(Config, BadOverrides) {
  EXPECT_NE(error_of(kMinimal, {"solver.max_iter"}).find("expected KEY=VALUE"), std::string::npos);
  EXPECT_NE(error_of(kMinimal, {"solver.iters=5"}).find("unknown key 'solver.iters'"), std::string::npos);
  EXPECT_NE(error_of(kMinimal, {"solver.max_iter=abc"}).find("solver.max_iter"), std::string::npos);
  EXPECT_NE(error_of(kMinimal, {"model.l1=0.1", "solver.name=owlqn", "model.l1=0"}).find("owlqn"),
            std::string::npos);
}

// README, "Configuration": relative paths of the file and the defaults are relative to the
// config's directory, those of --set to the working directory; absolute ones stay.
TEST(Config, RelativePathsFollowTheConfigFile) {
  const char* yaml =
      "data:\n  train: [../d/a_*.h5, /abs/b.h5]\n  validation: v.h5\n  weights: w\n"
      "model:\n  init: m0.h5\noutput:\n  metrics: null\n  path: p.csv\n  plots: plots/p\n"
      "path:\n  n: 3\n";
  Config c = parse_config(yaml, "cfgs/run.yaml", {"data.test=t.h5"}, "cfgs");
  EXPECT_EQ(c.data.train, (std::vector<std::string>{"cfgs/../d/a_*.h5", "/abs/b.h5"}));
  EXPECT_EQ(c.data.validation, std::vector<std::string>{"cfgs/v.h5"});
  EXPECT_EQ(c.data.test, std::vector<std::string>{"t.h5"});  // --set: the working directory
  EXPECT_EQ(c.data.weights, "w");                            // a dataset name, not a path
  EXPECT_EQ(c.model.init, "cfgs/m0.h5");
  EXPECT_EQ(c.output.model, "cfgs/out/model.h5");  // the default, as if written in the file
  EXPECT_TRUE(c.output.metrics.empty());
  EXPECT_EQ(c.output.path, "cfgs/p.csv");
  EXPECT_EQ(c.output.plots, "cfgs/plots/p");
  Config here = parse_config(yaml, "run.yaml", {}, "");
  EXPECT_EQ(here.output.model, "out/model.h5");
  Config ck = parse_config("data: {train: a.h5}\ncheckpoint: {path: c.h5}\n", "x/r.yaml",
                           {"output.model=m.h5"}, "x");
  EXPECT_EQ(ck.checkpoint.path, "x/c.h5");
  EXPECT_EQ(ck.output.model, "m.h5");
}

TEST(Cli, ParsesTrainingAndPredictForms) {
  const char* train[] = {"logreg_dist", "cfg.yaml", "--set", "a.b=1", "--set", "c.d=2", "--check"};
  CliOptions o = parse_cli(7, train);
  EXPECT_EQ(o.mode, CliOptions::Mode::Train);
  EXPECT_EQ(o.config_path, "cfg.yaml");
  EXPECT_EQ(o.overrides, (std::vector<std::string>{"a.b=1", "c.d=2"}));
  EXPECT_TRUE(o.check);
  EXPECT_FALSE(o.print_config);
  const char* pred[] = {"logreg_dist", "predict", "--model", "m.h5", "--data", "d.h5", "--output", "p.h5"};
  o = parse_cli(8, pred);
  EXPECT_EQ(o.mode, CliOptions::Mode::Predict);
  EXPECT_EQ(o.model_path, "m.h5");
  EXPECT_EQ(o.data_paths, std::vector<std::string>{"d.h5"});
  EXPECT_EQ(o.output_path, "p.h5");
}

TEST(Cli, UsageErrorsExitTwo) {
  const char* none[] = {"logreg_dist"};
  EXPECT_THROW(parse_cli(1, none), ConfigError);
  const char* two[] = {"logreg_dist", "a.yaml", "b.yaml"};
  EXPECT_THROW(parse_cli(3, two), ConfigError);
  const char* bad[] = {"logreg_dist", "a.yaml", "--frobnicate"};
  EXPECT_THROW(parse_cli(3, bad), ConfigError);
  const char* pred[] = {"logreg_dist", "predict", "--model", "m.h5"};
  EXPECT_THROW(parse_cli(4, pred), ConfigError);
}

}  // namespace
}  // namespace logreg
