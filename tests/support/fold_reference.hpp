// Independent references for the fold passes' tests: one binary logistic model on its own, from
// the definition with Eigen (std::exp and std::log1p, no code of the library), and the layout of
// K such models in one parameter vector (class-major: w₀ … w_{K−1}, then b₀ … b_{K−1}).
#pragma once

#include <algorithm>
#include <cmath>

#include "logreg/core/types.hpp"

namespace logreg::test {

// One model's sums over the rows with weights s: the loss Σ sᵢℓᵢ, and with X̂ = [X 1] the
// gradient X̂ᵀr, the Hessian product X̂ᵀDX̂v, diag(X̂ᵀDX̂) and X̂ᵀD (D = sσ(1 − σ)), the margins z.
struct BinarySums {
  double loss = 0.0;
  Vec grad, hv, diag, sums, z;
};

inline BinarySums binary_reference(const RowMatrix<double>& X, const Vec& y, const Vec& s,
                                   const Vec& theta, const Vec& v) {
  const Index n = X.rows(), d = X.cols();
  Eigen::MatrixXd Xh(n, d + 1);
  Xh.leftCols(d) = X;
  Xh.col(d).setOnes();
  BinarySums out;
  out.z = Xh * theta;
  Vec r(n), D(n);
  for (Index i = 0; i < n; ++i) {
    const double z = out.z[i], e = std::exp(-std::abs(z));
    const double sigma = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    out.loss += s[i] * (std::log1p(e) + std::max(z, 0.0) - y[i] * z);
    r[i] = s[i] * (sigma - y[i]);
    D[i] = s[i] * sigma * (1.0 - sigma);
  }
  out.grad = Xh.transpose() * r;
  out.hv = Xh.transpose() * D.cwiseProduct(Xh * v);
  out.diag = Xh.cwiseAbs2().transpose() * D;
  out.sums = Xh.transpose() * D;
  return out;
}

// Model k's d+1 parameters [wₖ; bₖ] out of K models' class-major vector, and back.
inline Vec model_part(const Vec& all, int K, int k) {
  const Index d = all.size() / K - 1;
  Vec out(d + 1);
  out.head(d) = all.segment(k * d, d);
  out[d] = all[K * d + k];
  return out;
}
inline void set_model_part(Vec& all, int K, int k, const Vec& part) {
  const Index d = all.size() / K - 1;
  all.segment(k * d, d) = part.head(d);
  all[K * d + k] = part[d];
}

}  // namespace logreg::test
