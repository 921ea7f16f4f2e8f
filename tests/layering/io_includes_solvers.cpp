// Must not compile: io writes checkpoints but knows no solver (the state is a core type).
#include "logreg/solvers/solver.hpp"
