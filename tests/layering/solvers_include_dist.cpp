// Must not compile: solvers see only the Objective interface, never the distributed objective.
#include "logreg/dist/distributed_objective.hpp"
