// Checkpoint policy of a training run (SPEC §3 checkpoint.*): what identifies a compatible
// checkpoint, whether to resume, and collective saving. Rank 0 does the file I/O; the state is
// broadcast, so a run may resume on any rank count.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "logreg/app/config.hpp"
#include "logreg/comm/communicator.hpp"
#include "logreg/io/checkpoint.hpp"
#include "logreg/io/dataset.hpp"

namespace logreg {

class Checkpointer {
 public:
  // Disabled when config.checkpoint.path is empty.
  Checkpointer(Communicator& comm, const Config& config, const DataLayout& layout);

  bool enabled() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

  // Collective. The state to start from: the checkpoint's when resuming (auto with a compatible
  // checkpoint, or require), else a fresh start at x = 0 of length `dim`. A checkpoint written
  // for another config or data set is refused (ConfigError naming what changed).
  SolverState start_state(Index dim, const std::string& solver, std::ostream& out);

  // Collective: rank 0 writes atomically; a failure is agreed and thrown on every rank.
  void save(const SolverState& state);
  // Same, taking the state from `snapshot`, which only rank 0 calls (a snapshot copies the
  // solver history: 2·memory vectors of d for L-BFGS).
  void save(const std::function<SolverState()>& snapshot);

  double seconds() const { return seconds_; }

 private:
  Communicator& comm_;
  std::string path_;
  std::string resume_;
  Checkpoint fingerprints_;
  double seconds_ = 0.0;
};

// Canonical descriptions, one "key=value" per line. The config one holds what changes the
// optimization path (data selection, model, solver method), not max_iter, tol, outputs or
// checkpoint settings, so a requeued job may extend its iteration budget.
std::string config_fingerprint(const Config& config);
std::string data_fingerprint(const DataLayout& layout);

}  // namespace logreg
