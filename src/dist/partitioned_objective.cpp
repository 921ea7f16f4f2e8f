#include "logreg/dist/partitioned_objective.hpp"

#include <utility>
#include <vector>

#include "logreg/errors.hpp"
#include "scoped_timer.hpp"

namespace logreg {

PartitionedObjective::PartitionedObjective(TrainingObjective& inner, Communicator& comm)
    : inner_(inner), comm_(comm) {
  inner_.partition(true);
  const Index n = inner.dim(), ranks = comm.size();
  for (Index r = 0; r < ranks; ++r)
    counts_.push_back(static_cast<int>((r + 1) * n / ranks - r * n / ranks));
  if (inner.l1_weights().size() == n) l1_ = slice(inner.l1_weights());
}

PartitionedObjective::~PartitionedObjective() { inner_.partition(false); }

Vec PartitionedObjective::gather(const Vec& slice) const {
  ScopedTimer timer(comm_s_);
  Vec all(inner_.dim());
  comm_.allgather_into({slice.data(), static_cast<size_t>(slice.size())},
                       {all.data(), static_cast<size_t>(all.size())}, counts_);
  return all;
}

void PartitionedObjective::sum_parts(std::span<double> parts) const {
  ScopedTimer timer(comm_s_);
  comm_.allreduce_sum(parts);
}

void PartitionedObjective::max_parts(std::span<double> parts) const {
  ScopedTimer timer(comm_s_);
  comm_.allreduce_max(parts);
}

SolverState PartitionedObjective::slice(const SolverState& full) const {
  const Index n = inner_.dim();
  auto cut = [&](const std::string& name, const Vec& v) {
    if (v.size() != n) {
      throw DataError("cannot partition the solver state: " + name + " has " +
                      std::to_string(v.size()) + " entries, expected " + std::to_string(n));
    }
    return slice(v);
  };
  SolverState out{full.solver, full.iteration, cut("x", full.x), {}, full.scalars};
  for (const auto& [name, v] : full.vectors) out.vectors[name] = cut("vector '" + name + "'", v);
  return out;
}

SolverState PartitionedObjective::gather_to_root(const SolverState& slice) const {
  ScopedTimer timer(comm_s_);
  auto to_root = [&](const Vec& v) {
    std::vector<double> all;
    comm_.gather_to_root({v.data(), static_cast<size_t>(v.size())}, all);
    return Vec(Eigen::Map<const Vec>(all.data(), static_cast<Index>(all.size())));
  };
  SolverState out{slice.solver, slice.iteration, to_root(slice.x), {}, slice.scalars};
  for (const auto& [name, v] : slice.vectors) out.vectors[name] = to_root(v);
  return out;
}

Observer PartitionedObjective::whole(Observer inner) const {
  if (!inner) return inner;
  return [this, inner = std::move(inner)](const IterationReport& r) {
    IterationReport report = r;
    report.gather_x = [this, point = r.point] { return gather(point->x); };
    report.state = [this, state = r.state] { return gather_to_root(state()); };
    return inner(report);
  };
}

SolveResult PartitionedObjective::whole(SolveResult result) const {
  // Every rank gathers: the state was filled (or not) alike on all of them.
  result.state = gather_to_root(result.state);
  result.point.x = gather(result.point.x);
  result.point.g = gather(result.point.g);
  return result;
}

}  // namespace logreg
