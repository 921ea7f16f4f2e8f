// Inference for the binomial model (dist/inference.hpp): the information X̂ᵀDX̂ of one shard
// against an explicit Eigen product for every storage kind, with weights, with and without an
// intercept; the standard errors against a central-difference Hessian of the summed penalized
// objective S·J with l2 > 0 and standardization's scales; the refusals (a constant column, a
// separable fit, collinear columns, more than 5000 features); the printed table. The agreement
// with statsmodels is test_inference_statsmodels.cpp's.
#include <gtest/gtest.h>

#include <Eigen/LU>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "logreg/core/information.hpp"
#include "logreg/core/logistic.hpp"
#include "logreg/dist/distributed_objective.hpp"
#include "logreg/dist/inference.hpp"
#include "logreg/errors.hpp"
#include "logreg/solvers/solver.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

// 700 rows (two full blocks of 256 and a partial one), some exact zeros (so CSR differs from
// dense storage) and values exactly representable in float (so both precisions hold the same
// numbers), weights in {0, 0.5, 1, 1.5}.
struct Problem {
  RowMatrix<double> X;
  Vec y, weight, theta;
};

Problem problem(Index n = 700, Index d = 6) {
  Problem p;
  test::random_problem(n, d, 29, p.X, p.y);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < d; ++j) {
      p.X(i, j) =
          (i + 2 * j) % 4 == 0 ? 0.0 : static_cast<double>(static_cast<float>(p.X(i, j) + 0.3 * j));
    }
  }
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> w(0, 3);
  p.weight.resize(n);
  for (Index i = 0; i < n; ++i) p.weight[i] = 0.5 * w(rng);
  p.theta = Vec::LinSpaced(d + 1, -0.8, 0.6);
  return p;
}

double sigmoid_of(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// X̂ᵀDX̂ from its definition, in Eigen: (d+1)² with the intercept last, or d² without.
Mat explicit_information(const Problem& p, const Vec* weight, bool intercept) {
  const Index n = p.X.rows(), d = p.X.cols();
  Mat xh(n, d + 1);
  xh.leftCols(d) = p.X;
  xh.col(d).setOnes();
  const Vec z = xh * p.theta;
  Vec D(n);
  for (Index i = 0; i < n; ++i) {
    const double s = sigmoid_of(z[i]);
    D[i] = (weight ? (*weight)[i] : 1.0) * s * (1 - s);
  }
  const Mat full = xh.transpose() * D.asDiagonal() * xh;
  return intercept ? full : Mat(full.topLeftCorner(d, d));
}

double max_relative(const Mat& a, const Mat& ref) {
  return (a - ref).cwiseAbs().maxCoeff() / ref.cwiseAbs().maxCoeff();
}

template <typename M>
class InformationTest : public ::testing::Test {};
using Kinds =
    ::testing::Types<DenseMatrix<double>, DenseMatrix<float>, CsrMatrix<double>, CsrMatrix<float>>;
TYPED_TEST_SUITE(InformationTest, Kinds);

TYPED_TEST(InformationTest, EqualsTheExplicitProductWithAndWithoutWeightsAndIntercept) {
  const Problem p = problem();
  const Index d = p.X.cols();
  for (const Vec* weight : {static_cast<const Vec*>(nullptr), &p.weight}) {
    const Shard shard = test::shard_as<TypeParam>(p.X, p.y, weight);
    for (bool intercept : {true, false}) {
      Vec theta = p.theta;
      if (!intercept) theta[d] = 0.0;
      Problem q = p;
      q.theta = theta;
      const Index m = intercept ? d + 1 : d;
      Mat info = Mat::Zero(m, m);
      add_information(shard, theta, intercept, info);
      const Mat ref = explicit_information(q, weight, intercept);
      EXPECT_LE(max_relative(info, ref), 1e-13) << (weight ? "weighted" : "unweighted") << ", "
                                                << (intercept ? "with" : "without") << " intercept";
      EXPECT_EQ(info, info.transpose()) << "not exactly symmetric";
      // It adds: a second shard's information lands on top of the first.
      add_information(shard, theta, intercept, info);
      EXPECT_LE(max_relative(info, 2 * ref), 1e-13);
    }
  }
}

TEST(Information, AnEmptyShardAddsNothingAndMisfitsAreRefused) {
  const Problem p = problem(10, 3);
  Shard empty;
  empty.features = 3;
  Mat info = Mat::Zero(4, 4);
  add_information(empty, p.theta, true, info);
  EXPECT_EQ(info, Mat::Zero(4, 4));
  Mat wrong = Mat::Zero(4, 4);
  EXPECT_THROW(add_information(test::dense_shard(p.X, p.y), p.theta, false, wrong),
               std::invalid_argument);
  EXPECT_THROW(add_information(test::dense_shard(p.X, p.y), p.theta.head(3), true, info),
               std::invalid_argument);
}

// ---- The standard errors against the Hessian of S·J by central differences ---------------------

// ∇θ(S·J) = X̂ᵀ s(σ(X̂θ) − y) + S·l2·σ²∘w (the intercept unpenalized): S·J of README "Objective"
// with the penalty on x_w = σ∘w.
Vec summed_gradient(const Problem& p, const Vec& theta, double S, double l2, const Vec& scale) {
  const Index d = p.X.cols();
  const Vec z = p.X * theta.head(d) + Vec::Constant(p.X.rows(), theta[d]);
  Vec r(z.size());
  for (Index i = 0; i < z.size(); ++i) r[i] = p.weight[i] * (sigmoid_of(z[i]) - p.y[i]);
  Vec g(d + 1);
  g.head(d) = p.X.transpose() * r + S * l2 * scale.cwiseAbs2().cwiseProduct(theta.head(d));
  g[d] = r.sum();
  return g;
}

// S·J itself, from its definition.
double summed_objective(const Problem& p, const Vec& theta, double S, double l2, const Vec& scale) {
  const Index d = p.X.cols();
  const Vec z = p.X * theta.head(d) + Vec::Constant(p.X.rows(), theta[d]);
  double loss = 0.0;
  for (Index i = 0; i < z.size(); ++i) loss += p.weight[i] * logistic_loss(z[i], p.y[i]);
  return loss + 0.5 * S * l2 * scale.cwiseProduct(theta.head(d)).squaredNorm();
}

// Central differences of the gradient, symmetrized.
Mat fd_hessian(const Problem& p, const Vec& theta, double S, double l2, const Vec& scale) {
  const Index n = theta.size();
  Mat H(n, n);
  for (Index j = 0; j < n; ++j) {
    const double h = 1e-5 * std::max(1.0, std::abs(theta[j]));
    Vec a = theta, b = theta;
    a[j] += h;
    b[j] -= h;
    H.col(j) =
        (summed_gradient(p, a, S, l2, scale) - summed_gradient(p, b, S, l2, scale)) / (2 * h);
  }
  return (H + H.transpose()) / 2;
}

TEST(Inference, StandardErrorsAreThoseOfTheFiniteDifferenceHessianOfSJ) {
  Problem p = problem(400, 5);
  p.X.col(1) *= 30.0;  // scales far from 1, as standardization meets them
  p.X.col(3) *= 0.02;
  const double l2 = 0.05;
  SerialCommunicator comm;
  for (bool intercept : {true, false}) {
    DistributedObjective obj(make_local_objective(test::dense_shard(p.X, p.y, &p.weight)), comm,
                             {l2, 0.0, intercept, true});
    const Index d = p.X.cols();
    const double S = obj.weight_sum();
    const Vec scale = obj.feature_scale();
    ASSERT_EQ(scale.size(), d);
    Vec theta = p.theta;
    if (!intercept) theta[d] = 0.0;
    // summed_objective is the library's S·J in θ's units (so summed_gradient is its gradient).
    const double sj = S * obj.evaluate(obj.from_model(theta)).f;
    EXPECT_NEAR(summed_objective(p, theta, S, l2, scale), sj, 1e-12 * sj);

    const Index m = intercept ? d + 1 : d;
    const Mat H = fd_hessian(p, theta, S, l2, scale).topLeftCorner(m, m);
    const Vec se = H.inverse().diagonal().cwiseSqrt();
    const Inference inf = compute_inference(comm, test::dense_shard(p.X, p.y, &p.weight), theta,
                                            {S, l2, scale, intercept});
    for (Index j = 0; j < d; ++j) {
      EXPECT_NEAR(inf.std_error[j], se[j], 1e-6 * se[j]) << "feature " << j;
      EXPECT_DOUBLE_EQ(inf.z_value[j], theta[j] / inf.std_error[j]);
      EXPECT_DOUBLE_EQ(inf.p_value[j], std::erfc(std::abs(inf.z_value[j]) / std::sqrt(2.0)));
    }
    if (intercept) {
      EXPECT_NEAR(inf.intercept_std_error, se[d], 1e-6 * se[d]);
      EXPECT_DOUBLE_EQ(inf.intercept_z_value, theta[d] / inf.intercept_std_error);
    } else {
      EXPECT_TRUE(std::isnan(inf.intercept_std_error) && std::isnan(inf.intercept_z_value) &&
                  std::isnan(inf.intercept_p_value));
    }
  }
}

// ---- Refusals ----------------------------------------------------------------------------------

struct Refusal {
  int code = 0;  // 0: no error
  std::string message;
};

Refusal refusal(const Shard& shard, const Vec& theta, const InferenceParams& params) {
  SerialCommunicator comm;
  try {
    compute_inference(comm, shard, theta, params);
  } catch (const Error& e) {
    return {e.exit_code(), e.what()};
  }
  return {};
}

// The documented frame of every singular refusal.
void expect_singular(const Refusal& r, const std::string& why) {
  const std::string& m = r.message;
  EXPECT_EQ(r.code, kExitNumerical) << m;
  EXPECT_EQ(m.rfind("inference: the information matrix is singular (", 0), 0u) << m;
  EXPECT_NE(m.find(why), std::string::npos) << m;
  EXPECT_NE(m.find("); standard errors are undefined. Add l2 > 0 or remove the column"),
            std::string::npos)
      << m;
}

TEST(Inference, AConstantColumnIsNamed) {
  Problem p = problem(300, 5);
  p.X.col(3).setConstant(2.5);
  const Shard shard = test::dense_shard(p.X, p.y);
  const double S = 300;
  expect_singular(refusal(shard, p.theta, {S, 0.0, {}, true}), "(feature 3 is constant)");
  // Two of them, and a zero column without an intercept.
  p.X.col(0).setConstant(-1.0);
  expect_singular(refusal(test::dense_shard(p.X, p.y), p.theta, {S, 0.0, {}, true}),
                  "(features 0 and 3 are constant)");
  p = problem(300, 5);
  p.X.col(2).setZero();
  Vec theta = p.theta;
  theta[5] = 0.0;
  expect_singular(refusal(test::dense_shard(p.X, p.y), theta, {S, 0.0, {}, false}),
                  "(feature 2 is constant)");
  // A nonzero constant column without an intercept is the intercept: nothing singular.
  p.X.col(2).setConstant(1.0);
  EXPECT_EQ(refusal(test::dense_shard(p.X, p.y), theta, {S, 0.0, {}, false}).code, 0);
  // l2 > 0 makes the constant column's coefficient estimable (by the penalty alone).
  p.X.col(3).setConstant(2.5);
  EXPECT_EQ(refusal(test::dense_shard(p.X, p.y), p.theta, {S, 1e-3, {}, true}).code, 0);
}

TEST(Inference, CollinearColumnsAreRefused) {
  Problem p = problem(300, 5);
  p.X.col(4) = p.X.col(0) - 2 * p.X.col(1);
  expect_singular(refusal(test::dense_shard(p.X, p.y), p.theta, {300, 0.0, {}, true}),
                  "(collinear features");
}

TEST(Inference, ASeparableFitIsRefused) {
  // y = [x₀ + x₁ > 0.2] with a margin: the maximum-likelihood estimate does not exist, and
  // Newton drives the coefficients up until every probability is saturated.
  RowMatrix<double> X;
  Vec y;
  test::random_problem(400, 3, 41, X, y);
  for (Index i = 0; i < X.rows(); ++i) {
    const double s = X(i, 0) + X(i, 1) - 0.2;
    X(i, 0) += s > 0 ? 0.5 : -0.5;
    y[i] = s > 0 ? 1.0 : 0.0;
  }
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(test::dense_shard(X, y)), comm,
                           {0.0, 0.0, true, false});
  SolverState start;
  start.x = Vec::Zero(obj.dim());
  const SolveResult fit =
      minimize(obj, start, {.name = SolverKind::Newton, .max_iter = 200, .tol = 1e-13}, nullptr);
  const Vec theta = obj.to_model(fit.point.x);
  const Refusal r = refusal(test::dense_shard(X, y), theta, {400, 0.0, {}, true});
  expect_singular(r, "(the classes look separable: the fitted probabilities are saturated");
  EXPECT_GT(theta.cwiseAbs().maxCoeff(), 30.0) << r.message;
}

TEST(Inference, MoreThan5000FeaturesAreRefusedBeforeAnyWork) {
  const Index d = kMaxInferenceFeatures + 1;
  Shard shard;
  shard.X = DenseMatrix<double>(RowMatrix<double>::Zero(2, d));
  shard.y = Vec::Zero(2);
  shard.features = d;
  const Refusal r = refusal(shard, Vec::Zero(d + 1), {2, 0.0, {}, true});
  const std::string& m = r.message;
  EXPECT_EQ(r.code, kExitUsage) << m;
  EXPECT_NE(m.find("at most 5000 features"), std::string::npos) << m;
  EXPECT_NE(m.find("has 5001"), std::string::npos) << m;
}

TEST(Inference, TheTableHasOneLinePerCoefficientAndTheInterceptLast) {
  const Problem p = problem(300, 3);
  SerialCommunicator comm;
  const Inference inf =
      compute_inference(comm, test::dense_shard(p.X, p.y), p.theta, {300, 0.0, {}, true});
  const std::string t = inference_table(p.theta, inf, {});
  EXPECT_NE(t.find("coef"), std::string::npos);
  EXPECT_NE(t.find("std err"), std::string::npos);
  EXPECT_NE(t.find("P>|z|"), std::string::npos);
  EXPECT_LT(t.find("\nx0 "), t.find("\nx2 "));
  EXPECT_LT(t.find("\nx2 "), t.find("\nintercept "));
  EXPECT_EQ(std::count(t.begin(), t.end(), '\n'), 2 + 4);
  char se[32];
  std::snprintf(se, sizeof se, "%.4g", inf.std_error[1]);
  EXPECT_NE(t.find(se), std::string::npos) << t;

  Inference none = inf;
  none.intercept_std_error = none.intercept_z_value = none.intercept_p_value = std::nan("");
  const std::string named = inference_table(p.theta, none, {"age", "a long feature name", "bmi"});
  EXPECT_EQ(named.find("intercept"), std::string::npos) << named;
  EXPECT_NE(named.find("\na long feature name "), std::string::npos) << named;
  EXPECT_THROW(inference_table(p.theta, inf, {"one"}), std::invalid_argument);
}

}  // namespace
}  // namespace logreg
