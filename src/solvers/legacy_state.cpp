// Format-1 solver states named as format 2 names them (legacy_state.hpp). Each rule is the one the
// format-1 solver applied when it read its own state back.
#include "logreg/solvers/legacy_state.hpp"

#include <vector>

#include "lbfgs_history.hpp"
#include "logreg/errors.hpp"

namespace logreg {

namespace {

// Format 1's fields in their stored order.
struct Positional {
  std::vector<Vec> vectors;
  std::vector<double> scalars;
};

Positional positional(const SolverState& v1) {
  Positional p;
  for (size_t i = 0; i < v1.vectors.size(); ++i)
    p.vectors.push_back(v1.vectors.at(std::to_string(i)));
  for (size_t i = 0; i < v1.scalars.size(); ++i)
    p.scalars.push_back(v1.scalars.at(std::to_string(i)));
  return p;
}

// s0, y0, s1, y1, … from format 1's alternating pairs v[0], v[1], …, v[2·pairs − 1].
void name_pairs(const std::vector<Vec>& v, size_t pairs, SolverState& out) {
  for (size_t i = 0; i < pairs; ++i) {
    out.vectors[detail::History::name('s', i)] = v[2 * i];
    out.vectors[detail::History::name('y', i)] = v[2 * i + 1];
  }
  out.scalars["pairs"] = static_cast<double>(pairs);
}

}  // namespace

SolverState upgrade_v1_state(const SolverState& v1) {
  SolverState s{v1.solver, v1.iteration, v1.x, {}, {}};
  const Positional p = positional(v1);
  const size_t nv = p.vectors.size(), ns = p.scalars.size();
  bool fits = false;
  if (v1.solver == "gd") {  // [alpha]
    fits = nv == 0 && ns == 1;
    if (fits) s.scalars["alpha"] = p.scalars[0];
  } else if (v1.solver == "nesterov") {  // [x_prev], [t_prev, t, alpha]
    fits = nv == 1 && ns == 3;
    if (fits) {
      s.vectors["x_prev"] = p.vectors[0];
      s.scalars = {{"t_prev", p.scalars[0]}, {"t", p.scalars[1]}, {"alpha", p.scalars[2]}};
    }
  } else if (v1.solver == "lbfgs") {  // [s₀, y₀, …, inv_diag], inv_diag empty: none
    fits = nv % 2 == 1 && ns == 0;
    if (fits) {
      name_pairs(p.vectors, nv / 2, s);
      const Vec& inv_diag = p.vectors.back();
      s.scalars["preconditioned"] = inv_diag.size() > 0 ? 1.0 : 0.0;
      if (inv_diag.size() > 0) s.vectors["inv_diag"] = inv_diag;
    }
  } else if (v1.solver == "owlqn") {  // [s₀, y₀, …]
    fits = nv % 2 == 0 && ns == 0;
    if (fits) name_pairs(p.vectors, nv / 2, s);
  } else if (v1.solver == "newton") {
    fits = nv == 0 && ns == 0;
  }
  if (!fits) {
    throw DataError("a format-1 checkpoint of solver '" + v1.solver + "' with " +
                    std::to_string(nv) + " history vectors and " + std::to_string(ns) +
                    " scalars, which that solver never wrote");
  }
  return s;
}

}  // namespace logreg
