// MulticlassEvaluator on one process: log-loss, accuracy and macro one-vs-rest AUC against
// references computed here from their definitions (softmax in long double, sklearn 1.2's clipping,
// Mann–Whitney pair counts), against scikit-learn's own numbers stored by
// scripts/make_multinomial_fixtures.py, and the histogram's bound and bins. The same evaluator on
// 1..7 ranks: mpi_test_multiclass_metrics.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <string>

#include "logreg/dist/multiclass_evaluator.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

// ---- references from the definitions ----------------------------------------------------------

RowMatrix<double> ref_probabilities(const RowMatrix<double>& X, const Vec& theta, int K) {
  const Index n = X.rows(), d = X.cols();
  RowMatrix<double> P(n, K);
  for (Index i = 0; i < n; ++i) {
    std::vector<long double> z(K);
    for (int k = 0; k < K; ++k) {
      long double s = theta[K * d + k];
      for (Index j = 0; j < d; ++j) s += static_cast<long double>(X(i, j)) * theta[k * d + j];
      z[k] = s;
    }
    const long double top = *std::max_element(z.begin(), z.end());
    long double sum = 0;
    for (int k = 0; k < K; ++k) sum += std::exp(z[k] - top);
    for (int k = 0; k < K; ++k) P(i, k) = static_cast<double>(std::exp(z[k] - top) / sum);
  }
  return P;
}

// sklearn.metrics.log_loss (1.2, eps='auto'): clip to [ε, 1 − ε], renormalize, mean −log p_y.
double ref_log_loss(const RowMatrix<double>& P, const Vec& y) {
  const double eps = std::numeric_limits<double>::epsilon();
  long double total = 0;
  for (Index i = 0; i < P.rows(); ++i) {
    long double s = 0;
    for (Index k = 0; k < P.cols(); ++k) s += std::clamp(P(i, k), eps, 1 - eps);
    total -= std::log(std::clamp(P(i, static_cast<Index>(y[i])), eps, 1 - eps) / s);
  }
  return static_cast<double>(total / P.rows());
}

double ref_accuracy(const RowMatrix<double>& P, const Vec& y) {
  double correct = 0;
  for (Index i = 0; i < P.rows(); ++i) {
    Index best = 0;
    for (Index k = 1; k < P.cols(); ++k) best = P(i, k) > P(i, best) ? k : best;
    correct += best == static_cast<Index>(y[i]);
  }
  return correct / P.rows();
}

// Mean over classes of the pairs (positive, negative) ranked correctly, ties ½.
double ref_auc(const RowMatrix<double>& P, const Vec& y) {
  double total = 0;
  for (Index k = 0; k < P.cols(); ++k) {
    double won = 0, pairs = 0;
    for (Index i = 0; i < P.rows(); ++i) {
      if (y[i] != k) continue;
      for (Index j = 0; j < P.rows(); ++j) {
        if (y[j] == k) continue;
        won += P(i, k) > P(j, k) ? 1.0 : P(i, k) == P(j, k) ? 0.5 : 0.0;
        pairs += 1;
      }
    }
    if (pairs == 0) return std::numeric_limits<double>::quiet_NaN();
    total += won / pairs;
  }
  return total / P.cols();
}

// How far two correct evaluations of the probabilities may differ: the margins' rounding,
// about (d + 4)·ε·Σⱼ|xᵢⱼθₖⱼ| (summation orders differ), moves p by at most half of it.
double probability_tolerance(const RowMatrix<double>& X, const Vec& theta, int K) {
  const Index d = X.cols();
  double scale = 1.0;
  for (Index i = 0; i < X.rows(); ++i) {
    for (int k = 0; k < K; ++k) {
      double s = std::abs(theta[K * d + k]);
      for (Index j = 0; j < d; ++j) s += std::abs(X(i, j) * theta[k * d + j]);
      scale = std::max(scale, s);
    }
  }
  return (d + 4) * std::numeric_limits<double>::epsilon() * scale;
}

struct Problem {
  RowMatrix<double> X;
  Vec y, theta;
  int K;
};

// Gaussian features, labels from a noisy softmax model, θ a perturbation of the truth.
Problem random_problem(Index n, Index d, int K, unsigned seed, double scale = 1.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> nd;
  Problem p{RowMatrix<double>(n, d), Vec(n), Vec(K * (d + 1)), K};
  for (Index i = 0; i < n; ++i)
    for (Index j = 0; j < d; ++j) p.X(i, j) = (j % 3 == 0 && (i + j) % 4 == 0) ? 0.0 : nd(rng);
  Vec truth(K * (d + 1));
  for (Index j = 0; j < truth.size(); ++j) truth[j] = nd(rng);
  const RowMatrix<double> P = ref_probabilities(p.X, truth, K);
  for (Index i = 0; i < n; ++i) {
    std::discrete_distribution<int> pick(P.row(i).data(), P.row(i).data() + K);
    p.y[i] = pick(rng);
  }
  for (Index j = 0; j < truth.size(); ++j) p.theta[j] = scale * (truth[j] + 0.7 * nd(rng));
  return p;
}

void expect_matches_definitions(const Shard& shard, const RowMatrix<double>& X, const Vec& y,
                                const Vec& theta, int K, double loss_tol = 1e-14) {
  SerialCommunicator comm;
  MulticlassEvaluator ev(shard, K, comm);
  const EvalMetrics m = ev.evaluate(theta);
  const RowMatrix<double> P = ref_probabilities(X, theta, K);
  EXPECT_EQ(m.rows, static_cast<double>(X.rows()));
  EXPECT_NEAR(m.log_loss, ref_log_loss(P, y), loss_tol * std::max(1.0, ref_log_loss(P, y)));
  EXPECT_EQ(m.accuracy, ref_accuracy(P, y));
  EXPECT_NEAR(m.auc, ref_auc(P, y), 1e-15);
  EXPECT_EQ(m.auc_bound, 0.0);  // few rows: the mixed bins are resolved exactly
  const RowMatrix<double> mine = ev.probabilities(theta);
  EXPECT_LE((mine - P).cwiseAbs().maxCoeff(), probability_tolerance(X, theta, K));
  EXPECT_LE((mine.rowwise().sum().array() - 1.0).abs().maxCoeff(), K * 1.2e-16);
}

// ---- against the definitions -----------------------------------------------------------------

template <typename M>
class MulticlassStorage : public ::testing::Test {};
using Storages =
    ::testing::Types<DenseMatrix<double>, DenseMatrix<float>, CsrMatrix<double>, CsrMatrix<float>>;
TYPED_TEST_SUITE(MulticlassStorage, Storages);

TYPED_TEST(MulticlassStorage, MatchesDefinitions) {
  using T = typename TypeParam::Scalar;
  Problem p = random_problem(700, 7, 4, 3);
  const RowMatrix<double> Xs = p.X.cast<T>().template cast<double>();  // what the shard holds
  expect_matches_definitions(test::shard_as<TypeParam>(p.X, p.y), Xs, p.y, p.theta, p.K);
}

TEST(MulticlassMetrics, MatchesDefinitionsForTwoToTwelveClasses) {
  for (int K : {2, 3, 5, 12}) {
    SCOPED_TRACE(K);
    Problem p = random_problem(400, 5, K, 10 + K);
    expect_matches_definitions(test::dense_shard(p.X, p.y), p.X, p.y, p.theta, K);
  }
}

// Margins in the hundreds: the softmax must not overflow, most probabilities underflow to 0 and
// are clipped to ε by the log-loss (so misclassified rows cost about −log ε ≈ 36).
TEST(MulticlassMetrics, SaturatedProbabilitiesAreClippedLikeSklearn) {
  Problem p = random_problem(300, 4, 3, 21, 300.0);
  SerialCommunicator comm;
  MulticlassEvaluator ev(test::dense_shard(p.X, p.y), p.K, comm);
  const RowMatrix<double> P = ev.probabilities(p.theta);
  EXPECT_TRUE(P.allFinite());
  EXPECT_GT((P.array() == 0.0).count(), 100);
  const EvalMetrics m = ev.evaluate(p.theta);
  EXPECT_GT(m.log_loss, 5.0);
  expect_matches_definitions(test::dense_shard(p.X, p.y), p.X, p.y, p.theta, p.K, 1e-14);
}

// θ = 0: every probability is 1/K, every score tied; argmax picks class 0.
TEST(MulticlassMetrics, AllTiedScores) {
  Problem p = random_problem(90, 3, 3, 5);
  SerialCommunicator comm;
  MulticlassEvaluator ev(test::dense_shard(p.X, p.y), 3, comm);
  const EvalMetrics m = ev.evaluate(Vec::Zero(12));
  EXPECT_NEAR(m.log_loss, std::log(3.0), 1e-15);
  EXPECT_EQ(m.accuracy, (p.y.array() == 0.0).count() / 90.0);
  EXPECT_EQ(m.auc, 0.5);
  EXPECT_EQ(m.auc_bound, 0.0);
}

// Many repeated rows: exact ties between positives and negatives count ½, on both AUC paths.
TEST(MulticlassMetrics, RepeatedRowsTieExactly) {
  Problem p = random_problem(600, 3, 4, 8);
  for (Index i = 0; i < p.X.rows(); ++i) p.X.row(i) = p.X.row(i % 7);
  for (Index exact_rows : {Index{1} << 18, Index{0}}) {
    SerialCommunicator comm;
    MulticlassEvaluator ev(test::dense_shard(p.X, p.y), p.K, comm, {exact_rows});
    const EvalMetrics m = ev.evaluate(p.theta);
    const RowMatrix<double> P = ref_probabilities(p.X, p.theta, p.K);
    EXPECT_NEAR(m.auc, ref_auc(P, p.y), 1e-15) << exact_rows;
    if (exact_rows == 0) {
      EXPECT_GT(m.auc_bound, 0.0);
    }
  }
}

// Without the exact pass, the histogram estimate is within its bound, and the bound is small for
// continuous scores.
TEST(MulticlassMetrics, HistogramAucIsWithinItsBound) {
  for (int K : {3, 10}) {
    Problem p = random_problem(4000, 6, K, 40 + K, 0.5);
    SerialCommunicator comm;
    MulticlassEvaluator hist(test::dense_shard(p.X, p.y), K, comm, {0});
    MulticlassEvaluator exact(test::dense_shard(p.X, p.y), K, comm);
    const EvalMetrics a = hist.evaluate(p.theta), e = exact.evaluate(p.theta);
    const double ref = ref_auc(ref_probabilities(p.X, p.theta, K), p.y);
    EXPECT_NEAR(e.auc, ref, 1e-14) << K;
    EXPECT_EQ(e.auc_bound, 0.0);
    EXPECT_LE(std::abs(a.auc - ref), a.auc_bound + 1e-15) << K;
    EXPECT_GT(a.auc_bound, 0.0) << K;
    EXPECT_LT(a.auc_bound, 2e-3) << K;
    EXPECT_EQ(a.log_loss, e.log_loss);
    EXPECT_EQ(a.accuracy, e.accuracy);
  }
}

// The metrics depend on the multiset of rows only: shuffled rows give the same bits.
TEST(MulticlassMetrics, RowOrderDoesNotChangeAnyBit) {
  Problem p = random_problem(1500, 5, 5, 77);
  std::vector<Index> order(p.X.rows());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), std::mt19937_64(1));
  RowMatrix<double> Xs(p.X.rows(), p.X.cols());
  Vec ys(p.y.size());
  for (Index i = 0; i < p.X.rows(); ++i) Xs.row(i) = p.X.row(order[i]), ys[i] = p.y[order[i]];
  for (Index exact_rows : {Index{1} << 18, Index{0}}) {
    SerialCommunicator comm;
    MulticlassEvaluator a(test::dense_shard(p.X, p.y), p.K, comm, {exact_rows});
    MulticlassEvaluator b(test::dense_shard(Xs, ys), p.K, comm, {exact_rows});
    const EvalMetrics ma = a.evaluate(p.theta), mb = b.evaluate(p.theta);
    EXPECT_EQ(ma.log_loss, mb.log_loss);
    EXPECT_EQ(ma.accuracy, mb.accuracy);
    EXPECT_EQ(ma.auc, mb.auc);
    EXPECT_EQ(ma.auc_bound, mb.auc_bound);
  }
}

// The printed labels are the argmax of the printed probabilities, ties to the lowest class, and
// their accuracy is the evaluator's.
TEST(MulticlassMetrics, PredictedLabelsAreTheArgmax) {
  RowMatrix<double> P(4, 3);
  P << 0.2, 0.5, 0.3, 0.4, 0.4, 0.2, 0.1, 0.45, 0.45, 0.0, 0.0, 1.0;
  Vec want(4);
  want << 1, 0, 1, 2;
  EXPECT_TRUE(predicted_labels(P) == want);
  Problem p = random_problem(300, 4, 5, 12);
  SerialCommunicator comm;
  MulticlassEvaluator ev(test::dense_shard(p.X, p.y), p.K, comm);
  const Vec labels = predicted_labels(ev.probabilities(p.theta));
  EXPECT_EQ((labels.array() == p.y.array()).count() / 300.0, ev.evaluate(p.theta).accuracy);
}

TEST(MulticlassMetrics, AucIsNaNWhenAClassHasNoRowsOrAllRows) {
  Problem p = random_problem(50, 3, 3, 2);
  SerialCommunicator comm;
  Vec y = p.y;
  for (Index i = 0; i < y.size(); ++i) y[i] = y[i] == 2 ? 1 : y[i];  // class 2 empty
  MulticlassEvaluator missing(test::dense_shard(p.X, y), 3, comm);
  EvalMetrics m = missing.evaluate(p.theta);
  EXPECT_TRUE(std::isnan(m.auc));
  EXPECT_TRUE(std::isfinite(m.log_loss));
  MulticlassEvaluator single(test::dense_shard(p.X, Vec::Ones(50)), 3, comm);
  m = single.evaluate(p.theta);
  EXPECT_TRUE(std::isnan(m.auc));
}

TEST(MulticlassMetrics, NonFiniteParametersGiveNaN) {
  Problem p = random_problem(40, 3, 3, 4);
  SerialCommunicator comm;
  MulticlassEvaluator ev(test::dense_shard(p.X, p.y), 3, comm);
  Vec theta = p.theta;
  theta[1] = std::numeric_limits<double>::infinity();
  const EvalMetrics m = ev.evaluate(theta);
  EXPECT_TRUE(std::isnan(m.log_loss));
  EXPECT_TRUE(std::isnan(m.accuracy));
  EXPECT_TRUE(std::isnan(m.auc));
  EXPECT_EQ(m.rows, 40);
}

TEST(MulticlassMetrics, RefusesBadLabelsClassesAndParameters) {
  Problem p = random_problem(20, 3, 3, 6);
  SerialCommunicator comm;
  Vec y = p.y;
  y[4] = 3;
  EXPECT_THROW(MulticlassEvaluator(test::dense_shard(p.X, y), 3, comm), DataError);
  y[4] = 0.5;
  EXPECT_THROW(MulticlassEvaluator(test::dense_shard(p.X, y), 3, comm), DataError);
  EXPECT_THROW(MulticlassEvaluator(test::dense_shard(p.X, p.y), 1, comm), ConfigError);
  EXPECT_THROW(MulticlassEvaluator(test::dense_shard(p.X, p.y), 3, comm, {-1}), ConfigError);
  MulticlassEvaluator ev(test::dense_shard(p.X, p.y), 3, comm);
  EXPECT_THROW(ev.evaluate(Vec::Zero(11)), DataError);
  EXPECT_THROW(ev.probabilities(Vec::Zero(13)), DataError);
}

// The bins are a non-decreasing function of p over [0, 1], from 0 to bins() − 1.
TEST(MulticlassMetrics, BinsAreMonotoneInTheProbability) {
  for (int K : {2, 3, 10, 200}) {
    SerialCommunicator comm;
    MulticlassEvaluator ev(test::dense_shard(RowMatrix<double>(0, 1), Vec(0)), K, comm);
    std::vector<double> ps = {0.0,
                              4.9e-324,
                              1e-300,
                              0x1p-64,
                              0x1.0000000000001p-64,
                              1e-10,
                              0.25,
                              0.5,
                              std::nextafter(0.5, 1.0),
                              0.75,
                              1 - 1e-12,
                              std::nextafter(1.0, 0.0),
                              1.0};
    std::mt19937_64 rng(K);
    std::uniform_real_distribution<double> u(-60, 60);
    for (int i = 0; i < 20000; ++i) ps.push_back(1 / (1 + std::exp(u(rng))));
    std::sort(ps.begin(), ps.end());
    EXPECT_EQ(ev.bin_of(0.0), 0);
    EXPECT_EQ(ev.bin_of(1.0), ev.bins() - 1);
    EXPECT_LT(ev.bin_of(0.5), ev.bin_of(std::nextafter(0.5, 1.0)));
    for (size_t i = 1; i < ps.size(); ++i)
      ASSERT_LE(ev.bin_of(ps[i - 1]), ev.bin_of(ps[i])) << ps[i];
    EXPECT_LE(2.0 * K * ev.bins(), (1 << 19) + 6.0 * K) << "the histograms' budget";
  }
}

// ---- against scikit-learn (tests/fixtures/multinomial, scripts/make_multinomial_fixtures.py) --

class SklearnMetrics : public ::testing::TestWithParam<std::string> {};

TEST_P(SklearnMetrics, EqualScikitLearn) {
  const std::string path = std::string(LOGREG_FIXTURES) + "/multinomial/" + GetParam() + ".h5";
  h5::File f(path, h5::File::Mode::ReadOnly);
  const test::ClassData d = test::read_class_fixture(GetParam());
  for (const std::string c : {"random", "sharp", "l2_1e-02_raw"}) {
    SCOPED_TRACE(c);
    const std::string g = "metrics/" + c;
    const std::vector<double> t = h5::read_vector(f, g + "/theta");
    const Vec theta = Eigen::Map<const Vec>(t.data(), static_cast<Index>(t.size()));
    SerialCommunicator comm;
    MulticlassEvaluator ev(test::dense_shard(d.X, d.y), d.K, comm);
    const EvalMetrics m = ev.evaluate(theta);
    const double loss = f.read_double_attribute(g, "log_loss");
    EXPECT_NEAR(m.log_loss, loss, 1e-12 * std::max(1.0, loss));
    EXPECT_DOUBLE_EQ(m.accuracy, f.read_double_attribute(g, "accuracy"));
    EXPECT_NEAR(m.auc, f.read_double_attribute(g, "auc_ovr_macro"), 1e-12);
    EXPECT_EQ(m.auc_bound, 0.0);
    if (f.exists(g + "/proba")) {  // sklearn's predict_proba
      RowMatrix<double> P(d.X.rows(), d.K);
      f.open_dataset(g + "/proba").read_all(H5T_NATIVE_DOUBLE, P.data());
      EXPECT_LE((ev.probabilities(theta) - P).cwiseAbs().maxCoeff(),
                probability_tolerance(d.X, theta, d.K));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, SklearnMetrics,
                         ::testing::Values("wine", "iris", "digits", "anes96"));

}  // namespace
}  // namespace logreg
