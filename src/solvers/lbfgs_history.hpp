// The (s, y) pairs of limited-memory BFGS and the two-loop recursion; shared by L-BFGS and
// OWL-QN. Private to the solvers.
#pragma once

#include <cmath>
#include <deque>
#include <string>
#include <vector>

#include "logreg/solvers/detail.hpp"

namespace logreg::detail {

struct History {
  std::deque<Vec> s, y;
  std::deque<double> rho;
  // Partitioned (Objective::partitioned): the pairs' Gram matrices sy[i][j] = sᵢ·yⱼ and
  // ywy[i][j] = yᵢ·W yⱼ, W = diag(*metric) (L-BFGS's preconditioner) or I, kept up to date at
  // each push, so that the two-loop recursion needs only the gradient's products with the pairs:
  // one reduce per push and one per direction instead of one per dot product (the vector-free
  // L-BFGS of Chen, Wang, Zhou & Gao, 2014). Empty when replicated.
  std::deque<std::deque<double>> sy, ywy;
  const Vec* metric = nullptr;

  // `obj` sums the dot products over the slices of a partitioned objective (objective.hpp).
  void push(const Objective& obj, Vec sk, Vec yk, size_t memory) {
    std::vector<double> dots = {sk.dot(yk), sk.squaredNorm(), yk.squaredNorm()};
    if (obj.partitioned()) gram_parts(sk, yk, dots);
    obj.sum_parts(dots);  // one reduce for all
    const double sy_k = dots[0];
    // Skip pairs that would break positive definiteness (curvature condition not met).
    if (!(sy_k > 1e-12 * std::sqrt(dots[1]) * std::sqrt(dots[2]))) return;
    // Drop the oldest pair first, so that at most `memory` pairs are ever held (d = 10⁶: 16 MB).
    while (s.size() >= memory) {
      s.pop_front(), y.pop_front(), rho.pop_front();
      if (obj.partitioned()) drop_oldest_gram();
    }
    if (obj.partitioned()) add_gram(dots);
    s.push_back(std::move(sk));
    y.push_back(std::move(yk));
    rho.push_back(1.0 / sy_k);
  }

  void clear() { s.clear(), y.clear(), rho.clear(), sy.clear(), ywy.clear(); }

  Vec weighted(const Vec& v) const {
    return metric && metric->size() ? Vec(metric->cwiseProduct(v)) : v;
  }
  // After the three curvature dots: sₖ·yⱼ, sⱼ·yₖ, yₖ·W yⱼ for the pairs held (j oldest first),
  // then sₖ·yₖ and yₖ·W yₖ.
  void gram_parts(const Vec& sk, const Vec& yk, std::vector<double>& dots) const {
    const Vec wy = weighted(yk);
    for (size_t j = 0; j < s.size(); ++j) dots.push_back(sk.dot(y[j]));
    for (size_t j = 0; j < s.size(); ++j) dots.push_back(s[j].dot(yk));
    for (size_t j = 0; j < s.size(); ++j) dots.push_back(wy.dot(y[j]));
    dots.push_back(sk.dot(yk));
    dots.push_back(wy.dot(yk));
  }
  void drop_oldest_gram() {
    sy.pop_front(), ywy.pop_front();
    for (auto& row : sy) row.pop_front();
    for (auto& row : ywy) row.pop_front();
  }
  // `dots` as gram_parts left them (reduced), for the pairs held before any was dropped: the
  // newest entries of each part belong to the pairs still held.
  void add_gram(const std::vector<double>& dots) {
    const size_t before = (dots.size() - 5) / 3, kept = sy.size(), skip = before - kept;
    auto part = [&](size_t k, size_t j) { return dots[3 + k * before + skip + j]; };
    std::deque<double> sy_row, ywy_row;
    for (size_t j = 0; j < kept; ++j) {
      sy[j].push_back(part(1, j));  // sⱼ·yₖ
      ywy[j].push_back(part(2, j));
      sy_row.push_back(part(0, j));  // sₖ·yⱼ
      ywy_row.push_back(part(2, j));
    }
    sy_row.push_back(dots[dots.size() - 2]);
    ywy_row.push_back(dots.back());
    sy.push_back(std::move(sy_row));
    ywy.push_back(std::move(ywy_row));
  }

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
  void load(const Objective& obj, const SolverState& state, size_t memory) {
    clear();
    const size_t pairs = static_cast<size_t>(state.scalars.at("pairs"));
    for (size_t i = 0; i < pairs; ++i) {
      push(obj, state.vectors.at(name('s', i)), state.vectors.at(name('y', i)), memory);
    }
  }

  // d = −H g, with the initial inverse Hessian γ·diag(inv_diag) (identity when empty),
  // γ = sᵀy / yᵀ diag(inv_diag) y from the newest pair. Partitioned, each dot product is one
  // reduce of a scalar (γ's two: one), 2m + 1 in all: each α and β depends on the q before it.
  Vec direction(const Objective& obj, const Vec& g, const Vec& inv_diag = Vec()) const {
    if (obj.partitioned()) return gram_direction(obj, g, inv_diag);
    Vec q = g;
    const size_t m = s.size();
    std::vector<double> a(m);
    for (size_t i = m; i-- > 0;) {
      a[i] = rho[i] * obj.dot(s[i], q);
      q -= a[i] * y[i];
    }
    if (inv_diag.size() == 0) {
      if (m > 0) {
        double sy_yy[2] = {s.back().dot(y.back()), y.back().squaredNorm()};
        obj.sum_parts(sy_yy);
        q *= sy_yy[0] / sy_yy[1];
      }
    } else {
      double sy_ywy[2] = {1.0, 1.0};
      if (m > 0) {
        sy_ywy[0] = s.back().dot(y.back());
        sy_ywy[1] = y.back().dot(inv_diag.cwiseProduct(y.back()));
        obj.sum_parts(sy_ywy);
      }
      const double gamma = m > 0 ? sy_ywy[0] / sy_ywy[1] : 1.0;
      q = gamma * inv_diag.cwiseProduct(q);
    }
    for (size_t i = 0; i < m; ++i) {
      const double b = rho[i] * obj.dot(y[i], q);
      q += (a[i] - b) * s[i];
    }
    return -q;
  }

  // The same from the Gram matrices and one reduce of sᵢ·g, yᵢ·W g (partitioned): each αᵢ and
  // βᵢ from scalars, then d = −(γ W (g − Σ αⱼ yⱼ) + Σ (αⱼ − βⱼ) sⱼ) in local vector operations.
  Vec gram_direction(const Objective& obj, const Vec& g, const Vec& inv_diag) const {
    const size_t m = s.size();
    const Vec wg = inv_diag.size() ? Vec(inv_diag.cwiseProduct(g)) : g;
    std::vector<double> sg(2 * m + 1, 0.0);  // sᵢ·g, then yᵢ·W g
    for (size_t i = 0; i < m; ++i) sg[i] = s[i].dot(g), sg[m + i] = y[i].dot(wg);
    obj.sum_parts(sg);
    std::vector<double> a(m), b(m);
    for (size_t i = m; i-- > 0;) {
      double sq = sg[i];  // sᵢ·(g − Σ_{j>i} αⱼ yⱼ)
      for (size_t j = i + 1; j < m; ++j) sq -= a[j] * sy[i][j];
      a[i] = rho[i] * sq;
    }
    const double gamma = m > 0 ? sy[m - 1][m - 1] / ywy[m - 1][m - 1] : 1.0;
    for (size_t i = 0; i < m; ++i) {
      double yr = sg[m + i];  // yᵢ·r, r = γ W q + Σ_{j<i} (αⱼ − βⱼ) sⱼ
      for (size_t j = 0; j < m; ++j) yr -= a[j] * ywy[i][j];
      yr *= gamma;
      for (size_t j = 0; j < i; ++j) yr += (a[j] - b[j]) * sy[j][i];
      b[i] = rho[i] * yr;
    }
    Vec q = g;
    for (size_t i = 0; i < m; ++i) q -= a[i] * y[i];
    q = inv_diag.size() ? Vec(gamma * inv_diag.cwiseProduct(q)) : Vec(gamma * q);
    for (size_t i = 0; i < m; ++i) q += (a[i] - b[i]) * s[i];
    return -q;
  }

  // The same for an objective that is a sum of independent parts (Objective::coordinate_blocks:
  // block[j] of coordinate j, `n` blocks): the two-loop recursion of each part on its own
  // coordinates, with its own ρ and γ, as if each part had its own L-BFGS (a pair whose part
  // fails the curvature condition is skipped for that part). One shared history would mix the
  // parts' curvature: K cross-validation fold-models took 3× the iterations of one model.
  // (Not partitioned: cross-validation keeps the solver state replicated.)
  Vec direction(const Objective& obj, const Vec& g, const Vec& inv_diag,
                const std::vector<int>& block, int n) const {
    if (n <= 1) return direction(obj, g, inv_diag);
    const size_t m = s.size();
    const Index dim = g.size();
    auto dots = [&](const Vec& u, const Vec& v, const Vec* w) {
      std::vector<double> out(static_cast<size_t>(n), 0.0);
      for (Index j = 0; j < dim; ++j) {
        out[static_cast<size_t>(block[static_cast<size_t>(j)])] +=
            u[j] * v[j] * (w ? (*w)[j] : 1.0);
      }
      return out;
    };
    std::vector<std::vector<double>> r(m), a(m);
    Vec q = g;
    for (size_t i = m; i-- > 0;) {
      const std::vector<double> sy = dots(s[i], y[i], nullptr), yy = dots(y[i], y[i], nullptr);
      const std::vector<double> ss = dots(s[i], s[i], nullptr);
      r[i].resize(static_cast<size_t>(n));
      for (size_t b = 0; b < r[i].size(); ++b) {
        r[i][b] = sy[b] > 1e-12 * std::sqrt(yy[b] * ss[b]) ? 1.0 / sy[b] : 0.0;
      }
      a[i] = dots(s[i], q, nullptr);
      for (int k = 0; k < n; ++k) a[i][static_cast<size_t>(k)] *= r[i][static_cast<size_t>(k)];
      for (Index j = 0; j < dim; ++j)
        q[j] -= a[i][static_cast<size_t>(block[static_cast<size_t>(j)])] * y[i][j];
    }
    // γ per part from the newest pair (parts that skipped it keep γ = 1), as direction().
    std::vector<double> gamma(static_cast<size_t>(n), 1.0);
    const Vec* w = inv_diag.size() ? &inv_diag : nullptr;
    if (m > 0) {
      const std::vector<double> sy = dots(s[m - 1], y[m - 1], nullptr);
      const std::vector<double> ywy = dots(y[m - 1], y[m - 1], w);
      for (size_t b = 0; b < gamma.size(); ++b) {
        if (r[m - 1][b] > 0 && ywy[b] > 0) gamma[b] = sy[b] / ywy[b];
      }
    }
    for (Index j = 0; j < dim; ++j) {
      q[j] *= gamma[static_cast<size_t>(block[static_cast<size_t>(j)])] * (w ? (*w)[j] : 1.0);
    }
    for (size_t i = 0; i < m; ++i) {
      std::vector<double> b = dots(y[i], q, nullptr);
      for (Index j = 0; j < dim; ++j) {
        const size_t k = static_cast<size_t>(block[static_cast<size_t>(j)]);
        q[j] += (a[i][k] - r[i][k] * b[k]) * s[i][j];
      }
    }
    return -q;
  }
};

}  // namespace logreg::detail
