// Checkpoint files: the solver state (x in solver coordinates, iteration, solver history) and
// two fingerprints, canonical "key=value" lines describing the config and the data, so that a
// resume can say exactly what changed. Written atomically: temporary file, fsync, rename.
#pragma once

#include <functional>
#include <limits>
#include <optional>
#include <string>

#include "logreg/core/solver_state.hpp"

namespace logreg {

// Early stopping's record of the best point so far. It is saved with the solver state so that a
// resumed run selects among all iterations, not only those after the restart.
struct BestPoint {
  std::string fingerprint;  // what the score means, "key=value" lines (metric, validation data)
  double score = std::numeric_limits<double>::infinity();  // lower is better
  int iteration = -1;                                      // -1: none yet
  int since = 0;                                           // evaluations since without improvement
  double objective = 0.0;
  double val_logloss = 0.0, val_accuracy = 0.0, val_auc = 0.0;
  Vec x;  // the point, in solver coordinates

  // The numbers in the order of the file's best/values (score, iteration, since, objective,
  // val_logloss, val_accuracy, val_auc), and back.
  static constexpr size_t kValues = 7;
  std::vector<double> values() const {
    return {score,
            static_cast<double>(iteration),
            static_cast<double>(since),
            objective,
            val_logloss,
            val_accuracy,
            val_auc};
  }
  void set_values(const std::vector<double>& v) {
    score = v.at(0), iteration = static_cast<int>(v.at(1)), since = static_cast<int>(v.at(2));
    objective = v.at(3), val_logloss = v.at(4), val_accuracy = v.at(5), val_auc = v.at(6);
  }
};

struct Checkpoint {
  SolverState state;
  std::string config_fingerprint;
  std::string data_fingerprint;
  std::optional<BestPoint> best;  // group "best" in the file; absent without early stopping
};

// `before_rename` runs after the temporary file is complete and synced, just before it replaces
// `path` (tests use it to inject a crash there).
void write_checkpoint(const std::string& path, const Checkpoint& checkpoint,
                      const std::function<void()>& before_rename = {});

// nullopt when `path` does not exist; DataError when it exists but cannot be read.
std::optional<Checkpoint> read_checkpoint(const std::string& path);

// The first line that differs between two fingerprints, as "key: now X, checkpoint Y";
// empty when they are equal.
std::string fingerprint_difference(const std::string& now, const std::string& saved);

}  // namespace logreg
