// Checkpoint files: the solver state (x in solver coordinates, iteration, solver history) and
// two fingerprints, canonical "key=value" lines describing the config and the data, so that a
// resume can say exactly what changed. Written atomically: temporary file, fsync, rename.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "logreg/core/solver_state.hpp"

namespace logreg {

// Early stopping's record of the best point so far. It is saved with the solver state so that a
// resumed run selects among all iterations, not only those after the restart.
struct BestPoint {
  static constexpr size_t kValues = 7;
  std::string fingerprint;     // what the score means, "key=value" lines (metric, validation data)
  std::vector<double> values;  // kValues: score, iteration, evaluations since, objective,
                               // validation log loss, accuracy, AUC
  Vec x;                       // the point, in solver coordinates
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
