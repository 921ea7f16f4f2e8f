// Solvers against known optima. The reference optimum is computed in the test by an independent
// method: a dense Newton iteration with an exact Hessian solved by Eigen's LDLT
// (test::newton_reference), run to ‖∇J‖∞ < 1e-15; it shares no code with the library's solvers
// or objective. Data: scikit-learn's breast-cancer set as shipped by Debian's python3-sklearn
// (569 rows × 30 features, labels 0/1), standardized with the population standard deviation.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "logreg/dist/distributed_objective.hpp"
#include "logreg/solvers/solver.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

const char* kBreastCancer = "/usr/lib/python3/dist-packages/sklearn/datasets/data/breast_cancer.csv";

struct Fixture {
  RowMatrix<double> X;
  Vec y;
};

Fixture breast_cancer_standardized() {
  Fixture f;
  if (!std::filesystem::exists(kBreastCancer)) {
    ADD_FAILURE() << kBreastCancer << " missing: install python3-sklearn (README test command)";
    return f;
  }
  test::read_csv(kBreastCancer, f.X, f.y);
  test::standardize_columns(f.X);
  return f;
}

SolveResult solve(const Fixture& f, const std::string& name, double l2, int max_iter,
                  double tol) {
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(test::dense_shard(f.X, f.y)), comm,
                           {l2, 0.0, true, false});
  SolverParams sp;
  sp.name = parse_solver_kind(name);
  sp.max_iter = max_iter;
  sp.tol = tol;
  SolverState start;
  start.x = Vec::Zero(obj.dim());
  return minimize(obj, start, sp, nullptr);
}

TEST(Solvers, BreastCancerShapeIsAsShipped) {
  Fixture f = breast_cancer_standardized();
  EXPECT_EQ(f.X.rows(), 569);
  EXPECT_EQ(f.X.cols(), 30);
  EXPECT_EQ(f.y.sum(), 357);  // benign = 1 in scikit-learn's encoding
}

class KnownOptimum : public ::testing::TestWithParam<std::string> {};

TEST_P(KnownOptimum, BreastCancerL2) {
  Fixture f = breast_cancer_standardized();
  const double l2 = 1e-2;
  const Vec ref = test::newton_reference(f.X, f.y, l2, true);
  const double j_ref = test::reference_objective(f.X, f.y, ref, l2);
  SolveResult r = solve(f, GetParam(), l2, 50000, 1e-9);
  EXPECT_EQ(r.status, SolverStatus::Converged) << to_string(r.status);
  const double rel = (r.objective - j_ref) / j_ref;
  std::printf("%s: %d iterations, J = %.15g, reference %.15g, relative gap %.2e\n",
              GetParam().c_str(), r.iterations, r.objective, j_ref, rel);
  EXPECT_LE(std::abs(rel), 1e-8) << "objective " << r.objective << " vs reference " << j_ref;
  EXPECT_GE(rel, -1e-14) << "below the reference optimum: the reference is wrong";
  EXPECT_LE((r.point.x - ref).norm() / ref.norm(), 1e-5);
  // The objective value the solver reports is J, checked against the naive formula.
  EXPECT_NEAR(test::reference_objective(f.X, f.y, r.point.x, l2), r.objective, 1e-13);
}

INSTANTIATE_TEST_SUITE_P(AllSolvers, KnownOptimum, ::testing::Values("gd", "nesterov", "lbfgs"));

TEST(Solvers, GdWithFixedStepDecreasesMonotonically) {
  Fixture f = breast_cancer_standardized();
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(test::dense_shard(f.X, f.y)), comm,
                           {1e-2, 0.0, true, false});
  SolverParams sp;
  sp.name = SolverKind::Gd;
  sp.learning_rate = 0.1;
  sp.max_iter = 200;
  std::vector<double> values;
  SolverState start;
  start.x = Vec::Zero(obj.dim());
  SolveResult r = minimize(obj, start, sp, [&](const IterationReport& rep) {
    values.push_back(rep.objective);
    return true;
  });
  EXPECT_EQ(r.status, SolverStatus::MaxIter);
  ASSERT_EQ(values.size(), 201u);
  for (size_t i = 1; i < values.size(); ++i) EXPECT_LT(values[i], values[i - 1]);
}

TEST(Solvers, DivergingFixedStepReportsNonFiniteAndKeepsLastGoodPoint) {
  RowMatrix<double> X;
  Vec y;
  test::random_problem(200, 5, 2, X, y);
  X *= 1e3;  // huge curvature: a fixed step of 1e3 diverges
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(test::dense_shard(X, y)), comm,
                           {1.0, 0.0, true, false});
  SolverParams sp;
  sp.name = SolverKind::Gd;
  sp.learning_rate = 1e3;
  sp.max_iter = 10000;
  SolverState start;
  start.x = Vec::Zero(obj.dim());
  SolveResult r = minimize(obj, start, sp, nullptr);
  EXPECT_EQ(r.status, SolverStatus::NonFinite);
  EXPECT_TRUE(r.point.x.allFinite());
  EXPECT_TRUE(std::isfinite(r.objective));
}

TEST(Solvers, ObserverCanStopAndMaxIterZeroEvaluatesOnce) {
  Fixture f = breast_cancer_standardized();
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(test::dense_shard(f.X, f.y)), comm,
                           {1e-2, 0.0, true, false});
  SolverParams sp;
  SolverState start;
  start.x = Vec::Zero(obj.dim());
  SolveResult r = minimize(obj, start, sp, [](const IterationReport& rep) { return rep.iteration < 3; });
  EXPECT_EQ(r.status, SolverStatus::Stopped);
  EXPECT_EQ(r.iterations, 3);
  sp.max_iter = 0;
  const long before = obj.stats().evaluations;
  r = minimize(obj, start, sp, nullptr);
  EXPECT_EQ(r.status, SolverStatus::MaxIter);
  EXPECT_EQ(obj.stats().evaluations - before, 1);
  EXPECT_NEAR(r.objective, std::log(2.0), 1e-14);  // a mean of 569 equal terms
}

// tol = 0 switches the gradient test off: every solver runs max_iter iterations, or stops on its
// own rules (no decrease left, non-finite); none may loop without counting iterations.
class TolZero : public ::testing::TestWithParam<std::string> {
 protected:
  SolveResult run(const RowMatrix<double>& X, const Vec& y, int max_iter, int* reports) {
    SerialCommunicator comm;
    const double l1 = GetParam() == "owlqn" ? 1e-3 : 0.0;
    DistributedObjective obj(make_local_objective(test::dense_shard(X, y)), comm,
                             {1e-2, l1, true, false});
    SolverParams sp;
    sp.name = parse_solver_kind(GetParam());
    sp.max_iter = max_iter;
    sp.tol = 0.0;
    SolverState start;
    start.x = Vec::Zero(obj.dim());
    *reports = 0;
    return minimize(obj, start, sp, [&](const IterationReport&) { return ++*reports, true; });
  }
};

TEST_P(TolZero, RunsMaxIterIterations) {
  Fixture f = breast_cancer_standardized();
  int reports = 0;
  const SolveResult r = run(f.X, f.y, 25, &reports);
  EXPECT_EQ(r.status, SolverStatus::MaxIter) << to_string(r.status);
  EXPECT_EQ(r.iterations, 25);
  EXPECT_EQ(reports, 26);  // iterations 0..25
}

TEST_P(TolZero, EndsAtTheLimitOfFloatingPoint) {
  // Far more iterations than the optimum needs: the iterates reach the rounding limit, where the
  // solver must still end (at max_iter, or when no step decreases J any more).
  RowMatrix<double> X;
  Vec y;
  test::random_problem(200, 5, 7, X, y);
  const int max_iter = 3000;
  int reports = 0;
  const SolveResult r = run(X, y, max_iter, &reports);
  std::printf("%s, tol 0: %s after %d iterations, |grad| %.2e\n", GetParam().c_str(),
              to_string(r.status), r.iterations, r.grad_norm);
  if (r.status == SolverStatus::MaxIter) {
    EXPECT_EQ(r.iterations, max_iter);
  } else {
    EXPECT_TRUE(r.status == SolverStatus::LineSearchFailed ||
                (r.status == SolverStatus::Converged && r.grad_norm == 0.0))
        << to_string(r.status);
    EXPECT_LE(r.iterations, max_iter);
  }
  EXPECT_EQ(reports, r.iterations + 1);
  EXPECT_LT(r.grad_norm, 1e-8);
}

INSTANTIATE_TEST_SUITE_P(AllSolvers, TolZero,
                         ::testing::Values("gd", "nesterov", "lbfgs", "newton", "owlqn"));

TEST(Solvers, InterruptIsObservedAfterTheIteration) {
  Fixture f = breast_cancer_standardized();
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(test::dense_shard(f.X, f.y)), comm,
                           {1e-2, 0.0, true, false});
  int calls = 0;
  obj.set_stop_source([&] { return ++calls > 5; });
  SolverParams sp;
  sp.name = SolverKind::Lbfgs;
  SolverState start;
  start.x = Vec::Zero(obj.dim());
  SolveResult r = minimize(obj, start, sp, nullptr);
  EXPECT_EQ(r.status, SolverStatus::Interrupted);
  EXPECT_TRUE(obj.interrupted());
  EXPECT_GT(r.iterations, 0);
}

}  // namespace
}  // namespace logreg
