// Checkpoint policy of a training run (README, "Batch jobs": checkpoint.*): what identifies a
// compatible checkpoint, whether to resume, and collective saving. Rank 0 does the file I/O; the
// state is broadcast, so a run may resume on any rank count.
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
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
  // A partitioned solver state (README, "Partitioned solver state"): the snapshot gathers the
  // slices onto rank 0, so every rank takes it.
  void snapshot_on_every_rank() { snapshot_everywhere_ = true; }

  // Early stopping (config.early_stopping.metric set): every save also stores `source()`, the
  // best point so far (called on rank 0 only; nullopt while there is none), stamped with the
  // metric and validation files it was chosen by.
  void track_best(std::function<std::optional<BestPoint>()> source) {
    best_source_ = std::move(source);
  }
  // After start_state, on every rank: the best point of the run being resumed, if its checkpoint
  // holds one and early stopping is on. A checkpoint whose best point was chosen by another
  // metric or on other validation data is refused by start_state.
  const std::optional<BestPoint>& resumed_best() const { return resumed_best_; }

  // Every save also stores `source()`, the training seconds so far over all runs (rank 0 only),
  // so that elapsed_s continues across resumes (README, "Batch jobs").
  void track_elapsed(std::function<double()> source) { elapsed_source_ = std::move(source); }
  // After start_state, on every rank: the resumed checkpoint's elapsed_s (0 when starting afresh
  // or when the checkpoint predates it).
  double resumed_elapsed() const { return resumed_elapsed_; }

  double seconds() const { return seconds_; }

 private:
  // Rank 0: the checkpoint to resume from, checked against this run; nullopt to start afresh.
  std::optional<Checkpoint> read_resumable(Index dim, std::ostream& out) const;

  Communicator& comm_;
  std::string path_;
  ResumeMode resume_;
  Checkpoint fingerprints_;
  std::string best_fingerprint_;  // empty without early stopping
  std::function<std::optional<BestPoint>()> best_source_;
  std::optional<BestPoint> resumed_best_;
  std::function<double()> elapsed_source_;
  double resumed_elapsed_ = 0.0;
  double seconds_ = 0.0;
  bool snapshot_everywhere_ = false;
};

// Canonical descriptions, one "key=value" per line. The config one holds what changes the
// optimization path (data selection, model, solver method), not max_iter, tol, outputs or
// checkpoint settings, so a requeued job may extend its iteration budget.
std::string config_fingerprint(const Config& config);
std::string data_fingerprint(const DataLayout& layout);

}  // namespace logreg
