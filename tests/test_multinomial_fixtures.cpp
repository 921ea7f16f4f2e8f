// The multinomial reference optima of tests/fixtures/multinomial
// (scripts/make_multinomial_fixtures.py) checked from the objective's definition, with code
// independent of the library and of the script: J(W, b) = (1/N) Σ −log softmax(W xᵢ + b)_{yᵢ} +
// (l2/2)‖W‖²_F + l1‖W‖₁ (intercepts unpenalized). At each stored optimum ‖∇J‖∞ ≤ 1e-11 evaluated in
// double (as a solver sees it) and ≤ 1e-13 in long double, J equals the stored objective, the
// original-unit parameters are the standardized ones mapped back, the intercepts are centered (the
// gauge the fixtures fix), and the L1 optimum satisfies its KKT conditions with the stored zero
// pattern. The solvers' comparison against these optima lives with the multinomial objective.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "logreg/io/hdf5.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

using Matrix = RowMatrix<double>;

struct Fixture {
  Matrix X, Xstd;
  Vec y, mean, scale;
  int K = 0;
};

Matrix read_matrix(const h5::File& f, const std::string& name) {
  h5::Dataset ds = f.open_dataset(name);
  const auto shape = ds.shape();
  Matrix m(static_cast<Index>(shape.at(0)), shape.size() > 1 ? static_cast<Index>(shape[1]) : 1);
  ds.read_all(H5T_NATIVE_DOUBLE, m.data());
  return m;
}

Vec read_vec(const h5::File& f, const std::string& name) {
  const std::vector<double> v = h5::read_vector(f, name);
  return Eigen::Map<const Vec>(v.data(), static_cast<Index>(v.size()));
}

std::string path_of(const std::string& name) {
  return std::string(LOGREG_FIXTURES) + "/multinomial/" + name + ".h5";
}

Fixture load(const h5::File& f) {
  Fixture x;
  x.X = read_matrix(f, "X");
  x.y = read_vec(f, "y");
  x.mean = read_vec(f, "std_mean");
  x.scale = read_vec(f, "std_scale");
  x.K = static_cast<int>(f.read_int_attribute("/", "classes").at(0));
  x.Xstd = x.X;
  for (Index j = 0; j < x.X.cols(); ++j)
    x.Xstd.col(j) = (x.X.col(j).array() - x.mean[j]) / x.scale[j];
  return x;
}

// J and ∇J (K × (d+1): row k = [∂W_k, ∂b_k]) of the smooth part, in precision T.
template <typename T>
T objective(const Matrix& A, const Vec& y, const Matrix& W, const Vec& b, double l2,
            Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& grad) {
  const Index n = A.rows(), d = A.cols(), K = W.rows();
  grad.setZero(K, d + 1);
  std::vector<T> z(K);
  T loss = 0;
  for (Index i = 0; i < n; ++i) {
    for (Index k = 0; k < K; ++k) {
      T s = b[k];
      for (Index j = 0; j < d; ++j) s += static_cast<T>(A(i, j)) * static_cast<T>(W(k, j));
      z[k] = s;
    }
    T top = z[0];
    for (Index k = 1; k < K; ++k) top = std::max(top, z[k]);
    T sum = 0;
    for (Index k = 0; k < K; ++k) sum += std::exp(z[k] - top);
    const Index yi = static_cast<Index>(y[i]);
    loss += top + std::log(sum) - z[yi];
    for (Index k = 0; k < K; ++k) {
      const T r = std::exp(z[k] - top) / sum - (k == yi ? 1 : 0);
      for (Index j = 0; j < d; ++j) grad(k, j) += r * static_cast<T>(A(i, j));
      grad(k, d) += r;
    }
  }
  grad /= static_cast<T>(n);
  T penalty = 0;
  for (Index k = 0; k < K; ++k) {
    for (Index j = 0; j < d; ++j) {
      grad(k, j) += static_cast<T>(l2) * W(k, j);
      penalty += static_cast<T>(W(k, j)) * W(k, j);
    }
  }
  return loss / static_cast<T>(n) + static_cast<T>(l2 / 2) * penalty;
}

// ‖minimum-norm subgradient‖∞ of J with the l1 term (intercepts unpenalized).
template <typename T>
double kkt_violation(const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& g, const Matrix& W,
                     double l1) {
  double worst = 0;
  const Index d = W.cols();
  for (Index k = 0; k < W.rows(); ++k) {
    for (Index j = 0; j < d; ++j) {
      const double gj = static_cast<double>(g(k, j));
      const double v = W(k, j) != 0 ? std::abs(gj + l1 * (W(k, j) > 0 ? 1 : -1))
                                    : std::max(std::abs(gj) - l1, 0.0);
      worst = std::max(worst, v);
    }
    worst = std::max(worst, std::abs(static_cast<double>(g(k, d))));
  }
  return worst;
}

struct Case {
  std::string data, group;
  Index rows, features;
  int classes;
};

class MultinomialFixture : public ::testing::TestWithParam<Case> {};

TEST_P(MultinomialFixture, IsAnOptimumOfItsObjective) {
  const Case c = GetParam();
  h5::File f(path_of(c.data), h5::File::Mode::ReadOnly);
  const Fixture x = load(f);
  ASSERT_EQ(x.X.rows(), c.rows);
  ASSERT_EQ(x.X.cols(), c.features);
  ASSERT_EQ(x.K, c.classes);
  for (int k = 0; k < x.K; ++k) EXPECT_GT((x.y.array() == k).count(), 0) << "class " << k;
  EXPECT_EQ(
      ((x.y.array() >= 0) && (x.y.array() < x.K) && (x.y.array() == x.y.array().floor())).count(),
      x.y.size());

  const std::string& g = c.group;
  const bool standardized = f.read_int_attribute(g, "standardize").at(0) != 0;
  const double l2 = f.read_double_attribute(g, "l2"), l1 = f.read_double_attribute(g, "l1");
  const Matrix W = read_matrix(f, g + "/coef");
  const Vec b = read_vec(f, g + "/intercept");
  ASSERT_EQ(W.rows(), x.K);
  ASSERT_EQ(W.cols(), c.features);
  // The solved parametrization: standardized features and coefficients, or the raw ones.
  const Matrix Ws = standardized ? read_matrix(f, g + "/coef_std") : W;
  const Vec bs = standardized ? read_vec(f, g + "/intercept_std") : b;
  const Matrix& A = standardized ? x.Xstd : x.X;
  if (standardized) {  // W = W̃/σ, b = b̃ − W μ
    for (int k = 0; k < x.K; ++k) {
      for (Index j = 0; j < W.cols(); ++j)
        EXPECT_NEAR(W(k, j), Ws(k, j) / x.scale[j], 1e-15 * std::abs(W(k, j)) + 1e-300);
      const double size = std::abs(bs[k]) + W.row(k).cwiseAbs().dot(x.mean.cwiseAbs());
      EXPECT_NEAR(b[k], bs[k] - W.row(k).dot(x.mean), 1e-14 * std::max(1.0, size));
    }
  }
  EXPECT_LE(std::abs(bs.sum()), 1e-12 * std::max(1.0, bs.cwiseAbs().maxCoeff())) << "gauge";

  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic> g64;
  Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic> gld;
  double J = static_cast<double>(objective<long double>(A, x.y, Ws, bs, l2, gld));
  objective<double>(A, x.y, Ws, bs, l2, g64);
  J += l1 * Ws.cwiseAbs().sum();
  EXPECT_NEAR(J, f.read_double_attribute(g, "objective"), 1e-14 * std::max(1.0, J));
  if (l1 == 0) {
    EXPECT_LE(g64.cwiseAbs().maxCoeff(), 1e-11);
    EXPECT_LE(static_cast<double>(gld.cwiseAbs().maxCoeff()), 1e-13);
    EXPECT_NEAR(static_cast<double>(gld.cwiseAbs().maxCoeff()),
                f.read_double_attribute(g, "grad_norm"), 1e-15);
    // With l2 > 0 the optimum's coefficients sum to zero over the classes.
    EXPECT_LE(Ws.colwise().sum().cwiseAbs().maxCoeff(),
              1e-10 * std::max(1.0, Ws.cwiseAbs().maxCoeff()));
  } else {
    EXPECT_LE(kkt_violation(g64, Ws, l1), 1e-11);
    EXPECT_LE(kkt_violation(gld, Ws, l1), 1e-13);
    const Index zeros = (W.array() == 0).count();
    EXPECT_EQ(zeros, f.read_int_attribute(g, "zeros").at(0));
    EXPECT_EQ((Ws.array() == 0).count(), zeros);
    EXPECT_GT(zeros, 0);
    EXPECT_GT(f.read_double_attribute(g, "min_zero_slack"), 0.0);
    EXPECT_EQ(f.read_int_attribute(g, "flat_shift_columns").at(0), 0) << "optimum not unique";
  }
}

std::vector<Case> cases() {
  const std::vector<Case> data = {{"digits", "", 1797, 64, 10},
                                  {"wine", "", 178, 13, 3},
                                  {"iris", "", 150, 4, 3},
                                  {"anes96", "", 944, 5, 7}};
  std::vector<Case> out;
  for (const Case& d : data) {
    for (const std::string g : {"ref/l2_1e-02/raw", "ref/l2_1e-02/std", "ref/l2_1e-04/raw",
                                "ref/l2_1e-04/std", "ref_l1/l1_1e-03_l2_0e+00/std"}) {
      Case c = d;
      c.group = g;
      out.push_back(c);
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, MultinomialFixture, ::testing::ValuesIn(cases()),
                         [](const auto& info) {
                           std::string name = info.param.data + "_" + info.param.group;
                           for (char& ch : name)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return name;
                         });

}  // namespace
}  // namespace logreg
