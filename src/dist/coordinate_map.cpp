// The standardization map of the objectives (include/logreg/dist/coordinate_map.hpp). With K = 1
// every operation is the binary objective's own, in its order: the binary models do not change
// by a bit.
#include "logreg/dist/coordinate_map.hpp"

#include <algorithm>

namespace logreg {

namespace {

// Calls weight(k, at, j, n) for each class k's run of weights inside [first, first + count) (at:
// its offset in the range, j: its first feature, n: its length), then intercept(k, at) for each
// intercept coordinate inside it.
template <typename Weight, typename Intercept>
void for_each_run(Index first, Index count, Index d, Index K, Weight weight, Intercept intercept) {
  const Index end = first + count;
  for (Index k = 0; k < K; ++k) {
    const Index lo = std::max(first, k * d), hi = std::min(end, (k + 1) * d);
    if (lo < hi) weight(k, lo - first, lo - k * d, hi - lo);
  }
  for (Index c = std::max(first, K * d); c < end; ++c) intercept(c - K * d, c - first);
}

}  // namespace

CoordinateMap::CoordinateMap(Index features, Index classes, bool fit_intercept, Vec mean, Vec scale)
    : d_(features),
      K_(classes),
      intercept_(fit_intercept),
      mean_(std::move(mean)),
      scale_(std::move(scale)) {}

Vec CoordinateMap::to_model(const Vec& x) const {
  const Index d = d_;
  Vec theta(K_ * (d + 1));
  for (Index k = 0; k < K_; ++k) {
    auto w = theta.segment(k * d, d);
    w = scale_.size() ? Vec(x.segment(k * d, d).cwiseQuotient(scale_)) : Vec(x.segment(k * d, d));
    double& b = theta[K_ * d + k];
    b = intercept_ ? x[K_ * d + k] : 0.0;
    if (mean_.size()) b -= mean_.dot(w);
  }
  return theta;
}

Vec CoordinateMap::from_model(const Vec& theta) const {
  const Index d = d_;
  Vec x(dim());
  for (Index k = 0; k < K_; ++k) {
    const auto w = theta.segment(k * d, d);
    x.segment(k * d, d) = scale_.size() ? Vec(w.cwiseProduct(scale_)) : Vec(w);
    if (intercept_) x[K_ * d + k] = theta[K_ * d + k] + (mean_.size() ? mean_.dot(w) : 0.0);
  }
  return x;
}

Vec CoordinateMap::pullback(const Vec& raw) const {
  const Index d = d_;
  Vec g(dim());
  for (Index k = 0; k < K_; ++k) {
    auto gk = g.segment(k * d, d);
    const double rb = raw[K_ * d + k];
    gk = raw.segment(k * d, d);
    if (mean_.size()) gk -= mean_ * rb;
    if (scale_.size()) gk.array() /= scale_.array();
    if (intercept_) g[K_ * d + k] = rb;
  }
  return g;
}

Vec CoordinateMap::solver_diagonal(const Vec& hdiag, const Vec& hsums, double l2) const {
  const Index d = d_;
  const Vec& mu = mean_;
  Vec diag(dim());
  for (Index k = 0; k < K_; ++k) {
    const double hbb = hdiag[K_ * d + k];
    auto dk = diag.segment(k * d, d);
    dk = hdiag.segment(k * d, d);
    if (mu.size()) dk += -2.0 * mu.cwiseProduct(hsums.segment(k * d, d)) + mu.cwiseAbs2() * hbb;
    if (scale_.size()) dk.array() /= scale_.array().square();
    dk.array() += l2;
    if (intercept_) diag[K_ * d + k] = hbb;
  }
  return diag;
}

void CoordinateMap::to_model_range(Index first, ConstVecRef x, VecRef theta,
                                   VecRef center_dots) const {
  for_each_run(
      first, x.size(), d_, K_,
      [&](Index k, Index at, Index j, Index n) {
        auto w = theta.segment(at, n);
        w = scale_.size() ? Vec(x.segment(at, n).cwiseQuotient(scale_.segment(j, n)))
                          : Vec(x.segment(at, n));
        if (mean_.size()) center_dots[k] += mean_.segment(j, n).dot(w);
      },
      [&](Index k, Index at) {
        (void)k;
        theta[at] = x[at];
      });
}

Vec CoordinateMap::pullback_range(Index first, Index n, ConstVecRef raw, double divisor) const {
  Vec g(n);
  for_each_run(
      first, n, d_, K_,
      [&](Index k, Index at, Index j, Index len) {
        auto gk = g.segment(at, len);
        const double rb = raw[K_ * d_ + k] / divisor;
        gk = raw.segment(first + at, len) / divisor;
        if (mean_.size()) gk -= mean_.segment(j, len) * rb;
        if (scale_.size()) gk.array() /= scale_.segment(j, len).array();
      },
      [&](Index k, Index at) { g[at] = raw[K_ * d_ + k] / divisor; });
  return g;
}

Vec CoordinateMap::solver_diagonal_range(Index first, Index n, ConstVecRef hdiag, ConstVecRef hsums,
                                         double divisor, double l2) const {
  Vec diag(n);
  for_each_run(
      first, n, d_, K_,
      [&](Index k, Index at, Index j, Index len) {
        const double hbb = hdiag[K_ * d_ + k] / divisor;
        auto dk = diag.segment(at, len);
        dk = hdiag.segment(first + at, len) / divisor;
        if (mean_.size()) {
          const auto mu = mean_.segment(j, len);
          dk += -2.0 * mu.cwiseProduct(hsums.segment(first + at, len) / divisor) +
                mu.cwiseAbs2() * hbb;
        }
        if (scale_.size()) dk.array() /= scale_.segment(j, len).array().square();
        dk.array() += l2;
      },
      [&](Index k, Index at) { diag[at] = hdiag[K_ * d_ + k] / divisor; });
  return diag;
}

}  // namespace logreg
