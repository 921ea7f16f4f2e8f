// logreg_dist predict: applies a model to data on any rank count and writes prob = σ(Xw + b)
// in the original row order; prints log-loss, accuracy and AUC when the data has labels.
#pragma once

#include <iosfwd>

#include "logreg/app/cli.hpp"
#include "logreg/comm/communicator.hpp"

namespace logreg {

int run_predict(Communicator& comm, const CliOptions& cli, std::ostream& out);

}  // namespace logreg
