#include "logreg/app/periodic_checkpoint.hpp"

#include "logreg/errors.hpp"

namespace logreg {

PeriodicCheckpoint::PeriodicCheckpoint(Checkpointer& checkpointer, int every)
    : checkpointer_(checkpointer), every_(every) {}

bool PeriodicCheckpoint::on_iteration(const IterationReport& report) {
  if (first_iteration_ < 0) first_iteration_ = report.iteration;
  if (checkpointer_.enabled() && report.iteration > first_iteration_ &&
      report.iteration % every_ == 0) {
    checkpointer_.save(report.state);
  }
  return true;
}

std::string PeriodicCheckpoint::finish(const SolveResult& result, bool keeps_model) {
  if (!checkpointer_.enabled()) return "";
  try {
    checkpointer_.save(result.state);
  } catch (const Error& e) {
    if (!keeps_model) throw;
    return e.what();
  }
  return "";
}

}  // namespace logreg
