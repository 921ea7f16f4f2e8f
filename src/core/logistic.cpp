#include "logreg/core/logistic.hpp"

#include <Eigen/Core>

// GCC 12 reports the deliberately undefined operand inside AVX-512 intrinsics (_mm512_max_pd,
// _mm512_roundscale_pd, …) that Eigen's pexp/plog inline here as "used uninitialized".
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif

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

// The pass's per-row work, one SIMD packet of rows at a time with Eigen's packet functions
// (the same pexp/plog the Chunk arrays above evaluate, so every row gets the same bits as
// through softplus_parts): no copies into chunk arrays, no padding work on full packets.
void loss_and_residual(ConstVecRef z, ConstVecRef y, const double* s, VecRef r, double& loss,
                       double* h) {
  using namespace Eigen::internal;
  using P = packet_traits<double>::type;
  constexpr Index W = sizeof(P) / sizeof(double);  // rows per packet
  const Index n = z.size();
  const P one = pset1<P>(1.0), zero = pset1<P>(0.0);
  alignas(64) double zb[W], yb[W], sb[W], t[W], rb[W], hb[W];
  for (Index c = 0; c < n; c += W) {
    const Index m = std::min(W, n - c);
    P zv, yv, sv = one;
    if (m == W) {
      zv = ploadu<P>(z.data() + c);
      yv = ploadu<P>(y.data() + c);
      if (s) sv = ploadu<P>(s + c);
    } else {  // the last rows, zero-padded
      for (Index k = 0; k < W; ++k) {
        zb[k] = k < m ? z[c + k] : 0.0;
        yb[k] = k < m ? y[c + k] : 0.0;
        sb[k] = k < m && s ? s[c + k] : 1.0;
      }
      zv = pload<P>(zb);
      yv = pload<P>(yb);
      sv = pload<P>(sb);
    }
    P e = pexp(pnegate(pabs(zv)));
    if (predux_any(pcmp_lt(pset1<P>(708.0), pabs(zv)))) {
      // Eigen clamps exp's argument near −709.8; beyond it the exact value is subnormal or 0.
      pstore(t, e);
      for (Index k = 0; k < m; ++k) {
        if (std::abs(z[c + k]) > 708.0) t[k] = std::exp(-std::abs(z[c + k]));
      }
      e = pload<P>(t);
    }
    const P u = padd(one, e);
    const P l = psub(plog(u), pdiv(psub(psub(u, one), e), u));
    // p = σ(z) as 1/(1+e) for z ≥ 0 and e/(1+e) otherwise.
    const P p = pdiv(pselect(pcmp_le(zero, zv), one, e), padd(one, e));
    pstore(t, pmul(sv, padd(l, psub(pmax(zv, zero), pmul(yv, zv)))));
    const P rv = pmul(sv, psub(p, yv));
    if (m == W) {
      pstoreu(r.data() + c, rv);
      if (h) pstoreu(h + c, pmul(sv, pdiv(e, pmul(u, u))));
    } else {
      pstore(rb, rv);
      for (Index k = 0; k < m; ++k) r[c + k] = rb[k];
      if (h) {
        pstore(hb, pmul(sv, pdiv(e, pmul(u, u))));
        for (Index k = 0; k < m; ++k) h[c + k] = hb[k];
      }
    }
    for (Index k = 0; k < m; ++k) loss += t[k];  // row by row, independent of blocking
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
