// model.init (README, "Multinomial": warm starts): a fresh run starts from a model file's
// coefficients instead of zero. A checkpoint, when the run resumes one, wins.
#pragma once

#include <string>

#include "logreg/app/classes.hpp"
#include "logreg/comm/communicator.hpp"
#include "logreg/dist/training_objective.hpp"

namespace logreg {

// The model at `path` in the objective's solver coordinates. Collective: rank 0 reads, every
// rank receives. ConfigError naming model.init when the model's family, classes or feature count
// differ from the run's (a binary model starts a binary fit only).
Vec warm_start(Communicator& comm, const std::string& path, const ClassInfo& classes,
               Index features, const TrainingObjective& objective);

}  // namespace logreg
