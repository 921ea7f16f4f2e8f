// Every solver on a toy objective (toy_objective.hpp), linked without MPI or HDF5: convergence to
// the known minimum; a run stopped after k iterations (iteration limit or observer) and resumed
// from its state ends bit for bit where an uninterrupted run ends, through the same iterates;
// a state with a wrong, missing or unexpected field is refused, naming it. The solvers are called
// one by one (detail.hpp), not through minimize()'s choice by name.
#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "logreg/errors.hpp"
#include "logreg/solvers/detail.hpp"
#include "toy_objective.hpp"

namespace logreg {
namespace {

using SolverFn = SolveResult (*)(Objective&, const SolverState&, const SolverParams&,
                                 const Observer&);

struct Case {
  std::string name;
  SolverFn solve;
  bool scaled;  // features on different scales: L-BFGS's Jacobi preconditioner switches on
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

const Index kDim = 6;

// A = M Mᵀ + I, symmetric positive definite; D A D with D = diag(1, 3, 9, …) when scaled.
Eigen::MatrixXd matrix(bool scaled) {
  Eigen::MatrixXd M(kDim, kDim);
  for (Index i = 0; i < kDim; ++i) {
    for (Index j = 0; j < kDim; ++j) M(i, j) = std::sin(1.0 + i + 2.0 * j);
  }
  Eigen::MatrixXd A = M * M.transpose() + Eigen::MatrixXd::Identity(kDim, kDim);
  if (!scaled) return A;
  Vec d(kDim);
  for (Index i = 0; i < kDim; ++i) d[i] = std::pow(3.0, static_cast<double>(i % 3));
  return d.asDiagonal() * A * d.asDiagonal();
}

const Vec& minimum() {
  static const Vec c = (Vec(kDim) << 1.0, -2.0, 0.5, 3.0, -0.25, 0.0).finished();
  return c;
}

test::ToyObjective smooth(bool scaled) {
  return test::ToyObjective(matrix(scaled), minimum(), 0.5);
}

SolverState fresh() {
  SolverState s;
  s.x = Vec::Zero(kDim);
  return s;
}

class EverySolver : public ::testing::TestWithParam<Case> {};

TEST_P(EverySolver, ReachesTheKnownMinimum) {
  test::ToyObjective obj = smooth(GetParam().scaled);
  SolverParams sp;
  sp.max_iter = 5000;
  sp.tol = 1e-10;
  const SolveResult r = GetParam().solve(obj, fresh(), sp, nullptr);
  EXPECT_EQ(r.status, SolverStatus::Converged) << to_string(r.status);
  EXPECT_LE(r.grad_norm, 1e-10);
  EXPECT_LE((r.point.x - minimum()).lpNorm<Eigen::Infinity>(), 1e-9);
}

// Runs `max_iter` iterations from `start` (tol 0: no early convergence test), recording the
// objective at each iteration; the observer stops the run after iteration `stop_at`.
SolveResult run(const Case& c, const SolverState& start, int max_iter, std::vector<double>& trace,
                int stop_at = -1) {
  test::ToyObjective obj = smooth(c.scaled);
  SolverParams sp;
  sp.max_iter = max_iter;
  sp.tol = 0.0;
  sp.final_state = true;
  return c.solve(obj, start, sp, [&](const IterationReport& r) {
    trace.push_back(r.objective);
    return r.iteration != stop_at;
  });
}

TEST_P(EverySolver, ResumesBitForBit) {
  const int k = 3, n = 12;
  std::vector<double> whole, first, rest;
  const SolveResult full = run(GetParam(), fresh(), n, whole);
  for (const bool by_observer : {false, true}) {
    first.clear(), rest.clear();
    const SolveResult part =
        by_observer ? run(GetParam(), fresh(), n, first, k) : run(GetParam(), fresh(), k, first);
    ASSERT_EQ(part.status, by_observer ? SolverStatus::Stopped : SolverStatus::MaxIter);
    ASSERT_EQ(part.state.iteration, k);
    ASSERT_EQ(part.state.x, part.point.x);
    const SolveResult resumed = run(GetParam(), part.state, n, rest);
    EXPECT_EQ(resumed.status, full.status);
    EXPECT_EQ(resumed.iterations, full.iterations);
    EXPECT_EQ(resumed.point.x, full.point.x);  // exactly: Eigen's == compares every entry
    EXPECT_EQ(resumed.state.vectors, full.state.vectors);
    EXPECT_EQ(resumed.state.scalars, full.state.scalars);
    // The resumed run reports iteration k again, then the same objectives as the whole run.
    EXPECT_EQ(std::vector<double>(whole.begin() + k, whole.end()), rest);
  }
}

// The state after k iterations, with one field changed by `damage`, must be refused with an
// error that contains every string of `expected`.
void expect_refused(const Case& c, const std::function<void(SolverState&)>& damage,
                    const std::vector<std::string>& expected) {
  std::vector<double> trace;
  SolverState state = run(c, fresh(), 3, trace).state;
  damage(state);
  try {
    run(c, state, 10, trace);
    ADD_FAILURE() << c.name << ": a damaged state was accepted";
  } catch (const DataError& e) {
    for (const std::string& s : expected) {
      EXPECT_NE(std::string(e.what()).find(s), std::string::npos) << e.what() << " lacks " << s;
    }
  }
}

TEST_P(EverySolver, RefusesAStateWithAWrongField) {
  const Case& c = GetParam();
  const std::string solver = c.name.substr(0, c.name.find('_'));
  // Each solver's own fields (README, "Batch jobs": checkpoint format).
  if (solver == "gd") {
    expect_refused(c, [](SolverState& s) { s.scalars.erase("alpha"); },
                   {"gd", "'alpha' is missing"});
  } else if (solver == "nesterov") {
    expect_refused(c, [](SolverState& s) { s.vectors["x_prev"] = Vec::Zero(kDim - 1); },
                   {"nesterov", "'x_prev' has 5 entries, expected 6"});
    expect_refused(c, [](SolverState& s) { s.scalars.erase("t"); }, {"'t' is missing"});
  } else if (solver == "lbfgs" || solver == "owlqn") {
    expect_refused(c, [](SolverState& s) { s.vectors["y1"] = Vec::Zero(kDim + 1); },
                   {solver, "'y1' has 7 entries, expected 6"});
    expect_refused(c, [](SolverState& s) { s.vectors.erase("s0"); }, {"'s0' is missing"});
    expect_refused(c, [](SolverState& s) { s.scalars["pairs"] = 11; },
                   {"'pairs' is 11", "[0, 10]"});
  }
  if (c.name == "lbfgs_scaled") {
    expect_refused(c, [](SolverState& s) { s.vectors["inv_diag"].conservativeResize(2); },
                   {"'inv_diag' has 2 entries, expected 6"});
  }
  // Every solver: a field it does not know (e.g. a state written by another solver), and an x of
  // another dimension.
  expect_refused(c, [](SolverState& s) { s.vectors["momentum"] = Vec::Zero(kDim); },
                 {solver, "unexpected vector 'momentum'"});
  expect_refused(c, [](SolverState& s) { s.x = Vec::Zero(kDim + 2); },
                 {"cannot start " + solver + ": x has 8 entries, expected 6"});
}

INSTANTIATE_TEST_SUITE_P(Toy, EverySolver,
                         ::testing::Values(Case{"gd", detail::minimize_gd, false},
                                           Case{"nesterov", detail::minimize_nesterov, false},
                                           Case{"lbfgs", detail::minimize_lbfgs, false},
                                           Case{"lbfgs_scaled", detail::minimize_lbfgs, true},
                                           Case{"newton", detail::minimize_newton, false},
                                           Case{"owlqn", detail::minimize_owlqn, false}),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.name;
                         });

TEST(Toy, LbfgsKeepsItsPreconditionerInTheState) {
  std::vector<double> trace;
  EXPECT_EQ(run({"lbfgs", detail::minimize_lbfgs, false}, fresh(), 3, trace)
                .state.scalars.at("preconditioned"),
            0.0);
  const SolveResult r = run({"lbfgs_scaled", detail::minimize_lbfgs, true}, fresh(), 3, trace);
  EXPECT_EQ(r.state.scalars.at("preconditioned"), 1.0);
  EXPECT_EQ(r.state.vectors.at("inv_diag").size(), kDim);
  EXPECT_EQ(r.state.scalars.at("pairs"), 3.0);
}

// With f = ½ Σ aⱼ (xⱼ − cⱼ)² + Σ λⱼ|xⱼ| the minimum is xⱼ = sign(cⱼ) · max(|cⱼ| − λⱼ/aⱼ, 0):
// exact zeros where λⱼ ≥ aⱼ|cⱼ|.
TEST(Toy, OwlqnFindsTheSoftThreshold) {
  const Vec a = (Vec(kDim) << 1.0, 2.0, 4.0, 0.5, 8.0, 1.0).finished();
  const Vec lambda = (Vec(kDim) << 0.5, 5.0, 1.0, 0.0, 4.0, 0.25).finished();
  test::ToyObjective obj(Eigen::MatrixXd(a.asDiagonal()), minimum(), 0.0, lambda);
  Vec expected(kDim);
  for (Index j = 0; j < kDim; ++j) {
    const double c = minimum()[j];
    expected[j] = (c > 0 ? 1.0 : -1.0) * std::max(std::abs(c) - lambda[j] / a[j], 0.0);
  }
  ASSERT_EQ(expected[1], 0.0);  // λ₁ = 5 ≥ a₁|c₁| = 4
  ASSERT_EQ(expected[4], 0.0);  // λ₄ = 4 ≥ a₄|c₄| = 2
  ASSERT_EQ(expected[2], 0.25);
  SolverParams sp;
  sp.max_iter = 1000;
  sp.tol = 1e-12;
  const SolveResult r = detail::minimize_owlqn(obj, fresh(), sp, nullptr);
  EXPECT_EQ(r.status, SolverStatus::Converged) << to_string(r.status);
  EXPECT_LE((r.point.x - expected).lpNorm<Eigen::Infinity>(), 1e-11);
  for (Index j = 0; j < kDim; ++j) {
    if (expected[j] == 0.0) {
      EXPECT_EQ(r.point.x[j], 0.0) << "coordinate " << j;
    }
  }
}

// The toy seen through Objective's reduction hooks (sum_parts, max_parts), which only count
// their calls here and leave the values alone: a partitioned objective's reduces would go there.
// With `partitioned`, it says so (Objective::partitioned): L-BFGS then batches its reduces. The
// line search is the toy's own: a partitioned objective's line reduces its slope itself, and
// what is counted here are the solver's reduces.
class Counting final : public Objective {
 public:
  explicit Counting(Objective& inner, bool partitioned = false)
      : inner_(inner), partitioned_(partitioned) {}
  Index dim() const override { return inner_.dim(); }
  const Vec& l1_weights() const override { return inner_.l1_weights(); }
  Point evaluate(const Vec& x) override { return inner_.evaluate(x); }
  using Objective::line;
  std::unique_ptr<LineFunction> line(const Point& from, const Vec& direction) override {
    return inner_.line(from, direction);
  }
  std::unique_ptr<HessianOperator> hessian_at(const Point& at) override {
    return inner_.hessian_at(at);
  }
  bool interrupted() const override { return false; }
  bool partitioned() const override { return partitioned_; }
  void sum_parts(std::span<double>) const override { ++reduces; }
  void max_parts(std::span<double>) const override { ++reduces; }
  mutable long reduces = 0;

 private:
  Objective& inner_;
  bool partitioned_;
};

const Vec& lambdas() {
  static const Vec l = (Vec(kDim) << 0.5, 5.0, 1.0, 0.0, 4.0, 0.25).finished();
  return l;
}

// L-BFGS and OWL-QN on partitioned coordinates take the two-loop recursion from Gram matrices
// (lbfgs_history.hpp): the same iterates to rounding, with a few reduces per iteration (L-BFGS:
// 3 sums and 2 maxima; the plain recursion reduces each of its 2m + 1 dot products).
TEST(Toy, GramTwoLoopFollowsThePlainOne) {
  for (const bool scaled : {false, true}) {
    for (const bool l1 : {false, true}) {
      test::ToyObjective toy(matrix(scaled), minimum(), 0.5, l1 ? lambdas() : Vec());
      SolverParams sp;
      sp.max_iter = 12;
      sp.tol = 0.0;
      sp.memory = 4;  // the oldest pairs are dropped: the Gram matrices too
      const auto solve = l1 ? detail::minimize_owlqn : detail::minimize_lbfgs;
      Counting plain(toy), gram(toy, true);
      // The reduces of iterations 2 to 12 (the history full from the 5th on) and the end.
      auto run = [&](Counting& obj, long& count) {
        long before = 0;
        const SolveResult r = solve(obj, fresh(), sp, [&](const IterationReport& report) {
          if (report.iteration == 1) before = obj.reduces;
          return true;
        });
        count = obj.reduces - before;
        return r;
      };
      long plain_reduces = 0, gram_reduces = 0;
      const SolveResult a = run(plain, plain_reduces), b = run(gram, gram_reduces);
      ASSERT_EQ(b.iterations, 12);
      EXPECT_LE((b.point.x - a.point.x).lpNorm<Eigen::Infinity>(), 1e-12) << scaled << l1;
      if (!l1) {
        EXPECT_EQ(gram_reduces, 11 * 5 + 1) << scaled;  // + the final ‖∇J‖∞
      }
      EXPECT_GT(plain_reduces, 11 * 10) << scaled << l1;
    }
  }
}

// The solvers' final x and J after 12 iterations (tol 0) from 0, as computed by the solvers before
// the reduction hooks existed (commit 22049a3), in hex: the hooks' defaults must keep every bit.
// owlqn runs with λ = (0.5, 5, 1, 0, 4, 0.25).
struct Golden {
  const char* name;
  SolverFn solve;
  bool scaled, l1;
  std::vector<double> x;
  double objective;
};

class HooksKeepTheBits : public ::testing::TestWithParam<Golden> {};

TEST_P(HooksKeepTheBits, AsBeforeTheHooks) {
  const Golden& g = GetParam();
  test::ToyObjective toy(matrix(g.scaled), minimum(), 0.5, g.l1 ? lambdas() : Vec());
  SolverParams sp;
  sp.max_iter = 12;
  sp.tol = 0.0;
  const SolveResult plain = g.solve(toy, fresh(), sp, nullptr);
  Counting counting(toy);
  const SolveResult hooked = g.solve(counting, fresh(), sp, nullptr);
  EXPECT_EQ(plain.point.x, Eigen::Map<const Vec>(g.x.data(), kDim));  // every entry exactly
  EXPECT_EQ(plain.objective, g.objective);
  EXPECT_EQ(hooked.point.x, plain.point.x);
  EXPECT_EQ(hooked.objective, plain.objective);
  // Newton-CG stays replicated (README, "Partitioned solver state"): only its stopping rule.
  EXPECT_GE(counting.reduces, std::string(g.name) == "newton" ? 12 : 24) << g.name;
}

const std::vector<Golden>& goldens() {
  static const std::vector<Golden> g = {
      Golden{"gd",
             detail::minimize_gd,
             false,
             false,
             {0x1.dd19359571562p-1, -0x1.ede5603c000dbp+0, 0x1.fa56733a46cb1p-2,
              0x1.72c0c89294ba4p+1, -0x1.d705c2a5a587ep-3, -0x1.42f0abe40175p-7},
             0x1.7c84230ab6d1ep-6},
      Golden{"nesterov",
             detail::minimize_nesterov,
             false,
             false,
             {0x1.059cdfbeab9c4p+0, -0x1.026977eba21eap+1, 0x1.01b1360f83f21p-1,
              0x1.82cf9bfe66bdbp+1, -0x1.10a7b67556a73p-2, 0x1.5bfd12abf3e6ap-9},
             0x1.3aadcf0754d9bp-10},
      Golden{"lbfgs",
             detail::minimize_lbfgs,
             false,
             false,
             {0x1.0000002d2f65p+0, -0x1.00000012f7717p+1, 0x1.000000c2e6a7p-1, 0x1.7fffffe425b19p+1,
              -0x1.fffffd48edb07p-3, -0x1.a79efce744b2p-28},
             0x1.0efb53dc9df3bp-50},
      Golden{"lbfgs_scaled",
             detail::minimize_lbfgs,
             true,
             false,
             {0x1.000000019067fp+0, -0x1.000000010670cp+1, 0x1.ffffffd15de62p-2,
              0x1.80000030e6b2bp+1, -0x1.ffffff259b2b9p-3, -0x1.c1e165cbb50cp-29},
             0x1.ceaa7f1762426p-49},
      Golden{"newton",
             detail::minimize_newton,
             false,
             false,
             {0x1p+0, -0x1p+1, 0x1p-1, 0x1.8p+1, -0x1p-2, 0x1p-415},
             0x1.da3c3e47db027p-830},
      Golden{"owlqn",
             detail::minimize_owlqn,
             false,
             true,
             {0x1.7eac7d8707da2p-3, 0x0p+0, 0x0p+0, 0x1.a70cf1a7c9181p+1, 0x0p+0,
              0x1.385166a4bbd4ep-1},
             0x1.17db8ff709583p+2}};
  return g;
}

INSTANTIATE_TEST_SUITE_P(Toy, HooksKeepTheBits, ::testing::ValuesIn(goldens()),
                         [](const ::testing::TestParamInfo<Golden>& info) {
                           return std::string(info.param.name);
                         });

// Objective::line's default: φ(α) and φ'(α) from evaluate(x + α d); point(α) hands over the last
// evaluation when α matches, and evaluates otherwise.
TEST(Toy, DefaultLineFunctionIsBuiltOnEvaluate) {
  test::ToyObjective obj = smooth(false);
  const Point p = obj.evaluate(Vec::Zero(kDim));
  const Vec d = -p.g;
  auto line = obj.line(p, d);
  const long before = obj.evaluations;
  const auto [f, df] = line->eval(0.25);
  const Point direct = obj.evaluate(p.x + 0.25 * d);
  EXPECT_EQ(f, direct.f);
  EXPECT_EQ(df, direct.g.dot(d));
  const long after_eval = obj.evaluations;
  EXPECT_EQ(after_eval - before, 2);
  const Point q = line->point(0.25);
  EXPECT_EQ(obj.evaluations, after_eval);  // reused
  EXPECT_EQ(q.x, direct.x);
  EXPECT_EQ(q.g, direct.g);
  const Point other = line->point(0.5);
  EXPECT_EQ(obj.evaluations, after_eval + 1);
  EXPECT_EQ(other.x, Vec(p.x + 0.5 * d));
}

}  // namespace
}  // namespace logreg
