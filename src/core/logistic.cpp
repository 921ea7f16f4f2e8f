#include "logreg/core/logistic.hpp"

#include <Eigen/Core>

namespace logreg {

namespace {

constexpr Index kChunk = 16;
using Chunk = Eigen::Array<double, kChunk, 1>;

// e = exp(−|z|) and l = log(1 + e) for up to kChunk margins, with Eigen's vectorized exp and log
// (libm's scalar calls dominated the pass at small d). log1p(e) = log(u) − ((u − 1) − e)/u with
// u = 1 + e recovers the low bits that forming 1 + e loses.
void softplus_parts(const double* z, Index m, Chunk& e, Chunk& l) {
  for (Index i = 0; i < m; ++i) e[i] = -std::abs(z[i]);
  for (Index i = m; i < kChunk; ++i) e[i] = 0.0;
  e = e.exp();
  // Eigen clamps exp's argument near −709.8; beyond it the exact value is subnormal or 0.
  for (Index i = 0; i < m; ++i) {
    if (std::abs(z[i]) > 708.0) e[i] = std::exp(-std::abs(z[i]));
  }
  const Chunk u = 1.0 + e;
  l = u.log() - ((u - 1.0) - e) / u;
}

// s·σ(1−σ) from e = exp(−|z|): σ(1−σ) = e / (1+e)² for either sign of z.
double curvature(double e, double s) { return s * (e / ((1.0 + e) * (1.0 + e))); }

}  // namespace

void loss_and_residual(ConstVecRef z, ConstVecRef y, const double* s, VecRef r, double& loss,
                       double* h) {
  const Index n = z.size();
  Chunk e, l, zc, yc, sc = Chunk::Ones();
  for (Index c = 0; c < n; c += kChunk) {
    const Index m = std::min(kChunk, n - c);
    softplus_parts(z.data() + c, m, e, l);
    zc.head(m) = z.segment(c, m);
    yc.head(m) = y.segment(c, m);
    zc.tail(kChunk - m).setZero();
    yc.tail(kChunk - m).setZero();
    if (s) sc.head(m) = Eigen::Map<const Eigen::ArrayXd>(s + c, m);
    // p = σ(z) as 1/(1+e) for z ≥ 0 and e/(1+e) otherwise; per-row loss terms, summed in row order
    // below so the result does not depend on how rows are blocked.
    const Chunk p = (zc >= 0.0).select(Chunk::Ones(), e) / (1.0 + e);
    const Chunk t = sc * (l + (zc.max(0.0) - yc * zc));
    r.segment(c, m) = (sc * (p - yc)).head(m).matrix();
    if (h) {
      for (Index k = 0; k < m; ++k) h[c + k] = curvature(e[k], sc[k]);
    }
    for (Index k = 0; k < m; ++k) loss += t[k];
  }
}

std::pair<double, double> line_sums(ConstVecRef z0, ConstVecRef zd, double alpha, ConstVecRef y,
                                    const double* s) {
  const Index n = z0.size();
  double loss = 0.0, slope = 0.0;
  Chunk zc, e, l;
  for (Index c = 0; c < n; c += kChunk) {
    const Index m = std::min(kChunk, n - c);
    for (Index k = 0; k < m; ++k) zc[k] = z0[c + k] + alpha * zd[c + k];
    softplus_parts(zc.data(), m, e, l);
    for (Index k = 0; k < m; ++k) {
      const Index i = c + k;
      const double zi = zc[k];
      const double p = zi >= 0 ? 1.0 / (1.0 + e[k]) : e[k] / (1.0 + e[k]);
      const double si = s ? s[i] : 1.0;
      loss += si * (l[k] + (std::max(zi, 0.0) - y[i] * zi));
      slope += si * (p - y[i]) * zd[i];
    }
  }
  return {loss, slope};
}

void hessian_weights(ConstVecRef z, const double* s, VecRef d) {
  const Index n = z.size();
  Chunk e, l;
  for (Index c = 0; c < n; c += kChunk) {
    const Index m = std::min(kChunk, n - c);
    softplus_parts(z.data() + c, m, e, l);
    for (Index k = 0; k < m; ++k) d[c + k] = curvature(e[k], s ? s[c + k] : 1.0);
  }
}

}  // namespace logreg
