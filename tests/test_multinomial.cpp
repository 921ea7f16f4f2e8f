// The multinomial objective (serial communicator) against finite differences and an independent
// formula, for every storage kind (dense/CSR × float/double), K = 2, 3, 5, with and without
// weights, intercept and standardization; the local passes' bits (dense = CSR, one family's kernel
// sets alike); overflow-free losses; labels checked.
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "logreg/core/kernel_dispatch.hpp"
#include "logreg/core/multinomial.hpp"
#include "logreg/dist/multinomial_objective.hpp"
#include "logreg/errors.hpp"
#include "multinomial_reference.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

struct Data {
  RowMatrix<double> X;
  Vec y, w;
};

Data problem(int K, Index n = 300, Index d = 7) {
  Data p;
  test::multinomial_problem(n, d, K, 11 + K, p.X, p.y);
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> wd(0, 3);
  p.w.resize(n);
  for (Index i = 0; i < n; ++i) p.w[i] = wd(rng);
  return p;
}

template <typename M>
std::unique_ptr<LocalMultinomial> local(const Data& p, int K, bool weights) {
  return std::make_unique<LocalMultinomial>(test::shard_as<M>(p.X, p.y, weights ? &p.w : nullptr),
                                            K);
}

struct Variant {
  bool weights, intercept, standardize;
};
const Variant kVariants[] = {{false, true, false},
                             {true, true, false},
                             {false, false, false},
                             {true, true, true},
                             {false, false, true}};

std::string describe(int K, const Variant& v) {
  return "K=" + std::to_string(K) + " weights=" + std::to_string(v.weights) +
         " intercept=" + std::to_string(v.intercept) +
         " standardize=" + std::to_string(v.standardize);
}

Vec random_vector(Index n, unsigned seed, double scale = 1.0) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> nd;
  Vec x(n);
  for (Index j = 0; j < n; ++j) x[j] = scale * nd(rng);
  return x;
}

// Calls check(obj, data, K, variant) for K = 2, 3, 5 and every variant, on storage M.
template <typename M, typename Check>
void for_each_objective(Check&& check) {
  SerialCommunicator comm;
  for (int K : {2, 3, 5}) {
    const Data p = problem(K);
    for (const Variant& v : kVariants) {
      MultinomialObjective obj(local<M>(p, K, v.weights), comm,
                               {0.05, 0.0, v.intercept, v.standardize});
      ASSERT_EQ(obj.dim(), K * (p.X.cols() + (v.intercept ? 1 : 0)));
      check(obj, p, K, v);
    }
  }
}

// (f(x + h eⱼ) − f(x − h eⱼ)) / 2h for every coordinate j.
Vec central_differences(const std::function<double(const Vec&)>& f, const Vec& x, double h) {
  Vec out(x.size());
  for (Index j = 0; j < x.size(); ++j) {
    const Vec step = h * Vec::Unit(x.size(), j);
    out[j] = (f(x + step) - f(x - step)) / (2 * h);
  }
  return out;
}

template <typename M>
class MultinomialTest : public ::testing::Test {};
using Kinds =
    ::testing::Types<DenseMatrix<double>, DenseMatrix<float>, CsrMatrix<double>, CsrMatrix<float>>;
TYPED_TEST_SUITE(MultinomialTest, Kinds);

TYPED_TEST(MultinomialTest, GradientMatchesCentralDifferences) {
  for_each_objective<TypeParam>(
      [](MultinomialObjective& obj, const Data&, int K, const Variant& v) {
        for (unsigned trial = 0; trial < 2; ++trial) {
          const Vec x = random_vector(obj.dim(), 3 + trial);
          const Vec fd =
              central_differences([&](const Vec& at) { return obj.evaluate(at).f; }, x, 1e-5);
          const Vec g = obj.evaluate(x).g;
          EXPECT_LE((fd - g).norm() / g.norm(), 1e-6) << describe(K, v);
        }
      });
}

TYPED_TEST(MultinomialTest, HessianVectorMatchesGradientDifferences) {
  for_each_objective<TypeParam>(
      [](MultinomialObjective& obj, const Data&, int K, const Variant& v) {
        const Vec x = random_vector(obj.dim(), 7, 0.5), dir = random_vector(obj.dim(), 8);
        const Point pt = obj.evaluate(x);
        auto H = obj.hessian_at(pt);
        Vec hv;
        H->apply(dir, hv);
        const double h = 1e-6;
        const Vec fd = (obj.evaluate(x + h * dir).g - obj.evaluate(x - h * dir).g) / (2 * h);
        EXPECT_LE((fd - hv).norm() / hv.norm(), 1e-6) << describe(K, v);
        // The diagonal is exact: eⱼᵀ H eⱼ.
        const Vec diag = H->diagonal();
        for (Index j = 0; j < obj.dim(); ++j) {
          Vec he;
          H->apply(Vec::Unit(obj.dim(), j), he);
          EXPECT_NEAR(diag[j], he[j], 1e-12 * std::max(1.0, std::abs(he[j]))) << describe(K, v);
        }
        // The fused first pass (value, gradient and diagonal at once) agrees.
        Vec fused_diag;
        const Point fused = obj.evaluate_with_diagonal(x, fused_diag);
        EXPECT_EQ(fused.f, pt.f);
        EXPECT_EQ((fused.g - pt.g).cwiseAbs().maxCoeff(), 0.0);
        EXPECT_EQ((fused_diag - diag).cwiseAbs().maxCoeff(), 0.0);
      });
}

TYPED_TEST(MultinomialTest, ValueGradientAndHessianMatchTheDefinition) {
  for_each_objective<TypeParam>(
      [](MultinomialObjective& obj, const Data& p, int K, const Variant& v) {
        const Vec s = v.weights ? p.w : Vec::Ones(p.X.rows());
        const RowMatrix<double> Xs = v.standardize ? test::standardized(p.X, s, v.intercept) : p.X;
        const Vec x = random_vector(obj.dim(), 9);
        const Point pt = obj.evaluate(x);
        const auto ref = test::naive_multinomial(Xs, p.y, s, K, x, 0.05, v.intercept, true);
        EXPECT_NEAR(pt.f, ref.f, 1e-13 * ref.f) << describe(K, v);
        EXPECT_LE((pt.g - ref.g).norm(), 1e-12 * ref.g.norm()) << describe(K, v);
        auto H = obj.hessian_at(pt);
        const Vec dir = random_vector(obj.dim(), 10);
        Vec hv;
        H->apply(dir, hv);
        EXPECT_LE((hv - ref.H * dir).norm(), 1e-12 * hv.norm()) << describe(K, v);
      });
}

TEST(Multinomial, LayoutAndMapRoundTrip) {
  const int K = 3;
  const Data p = problem(K);
  SerialCommunicator comm;
  MultinomialObjective std_obj(local<DenseMatrix<double>>(p, K, true), comm,
                               {0.0, 0.0, true, true});
  MultinomialObjective raw_obj(local<DenseMatrix<double>>(p, K, true), comm,
                               {0.0, 0.0, true, false});
  EXPECT_EQ(std_obj.classes(), K);
  EXPECT_EQ(std_obj.features(), p.X.cols());
  EXPECT_EQ(std_obj.global_rows(), p.X.rows());
  EXPECT_EQ(std_obj.weight_sum(), p.w.sum());
  const Vec x = random_vector(std_obj.dim(), 12);
  const Vec theta = std_obj.to_model(x);
  ASSERT_EQ(theta.size(), K * (p.X.cols() + 1));
  EXPECT_LE((std_obj.from_model(theta) - x).norm(), 1e-12 * x.norm());
  // Without penalty, the standardized objective at x equals the raw one at θ = A x.
  EXPECT_NEAR(std_obj.evaluate(x).f, raw_obj.evaluate(theta).f, 1e-13);
  // Without an intercept θ still has K (zero) intercepts.
  MultinomialObjective no_b(local<DenseMatrix<double>>(p, K, false), comm, {0.1, 0.2, false, true});
  EXPECT_EQ(no_b.dim(), K * p.X.cols());
  EXPECT_TRUE(no_b.to_model(Vec::Ones(no_b.dim())).tail(K).isZero());
  // L1 weights: l1 on every weight, none on the intercepts.
  MultinomialObjective l1(local<DenseMatrix<double>>(p, K, false), comm, {0.1, 0.2, true, false});
  EXPECT_EQ(l1.l1_weights().head(K * p.X.cols()).minCoeff(), 0.2);
  EXPECT_TRUE(l1.l1_weights().tail(K).isZero());
  EXPECT_EQ(raw_obj.l1_weights().size(), 0);
  const Point pt = l1.evaluate(Vec::Zero(l1.dim()));
  EXPECT_NEAR(l1.loss_part(pt), std::log(static_cast<double>(K)), 1e-15);
}

// The local sums of every storage kind, and of every kernel set of one family, are the same bits;
// the two families agree within 1e-12.
struct LocalSums {
  double loss;
  Vec grad, hv, diag, sums;
  RowMatrix<double> P;
};

template <typename M>
LocalSums local_sums(const Data& p, int K, const KernelSet& k) {
  LocalMultinomial local(test::shard_as<M>(p.X, p.y, &p.w), K, k);
  LocalSums out;
  const Index n = local.parameters();
  const Vec theta = random_vector(n, 21), v = random_vector(n, 22);
  out.grad.resize(n), out.hv.resize(n), out.diag.resize(n), out.sums.resize(n);
  out.loss = local.loss_grad(theta, out.grad, &out.P);
  local.hessian_product(out.P, v, out.hv);
  local.curvature(out.P, out.diag, out.sums);
  return out;
}

double distance(const LocalSums& a, const LocalSums& b) {
  auto rel = [](const auto& x, const auto& y) {
    return (x - y).norm() / std::max(1e-300, x.norm());
  };
  return std::max({std::abs(a.loss - b.loss) / std::abs(a.loss), rel(a.grad, b.grad),
                   rel(a.hv, b.hv), rel(a.diag, b.diag), rel(a.sums, b.sums), rel(a.P, b.P)});
}

TEST(Multinomial, StorageKindsAndKernelSetsOfAFamilyGiveTheSameBits) {
  for (int K : {2, 3, 9, 17}) {
    for (Index d : {1, 7, 8, 30}) {
      const Data p = problem(K, 203, d);  // 203 rows: partial blocks and packets
      const KernelSet& ref = *supported_kernel_sets().front();
      const LocalSums base = local_sums<DenseMatrix<double>>(p, K, ref);
      for (const KernelSet* k : supported_kernel_sets()) {
        const double tol = k->fused_multiply_add == ref.fused_multiply_add ? 0.0 : 1e-12;
        const std::string what =
            std::string(k->name) + " K=" + std::to_string(K) + " d=" + std::to_string(d);
        EXPECT_LE(distance(base, local_sums<DenseMatrix<double>>(p, K, *k)), tol) << what;
        EXPECT_LE(distance(base, local_sums<DenseMatrix<float>>(p, K, *k)), tol) << what;
        EXPECT_LE(distance(base, local_sums<CsrMatrix<double>>(p, K, *k)), tol) << what;
        EXPECT_LE(distance(base, local_sums<CsrMatrix<float>>(p, K, *k)), tol) << what;
      }
    }
  }
}

TEST(Multinomial, ProbabilitiesAreTheSoftmax) {
  const int K = 4;
  const Data p = problem(K, 50, 5);
  LocalMultinomial local(test::dense_shard(p.X, p.y), K);
  const Vec theta = random_vector(local.parameters(), 30);
  Vec g(local.parameters());
  RowMatrix<double> P;
  local.loss_grad(theta, g, &P);
  ASSERT_EQ(P.rows(), 50);
  ASSERT_EQ(P.cols(), K);
  for (Index i = 0; i < P.rows(); ++i) {
    Vec z(K);
    for (int k = 0; k < K; ++k) z[k] = p.X.row(i).dot(theta.segment(k * 5, 5)) + theta[K * 5 + k];
    const Vec e = (z.array() - z.maxCoeff()).exp();
    EXPECT_LE((P.row(i).transpose() - e / e.sum()).cwiseAbs().maxCoeff(), 1e-15);
  }
}

TEST(Multinomial, HugeMarginsGiveExactFiniteLosses) {
  // z = ±1e4 and 0: a naive log Σ e^z overflows; the loss is exact (to rounding).
  RowMatrix<double> X(3, 1);
  X << 1e4, -1e4, 0.0;
  Vec y(3);
  y << 0, 0, 2;
  LocalMultinomial local(test::dense_shard(X, y), 3);
  Vec theta = Vec::Zero(6), g(6);
  theta[0] = 1.0, theta[1] = -1.0;  // z₀ = x, z₁ = −x, z₂ = 0
  const double loss = local.loss_grad(theta, g, nullptr);
  // Row 0: z = (1e4, −1e4, 0), y = 0: ~e^−1e4. Row 1: z = (−1e4, 1e4, 0), y = 0: 2e4. Row 2: log 3.
  EXPECT_DOUBLE_EQ(loss, 2e4 + std::log(3.0));
  EXPECT_TRUE(g.allFinite());
}

TEST(Multinomial, LabelsMustBeClasses) {
  RowMatrix<double> X = RowMatrix<double>::Ones(3, 2);
  for (double bad : {3.0, -1.0, 1.5, std::nan("")}) {
    Vec y(3);
    y << 0, bad, 2;
    EXPECT_THROW(LocalMultinomial(test::dense_shard(X, y), 3), DataError) << bad;
  }
  Vec y(3);
  y << 0, 1, 2;
  EXPECT_NO_THROW(LocalMultinomial(test::dense_shard(X, y), 3));
  EXPECT_THROW(LocalMultinomial(test::dense_shard(X, y), 1), std::invalid_argument);
}

TEST(Multinomial, ZeroTotalWeightIsAnError) {
  const Data p = problem(3, 20, 2);
  const Vec none = Vec::Zero(20);
  SerialCommunicator comm;
  auto make = [&] {
    return MultinomialObjective(
        std::make_unique<LocalMultinomial>(test::dense_shard(p.X, p.y, &none), 3), comm, {});
  };
  EXPECT_THROW(make(), DataError);
}

TEST(Multinomial, EmptyShardGivesZeroSums) {
  Shard s;
  s.X = DenseMatrix<double>(RowMatrix<double>(0, 4));
  s.features = 4;
  LocalMultinomial local(std::move(s), 3);
  Vec g = Vec::Constant(local.parameters(), 7.0);
  RowMatrix<double> P;
  EXPECT_EQ(local.loss_grad(Vec::Ones(local.parameters()), g, &P), 0.0);
  EXPECT_TRUE(g.isZero());
  local.hessian_product(P, Vec::Ones(local.parameters()), g);
  EXPECT_TRUE(g.isZero());
}

}  // namespace
}  // namespace logreg
