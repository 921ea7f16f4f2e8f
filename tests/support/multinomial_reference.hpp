// Independent references for the multinomial objective's tests: random K-class data, the
// objective with its gradient and its full K·(d+1) Hessian written from the definition with Eigen
// (std::exp and std::log, no code of the library), and an exact minimizer by dense Newton steps;
// and a solve from zero.
// Coordinates as the objective's (class-major: W row 0, …, W row K−1, then the K intercepts when
// fitted); with `standardize`, the references run on explicitly standardized columns.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <random>

#include "logreg/core/types.hpp"
#include "logreg/solvers/solver.hpp"

namespace logreg::test {

// n rows of d features ~ N(j/2, 1) rounded to float (so float storage holds the same numbers),
// about a third of them exactly zero (so CSR differs from dense storage), and labels drawn from
// softmax(W* x̃) for a random W* of scale 2/√d, x̃ the features less their shift (0 where zero):
// every class occurs (else its intercept would have no finite optimum).
inline void multinomial_problem(Index n, Index d, int K, unsigned seed, RowMatrix<double>& X,
                                Vec& y) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uni(0.0, 1.0);
  Eigen::MatrixXd W(K, d);
  for (Index i = 0; i < W.size(); ++i) W.data()[i] = 2.0 * normal(rng) / std::sqrt(double(d));
  X.resize(n, d);
  y.resize(n);
  for (Index i = 0; i < n; ++i) {
    Vec centered(d);
    for (Index j = 0; j < d; ++j) {
      const double v = static_cast<float>(normal(rng) + 0.5 * static_cast<double>(j));
      X(i, j) = (i + 2 * j) % 3 == 0 ? 0.0 : v;
      centered[j] = X(i, j) == 0.0 ? 0.0 : X(i, j) - 0.5 * static_cast<double>(j);
    }
    Vec z = W * centered;
    for (int k = 0; k < K; ++k) z[k] += 0.2 * k;
    const Vec p = (z.array() - z.maxCoeff()).exp();
    double u = uni(rng) * p.sum(), c = 0.0;
    int label = K - 1;
    for (int k = 0; k < K; ++k) {
      c += p[k];
      if (u < c) {
        label = k;
        break;
      }
    }
    y[i] = label;
  }
}

// Columns as the objective standardizes them: weighted mean (only with an intercept) and weighted
// population standard deviation (1 for constant columns).
inline RowMatrix<double> standardized(const RowMatrix<double>& X, const Vec& s, bool center) {
  RowMatrix<double> out = X;
  const double S = s.sum();
  for (Index j = 0; j < X.cols(); ++j) {
    const double mean = s.dot(X.col(j)) / S;
    const double var = s.dot(X.col(j).cwiseAbs2()) / S - mean * mean;
    const double sd = std::sqrt(std::max(var, 0.0));
    const double scale = sd > 1e-12 * std::max(1.0, std::abs(mean)) ? sd : 1.0;
    out.col(j) = (X.col(j).array() - (center ? mean : 0.0)) / scale;
  }
  return out;
}

struct NaiveMultinomial {
  double f = 0.0;  // J without the L1 term
  Vec g;
  Eigen::MatrixXd H;  // only when asked for
};

// J(x) = (1/S) Σ sᵢ(log Σₖ e^zᵢₖ − zᵢ,yᵢ) + (l2/2)‖W‖², its gradient and (with `hessian`) its
// Hessian, from the definition.
inline NaiveMultinomial naive_multinomial(const RowMatrix<double>& X, const Vec& y, const Vec& s,
                                          int K, const Vec& x, double l2, bool intercept,
                                          bool hessian) {
  const Index n = X.rows(), d = X.cols(), m = intercept ? d + 1 : d, dim = K * m;
  // Solver coordinates → per-class rows of [W b].
  Eigen::MatrixXd Wb = Eigen::MatrixXd::Zero(K, d + 1);
  for (int k = 0; k < K; ++k) {
    Wb.row(k).head(d) = x.segment(k * d, d).transpose();
    if (intercept) Wb(k, d) = x[K * d + k];
  }
  auto index = [&](int k, Index j) { return j < d ? k * d + j : K * d + k; };
  NaiveMultinomial out;
  out.g = Vec::Zero(dim);
  if (hessian) out.H = Eigen::MatrixXd::Zero(dim, dim);
  const double S = s.sum();
  for (Index i = 0; i < n; ++i) {
    Vec xh(d + 1);
    xh.head(d) = X.row(i).transpose();
    xh[d] = 1.0;
    const Vec z = Wb * xh;
    const double mx = z.maxCoeff();
    const Vec e = (z.array() - mx).exp();
    const double lse = mx + std::log(e.sum());
    const Vec p = e / e.sum();
    const int yi = static_cast<int>(y[i]);
    out.f += s[i] * (lse - z[yi]) / S;
    for (int k = 0; k < K; ++k) {
      const double r = s[i] * (p[k] - (k == yi ? 1.0 : 0.0)) / S;
      for (Index j = 0; j < m; ++j) out.g[index(k, j)] += r * xh[j];
      if (!hessian) continue;
      for (int l = 0; l < K; ++l) {
        const double c = s[i] * ((k == l ? p[k] : 0.0) - p[k] * p[l]) / S;
        for (Index j = 0; j < m; ++j)
          for (Index t = 0; t < m; ++t) out.H(index(k, j), index(l, t)) += c * xh[j] * xh[t];
      }
    }
  }
  out.f += 0.5 * l2 * x.head(K * d).squaredNorm();
  out.g.head(K * d) += l2 * x.head(K * d);
  if (hessian) out.H.diagonal().head(K * d).array() += l2;
  return out;
}

// The minimizer of J (no L1 term) by Newton steps on the full Hessian, to ‖∇J‖∞ < 1e-15. The
// intercepts' common shift leaves J unchanged (its Hessian is singular along it): that direction
// is given unit curvature, which changes nothing else as the gradient is orthogonal to it.
inline Vec newton_multinomial(const RowMatrix<double>& X, const Vec& y, const Vec& s, int K,
                              double l2, bool intercept) {
  const Index d = X.cols(), dim = intercept ? K * (d + 1) : K * d;
  Vec x = Vec::Zero(dim);
  Vec u = Vec::Zero(dim);
  if (intercept) u.tail(K).setConstant(1.0 / std::sqrt(static_cast<double>(K)));
  for (int it = 0; it < 100; ++it) {
    NaiveMultinomial a = naive_multinomial(X, y, s, K, x, l2, intercept, true);
    if (a.g.lpNorm<Eigen::Infinity>() < 1e-15) break;
    a.H += u * u.transpose();
    const Vec step = a.H.ldlt().solve(a.g);
    double t = 1.0;  // damped only far from the optimum (not for a rise within rounding)
    while (t > 1e-8 && naive_multinomial(X, y, s, K, x - t * step, l2, intercept, false).f >
                           a.f + 1e-13 * std::abs(a.f)) {
      t *= 0.5;
    }
    x -= t * step;
  }
  return x;
}

// x without its component along the intercepts' common shift (which leaves J unchanged): what
// two minimizers of J agree on.
inline Vec without_intercept_shift(Vec x, int K) {
  x.tail(K).array() -= x.tail(K).mean();
  return x;
}

// minimize() from x = 0, without an observer.
inline SolveResult solve_from_zero(Objective& obj, const SolverParams& params) {
  SolverState start;
  start.x.setZero(obj.dim());
  return minimize(obj, start, params, nullptr);
}

}  // namespace logreg::test
