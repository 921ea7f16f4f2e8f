// Everything a solver needs to continue exactly where it stopped: what a checkpoint holds. It is
// a core type so that both the solvers (which fill it) and io (which writes it) see it without
// seeing each other. The solver-specific part is a set of named fields: each solver reads and
// writes its own names and validates them when it resumes (README, "Batch jobs"); io and the
// broadcast carry them without knowing what they mean.
#pragma once

#include <map>
#include <string>

#include "logreg/core/types.hpp"

namespace logreg {

struct SolverState {
  std::string solver;
  int iteration = 0;
  Vec x;
  // Solver-specific; both empty for a fresh start. E.g. L-BFGS: pairs s0, y0, s1, y1, … and the
  // preconditioner inv_diag; Nesterov: x_prev, t_prev, t, alpha.
  std::map<std::string, Vec> vectors;
  std::map<std::string, double> scalars;
};

}  // namespace logreg
