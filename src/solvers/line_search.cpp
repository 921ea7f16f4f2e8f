// The line searches of the solvers (README, "Stopping rule"): strong Wolfe for L-BFGS,
// backtracking for the others; both share one sufficient-decrease test (detail.hpp).
#include <cmath>

#include "logreg/solvers/detail.hpp"

namespace logreg::detail {

namespace {

// Minimizer of the cubic interpolating (a, fa, da) and (b, fb, db), safeguarded into the
// interval's interior; falls back to bisection.
double cubic_step(double a, double fa, double da, double b, double fb, double db) {
  const double d1 = da + db - 3.0 * (fa - fb) / (a - b);
  const double disc = d1 * d1 - da * db;
  double t = 0.5 * (a + b);
  if (disc >= 0) {
    const double d2 = std::copysign(std::sqrt(disc), b - a);
    const double denom = db - da + 2.0 * d2;
    if (denom != 0) t = b - (b - a) * (db + d2 - d1) / denom;
  }
  const double lo = std::min(a, b), hi = std::max(a, b), margin = 0.1 * (hi - lo);
  if (!std::isfinite(t) || t < lo + margin || t > hi - margin) t = 0.5 * (a + b);
  return t;
}

// Sufficient decrease along φ (detail.hpp): Δ = α·φ'(0), and near the optimum the condition
// φ'(α) ≤ (2c − 1)φ'(0) (equivalent for a quadratic) decides.
struct Decrease {
  double f0, df0, c;
  bool operator()(double a, double fa, double da) const {
    return sufficient_decrease(fa, f0, c * a * df0,
                               [&] { return std::isfinite(da) && da <= (2.0 * c - 1.0) * df0; });
  }
};

}  // namespace

LineSearchResult strong_wolfe(LineFunction& phi, double f0, double df0, double alpha0, double c1,
                              double c2, int max_trials) {
  LineSearchResult res;
  const Decrease decrease{f0, df0, c1};
  const double noise = noise_level(f0);
  double a_prev = 0.0, f_prev = f0, d_prev = df0;
  double a = alpha0;
  int trials = 0;
  // Bracketing phase.
  double lo = 0, flo = 0, dlo = 0, hi = 0, fhi = 0, dhi = 0;
  bool bracketed = false;
  while (trials < max_trials) {
    auto [fa, da] = phi.eval(a);
    ++trials;
    if (!std::isfinite(fa) || !std::isfinite(da)) {  // too far: shrink toward the last good α
      a = a_prev + 0.25 * (a - a_prev);
      continue;
    }
    if (!decrease(a, fa, da) || (trials > 1 && fa > f_prev + noise)) {
      lo = a_prev, flo = f_prev, dlo = d_prev, hi = a, fhi = fa, dhi = da;
      bracketed = true;
      break;
    }
    if (std::abs(da) <= -c2 * df0) return {true, a, fa};
    if (da >= 0) {
      lo = a, flo = fa, dlo = da, hi = a_prev, fhi = f_prev, dhi = d_prev;
      bracketed = true;
      break;
    }
    a_prev = a, f_prev = fa, d_prev = da;
    a *= 2.0;
  }
  if (!bracketed) return res;
  // Zoom phase: lo satisfies sufficient decrease with the lowest value seen.
  while (trials < max_trials) {
    const double t = cubic_step(lo, flo, dlo, hi, fhi, dhi);
    auto [ft, dt] = phi.eval(t);
    ++trials;
    if (!decrease(t, ft, dt) || ft > flo + noise) {
      hi = t, fhi = ft, dhi = dt;
      if (!std::isfinite(ft)) fhi = std::numeric_limits<double>::max(), dhi = 0;
    } else {
      if (std::abs(dt) <= -c2 * df0) return {true, t, ft};
      if (dt * (hi - lo) >= 0) hi = lo, fhi = flo, dhi = dlo;
      lo = t, flo = ft, dlo = dt;
    }
    if (std::abs(hi - lo) <= 1e-16 * std::max(1.0, std::abs(lo))) break;
  }
  // Out of trials: accept the best point if it at least decreases sufficiently.
  if (lo > 0 && decrease(lo, flo, dlo)) return {true, lo, flo};
  return res;
}

std::optional<double> backtrack(double alpha0, const std::function<bool(double)>& accept,
                                int max_trials) {
  double a = alpha0;
  for (int k = 0; k < max_trials; ++k, a *= kBacktrackShrink) {
    if (accept(a)) return a;
  }
  return std::nullopt;
}

LineSearchResult backtracking(LineFunction& phi, double f0, double df0, double alpha0, double c) {
  const Decrease decrease{f0, df0, c};
  double f = 0.0;
  const std::optional<double> a = backtrack(alpha0, [&](double alpha) {
    const auto [fa, da] = phi.eval(alpha);
    f = fa;
    return decrease(alpha, fa, da);
  });
  if (!a) return {};
  return {true, *a, f};
}

}  // namespace logreg::detail
