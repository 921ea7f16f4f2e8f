// The resolved configuration (README, "Configuration"). Parsing is strict: unknown keys, wrong
// types and out-of-range values raise ConfigError naming the dotted key.
#pragma once

#include <string>
#include <vector>

namespace logreg {

struct DataConfig {
  std::vector<std::string> train;
  std::string features = "X";
  std::string labels = "y";
  std::string weights;                  // empty = none
  std::vector<std::string> validation;  // empty = none
  std::vector<std::string> test;        // empty = none
  std::string dtype = "float64";
};

struct ModelConfig {
  bool fit_intercept = true;
  double l2 = 1e-4;
  double l1 = 0.0;
  bool standardize = false;
};

struct SolverConfig {
  std::string name = "lbfgs";
  int max_iter = 200;
  double tol = 1e-6;           // 0 = no gradient test: run max_iter iterations
  double learning_rate = 0.0;  // 0 = auto
  int memory = 10;
};

struct OutputConfig {
  std::string model = "out/model.h5";
  std::string metrics = "out/metrics.jsonl";
  int log_every = 1;
};

struct CheckpointConfig {
  std::string path;  // empty = checkpointing off
  int every = 10;
  std::string resume = "auto";  // auto | never | require
};

struct EarlyStoppingConfig {
  std::string metric;  // empty = off; val_logloss | val_auc | val_accuracy
  int patience = 10;   // evaluations without improvement before stopping
  double min_delta = 0.0;
};

struct Config {
  DataConfig data;
  ModelConfig model;
  SolverConfig solver;
  OutputConfig output;
  CheckpointConfig checkpoint;
  EarlyStoppingConfig early_stopping;

  // The solver actually run: owlqn whenever l1 > 0 (README, "Solvers").
  std::string effective_solver() const;
};

// Parses YAML text (`source` names it in messages), applies "key=value" overrides (dotted keys,
// values parsed as YAML scalars), fills defaults and validates.
Config parse_config(const std::string& yaml_text, const std::string& source,
                    const std::vector<std::string>& overrides = {});

// Fully resolved config as YAML (defaults filled in); parse_config(to_yaml(c)) == c.
std::string to_yaml(const Config& config);

}  // namespace logreg
