// The standardization map of the objectives (include/logreg/dist/coordinate_map.hpp). With K = 1
// every operation is the binary objective's own, in its order: the binary models do not change
// by a bit.
#include "logreg/dist/coordinate_map.hpp"

namespace logreg {

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

}  // namespace logreg
