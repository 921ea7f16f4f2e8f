// Checkpoint files: the solver state (x in solver coordinates, iteration, solver history) and
// two fingerprints, canonical "key=value" lines describing the config and the data, so that a
// resume can say exactly what changed. Written atomically: temporary file, fsync, rename. The
// solver's fields are written and read by name without knowing what they mean.
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
};

// The format written (README, "Batch jobs": checkpoint format); read_checkpoint also reads 1.
inline constexpr int kCheckpointFormat = 2;

struct Checkpoint {
  SolverState state;
  std::string config_fingerprint;
  std::string data_fingerprint;
  std::optional<BestPoint> best;  // group "best" in the file; absent without early stopping
  // Training seconds up to this state, over all the runs that led to it (root attribute
  // elapsed_s; 0 when reading a checkpoint written before it existed).
  double elapsed_s = 0.0;
  // Of the file read. Format 1 stored the solver's vectors and scalars by position: they are read
  // into `state` named "0", "1", … in order, for the solvers' upgrade_v1_state to name.
  int format_version = kCheckpointFormat;
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
