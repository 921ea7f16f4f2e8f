#include "logreg/core/logistic.hpp"

namespace logreg {

void loss_and_residual(ConstVecRef z, ConstVecRef y, const double* s, VecRef r, double& loss) {
  const Index n = z.size();
  for (Index i = 0; i < n; ++i) {
    const double zi = z[i];
    const double e = std::exp(-std::abs(zi));  // in (0, 1]: never overflows
    const double p = zi >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    const double li = std::log1p(e) + (std::max(zi, 0.0) - y[i] * zi);
    const double si = s ? s[i] : 1.0;
    loss += si * li;
    r[i] = si * (p - y[i]);
  }
}

std::pair<double, double> line_sums(ConstVecRef z0, ConstVecRef zd, double alpha, ConstVecRef y,
                                    const double* s) {
  const Index n = z0.size();
  double loss = 0.0, slope = 0.0;
  for (Index i = 0; i < n; ++i) {
    const double zi = z0[i] + alpha * zd[i];
    const double e = std::exp(-std::abs(zi));
    const double p = zi >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    const double si = s ? s[i] : 1.0;
    loss += si * (std::log1p(e) + (std::max(zi, 0.0) - y[i] * zi));
    slope += si * (p - y[i]) * zd[i];
  }
  return {loss, slope};
}

void hessian_weights(ConstVecRef z, const double* s, VecRef d) {
  const Index n = z.size();
  for (Index i = 0; i < n; ++i) {
    const double e = std::exp(-std::abs(z[i]));
    // σ(1−σ) = e / (1+e)^2 for either sign of z.
    const double w = e / ((1.0 + e) * (1.0 + e));
    d[i] = (s ? s[i] : 1.0) * w;
  }
}

}  // namespace logreg
