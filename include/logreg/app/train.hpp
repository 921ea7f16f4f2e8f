// The training run: load shards, build the distributed objective, solve, write the model,
// metrics and summary. Returns the process exit code (README, "Exit status"); identical on every
// rank.
#pragma once

#include <iosfwd>

#include "logreg/app/config.hpp"
#include "logreg/comm/communicator.hpp"

namespace logreg {

// Trains; `out` receives rank 0's progress lines (other ranks print nothing).
int run_training(Communicator& comm, const Config& config, std::ostream& out);

// --check: loads and validates the training (and validation/test) data without training.
int run_check(Communicator& comm, const Config& config, std::ostream& out);

}  // namespace logreg
