// Must compile (the control): dist builds on core, comm and the solvers' interface.
#include "logreg/comm/communicator.hpp"
#include "logreg/core/local_objective.hpp"
#include "logreg/errors.hpp"
#include "logreg/solvers/objective.hpp"
