// The solver state partitioned across ranks (README, "Partitioned solver state") follows the
// replicated run: after 30 iterations θ agrees within 1e-10 (relative to max(1, ‖θ‖∞)) for every
// solver that supports it, dense and CSR, binomial and multinomial; and a run stopped after 15
// iterations resumes in the other mode to the same θ. CTest runs this at P = 1, 2, 3, 4, 7: the
// last rank holds no rows (P > 1), and at P = 7 some ranks hold no coordinates of the binomial
// problem (6 coordinates).
#include <gtest/gtest.h>

#include "logreg/app/family_data.hpp"
#include "logreg/dist/partitioned_objective.hpp"
#include "multinomial_reference.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

struct Case {
  std::string solver;
  bool csr, multinomial;
  double l1 = 0.0;
  bool intercept = true, standardize = false;  // standardize with an intercept: θ = A x centers
};

// Binomial: 5 correlated features (no diagonal preconditioner removes it, so no solver is near
// its optimum after 30 iterations); multinomial: 3 classes of the same kind.
struct Problem {
  RowMatrix<double> X;
  Vec y;
  ClassInfo classes;
};

const Problem& problem(bool multinomial) {
  static const Problem binomial = [] {
    Problem p;
    test::random_problem(400, 5, 29, p.X, p.y);
    for (Index j = 1; j < p.X.cols(); ++j) p.X.col(j) += p.X.col(j - 1);
    for (Index i = 0; i < p.X.rows(); ++i)  // sparsify so CSR is really sparse
      for (Index j = 0; j < p.X.cols(); ++j)
        if ((i * 7 + j) % 3 == 0) p.X(i, j) = 0.0;
    return p;
  }();
  static const Problem multi = [] {
    Problem p;
    test::multinomial_problem(400, 5, 3, 31, p.X, p.y);
    for (Index j = 1; j < p.X.cols(); ++j) p.X.col(j) += p.X.col(j - 1);
    p.classes.family = Family::Multinomial;
    p.classes.classes = 3;
    return p;
  }();
  return multinomial ? multi : binomial;
}

// This rank's block of rows; the last rank has none when there are several.
Shard block(Communicator& comm, const Problem& p, bool csr) {
  const Index n = p.X.rows(), parts = std::max(1, comm.size() - 1);
  const Index r = comm.rank() < parts ? comm.rank() : parts;
  return test::row_block(p.X, p.y, n * r / parts, r < parts ? n * (r + 1) / parts : n, csr);
}

std::unique_ptr<TrainingObjective> objective(Communicator& comm, const Case& c) {
  const Problem& p = problem(c.multinomial);
  return make_objective(block(comm, p, c.csr), p.classes, comm,
                        {1e-3, c.l1, c.intercept, c.standardize});
}

SolverParams params(const Case& c, int iterations) {
  return {
      .name = parse_solver_kind(c.solver), .max_iter = iterations, .tol = 0.0, .final_state = true};
}

SolverState fresh(const Case& c, Index dim) {
  SolverState s;
  s.solver = c.solver;
  s.x = Vec::Zero(dim);
  return s;
}

// Runs from `start` (a replicated state), replicated or partitioned; the result is replicated
// (its state on rank 0 only when partitioned).
SolveResult run(Communicator& comm, const Case& c, bool partitioned, const SolverState& start,
                int iterations) {
  auto obj = objective(comm, c);
  if (!partitioned) return minimize(*obj, start, params(c, iterations), nullptr);
  PartitionedObjective part(*obj, comm);
  EXPECT_EQ(part.has_l1(), c.l1 > 0);
  SolveResult r = part.whole(minimize(part, part.slice(start), params(c, iterations), nullptr));
  return r;
}

// A state on rank 0 to every rank, as a checkpoint is read (same field names on every rank).
SolverState broadcast(Communicator& comm, SolverState s) {
  auto send = [&](Vec& v) {
    double n = static_cast<double>(v.size());
    comm.broadcast({&n, 1}, 0);
    v.conservativeResize(static_cast<Index>(n));
    comm.broadcast({v.data(), static_cast<size_t>(v.size())}, 0);
  };
  send(s.x);
  for (auto& [name, v] : s.vectors) send(v);
  return s;
}

void expect_close(const Vec& a, const Vec& b, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  const double scale = std::max(1.0, b.lpNorm<Eigen::Infinity>());
  EXPECT_LE((a - b).lpNorm<Eigen::Infinity>(), 1e-10 * scale) << what;
}

class Partitioned : public ::testing::TestWithParam<Case> {};

TEST_P(Partitioned, FollowsTheReplicatedRun) {
  MpiCommunicator comm;
  const Case& c = GetParam();
  const Index dim = objective(comm, c)->dim();
  const SolveResult replicated = run(comm, c, false, fresh(c, dim), 30);
  const SolveResult partitioned = run(comm, c, true, fresh(c, dim), 30);
  EXPECT_EQ(partitioned.iterations, replicated.iterations);
  EXPECT_EQ(partitioned.status, replicated.status);
  expect_close(partitioned.point.x, replicated.point.x, "x after 30 iterations");
  expect_close(partitioned.point.g, replicated.point.g, "gradient after 30 iterations");
}

TEST_P(Partitioned, ResumesInTheOtherMode) {
  MpiCommunicator comm;
  const Case& c = GetParam();
  const Index dim = objective(comm, c)->dim();
  const SolveResult whole = run(comm, c, false, fresh(c, dim), 30);
  for (const bool first_partitioned : {true, false}) {
    const SolveResult half = run(comm, c, first_partitioned, fresh(c, dim), 15);
    ASSERT_EQ(half.state.iteration, 15);
    const SolverState checkpoint = broadcast(comm, half.state);
    const SolveResult rest = run(comm, c, !first_partitioned, checkpoint, 30);
    EXPECT_EQ(rest.iterations, 30);
    expect_close(
        rest.point.x, whole.point.x,
        first_partitioned ? "partitioned, then replicated" : "replicated, then partitioned");
  }
}

std::vector<Case> cases() {
  std::vector<Case> out;
  for (const bool multinomial : {false, true}) {
    for (const bool csr : {false, true}) {
      for (const char* solver : {"lbfgs", "gd", "nesterov"})
        out.push_back({solver, csr, multinomial});
      out.push_back({"owlqn", csr, multinomial, 2e-3});
    }
    // The map's other shapes: centering (its K dot products reduced) and no intercept.
    out.push_back({"lbfgs", true, multinomial, 0.0, true, true});
    out.push_back({"owlqn", false, multinomial, 2e-3, true, true});
    out.push_back({"lbfgs", false, multinomial, 0.0, false, false});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Solvers, Partitioned, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& i) {
                           return i.param.solver + (i.param.csr ? "_csr" : "_dense") +
                                  (i.param.multinomial ? "_multinomial" : "_binomial") +
                                  (i.param.standardize ? "_standardized" : "") +
                                  (i.param.intercept ? "" : "_no_intercept");
                         });

// The partitioned passes one by one against the whole ones at the same point: value, gradient,
// diagonal, a line trial and a Hessian product are this rank's slices of the whole results, and
// the objective is whole again once the wrapper is gone.
TEST(PartitionedPasses, AreSlicesOfTheWholeOnes) {
  MpiCommunicator comm;
  for (const bool multinomial : {false, true}) {
    const Case c{"lbfgs", true, multinomial, 0.0, true, true};
    auto obj = objective(comm, c);
    const Index n = obj->dim();
    const Vec x = Vec::LinSpaced(n, -0.4, 0.7), v = Vec::LinSpaced(n, 0.3, -0.2);
    Vec diag;
    const Point p = obj->evaluate_with_diagonal(x, diag);
    Vec hv;
    obj->hessian_at(p)->apply(v, hv);
    const auto [f_line, slope] = obj->line(p, v)->eval(0.25);
    const Point q = obj->line(p, v)->point(0.25);
    {
      PartitionedObjective part(*obj, comm);
      const Vec xs = part.slice(x), vs = part.slice(v);
      Vec diag_s;
      const Point ps = part.evaluate_with_diagonal(xs, diag_s);
      EXPECT_NEAR(ps.f, p.f, 1e-12 * std::abs(p.f));
      EXPECT_NEAR(obj->loss_part(ps), obj->loss_part(p), 1e-12);
      expect_close(part.gather(ps.g), p.g, "gradient");
      expect_close(part.gather(diag_s), diag, "diagonal");
      Vec hv_s;
      part.hessian_at(ps)->apply(vs, hv_s);
      expect_close(part.gather(hv_s), hv, "Hessian product");
      const auto [f_line_s, slope_s] = part.line(ps, vs)->eval(0.25);
      EXPECT_NEAR(f_line_s, f_line, 1e-12 * std::abs(f_line));
      EXPECT_NEAR(slope_s, slope, 1e-12 * std::max(1.0, std::abs(slope)));
      const Point qs = part.line(ps, vs)->point(0.25);
      expect_close(part.gather(qs.x), q.x, "point on the line");
      expect_close(part.gather(qs.g), q.g, "gradient on the line");
    }
    const Point again = obj->evaluate(x);
    EXPECT_EQ(again.f, p.f);
    EXPECT_EQ(again.g, p.g);
  }
}

}  // namespace
}  // namespace logreg
