// Solver states of checkpoint format 1 (README, "Batch jobs": checkpoint format), whose solver
// fields stood by position and meant what their count said (an odd number of L-BFGS vectors: the
// last is the preconditioner). Named here as format 2 names them, by the rules of the code that
// wrote them, so that a run started before format 2 resumes bit for bit.
#pragma once

#include "logreg/core/solver_state.hpp"

namespace logreg {

// `v1` holds the format-1 fields named by position, "0", "1", … (read_checkpoint). Throws
// DataError when their counts fit no state format 1 wrote for v1.solver.
SolverState upgrade_v1_state(const SolverState& v1);

}  // namespace logreg
