// The (s, y) pairs of limited-memory BFGS and the two-loop recursion; shared by L-BFGS and
// OWL-QN. Private to the solvers.
#pragma once

#include <deque>
#include <vector>

#include "logreg/core/types.hpp"

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

  // Checkpoint form: s₀, y₀, s₁, y₁, …
  std::vector<Vec> to_vectors() const {
    std::vector<Vec> out;
    for (size_t i = 0; i < s.size(); ++i) out.push_back(s[i]), out.push_back(y[i]);
    return out;
  }
  void load(const std::vector<Vec>& pairs, size_t memory) {
    clear();
    for (size_t i = 0; i + 1 < pairs.size(); i += 2) push(pairs[i], pairs[i + 1], memory);
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
