// Everything a solver needs to continue exactly where it stopped: what a checkpoint holds. It is
// a core type so that both the solvers (which fill it) and io (which writes it) see it without
// seeing each other.
#pragma once

#include <string>
#include <vector>

#include "logreg/core/types.hpp"

namespace logreg {

struct SolverState {
  std::string solver;
  int iteration = 0;
  Vec x;
  std::vector<Vec> vectors;     // solver-specific (e.g. L-BFGS pairs s₀,y₀,s₁,y₁,…)
  std::vector<double> scalars;  // solver-specific (e.g. step size, momentum)
};

}  // namespace logreg
