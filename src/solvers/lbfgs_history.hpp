// The (s, y) pairs of limited-memory BFGS and the two-loop recursion; shared by L-BFGS and
// OWL-QN. Private to the solvers.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "logreg/solvers/detail.hpp"

namespace logreg::detail {

struct History {
  std::deque<Vec> s, y;
  std::deque<double> rho;

  void push(Vec sk, Vec yk, size_t memory) {
    const double sy = sk.dot(yk);
    // Skip pairs that would break positive definiteness (curvature condition not met).
    if (!(sy > 1e-12 * sk.norm() * yk.norm())) return;
    // Drop the oldest pair first, so that at most `memory` pairs are ever held (d = 10⁶: 16 MB).
    while (s.size() >= memory) s.pop_front(), y.pop_front(), rho.pop_front();
    s.push_back(std::move(sk));
    y.push_back(std::move(yk));
    rho.push_back(1.0 / sy);
  }

  void clear() { s.clear(), y.clear(), rho.clear(); }

  // "s3", "y3": the fields of pair 3.
  static std::string name(char which, size_t i) { return which + std::to_string(i); }

  // Checkpoint form (README, "Batch jobs"): the count "pairs" and the vectors s0, y0, s1, y1, …
  // (oldest first).
  void save(SolverState& state) const {
    state.scalars["pairs"] = static_cast<double>(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      state.vectors[name('s', i)] = s[i];
      state.vectors[name('y', i)] = y[i];
    }
  }
  // The fields save() writes, for validate_state; reads (and checks) the count from `state`.
  static void layout(const std::string& solver, const SolverState& state, Index dim, size_t memory,
                     StateLayout& out) {
    const int pairs = state_count(solver, state, "pairs", 0, static_cast<int>(memory));
    out.scalars.push_back("pairs");
    for (size_t i = 0; i < static_cast<size_t>(pairs); ++i) {
      out.vectors.emplace_back(name('s', i), dim);
      out.vectors.emplace_back(name('y', i), dim);
    }
  }
  // From a state that passed validate_state with layout(). Pushing the pairs again recomputes
  // ρ = 1/sᵀy from the same numbers, so a resumed run continues bit for bit.
  void load(const SolverState& state, size_t memory) {
    clear();
    const size_t pairs = static_cast<size_t>(state.scalars.at("pairs"));
    for (size_t i = 0; i < pairs; ++i) {
      push(state.vectors.at(name('s', i)), state.vectors.at(name('y', i)), memory);
    }
  }

  // d = −H g, with the initial inverse Hessian γ·diag(inv_diag) (identity when empty),
  // γ = sᵀy / yᵀ diag(inv_diag) y from the newest pair.
  Vec direction(const Vec& g, const Vec& inv_diag = Vec()) const {
    Vec q = g;
    const size_t m = s.size();
    std::vector<double> a(m);
    for (size_t i = m; i-- > 0;) {
      a[i] = rho[i] * s[i].dot(q);
      q -= a[i] * y[i];
    }
    if (inv_diag.size() == 0) {
      if (m > 0) q *= s.back().dot(y.back()) / y.back().squaredNorm();
    } else {
      const double gamma =
          m > 0 ? s.back().dot(y.back()) / y.back().dot(inv_diag.cwiseProduct(y.back())) : 1.0;
      q = gamma * inv_diag.cwiseProduct(q);
    }
    for (size_t i = 0; i < m; ++i) {
      const double b = rho[i] * y[i].dot(q);
      q += (a[i] - b) * s[i];
    }
    return -q;
  }
};

}  // namespace logreg::detail
