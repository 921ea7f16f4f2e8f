// Semantics of standardization and sample weights, checked on converged solutions.
#include <gtest/gtest.h>

#include <random>

#include "logreg/dist/distributed_objective.hpp"
#include "logreg/solvers/solver.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

struct Fit {
  Vec theta;  // [w; b] in original units
  double objective;
};

Fit fit(Shard shard, RegularizationParams reg, const std::string& solver) {
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(std::move(shard)), comm, reg);
  SolverParams sp;
  sp.name = parse_solver_kind(solver);
  sp.max_iter = 5000;
  sp.tol = 1e-12;
  SolverState start;
  start.x = Vec::Zero(obj.dim());
  SolveResult r = minimize(obj, start, sp, nullptr);
  EXPECT_TRUE(r.status == SolverStatus::Converged || r.status == SolverStatus::LineSearchFailed)
      << to_string(r.status);
  EXPECT_LT(r.grad_norm, 1e-9);
  return {obj.to_model(r.point.x), r.objective};
}

// Features on very different scales and offsets, as raw data has them.
void raw_problem(RowMatrix<double>& X, Vec& y) {
  test::random_problem(400, 6, 21, X, y);
  for (Index j = 0; j < X.cols(); ++j) X.col(j) = X.col(j) * std::pow(10.0, j - 2) + Vec::Constant(X.rows(), 3.0 * j);
}

class Standardization : public ::testing::TestWithParam<std::string> {};

TEST_P(Standardization, EqualsTrainingOnStandardizedXMappedBack) {
  RowMatrix<double> X;
  Vec y;
  raw_problem(X, y);
  // Pre-standardize by hand (mean, population standard deviation) and map the fit back.
  RowMatrix<double> Z = X;
  Vec mean(X.cols()), sd(X.cols());
  for (Index j = 0; j < X.cols(); ++j) {
    mean[j] = X.col(j).mean();
    sd[j] = std::sqrt((X.col(j).array() - mean[j]).square().mean());
    Z.col(j) = (X.col(j).array() - mean[j]) / sd[j];
  }
  const double l2 = 1e-2, l1 = GetParam() == "owlqn" ? 1e-2 : 0.0;
  Fit on_z = fit(test::dense_shard(Z, y), {l2, l1, true, false}, GetParam());
  Fit implicit = fit(test::dense_shard(X, y), {l2, l1, true, true}, GetParam());
  const Index d = X.cols();
  Vec mapped(d + 1);
  mapped.head(d) = on_z.theta.head(d).cwiseQuotient(sd);
  mapped[d] = on_z.theta[d] - mean.dot(mapped.head(d));
  EXPECT_LE((implicit.theta - mapped).norm() / mapped.norm(), 1e-7)
      << "implicit " << implicit.theta.transpose() << "\nmapped   " << mapped.transpose();
  EXPECT_NEAR(implicit.objective, on_z.objective, 1e-12 * on_z.objective);
  if (l1 > 0) {  // zeros fall on the same features
    for (Index j = 0; j < d; ++j) EXPECT_EQ(implicit.theta[j] == 0.0, on_z.theta[j] == 0.0) << j;
  }
}

INSTANTIATE_TEST_SUITE_P(Solvers, Standardization, ::testing::Values("lbfgs", "newton", "owlqn"));

class SampleWeights : public ::testing::TestWithParam<std::string> {};

TEST_P(SampleWeights, IntegerWeightsEqualDuplicatedRows) {
  RowMatrix<double> X;
  Vec y;
  test::random_problem(300, 5, 8, X, y);
  std::mt19937 rng(4);
  std::uniform_int_distribution<int> count(0, 3);
  Vec w(X.rows());
  std::vector<Index> rows;
  for (Index i = 0; i < X.rows(); ++i) {
    w[i] = count(rng);
    for (int k = 0; k < w[i]; ++k) rows.push_back(i);
  }
  RowMatrix<double> Xd(static_cast<Index>(rows.size()), X.cols());
  Vec yd(Xd.rows());
  for (Index k = 0; k < Xd.rows(); ++k) Xd.row(k) = X.row(rows[k]), yd[k] = y[rows[k]];
  for (bool standardize : {false, true}) {
    const RegularizationParams reg{1e-3, GetParam() == "owlqn" ? 5e-3 : 0.0, true, standardize};
    Fit weighted = fit(test::dense_shard(X, y, &w), reg, GetParam());
    Fit duplicated = fit(test::dense_shard(Xd, yd), reg, GetParam());
    EXPECT_LE((weighted.theta - duplicated.theta).norm() / duplicated.theta.norm(), 1e-7)
        << "standardize=" << standardize;
    EXPECT_NEAR(weighted.objective, duplicated.objective, 1e-12 * duplicated.objective);
  }
}

INSTANTIATE_TEST_SUITE_P(Solvers, SampleWeights, ::testing::Values("lbfgs", "newton", "owlqn"));

TEST(Regularization, InterceptIsNotPenalized) {
  // All labels 1 and a zero feature: the optimum has w = 0 and b → large, limited only by tol;
  // a penalized intercept would stop at a small b.
  RowMatrix<double> X = RowMatrix<double>::Zero(50, 1);
  Vec y = Vec::Ones(50);
  y[0] = 0;  // keep the optimum finite: σ(b) = 49/50
  Fit f = fit(test::dense_shard(X, y), {10.0, 0.0, true, false}, "newton");
  EXPECT_NEAR(f.theta[1], std::log(49.0), 1e-8);
}

TEST(Regularization, WithoutInterceptMatchesTheReferenceAndHasNone) {
  RowMatrix<double> X;
  Vec y;
  test::random_problem(200, 3, 2, X, y);
  X.array() += 0.7;  // an offset the missing intercept cannot absorb
  const Vec ref = test::newton_reference(X, y, 1e-3, false);
  for (const char* solver : {"lbfgs", "newton"}) {
    Fit f = fit(test::dense_shard(X, y), {1e-3, 0.0, false, false}, solver);
    EXPECT_EQ(f.theta[3], 0.0) << solver;
    EXPECT_LE((f.theta - ref).norm() / ref.norm(), 1e-8) << solver;
  }
  // With standardize and no intercept, features are scaled but not centered (a shift would need
  // an intercept to compensate): the result is stationary for that objective and b stays 0.
  Fit s = fit(test::dense_shard(X, y), {1e-3, 0.0, false, true}, "lbfgs");
  EXPECT_EQ(s.theta[3], 0.0);
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(test::dense_shard(X, y)), comm,
                           {1e-3, 0.0, false, true});
  EXPECT_TRUE(obj.feature_mean().isZero());
  EXPECT_LT(obj.evaluate(obj.from_model(s.theta)).g.lpNorm<Eigen::Infinity>(), 1e-9);
}

}  // namespace
}  // namespace logreg
