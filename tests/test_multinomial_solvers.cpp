// Every solver on the multinomial objective, unchanged: gd, nesterov, lbfgs and newton reach the
// optimum of an independent dense Newton solve (the full K·(d+1) Hessian formed with Eigen,
// multinomial_reference.hpp); owlqn with l1 > 0 reaches an independent proximal-gradient optimum
// with its exact zeros; with K = 2 the fit is the binary fit (w = w₁ − w₀ at l2/2).
#include <gtest/gtest.h>

#include <cstdio>
#include <random>

#include "logreg/dist/distributed_objective.hpp"
#include "logreg/dist/multinomial_objective.hpp"
#include "logreg/solvers/solver.hpp"
#include "multinomial_reference.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

constexpr int K = 3;
constexpr Index kRows = 400, kFeatures = 6;

struct Data {
  RowMatrix<double> X;
  Vec y, w;
};

const Data& data() {
  static const Data d = [] {
    Data p;
    test::multinomial_problem(kRows, kFeatures, K, 3, p.X, p.y);
    std::mt19937 rng(4);
    std::uniform_int_distribution<int> wd(1, 3);
    p.w.resize(kRows);
    for (Index i = 0; i < kRows; ++i) p.w[i] = wd(rng);
    return p;
  }();
  return d;
}

SolveResult solve(Objective& obj, const std::string& solver, double tol) {
  const SolverParams sp{.name = parse_solver_kind(solver), .max_iter = 100000, .tol = tol};
  return test::solve_from_zero(obj, sp);
}

struct Case {
  std::string solver;
  bool standardize;
};

class ReachesTheOptimum : public ::testing::TestWithParam<Case> {};

TEST_P(ReachesTheOptimum, OfAnIndependentNewtonSolve) {
  const Case c = GetParam();
  const Data& p = data();
  const double l2 = 1e-2;
  const RowMatrix<double> Xs = c.standardize ? test::standardized(p.X, p.w, true) : p.X;
  const Vec ref = test::newton_multinomial(Xs, p.y, p.w, K, l2, true);
  const auto at_ref = test::naive_multinomial(Xs, p.y, p.w, K, ref, l2, true, false);
  ASSERT_LT(at_ref.g.lpNorm<Eigen::Infinity>(), 1e-14);
  ASSERT_LT(std::abs(ref.tail(K).sum()), 1e-12);
  SerialCommunicator comm;
  MultinomialObjective obj(
      std::make_unique<LocalMultinomial>(test::shard_as<CsrMatrix<float>>(p.X, p.y, &p.w), K), comm,
      {l2, 0.0, true, c.standardize});
  const SolveResult r = solve(obj, c.solver, 1e-10);
  EXPECT_EQ(r.status, SolverStatus::Converged) << to_string(r.status);
  const double gap = (r.objective - at_ref.f) / at_ref.f;
  std::printf("%s%s: %d iterations, J = %.16g, reference %.16g, relative gap %.1e\n",
              c.solver.c_str(), c.standardize ? " (standardized)" : "", r.iterations, r.objective,
              at_ref.f, gap);
  EXPECT_LE(std::abs(gap), 1e-9);
  EXPECT_GE(gap, -1e-14) << "below the reference optimum: the reference is wrong";
  // (Preconditioned CG may move along the intercepts' common shift, where J is flat.)
  EXPECT_LE((test::without_intercept_shift(r.point.x, K) - ref).norm() / ref.norm(), 1e-6);
  // The value the solver reports is J, as the definition gives it.
  EXPECT_NEAR(test::naive_multinomial(Xs, p.y, p.w, K, r.point.x, l2, true, false).f, r.objective,
              1e-14);
}

INSTANTIATE_TEST_SUITE_P(Solvers, ReachesTheOptimum,
                         ::testing::Values(Case{"gd", false}, Case{"nesterov", false},
                                           Case{"lbfgs", false}, Case{"newton", false},
                                           Case{"gd", true}, Case{"nesterov", true},
                                           Case{"lbfgs", true}, Case{"newton", true}),
                         [](const auto& info) {
                           return info.param.solver + (info.param.standardize ? "_std" : "");
                         });

// The L1 optimum by FISTA with adaptive restart (prox: soft-thresholding of the weights) on the
// naive objective, to convergence: its zeros are exact.
Vec fista_reference(const RowMatrix<double>& X, const Vec& y, const Vec& s, double l2, double l1) {
  const Index dim = K * (X.cols() + 1), nw = K * X.cols();
  double L = l2;  // ≥ the Hessian's largest eigenvalue: (1/S) Σ sᵢ‖x̂ᵢ‖²/2 + l2
  for (Index i = 0; i < X.rows(); ++i) L += s[i] * (X.row(i).squaredNorm() + 1.0) / 2.0 / s.sum();
  auto prox = [&](Vec v) {
    for (Index j = 0; j < nw; ++j)
      v[j] = std::copysign(std::max(std::abs(v[j]) - l1 / L, 0.0), v[j]);
    return v;
  };
  auto total = [&](const Vec& x) {
    return test::naive_multinomial(X, y, s, K, x, l2, true, false).f + l1 * x.head(nw).lpNorm<1>();
  };
  Vec x = Vec::Zero(dim), z = x;
  double t = 1.0;
  for (int it = 0; it < 20000; ++it) {
    const Vec next = prox(z - test::naive_multinomial(X, y, s, K, z, l2, true, false).g / L);
    const double tn = (1.0 + std::sqrt(1.0 + 4.0 * t * t)) / 2.0;
    if (total(next) > total(x)) {  // restart the momentum; a plain step that rises: done
      if (z == x) break;
      z = x, t = 1.0;
      continue;
    }
    z = next + ((t - 1.0) / tn) * (next - x);
    if ((next - x).lpNorm<Eigen::Infinity>() < 1e-14) break;
    x = next, t = tn;
  }
  return x;
}

TEST(MultinomialSolvers, OwlqnFindsTheExactZerosOfTheL1Optimum) {
  const Data& p = data();
  const double l2 = 1e-3, l1 = 0.02;
  const RowMatrix<double> Xs = test::standardized(p.X, p.w, true);
  const Vec ref = fista_reference(Xs, p.y, p.w, l2, l1);
  const Index nw = K * kFeatures;
  const auto at_ref = test::naive_multinomial(Xs, p.y, p.w, K, ref, l2, true, false);
  const double j_ref = at_ref.f + l1 * ref.head(nw).lpNorm<1>();
  SerialCommunicator comm;
  MultinomialObjective obj(
      std::make_unique<LocalMultinomial>(test::shard_as<DenseMatrix<double>>(p.X, p.y, &p.w), K),
      comm, {l2, l1, true, true});
  const SolveResult r = solve(obj, "owlqn", 1e-10);
  EXPECT_EQ(r.status, SolverStatus::Converged) << to_string(r.status);
  std::printf("owlqn: %d iterations, J = %.16g, reference %.16g\n", r.iterations, r.objective,
              j_ref);
  EXPECT_LE(std::abs(r.objective - j_ref) / j_ref, 1e-9);
  int zeros = 0, nonzeros = 0;
  for (Index j = 0; j < nw; ++j) {
    // Soft-threshold optimality: x_j = 0 exactly where |∂f/∂x_j| < l1 at the optimum (kept
    // clear of the boundary); elsewhere x_j ≠ 0 with the reference's sign.
    if (ref[j] == 0.0 && std::abs(at_ref.g[j]) < 0.9 * l1) {
      EXPECT_EQ(r.point.x[j], 0.0) << "coordinate " << j;
      ++zeros;
    } else if (std::abs(ref[j]) > 1e-6) {
      EXPECT_GT(r.point.x[j] * ref[j], 0.0) << "coordinate " << j;
      ++nonzeros;
    }
  }
  EXPECT_GE(zeros, 3) << "the problem should have zeros";
  EXPECT_GE(nonzeros, 3);
}

// With K = 2 the multinomial fit at l2 is the binary fit at l2/2: the loss depends on w₁ − w₀
// only, and for a given difference δ the penalty (l2/2)(‖w₀‖² + ‖w₁‖²) is least at w₁ = −w₀ = δ/2,
// where it is (l2/4)‖δ‖².
TEST(MultinomialSolvers, TwoClassesAreTheBinaryModel) {
  RowMatrix<double> X;
  Vec y;
  test::random_problem(500, 5, 9, X, y);
  for (bool standardize : {false, true}) {
    SerialCommunicator comm;
    const double l2 = 2e-2;
    MultinomialObjective mn(std::make_unique<LocalMultinomial>(test::dense_shard(X, y), 2), comm,
                            {l2, 0.0, true, standardize});
    DistributedObjective bin(make_local_objective(test::dense_shard(X, y)), comm,
                             {l2 / 2, 0.0, true, standardize});
    const SolveResult rm = solve(mn, "newton", 1e-13), rb = solve(bin, "newton", 1e-13);
    ASSERT_EQ(rm.status, SolverStatus::Converged);
    ASSERT_EQ(rb.status, SolverStatus::Converged);
    const Vec theta_m = mn.to_model(rm.point.x), theta_b = bin.to_model(rb.point.x);
    const Index d = X.cols();
    Vec diff(d + 1);
    diff.head(d) = theta_m.segment(d, d) - theta_m.head(d);
    diff[d] = theta_m[2 * d + 1] - theta_m[2 * d];
    EXPECT_LE((diff - theta_b).norm() / theta_b.norm(), 1e-10) << "standardize " << standardize;
    EXPECT_LE((theta_m.segment(d, d) + theta_m.head(d)).norm(), 1e-10 * theta_b.norm());
    EXPECT_NEAR(rm.objective, rb.objective, 1e-14);
  }
}

}  // namespace
}  // namespace logreg
