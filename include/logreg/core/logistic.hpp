// Per-row logistic pieces, evaluated without overflow for any margin z:
//   ℓ(z, y) = log(1 + e^(−|z|)) + max(z, 0) − y·z,   σ(z) = 1 / (1 + e^(−z)).
// The block functions work on contiguous row ranges; s == nullptr means unit weights.
#pragma once

#include <cmath>
#include <utility>

#include "logreg/core/types.hpp"

namespace logreg {

inline double logistic_loss(double z, double y) {
  // (max(z,0) − y z) first: it is exactly 0 for a correctly signed margin, so tiny losses keep
  // full relative precision instead of vanishing in (z + ε) − z.
  return std::log1p(std::exp(-std::abs(z))) + (std::max(z, 0.0) - y * z);
}

inline double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

// r_i = s_i (σ(z_i) − y_i) for the rows; adds Σ s_i ℓ(z_i, y_i) to `loss` (summed as a pass sums
// over rows, kernels.hpp). With `h`, also h_i = s_i σ(z_i)(1 − σ(z_i)), equal to
// hessian_weights(). These run the process's kernel set (kernel_dispatch.hpp).
void loss_and_residual(ConstVecRef z, ConstVecRef y, const double* s, VecRef r, double& loss,
                       double* h = nullptr);

// Σ s_i ℓ(z0_i + α zd_i) and Σ s_i (σ(z0_i + α zd_i) − y_i) zd_i: a line-search trial in O(rows).
std::pair<double, double> line_sums(ConstVecRef z0, ConstVecRef zd, double alpha, ConstVecRef y,
                                    const double* s);

// Hessian weights D_i = s_i σ(z_i)(1 − σ(z_i)).
void hessian_weights(ConstVecRef z, const double* s, VecRef d);

}  // namespace logreg
