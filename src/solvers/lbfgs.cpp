// Limited-memory BFGS: two-loop recursion over `memory` pairs, strong-Wolfe line search whose
// trials after the first cost O(rows) (cached margins). The initial inverse Hessian is
// γ·diag(H(x₀))⁻¹ with γ = sᵀy / yᵀ diag(H(x₀))⁻¹ y when the features are on different scales:
// a Jacobi preconditioner computed once (one pass) that makes raw, badly scaled features nearly
// as easy as standardized ones. Otherwise the classical sᵀy / yᵀy scaling.
#include <cmath>
#include <functional>
#include <limits>
#include <span>

#include "lbfgs_history.hpp"
#include "logreg/solvers/detail.hpp"

namespace logreg::detail {

namespace {

// diag(H(x₀))⁻¹ when the diagonal is far from uniform (features on different scales), else
// empty: with a near-uniform diagonal it adds nothing to the classical sᵀy / yᵀy scaling.
// Coordinates whose diagonal is no larger than the smallest (e.g. constant features, which only
// carry the L2 term) do not count towards the spread.
// Minima and maxima are exact, so a partitioned diagonal (a slice per rank, combined with
// max_parts) decides as the whole one would.
Vec jacobi_scaling(Vec diag, const std::function<void(std::span<double>)>& max_parts) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  double range[2] = {diag.size() ? -diag.minCoeff() : -inf, diag.size() ? diag.maxCoeff() : -inf};
  max_parts(range);
  const double lo = -range[0];
  double spread[2] = {-range[1], 0.0};  // −min and max of the diagonal above lo
  for (Index j = 0; j < diag.size(); ++j) {
    if (diag[j] > lo * (1.0 + 1e-9) + 1e-300) {
      spread[0] = std::max(spread[0], -diag[j]);
      spread[1] = std::max(spread[1], diag[j]);
    }
  }
  max_parts(spread);
  const double spread_lo = -spread[0], spread_hi = spread[1];
  if (!(spread_hi > 4.0 * spread_lo)) return Vec();
  for (Index j = 0; j < diag.size(); ++j) diag[j] = diag[j] > 1e-12 ? 1.0 / diag[j] : 1.0;
  return diag;
}

// The preconditioner of a resumed run: the one its state holds (README, "Batch jobs": the
// fields pairs, s0, y0, …, preconditioned and inv_diag), into `inv_diag` before the pairs fill
// `hist` (whose Gram matrix, when partitioned, is in its metric).
void resume(const Objective& obj, const SolverState& start, size_t memory, History& hist,
            Vec& inv_diag) {
  const Index dim = obj.dim();
  StateLayout layout;
  History::layout("lbfgs", start, dim, memory, layout);
  layout.scalars.push_back("preconditioned");
  const bool preconditioned = state_count("lbfgs", start, "preconditioned", 0, 1) == 1;
  if (preconditioned) layout.vectors.emplace_back("inv_diag", dim);
  validate_state("lbfgs", start, layout);
  if (preconditioned) inv_diag = start.vectors.at("inv_diag");
  hist.load(obj, start, memory);
}

}  // namespace

SolveResult minimize_lbfgs(Objective& obj, const SolverState& start, const SolverParams& params,
                           const Observer& observer) {
  Progress progress(obj, params, observer);
  const size_t memory = static_cast<size_t>(params.memory);
  History hist;
  int iter = start.iteration;
  // The preconditioner is part of the state: a resumed run must use the same one. A fresh start
  // from 0 gets diag(H(0)) from the first evaluation's pass. A warm start (model.init) takes it
  // at 0 too, in one extra pass: near a sharp optimum the curvature reflects saturated rows, not
  // the features' scales, and scaling by it cost L-BFGS up to 4× the iterations of a cold start
  // (README, "Multinomial, class weights and warm starts").
  Point p;
  Vec inv_diag;
  hist.metric = &inv_diag;
  if (resuming("lbfgs", start, obj.dim())) {
    resume(obj, start, memory, hist, inv_diag);
    p = obj.evaluate(start.x);
  } else {
    Vec diag;
    const bool warm = !start.x.isZero();
    p = obj.evaluate_with_diagonal(warm ? Vec(Vec::Zero(obj.dim())) : start.x, diag);
    if (warm) p = obj.evaluate(start.x);
    inv_diag = jacobi_scaling(std::move(diag), [&](std::span<double> v) { obj.max_parts(v); });
  }
  double step = 0.0;
  auto state = [&] {
    SolverState st{"lbfgs", iter, p.x, {}, {{"preconditioned", inv_diag.size() ? 1.0 : 0.0}}};
    hist.save(st);
    if (inv_diag.size()) st.vectors["inv_diag"] = inv_diag;
    return st;
  };
  // The quasi-Newton step from p: `line` along d, and what the strong-Wolfe search found on it.
  Vec d;
  auto search = [&](std::unique_ptr<LineFunction>& line) {
    line.reset();  // it refers to d
    d = hist.direction(obj, p.g, inv_diag, obj.coordinate_blocks(), obj.block_count());
    double slope = obj.dot(p.g, d);
    if (!(slope < 0)) {  // not a descent direction (numerical trouble): restart from −g
      hist.clear();
      d = inv_diag.size() ? Vec(-inv_diag.cwiseProduct(p.g)) : Vec(-p.g);
      slope = obj.dot(p.g, d);
    }
    // Without curvature pairs: −diag(H)⁻¹g is a Jacobi–Newton step, so try α = 1; plain −g has
    // no scale, so move at most unit length. (scipy's unit-length first step helps some
    // problems and costs others: digits, standardized, l2 = 1e-4 needs 131 iterations instead of 87.)
    const double alpha0 =
        hist.s.empty() && inv_diag.size() == 0 ? std::min(1.0, 1.0 / obj.norm(d)) : 1.0;
    line = obj.line(p, d);
    return strong_wolfe(*line, p.f, slope, alpha0);
  };
  while (true) {
    if (auto s = progress.after_iteration(iter, p, step, state)) {
      return progress.finish(p, *s, iter);
    }
    std::unique_ptr<LineFunction> line;
    LineSearchResult ls = search(line);
    if (!ls.ok && !hist.s.empty()) {
      hist.clear();  // retry once along steepest descent before giving up
      ls = search(line);
    }
    if (!ls.ok) return progress.finish(p, SolverStatus::LineSearchFailed, iter);
    Point next = line->point(ls.alpha);
    if (!std::isfinite(next.f) || !obj.all_finite(next.g)) {
      return progress.finish(p, SolverStatus::NonFinite, iter);
    }
    hist.push(obj, next.x - p.x, next.g - p.g, memory);
    p = std::move(next);
    step = ls.alpha;
    ++iter;
  }
}

}  // namespace logreg::detail

namespace logreg {

void shift_pairs_for_l2(SolverState& state, double dl2, Index weights) {
  const auto pairs = state.scalars.find("pairs");
  if (pairs == state.scalars.end()) return;
  for (size_t i = 0; i < static_cast<size_t>(pairs->second); ++i) {
    const Vec& s = state.vectors.at(detail::History::name('s', i));
    state.vectors.at(detail::History::name('y', i)).head(weights) += dl2 * s.head(weights);
  }
}

}  // namespace logreg
