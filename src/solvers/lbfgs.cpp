// Limited-memory BFGS: two-loop recursion over `memory` pairs, strong-Wolfe line search whose
// trials after the first cost O(rows) (cached margins), initial Hessian scaling sᵀy / yᵀy.
#include <cmath>
#include <deque>

#include "logreg/solvers/detail.hpp"

namespace logreg::detail {

namespace {

struct History {
  std::deque<Vec> s, y;
  std::deque<double> rho;

  void push(Vec sk, Vec yk, size_t memory) {
    const double sy = sk.dot(yk);
    // Skip pairs that would break positive definiteness (curvature condition not met).
    if (!(sy > 1e-12 * sk.norm() * yk.norm())) return;
    s.push_back(std::move(sk));
    y.push_back(std::move(yk));
    rho.push_back(1.0 / sy);
    while (s.size() > memory) s.pop_front(), y.pop_front(), rho.pop_front();
  }

  void clear() { s.clear(), y.clear(), rho.clear(); }

  // d = −H g
  Vec direction(const Vec& g) const {
    Vec q = g;
    const size_t m = s.size();
    std::vector<double> a(m);
    for (size_t i = m; i-- > 0;) {
      a[i] = rho[i] * s[i].dot(q);
      q -= a[i] * y[i];
    }
    if (m > 0) q *= s.back().dot(y.back()) / y.back().squaredNorm();
    for (size_t i = 0; i < m; ++i) {
      const double b = rho[i] * y[i].dot(q);
      q += (a[i] - b) * s[i];
    }
    return -q;
  }
};

}  // namespace

SolveResult minimize_lbfgs(Objective& obj, const SolverState& start, const SolverParams& params,
                           const Observer& observer) {
  Progress progress(obj, params, observer);
  const size_t memory = static_cast<size_t>(params.memory);
  History hist;
  for (size_t i = 0; i + 1 < start.vectors.size(); i += 2) {
    hist.push(start.vectors[i], start.vectors[i + 1], memory);
  }
  int iter = start.iteration;
  Point p = obj.evaluate(start.x);
  double step = 0.0;
  auto state = [&] {
    SolverState st{"lbfgs", iter, p.x, {}, {}};
    for (size_t i = 0; i < hist.s.size(); ++i) {
      st.vectors.push_back(hist.s[i]);
      st.vectors.push_back(hist.y[i]);
    }
    return st;
  };
  bool retry = false;
  while (true) {
    if (!retry) {
      if (auto s = progress.after_iteration(iter, p, step, state)) {
        return progress.finish(p, *s, iter);
      }
    }
    retry = false;
    Vec d = hist.direction(p.g);
    double slope = p.g.dot(d);
    if (!(slope < 0)) {  // not a descent direction (numerical trouble): restart from −g
      hist.clear();
      d = -p.g;
      slope = -p.g.squaredNorm();
    }
    // Without curvature information, scale the first step to a unit-length move.
    const double alpha0 = hist.s.empty() ? std::min(1.0, 1.0 / d.norm()) : 1.0;
    auto line = obj.line(p, d);
    LineSearchResult ls = strong_wolfe(*line, p.f, slope, alpha0);
    if (!ls.ok) {
      if (hist.s.empty()) return progress.finish(p, SolverStatus::LineSearchFailed, iter);
      hist.clear();  // retry once along steepest descent before giving up
      retry = true;
      continue;
    }
    Point next = line->point(ls.alpha);
    if (!std::isfinite(next.f) || !next.g.allFinite()) {
      return progress.finish(p, SolverStatus::NonFinite, iter);
    }
    hist.push(next.x - p.x, next.g - p.g, memory);
    p = std::move(next);
    step = ls.alpha;
    ++iter;
  }
}

}  // namespace logreg::detail
