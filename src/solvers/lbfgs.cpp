// Limited-memory BFGS: two-loop recursion over `memory` pairs, strong-Wolfe line search whose
// trials after the first cost O(rows) (cached margins). The initial inverse Hessian is
// γ·diag(H(x₀))⁻¹ with γ = sᵀy / yᵀ diag(H(x₀))⁻¹ y: a Jacobi preconditioner computed once (one
// pass), which makes raw, badly scaled features as easy as standardized ones and reduces to the
// usual sᵀy / yᵀy scaling when the diagonal is uniform.
#include <cmath>

#include "lbfgs_history.hpp"
#include "logreg/solvers/detail.hpp"

namespace logreg::detail {


SolveResult minimize_lbfgs(Objective& obj, const SolverState& start, const SolverParams& params,
                           const Observer& observer) {
  Progress progress(obj, params, observer);
  const size_t memory = static_cast<size_t>(params.memory);
  History hist;
  int iter = start.iteration;
  Point p = obj.evaluate(start.x);
  // The preconditioner is part of the state: a resumed run must use the same one.
  Vec inv_diag;
  if (start.vectors.size() % 2 == 1) {
    inv_diag = start.vectors.back();
    hist.load({start.vectors.begin(), start.vectors.end() - 1}, memory);
  } else {
    inv_diag = obj.hessian_at(p)->diagonal();
    for (Index j = 0; j < inv_diag.size(); ++j) {
      inv_diag[j] = inv_diag[j] > 1e-12 ? 1.0 / inv_diag[j] : 1.0;
    }
    // Normalize so the first step has the scale of a unit-diagonal one.
    inv_diag /= inv_diag.maxCoeff();
  }
  double step = 0.0;
  auto state = [&] {
    SolverState st{"lbfgs", iter, p.x, hist.to_vectors(), {}};
    st.vectors.push_back(inv_diag);
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
    Vec d = hist.direction(p.g, inv_diag);
    double slope = p.g.dot(d);
    if (!(slope < 0)) {  // not a descent direction (numerical trouble): restart from −g
      hist.clear();
      d = -inv_diag.cwiseProduct(p.g);
      slope = p.g.dot(d);
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
