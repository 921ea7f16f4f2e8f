// The distributed objective (with a serial communicator) against finite differences, for every
// storage kind: dense/CSR × float/double, with and without weights, intercept, standardization.
#include <gtest/gtest.h>

#include <random>

#include "logreg/dist/distributed_objective.hpp"
#include "logreg/errors.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

template <typename M>
Shard make_shard(const RowMatrix<double>& X, const Vec& y, const Vec* w) {
  return test::shard_as<M>(X, y, w);
}

// A problem with some exact zeros (so CSR differs from dense storage) and values exactly
// representable in float, so float and double storage hold the same numbers.
void problem(RowMatrix<double>& X, Vec& y, Vec& w) {
  test::random_problem(300, 7, 11, X, y);
  for (Index i = 0; i < X.rows(); ++i) {
    for (Index j = 0; j < X.cols(); ++j) {
      X(i, j) = (i + j) % 3 == 0 ? 0.0 : static_cast<double>(static_cast<float>(X(i, j) + 0.5 * j));
    }
  }
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> wd(0, 3);
  w.resize(X.rows());
  for (Index i = 0; i < w.size(); ++i) w[i] = wd(rng);
}

struct Variant {
  bool weights, intercept, standardize;
};

template <typename M>
class ObjectiveTest : public ::testing::Test {};
using Kinds = ::testing::Types<DenseMatrix<double>, DenseMatrix<float>, CsrMatrix<double>,
                               CsrMatrix<float>>;
TYPED_TEST_SUITE(ObjectiveTest, Kinds);

TYPED_TEST(ObjectiveTest, GradientMatchesCentralDifferences) {
  RowMatrix<double> X;
  Vec y, w;
  problem(X, y, w);
  SerialCommunicator comm;
  for (Variant v : {Variant{false, true, false}, Variant{true, true, false},
                    Variant{false, false, false}, Variant{true, true, true},
                    Variant{false, false, true}}) {
    RegularizationParams reg{0.05, 0.0, v.intercept, v.standardize};
    DistributedObjective obj(make_local_objective(make_shard<TypeParam>(X, y, v.weights ? &w : nullptr)),
                             comm, reg);
    std::mt19937 rng(3);
    std::normal_distribution<double> nd;
    for (int trial = 0; trial < 3; ++trial) {
      Vec x(obj.dim());
      for (Index j = 0; j < x.size(); ++j) x[j] = nd(rng);
      Point p = obj.evaluate(x);
      Vec fd(x.size());
      const double h = 1e-5;
      for (Index j = 0; j < x.size(); ++j) {
        Vec a = x, b = x;
        a[j] += h;
        b[j] -= h;
        fd[j] = (obj.evaluate(a).f - obj.evaluate(b).f) / (2 * h);
      }
      const double rel = (fd - p.g).norm() / p.g.norm();
      EXPECT_LE(rel, 1e-6) << "weights=" << v.weights << " intercept=" << v.intercept
                           << " standardize=" << v.standardize;
    }
  }
}

TYPED_TEST(ObjectiveTest, ValueMatchesIndependentFormula) {
  RowMatrix<double> X;
  Vec y, w;
  problem(X, y, w);
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(make_shard<TypeParam>(X, y, &w)), comm,
                           {0.05, 0.0, true, false});
  Vec x = Vec::LinSpaced(obj.dim(), -1.0, 1.0);
  // Float storage rounds nothing here (values are floats), but products accumulate in double.
  EXPECT_NEAR(obj.evaluate(x).f, test::reference_objective(X, y, x, 0.05, 0.0, &w), 1e-12);
}

TYPED_TEST(ObjectiveTest, HessianVectorMatchesGradientDifferences) {
  RowMatrix<double> X;
  Vec y, w;
  problem(X, y, w);
  SerialCommunicator comm;
  for (bool standardize : {false, true}) {
    DistributedObjective obj(make_local_objective(make_shard<TypeParam>(X, y, &w)), comm,
                             {0.05, 0.0, true, standardize});
    Vec x = Vec::LinSpaced(obj.dim(), -0.5, 0.7);
    Vec v = Vec::LinSpaced(obj.dim(), 1.0, -2.0);
    Point p = obj.evaluate(x);
    auto H = obj.hessian_at(p);
    Vec hv;
    H->apply(v, hv);
    const double h = 1e-6;
    Vec fd = (obj.evaluate(x + h * v).g - obj.evaluate(x - h * v).g) / (2 * h);
    EXPECT_LE((fd - hv).norm() / hv.norm(), 1e-6);
    // The diagonal equals eᵢᵀ H eᵢ.
    Vec diag = H->diagonal();
    for (Index j = 0; j < obj.dim(); ++j) {
      Vec e = Vec::Zero(obj.dim()), he;
      e[j] = 1.0;
      H->apply(e, he);
      EXPECT_NEAR(diag[j], he[j], 1e-10 * std::max(1.0, std::abs(he[j])));
    }
    // The fused first pass of L-BFGS (value, gradient and diagonal at once) agrees.
    Vec fused_diag;
    Point fused = obj.evaluate_with_diagonal(x, fused_diag);
    EXPECT_EQ(fused.f, p.f);
    EXPECT_EQ((fused.g - p.g).cwiseAbs().maxCoeff(), 0.0);
    ASSERT_EQ(fused_diag.size(), diag.size());
    for (Index j = 0; j < diag.size(); ++j) EXPECT_NEAR(fused_diag[j], diag[j], 1e-13 * diag[j]);
  }
}

TYPED_TEST(ObjectiveTest, LineFunctionMatchesFullEvaluation) {
  RowMatrix<double> X;
  Vec y, w;
  problem(X, y, w);
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(make_shard<TypeParam>(X, y, nullptr)), comm,
                           {0.01, 0.0, true, true});
  Vec x = Vec::LinSpaced(obj.dim(), 0.3, -0.2);
  Vec d = Vec::LinSpaced(obj.dim(), -1.0, 1.0);
  Point p = obj.evaluate(x);
  auto line = obj.line(p, d);
  for (double alpha : {1.0, 0.25, 3.0, 1e-3}) {
    auto [f, df] = line->eval(alpha);
    Point q = obj.evaluate(x + alpha * d);
    EXPECT_NEAR(f, q.f, 1e-12 * std::abs(q.f));
    EXPECT_NEAR(df, q.g.dot(d), 1e-10 * std::max(1.0, std::abs(df)));
    Point r = line->point(alpha);
    EXPECT_LE((r.g - q.g).norm(), 1e-12 * std::max(1.0, q.g.norm()));
  }
  // The first eval costs one pass, later trials none.
  const long passes = obj.stats().evaluations;
  line->eval(0.5);
  EXPECT_EQ(obj.stats().evaluations, passes);
}

TEST(Objective, DenseAndCsrAgree) {
  RowMatrix<double> X;
  Vec y, w;
  problem(X, y, w);
  SerialCommunicator comm;
  DistributedObjective a(make_local_objective(make_shard<DenseMatrix<double>>(X, y, &w)), comm,
                         {0.05, 0.0, true, true});
  DistributedObjective b(make_local_objective(make_shard<CsrMatrix<double>>(X, y, &w)), comm,
                         {0.05, 0.0, true, true});
  Vec x = Vec::LinSpaced(a.dim(), -1.0, 2.0);
  Point pa = a.evaluate(x), pb = b.evaluate(x);
  EXPECT_NEAR(pa.f, pb.f, 1e-14);
  EXPECT_LE((pa.g - pb.g).norm(), 1e-13);
}

TEST(Objective, ModelMappingRoundTripsAndMatchesRawMargins) {
  RowMatrix<double> X;
  Vec y, w;
  problem(X, y, w);
  SerialCommunicator comm;
  DistributedObjective std_obj(make_local_objective(test::dense_shard(X, y)), comm,
                               {0.0, 0.0, true, true});
  DistributedObjective raw_obj(make_local_objective(test::dense_shard(X, y)), comm,
                               {0.0, 0.0, true, false});
  Vec x = Vec::LinSpaced(std_obj.dim(), -1.0, 1.0);
  Vec theta = std_obj.to_model(x);
  EXPECT_LE((std_obj.from_model(theta) - x).norm(), 1e-12);
  // Without penalty, the standardized objective at x equals the raw one at θ = A x.
  EXPECT_NEAR(std_obj.evaluate(x).f, raw_obj.evaluate(theta).f, 1e-13);
}

TEST(Objective, ZeroTotalWeightIsAnError) {
  RowMatrix<double> X(2, 1);
  X << 1, 2;
  Vec y(2), w = Vec::Zero(2);
  y << 0, 1;
  SerialCommunicator comm;
  EXPECT_THROW(DistributedObjective(make_local_objective(test::dense_shard(X, y, &w)), comm,
                                    RegularizationParams{}),
               DataError);
}

}  // namespace
}  // namespace logreg
