// The resolved configuration (README, "Configuration"). Parsing is strict: unknown keys, wrong
// types and out-of-range values raise ConfigError naming the dotted key.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "logreg/dist/distributed_objective.hpp"
#include "logreg/io/dataset.hpp"
#include "logreg/solvers/solver.hpp"

namespace logreg {

// data.*: the files of each role and, inherited, how to read them (features, labels, weights,
// dtype; DataSource::files is filled when a role's paths are expanded).
struct DataConfig : DataSource {
  std::vector<std::string> train;
  std::vector<std::string> validation;  // empty = none
  std::vector<std::string> test;        // empty = none
  void validate() const;
};

// model.family (README, "Multinomial"): binomial or multinomial, or decided from the labels.
enum class Family { Auto, Binomial, Multinomial };
const char* to_string(Family family);  // "auto" | "binomial" | "multinomial"

// model.class_weight: none, scikit-learn's "balanced" (n / (K·n_k) from the global counts), or
// one weight per class; a class is named by its label (an integer) or, for string labels, by
// its name. Class weights multiply sample weights.
struct ClassWeights {
  bool balanced = false;
  std::map<std::string, double> weights;  // label or class name → weight > 0
  bool none() const { return !balanced && weights.empty(); }
  bool operator==(const ClassWeights&) const = default;
};

// model.*: the regularized objective's parameters and the model's family, class weights and
// starting point.
struct ModelConfig : RegularizationParams {
  Family family = Family::Auto;
  ClassWeights class_weight;
  std::string init;  // a model file to start from; empty = zero
  void validate() const;
};

// solver.*: the solver's parameters (solver_for decides the one actually run).
using SolverConfig = SolverParams;

struct OutputConfig {
  std::string model = "out/model.h5";
  std::string metrics = "out/metrics.jsonl";
  int log_every = 1;
  std::string path;  // the path/CV table (CSV, or JSON lines for *.jsonl); empty = none
  std::string
      plots;  // prefix of the path/CV plots (<prefix>_cv.png, <prefix>_coef.png); empty = none
  void validate() const;
};

const char* to_string(Precision dtype);  // "float64" | "float32"

enum class ResumeMode { Auto, Never, Require };
const char* to_string(ResumeMode mode);

struct CheckpointConfig {
  std::string path;  // empty = checkpointing off
  int every = 10;
  ResumeMode resume = ResumeMode::Auto;
  void validate() const;
};

// Early stopping's validation metric; None = early stopping off.
enum class StopMetric { None, ValLogloss, ValAuc, ValAccuracy };
const char* to_string(StopMetric metric);  // "val_logloss", …; "" for None

struct EarlyStoppingConfig {
  StopMetric metric = StopMetric::None;
  int patience = 10;  // evaluations without improvement before stopping
  double min_delta = 0.0;
  bool enabled() const { return metric != StopMetric::None; }
  void validate() const;
};

// path.* (README, "Regularization path and cross-validation"): one fit (off), an explicit list
// of l2 or l1 values, or n values log-spaced from λ_max down to ratio·λ_max. Each fit starts from
// the previous optimum.
enum class PathPenalty { Auto, L2, L1 };  // auto: l1 when model.l1 > 0, else l2
const char* to_string(PathPenalty penalty);

struct PathConfig {
  std::vector<double> l2, l1;  // explicit values (at most one list)
  int n = 0;                   // log-spaced count; 0 with both lists empty = off
  double ratio = 1e-4;         // the smallest penalty is ratio·λ_max
  PathPenalty penalty = PathPenalty::Auto;
  bool enabled() const { return !l2.empty() || !l1.empty() || n > 0; }
  void validate() const;
};

// cv.*: k-fold cross-validation over the path (or the one penalty); folds = 0 is off.
enum class CvRule { Min, OneSe };
const char* to_string(CvRule rule);  // "min" | "one_se"
const char* to_string(SolverStateMode mode);  // "auto" | "replicated" | "partitioned"

struct CvConfig {
  int folds = 0;
  StopMetric metric = StopMetric::ValLogloss;
  CvRule rule = CvRule::Min;
  int seed = 0;  // mixes into the hash of a row's global index that assigns its fold
  bool enabled() const { return folds > 0; }
  void validate() const;
};

struct Config {
  DataConfig data;
  ModelConfig model;
  SolverConfig solver;
  OutputConfig output;
  CheckpointConfig checkpoint;
  EarlyStoppingConfig early_stopping;
  PathConfig path;
  CvConfig cv;
  bool inference = false;  // standard errors, z and p-values at the final model

  // The solver actually run: solver_for(solver.name, l1 > 0) (README, "Solvers").
  SolverKind effective_solver() const;
  // Each section's validate(), then the rules that tie sections together.
  void validate() const;
};

// Parses YAML text (`source` names it in messages), applies "key=value" overrides (dotted keys,
// values parsed as YAML scalars), fills defaults and validates. Relative paths of the text and
// the defaults are taken relative to `config_dir` (the config file's directory, "" = the working
// directory), those of the overrides relative to the working directory (README, "Configuration").
Config parse_config(const std::string& yaml_text, const std::string& source,
                    const std::vector<std::string>& overrides = {},
                    const std::string& config_dir = "");

// Fully resolved config as YAML (defaults filled in); parse_config(to_yaml(c)) == c.
std::string to_yaml(const Config& config);

}  // namespace logreg
