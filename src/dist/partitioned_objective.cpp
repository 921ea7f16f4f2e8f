#include "logreg/dist/partitioned_objective.hpp"

#include <stdexcept>
#include <utility>
#include <vector>

#include "logreg/errors.hpp"
#include "scoped_timer.hpp"

namespace logreg {

namespace {

// A slice point's cache: the inner objective's full point (with the inner cache, e.g. margins).
struct FullPoint final : PointCache {
  Point point;
};

// φ(α) through the inner objective, along the full direction gathered once.
class PartitionedLine final : public LineFunction {
 public:
  PartitionedLine(const PartitionedObjective& owner, Objective& inner,
                  std::shared_ptr<const PointCache> from, Vec direction)
      : owner_(owner),
        from_(std::move(from)),
        direction_(std::move(direction)),
        line_(inner.line(static_cast<const FullPoint&>(*from_).point, direction_)) {}
  std::pair<double, double> eval(double alpha) override { return line_->eval(alpha); }
  Point point(double alpha) override { return owner_.wrap(line_->point(alpha)); }

 private:
  const PartitionedObjective& owner_;
  std::shared_ptr<const PointCache> from_;  // the inner line refers to its point
  Vec direction_;
  std::unique_ptr<LineFunction> line_;
};

class PartitionedHessian final : public HessianOperator {
 public:
  PartitionedHessian(const PartitionedObjective& owner, std::unique_ptr<HessianOperator> inner)
      : owner_(owner), inner_(std::move(inner)) {}
  void apply(const Vec& v, Vec& out) override {
    Vec full_out;
    inner_->apply(owner_.gather(v), full_out);
    out = owner_.slice(full_out);
  }
  Vec diagonal() override { return owner_.slice(inner_->diagonal()); }

 private:
  const PartitionedObjective& owner_;
  std::unique_ptr<HessianOperator> inner_;
};

}  // namespace

PartitionedObjective::PartitionedObjective(Objective& inner, Communicator& comm)
    : inner_(inner), comm_(comm) {
  const Index n = inner.dim(), r = comm.rank(), ranks = comm.size();
  first_ = r * n / ranks;
  count_ = (r + 1) * n / ranks - first_;
  if (inner.l1_weights().size() == n) l1_ = slice(inner.l1_weights());
}

Point PartitionedObjective::wrap(Point full) const {
  Point p;
  p.x = slice(full.x);
  p.f = full.f;
  p.g = slice(full.g);
  auto cache = std::make_shared<FullPoint>();
  cache->point = std::move(full);
  p.cache = std::move(cache);
  return p;
}

const Point& PartitionedObjective::full(const Point& slice) {
  const auto* cache = dynamic_cast<const FullPoint*>(slice.cache.get());
  if (!cache) throw std::logic_error("PartitionedObjective::full: not a partitioned point");
  return cache->point;
}

Vec PartitionedObjective::gather(const Vec& slice) const {
  ScopedTimer timer(comm_s_);
  std::vector<double> all;
  std::vector<int> counts;
  comm_.allgather({slice.data(), static_cast<size_t>(slice.size())}, all, counts);
  return Eigen::Map<const Vec>(all.data(), static_cast<Index>(all.size()));
}

void PartitionedObjective::sum_parts(std::span<double> parts) const {
  ScopedTimer timer(comm_s_);
  comm_.allreduce_sum(parts);
}

void PartitionedObjective::max_parts(std::span<double> parts) const {
  ScopedTimer timer(comm_s_);
  comm_.allreduce_max(parts);
}

Point PartitionedObjective::evaluate(const Vec& x) { return wrap(inner_.evaluate(gather(x))); }

Point PartitionedObjective::evaluate_with_diagonal(const Vec& x, Vec& diagonal) {
  Vec full_diagonal;
  Point p = wrap(inner_.evaluate_with_diagonal(gather(x), full_diagonal));
  diagonal = slice(full_diagonal);
  return p;
}

std::unique_ptr<LineFunction> PartitionedObjective::line(const Point& from, const Vec& direction) {
  full(from);  // throws for a point not made here
  return std::make_unique<PartitionedLine>(*this, inner_, from.cache, gather(direction));
}

std::unique_ptr<HessianOperator> PartitionedObjective::hessian_at(const Point& at) {
  return std::make_unique<PartitionedHessian>(*this, inner_.hessian_at(full(at)));
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
    report.point = &full(*r.point);
    report.state = [this, state = r.state] { return gather_to_root(state()); };
    return inner(report);
  };
}

SolveResult PartitionedObjective::whole(SolveResult result) const {
  // Every rank gathers: the state was filled (or not) alike on all of them.
  result.state = gather_to_root(result.state);
  Point point = full(result.point);  // a copy first: the cache holding it goes with the slice
  result.point = std::move(point);
  return result;
}

}  // namespace logreg
