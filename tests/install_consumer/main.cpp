// A program that links the installed library: fits a tiny logistic regression with L-BFGS on
// one process and prints the objective (tests/cli/test_install.sh).
#include <cstdio>

#include "logreg/comm/communicator.hpp"
#include "logreg/dist/distributed_objective.hpp"
#include "logreg/solvers/solver.hpp"

int main() {
  using namespace logreg;
  RowMatrix<double> X(6, 1);
  X << -2, -1, -0.5, 0.5, 1, 2;
  Shard shard;
  shard.X = DenseMatrix<double>(X);
  shard.y = (Vec(6) << 0, 0, 1, 0, 1, 1).finished();
  shard.features = 1;
  SerialCommunicator comm;
  DistributedObjective objective(make_local_objective(std::move(shard)), comm,
                                 {0.1, 0.0, true, false});
  SolverState start;
  start.x = Vec::Zero(objective.dim());
  const SolveResult r = minimize(objective, start, SolverParams{}, nullptr);
  std::printf("objective %.12f after %d iterations (%s)\n", r.objective, r.iterations,
              to_string(r.status));
  return r.status == SolverStatus::Converged ? 0 : 1;
}
