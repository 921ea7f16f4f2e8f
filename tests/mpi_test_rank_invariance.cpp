// The same problem on P ranks gives the same θ as one process holding all rows. Every rank runs
// the distributed solve and, independently, a serial solve over the whole data set, then
// compares. CTest runs this at P = 1, 2, 3, 4, 7; the 5-row data set leaves ranks empty at P = 7.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <filesystem>

#include "logreg/app/load.hpp"
#include "logreg/dist/distributed_objective.hpp"
#include "logreg/solvers/solver.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

struct Files {
  std::vector<std::string> dense, csr, tiny, mild;
};

// Rank 0 writes the data sets once per rank count; the others wait at the barrier.
const Files& files() {
  static Files f = [] {
    MpiCommunicator comm;
    const std::string dir = std::string(LOGREG_BINARY_DIR) + "/test_tmp/rank_invariance_np" +
                            std::to_string(comm.size());
    Files out;
    for (int k = 0; k < 2; ++k) {
      out.dense.push_back(dir + "/dense_" + std::to_string(k) + ".h5");
      out.csr.push_back(dir + "/csr_" + std::to_string(k) + ".h5");
    }
    out.tiny.push_back(dir + "/tiny.h5");
    out.mild = {dir + "/mild_0.h5", dir + "/mild_1.h5", dir + "/mild_2.h5"};
    if (comm.is_root()) {
      std::filesystem::create_directories(dir);
      RowMatrix<double> X;
      Vec y;
      // Ill-conditioned by correlation (column j is the sum of the first j+1 Gaussian columns),
      // which no diagonal preconditioner removes, so that no solver is near its optimum after
      // 30 iterations: the comparison is of real progress, not of rounding noise at the optimum.
      test::random_problem(1523, 40, 17, X, y);
      for (Index j = 1; j < X.cols(); ++j) X.col(j) += X.col(j - 1);
      for (Index i = 0; i < X.rows(); ++i)  // sparsify so CSR is really sparse
        for (Index j = 0; j < X.cols(); ++j)
          if ((i * 7 + j) % 3 == 0) X(i, j) = 0.0;
      const Index split = 1000;
      RowMatrix<double> X0 = X.topRows(split), X1 = X.bottomRows(X.rows() - split);
      Vec y0 = y.head(split), y1 = y.tail(y.size() - split);
      test::write_dense_h5(out.dense[0], X0, y0);
      test::write_dense_h5(out.dense[1], X1, y1);
      test::write_csr_h5(out.csr[0], X0, y0);
      test::write_csr_h5(out.csr[1], X1, y1);
      RowMatrix<double> Xt(5, 3);
      Xt << 1, 0, 2, -1, 1, 0, 0.5, -2, 1, 2, 1, -1, -1, -1, 0.5;
      Vec yt(5);
      yt << 1, 0, 1, 1, 0;
      test::write_dense_h5(out.tiny[0], Xt, yt);
      // Moderately conditioned, three CSR files, so every solver converges in reasonable time.
      RowMatrix<double> Xm;
      Vec ym;
      test::random_problem(900, 8, 5, Xm, ym);
      for (Index i = 0; i < Xm.rows(); ++i)
        for (Index j = 0; j < Xm.cols(); ++j)
          if ((i + 2 * j) % 4 == 0) Xm(i, j) = 0.0;
      for (int k = 0; k < 3; ++k) {
        test::write_csr_h5(out.mild[k], Xm.middleRows(300 * k, 300), ym.segment(300 * k, 300));
      }
    }
    comm.barrier();
    return out;
  }();
  return f;
}

Vec train(Communicator& comm, const std::vector<std::string>& paths, const std::string& solver,
          bool standardize, int iterations) {
  DataSource source;
  LoadedData data = load_distributed(comm, paths, "data.train", source);
  DistributedObjective obj(make_local_objective(std::move(data.shard)), comm,
                           {1e-3, solver == "owlqn_l1" ? 1e-3 : 0.0, true, standardize});
  SolverParams sp;
  sp.name = parse_solver_kind(solver == "owlqn_l1" ? "owlqn" : solver);
  sp.max_iter = iterations;
  sp.tol = 1e-14;  // run all iterations
  SolverState start;
  start.x = Vec::Zero(obj.dim());
  SolveResult r = minimize(obj, start, sp, nullptr);
  EXPECT_EQ(r.iterations, iterations) << to_string(r.status);
  EXPECT_GT(r.grad_norm, 1e-7) << "too close to the optimum to compare trajectories";
  return obj.to_model(r.point.x);
}

struct Case {
  std::string solver;
  bool standardize;
  int iterations;  // fewer where the solver would otherwise reach machine precision
};

class RankInvariance : public ::testing::TestWithParam<Case> {};

void expect_same(const std::vector<std::string>& paths, const Case& c, int iterations) {
  MpiCommunicator comm;
  SerialCommunicator serial;
  const Vec dist = train(comm, paths, c.solver, c.standardize, iterations);
  const Vec ref = train(serial, paths, c.solver, c.standardize, iterations);
  const double rel = (dist - ref).norm() / ref.norm();
  EXPECT_LE(rel, 1e-10) << c.solver << " on " << comm.size() << " ranks, " << paths.front();
  // Every rank must hold bitwise the same θ (decisions are taken on reduced values only).
  Vec mx = dist, mn = dist;
  comm.allreduce_max({mx.data(), static_cast<size_t>(mx.size())});
  comm.allreduce_min({mn.data(), static_cast<size_t>(mn.size())});
  EXPECT_EQ((mx - mn).cwiseAbs().maxCoeff(), 0.0);
}

TEST_P(RankInvariance, DenseTwoFiles) { expect_same(files().dense, GetParam(), GetParam().iterations); }
TEST_P(RankInvariance, CsrTwoFiles) { expect_same(files().csr, GetParam(), GetParam().iterations); }
// 5 rows, 3 features: every solver is at machine precision after ~20 iterations, so compare at 8.
TEST_P(RankInvariance, FewerRowsThanRanks) { expect_same(files().tiny, GetParam(), 8); }

INSTANTIATE_TEST_SUITE_P(Solvers, RankInvariance,
                         ::testing::Values(Case{"gd", false, 30}, Case{"nesterov", false, 30},
                                           Case{"lbfgs", false, 30}, Case{"gd", true, 10},
                                           Case{"lbfgs", true, 8}, Case{"owlqn_l1", false, 30}),
                         [](const auto& info) {
                           return info.param.solver + (info.param.standardize ? "_std" : "");
                         });

// After convergence every solver gives the same θ on any rank count (within 1e-9).
class ConvergedInvariance : public ::testing::TestWithParam<std::string> {};

TEST_P(ConvergedInvariance, SameOptimumOnAnyRankCount) {
  const std::string solver = GetParam();
  auto solve = [&](Communicator& comm) {
    DataSource source;
    LoadedData data = load_distributed(comm, files().mild, "data.train", source);
    DistributedObjective obj(make_local_objective(std::move(data.shard)), comm,
                             {1e-2, solver == "owlqn" ? 1e-2 : 0.0, true, true});
    SolverParams sp;
    sp.name = parse_solver_kind(solver);
    sp.max_iter = 50000;
    // θ is within ~‖∇J‖/μ of the optimum (μ ≥ l2 = 1e-2): 1e-12 puts both runs within ~1e-10.
    sp.tol = 1e-12;
    SolverState start;
    start.x = Vec::Zero(obj.dim());
    SolveResult r = minimize(obj, start, sp, nullptr);
    EXPECT_EQ(r.status, SolverStatus::Converged) << solver << ": " << to_string(r.status);
    return obj.to_model(r.point.x);
  };
  MpiCommunicator comm;
  SerialCommunicator serial;
  const Vec dist = solve(comm), ref = solve(serial);
  EXPECT_LE((dist - ref).norm() / ref.norm(), 1e-9) << solver << " on " << comm.size() << " ranks";
  if (solver == "owlqn") {
    for (Index j = 0; j < ref.size() - 1; ++j) EXPECT_EQ(dist[j] == 0.0, ref[j] == 0.0) << j;
  }
}

// Newton-CG's inner CG amplifies last-bit differences of the reduced sums on an ill-conditioned
// Hessian (the correlated data above: after 3 iterations θ differs by ~1e-4 across rank counts,
// while the optimum agrees), so its trajectory is compared on the well-conditioned data set.
TEST(NewtonTrajectory, SameAfterThreeIterationsOnWellConditionedData) {
  MpiCommunicator comm;
  SerialCommunicator serial;
  const Vec dist = train(comm, files().mild, "newton", true, 3);
  const Vec ref = train(serial, files().mild, "newton", true, 3);
  EXPECT_LE((dist - ref).norm() / ref.norm(), 1e-10) << "newton on " << comm.size() << " ranks";
}

INSTANTIATE_TEST_SUITE_P(Solvers, ConvergedInvariance,
                         ::testing::Values("gd", "nesterov", "lbfgs", "newton", "owlqn"));

TEST(Partition, BlocksCoverAllRowsOnce) {
  MpiCommunicator comm;
  DataSource source;
  for (const auto* set : {&files().dense, &files().csr, &files().tiny, &files().mild}) {
    LoadedData d = load_distributed(comm, *set, "data.train", source);
    double mine[2] = {static_cast<double>(d.range.size()), static_cast<double>(d.range.begin)};
    std::vector<double> all;
    std::vector<int> counts;
    comm.allgather(mine, all, counts);
    Index next = 0;
    for (int r = 0; r < comm.size(); ++r) {
      EXPECT_EQ(static_cast<Index>(all[2 * r + 1]), next) << "rank " << r;
      next += static_cast<Index>(all[2 * r]);
    }
    EXPECT_EQ(next, d.layout.rows);
    EXPECT_EQ(d.shard.rows(), d.range.size());
  }
}

}  // namespace
}  // namespace logreg
