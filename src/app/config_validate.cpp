// The rules of the configuration (README, "Configuration"): one validate() per section, each
// message naming the dotted key and the value, and the rules that tie sections together.
#include "logreg/app/config.hpp"
#include "logreg/errors.hpp"

namespace logreg {

void ModelConfig::validate() const {
  RegularizationParams::validate();
  if (class_weight.balanced && !class_weight.weights.empty()) {
    throw ConfigError("model.class_weight: either balanced or a mapping, not both");
  }
}

void DataConfig::validate() const {
  if (train.empty()) throw ConfigError("data.train: required (a file, a list of files or a glob)");
  if (features.empty()) throw ConfigError("data.features: must not be empty");
  if (labels.empty()) throw ConfigError("data.labels: must not be empty");
}

void OutputConfig::validate() const {
  if (model.empty()) throw ConfigError("output.model: must not be empty");
  if (log_every < 0) {
    throw ConfigError("output.log_every: must be >= 0, got " + std::to_string(log_every));
  }
}

void CheckpointConfig::validate() const {
  if (every < 1) throw ConfigError("checkpoint.every: must be >= 1, got " + std::to_string(every));
  if (resume == ResumeMode::Require && path.empty()) {
    throw ConfigError("checkpoint.resume: 'require' needs checkpoint.path");
  }
}

void EarlyStoppingConfig::validate() const {
  if (patience < 1) {
    throw ConfigError("early_stopping.patience: must be >= 1, got " + std::to_string(patience));
  }
  if (!(min_delta >= 0)) {
    throw ConfigError("early_stopping.min_delta: must be >= 0, got " + config_number(min_delta));
  }
}

void PathConfig::validate() const {
  if (!l2.empty() && !l1.empty()) throw ConfigError("path: give path.l2 or path.l1, not both");
  if (n != 0 && !(l2.empty() && l1.empty())) {
    throw ConfigError("path.n: give a list (path.l2 or path.l1) or path.n, not both");
  }
  if (n < 0 || n == 1) {
    throw ConfigError("path.n: must be >= 2 (or 0 for no path), got " + std::to_string(n));
  }
  if (!(ratio > 0 && ratio < 1)) {
    throw ConfigError("path.ratio: must be > 0 and < 1, got " + config_number(ratio));
  }
  for (const auto& [key, values] : {std::pair{"path.l2", &l2}, std::pair{"path.l1", &l1}}) {
    for (size_t i = 0; i < values->size(); ++i) {
      const double v = (*values)[i];
      if (!(v >= 0)) {
        throw ConfigError(std::string(key) + "[" + std::to_string(i) + "]: must be >= 0, got " +
                          config_number(v));
      }
      for (size_t j = 0; j < i; ++j) {
        if ((*values)[j] == v) {
          throw ConfigError(std::string(key) + ": " + config_number(v) + " is given twice");
        }
      }
    }
  }
}

void CvConfig::validate() const {
  if (folds != 0 && (folds < 2 || folds > 100)) {
    throw ConfigError("cv.folds: must be between 2 and 100 (or 0 for no cross-validation), got " +
                      std::to_string(folds));
  }
  if (seed < 0) throw ConfigError("cv.seed: must be >= 0, got " + std::to_string(seed));
}

void Config::validate() const {
  data.validate();
  model.validate();
  solver.validate();
  output.validate();
  checkpoint.validate();
  early_stopping.validate();
  path.validate();
  cv.validate();
  if (solver.name == SolverKind::Owlqn && model.l1 <= 0) {
    throw ConfigError("solver.name: owlqn needs model.l1 > 0");
  }
  // README, "Partitioned solver state": Newton-CG and the path/cv fits keep it replicated.
  if (solver.state == SolverStateMode::Partitioned &&
      (effective_solver() == SolverKind::Newton || path.enabled() || cv.enabled())) {
    throw ConfigError(std::string("solver.state: partitioned is not supported with ") +
                      (effective_solver() == SolverKind::Newton ? "solver.name: newton"
                                                                : (cv.enabled() ? "cv" : "path")) +
                      " (use auto or replicated)");
  }
  if (early_stopping.enabled() && data.validation.empty()) {
    throw ConfigError("early_stopping.metric: needs data.validation");
  }
  const bool selecting = path.enabled() || cv.enabled();
  if (selecting && early_stopping.enabled()) {
    throw ConfigError(std::string("early_stopping.metric: not with ") +
                      (path.enabled() ? "path" : "cv") +
                      " (every fit of a path or a fold runs to convergence)");
  }
  if (selecting && !checkpoint.path.empty()) {
    throw ConfigError(std::string("checkpoint.path: not supported with ") +
                      (path.enabled() ? "path" : "cv") +
                      " (a path or cross-validation job is not checkpointed; set checkpoint.path: "
                      "null)");
  }
  if (!output.path.empty() && !selecting) {
    throw ConfigError("output.path: needs path or cv (there is no path to write)");
  }
  if (!output.plots.empty() && output.path.empty()) {
    throw ConfigError("output.plots: needs output.path (the plots are drawn from it)");
  }
  if (inference && model.l1 > 0) {
    throw ConfigError(
        "inference: needs model.l1 = 0 (standard errors are not defined at an L1 "
        "optimum), got model.l1 = " +
        config_number(model.l1));
  }
  if (inference && (path.enabled() && (!path.l1.empty() || path.penalty == PathPenalty::L1))) {
    throw ConfigError(
        "inference: not with an l1 path (standard errors are not defined at an L1 "
        "optimum)");
  }
  if (inference && model.family == Family::Multinomial) {
    throw ConfigError("inference: the multinomial family is not supported (binomial only)");
  }
}

SolverKind Config::effective_solver() const { return solver_for(solver.name, model.l1 > 0); }

}  // namespace logreg
