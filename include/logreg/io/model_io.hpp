// The model file (README, "Outputs"): coef (d,), intercept (scalar), and attributes describing the
// fit.
#pragma once

#include <map>
#include <string>

#include "logreg/core/types.hpp"

namespace logreg {

struct ModelRecord {
  Vec coef;
  double intercept = 0.0;
  double objective = 0.0;
  int iterations = 0;
  bool converged = false;
  std::string solver;
  std::string stop_reason;
  double l2 = 0.0;
  double l1 = 0.0;
  Index n_samples = 0;
  Index n_features = 0;
  std::map<std::string, double> extra;         // further numeric attributes (e.g. test metrics)
  std::map<std::string, std::string> strings;  // further string attributes
};

// Writes atomically (temporary file, fsync, rename): a failure leaves any previous file intact.
void write_model(const std::string& path, const ModelRecord& model);
ModelRecord read_model(const std::string& path);

}  // namespace logreg
