// Checks of a solver state before a solver resumes from it (detail.hpp): every field the solver
// needs, by name and length, and nothing else. A state is global (broadcast from rank 0), so every
// rank throws the same error here, before the first collective.
#include <cmath>
#include <set>

#include "logreg/errors.hpp"
#include "logreg/solvers/detail.hpp"

namespace logreg::detail {

namespace {

std::string prefix(const std::string& solver) {
  return "cannot resume " + solver + " from this solver state: ";
}

}  // namespace

bool resuming(const std::string& solver, const SolverState& start, Index dim) {
  if (start.x.size() != dim) {
    throw DataError("cannot start " + solver + ": x has " + std::to_string(start.x.size()) +
                    " entries, expected " + std::to_string(dim));
  }
  return start.iteration > 0 || !start.vectors.empty() || !start.scalars.empty();
}

void validate_state(const std::string& solver, const SolverState& state,
                    const StateLayout& layout) {
  const std::string what = prefix(solver);
  std::set<std::string> known;
  for (const auto& [name, length] : layout.vectors) {
    const auto it = state.vectors.find(name);
    if (it == state.vectors.end()) throw DataError(what + "vector '" + name + "' is missing");
    if (it->second.size() != length) {
      throw DataError(what + "vector '" + name + "' has " + std::to_string(it->second.size()) +
                      " entries, expected " + std::to_string(length));
    }
    known.insert(name);
  }
  for (const std::string& name : layout.scalars) {
    if (!state.scalars.count(name)) throw DataError(what + "scalar '" + name + "' is missing");
    known.insert(name);
  }
  // A field the solver does not read: the state was written by another solver or rule.
  for (const auto& field : state.vectors) {
    if (!known.count(field.first))
      throw DataError(what + "unexpected vector '" + field.first + "'");
  }
  for (const auto& field : state.scalars) {
    if (!known.count(field.first))
      throw DataError(what + "unexpected scalar '" + field.first + "'");
  }
}

int state_count(const std::string& solver, const SolverState& state, const std::string& name,
                int lo, int hi) {
  const auto it = state.scalars.find(name);
  if (it == state.scalars.end())
    throw DataError(prefix(solver) + "scalar '" + name + "' is missing");
  const double v = it->second;
  if (!(v >= lo && v <= hi) || v != std::floor(v)) {
    throw DataError(prefix(solver) + "scalar '" + name + "' is " + std::to_string(v) +
                    ", expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) +
                    "]");
  }
  return static_cast<int>(v);
}

}  // namespace logreg::detail
