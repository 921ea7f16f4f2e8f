// The per-row loss must be finite and exact for any margin, including |z| = 1e4 where the naive
// formula log(1 + e^z) overflows.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "logreg/core/evaluation.hpp"
#include "logreg/core/logistic.hpp"
#include "test_support.hpp"

namespace logreg {

// ℓ(z, y) = log(1 + e^z) − y z. Hand-derived values:
//  * z = 1e4, y = 0: log(1 + e^1e4) = 1e4 + log(1 + e^-1e4) = 1e4 (e^-1e4 ≈ 1e-4343 underflows)
//  * z = 1e4, y = 1: log(1 + e^-1e4) ≈ e^-1e4, i.e. 0 in double precision
//  * z = −1e4, y = 1: log(1 + e^1e4) − (−1e4)·... = 1e4
//  * z = 0: log 2 for either label
//  * z = 40, y = 1: log1p(e^-40) = e^-40 − e^-80/2 ≈ 4.248354255291589e-18
//  * z = 20, y = 0: 20 + log1p(e^-20) = 20.000000002061153622...
TEST(LogisticLoss, ExactAtExtremeMargins) {
  EXPECT_EQ(logistic_loss(1e4, 0.0), 1e4);
  EXPECT_EQ(logistic_loss(1e4, 1.0), 0.0);
  EXPECT_EQ(logistic_loss(-1e4, 1.0), 1e4);
  EXPECT_EQ(logistic_loss(-1e4, 0.0), 0.0);
  EXPECT_DOUBLE_EQ(logistic_loss(0.0, 0.0), std::log(2.0));
  EXPECT_DOUBLE_EQ(logistic_loss(0.0, 1.0), std::log(2.0));
  EXPECT_NEAR(logistic_loss(40.0, 1.0), 4.248354255291589e-18, 1e-30);
  EXPECT_NEAR(logistic_loss(20.0, 0.0), 20.000000002061153622, 4e-15);
  EXPECT_NEAR(logistic_loss(-20.0, 1.0), 20.000000002061153622, 4e-15);
}

TEST(LogisticLoss, MatchesLongDoubleReferenceEverywhere) {
  std::vector<double> grid;
  for (double m = 1e-6; m <= 1e4; m *= 1.7) grid.push_back(m), grid.push_back(-m);
  grid.push_back(1e4), grid.push_back(-1e4), grid.push_back(0.0);
  for (double z : grid) {
    for (double y : {0.0, 1.0}) {
      const long double zl = z;
      const long double ref = std::log1p(std::exp(-std::fabs(zl))) + (std::max(zl, 0.0L) - y * zl);
      const double got = logistic_loss(z, y);
      ASSERT_TRUE(std::isfinite(got)) << "z=" << z;
      ASSERT_NEAR(got, static_cast<double>(ref), 1e-15 * std::max(1.0L, std::fabs(ref))) << "z=" << z;
    }
  }
}

TEST(LogisticLoss, BlockResidualsAreFiniteAndWeighted) {
  Vec z(6), y(6), r(6);
  z << -1e4, -40, 0, 1e-8, 40, 1e4;
  y << 1, 0, 1, 0, 1, 0;
  const double s[6] = {1, 2, 3, 0.5, 1, 2};
  double loss = 0.0;
  loss_and_residual(z, y, s, r, loss);
  double expect = 0;
  for (int i = 0; i < 6; ++i) expect += s[i] * logistic_loss(z[i], y[i]);
  EXPECT_DOUBLE_EQ(loss, expect);
  ASSERT_TRUE(r.allFinite());
  EXPECT_DOUBLE_EQ(r[0], -1.0);      // σ(−1e4) − 1
  EXPECT_DOUBLE_EQ(r[5], 2.0);       // 2 (σ(1e4) − 0)
  EXPECT_DOUBLE_EQ(r[2], 3 * -0.5);  // 3 (σ(0) − 1)
  EXPECT_EQ(sigmoid(-1e4), 0.0);
  EXPECT_EQ(sigmoid(1e4), 1.0);
}

TEST(LogisticLoss, LineSumsMatchDirectEvaluation) {
  Vec z0(4), zd(4), y(4), r(4);
  z0 << -3, 0.5, 2, 10;
  zd << 1, -2, 0.25, -30;
  y << 0, 1, 1, 0;
  const double alpha = 0.3;
  auto [loss, slope] = line_sums(z0, zd, alpha, y, nullptr);
  Vec z = z0 + alpha * zd;
  double direct = 0.0;
  loss_and_residual(z, y, nullptr, r, direct);
  EXPECT_NEAR(loss, direct, 1e-14);
  EXPECT_NEAR(slope, r.dot(zd), 1e-14);
}

// The Hessian weights computed alongside the residuals equal the separate hessian_weights()
// exactly (both weighted and not), over margins from tiny to beyond exp's range, 40 rows so
// that a chunk is partly filled.
TEST(LogisticLoss, FusedHessianWeightsEqualSeparateOnes) {
  const Index n = 40;
  Vec z = Vec::LinSpaced(n, -800.0, 750.0), y(n), s(n), r(n), h(n), ref(n);
  z[3] = 0.0, z[4] = 1e-7, z[5] = -2.5;
  for (Index i = 0; i < n; ++i) y[i] = i % 3 == 0, s[i] = 0.5 + i % 4;
  for (const double* weights : {static_cast<const double*>(nullptr), static_cast<const double*>(s.data())}) {
    double loss = 0.0;
    loss_and_residual(z, y, weights, r, loss, h.data());
    hessian_weights(z, weights, ref);
    for (Index i = 0; i < n; ++i) EXPECT_EQ(h[i], ref[i]) << "z=" << z[i];
    EXPECT_GT(h[3], 0.0);
  }
}

TEST(Evaluation, AucAccuracyLogLoss) {
  Vec p(5), y(5);
  p << 0.1, 0.4, 0.35, 0.8, 0.8;
  y << 0, 0, 1, 1, 0;
  // Positive scores {0.35, 0.8}; negatives {0.1, 0.4, 0.8}: pairs won 1+0+... by hand:
  // 0.35 beats 0.1 only (1); 0.8 beats 0.1, 0.4 and ties 0.8 (2.5) → 3.5 / 6.
  EXPECT_DOUBLE_EQ(test::roc_auc(p, y), 3.5 / 6.0);
  EXPECT_DOUBLE_EQ(test::accuracy(p, y), 3.0 / 5.0);
  Vec z(2), yy(2);
  z << 0, 0;
  yy << 0, 1;
  EXPECT_DOUBLE_EQ(test::mean_log_loss_from_margins(z, yy), std::log(2.0));
}

}  // namespace logreg

namespace logreg {

TEST(Evaluation, HistogramAucIsWithinItsBoundOfTheExactAuc) {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> nd;
  for (int trial = 0; trial < 5; ++trial) {
    const Index n = 20000;
    Vec z(n), y(n), p(n);
    for (Index i = 0; i < n; ++i) {
      y[i] = (i % 3 == 0) ? 1.0 : 0.0;
      z[i] = nd(rng) * (1 + trial) + (y[i] > 0 ? 0.8 : 0.0);
      if (trial == 4) z[i] = std::round(z[i] * 4) / 4;  // many exact ties
      p[i] = sigmoid(z[i]);
    }
    const Index bins = 1 << 16;
    Vec pos = Vec::Zero(bins), neg = Vec::Zero(bins);
    margin_histogram(z, y, z.minCoeff(), z.maxCoeff(), pos, neg);
    double bound = -1;
    const double approx = auc_from_histogram(pos, neg, &bound);
    const double exact = test::roc_auc(p, y);
    EXPECT_LE(std::abs(approx - exact), bound + 1e-15) << trial;
    if (trial < 4) {
      EXPECT_LT(bound, 1e-4) << trial;  // continuous scores: fine bins resolve them
    } else {
      EXPECT_NEAR(approx, exact, 1e-12);  // exact ties fall in one bin: counted ½
    }
    EXPECT_EQ(pos.sum() + neg.sum(), n);
  }
}

TEST(Evaluation, MetricSumsMatchDirectFormulas) {
  Vec z(4), y(4);
  z << -2, 0, 0.5, 3;
  y << 0, 1, 0, 1;
  MetricSums m = metric_sums(z, y);
  EXPECT_DOUBLE_EQ(m.rows, 4);
  EXPECT_DOUBLE_EQ(m.positives, 2);
  EXPECT_DOUBLE_EQ(m.correct, 2);  // z = 0 predicts class 0 (probability 0.5 is not > 0.5)
  double expect = 0;
  for (int i = 0; i < 4; ++i) expect += logistic_loss(z[i], y[i]);
  EXPECT_DOUBLE_EQ(m.log_loss, expect);
}

}  // namespace logreg

namespace logreg {

TEST(LogisticLoss, VectorizedBlockMatchesTheExactLossEverywhere) {
  std::vector<double> grid;
  for (double m = 1e-6; m <= 1e4; m *= 1.37) grid.push_back(m), grid.push_back(-m);
  grid.push_back(1e4), grid.push_back(-1e4), grid.push_back(0.0), grid.push_back(40.0);
  const Index n = static_cast<Index>(grid.size());
  for (double label : {0.0, 1.0}) {
    Vec z = Eigen::Map<Vec>(grid.data(), n), y = Vec::Constant(n, label), r(n), d(n);
    hessian_weights(z, nullptr, d);
    for (Index i = 0; i < n; ++i) {
      double li = 0.0;
      Vec one(1), ri(1);
      one << z[i];
      loss_and_residual(one, y.segment(i, 1), nullptr, ri, li);
      const long double zl = z[i];
      const long double ref = std::log1p(std::exp(-std::fabs(zl))) + (std::max(zl, 0.0L) - label * zl);
      ASSERT_NEAR(li, static_cast<double>(ref), 4e-16 * std::max(1e-300L, std::fabs(ref)))
          << "z=" << z[i] << " y=" << label;
      ASSERT_NEAR(ri[0], sigmoid(z[i]) - label, 2.3e-16) << "z=" << z[i];  // 2 ulps
      // σ(1−σ) = e/(1+e)², e = exp(−|z|), in long double (σ·(1−σ) in double would cancel).
      const long double e = std::exp(-std::fabs(zl)), dref = e / ((1 + e) * (1 + e));
      ASSERT_NEAR(d[i], static_cast<double>(dref), 1e-300 + 8e-16 * dref) << "z=" << z[i];
    }
  }
}

}  // namespace logreg
