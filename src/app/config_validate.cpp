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

void Config::validate() const {
  data.validate();
  model.validate();
  solver.validate();
  output.validate();
  checkpoint.validate();
  early_stopping.validate();
  if (solver.name == SolverKind::Owlqn && model.l1 <= 0) {
    throw ConfigError("solver.name: owlqn needs model.l1 > 0");
  }
  if (early_stopping.enabled() && data.validation.empty()) {
    throw ConfigError("early_stopping.metric: needs data.validation");
  }
}

SolverKind Config::effective_solver() const { return solver_for(solver.name, model.l1 > 0); }

}  // namespace logreg
