// Every kernel set this processor runs (kernel_dispatch.hpp), each on its own, against the
// summation contract of kernels.hpp, bit for bit:
//  * margins, Xᵀr, (X∘X)ᵀr and Hessian-vector products against a scalar evaluation of the
//    contract, dense and CSR, float and double, widths 1 to 1100, rows at every offset within a
//    cache line and row ranges that start mid-shard;
//  * the fused passes (margins from θ, along a direction, from given margins; with the curvature
//    sums) against the same pieces composed one by one;
//  * every set of a family (FMA: x86-64-v3, x86-64-v4; no FMA: x86-64-v2, generic) gives the
//    same bits as the best set of that family, and the two families agree within 1e-12;
//  * the residuals' exp and log1p against long-double references.
// Sets the host lacks are not run here; the test prints which ran.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <cstdint>
#include <cstring>
#include <random>

#include "logreg/core/kernel_dispatch.hpp"
#include "logreg/core/local_objective.hpp"
#include "logreg/dist/distributed_objective.hpp"
#include "logreg/errors.hpp"
#include "logreg/solvers/solver.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

std::string set_name(const ::testing::TestParamInfo<const KernelSet*>& info) {
  std::string s = info.param->name;
  for (char& c : s) c = (c == '-') ? '_' : c;
  return s;
}

// The best supported set with the same multiply-add as k (k itself when it is the best).
const KernelSet& family_head(const KernelSet& k) {
  for (const KernelSet* s : supported_kernel_sets()) {
    if (s->fused_multiply_add == k.fused_multiply_add) return *s;
  }
  return k;
}

double ref_madd(const KernelSet& k, double a, double b, double c) {
  return k.fused_multiply_add ? std::fma(a, b, c) : a * b + c;
}

// x·w by the contract: lanes j mod 8, fixed combine tree.
double ref_dot(const KernelSet& k, const RowMatrix<double>& X, Index i, const double* w) {
  double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (Index j = 0; j < X.cols(); ++j) l[j % 8] = ref_madd(k, X(i, j), w[j], l[j % 8]);
  return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

// Σᵢ v[i] by the contract's sums over rows: row i into lane i mod 8, lanes combined by the tree.
double row_sum(const double* v, Index n) {
  double l[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  for (Index i = 0; i < n; ++i) l[i % 8] += v[i];
  return ((l[0] + l[1]) + (l[2] + l[3])) + ((l[4] + l[5]) + (l[6] + l[7]));
}

// The rows [i0, i0+n) of a matrix as the kernels see them.
template <typename T>
DenseView<T> rows_of(const DenseMatrix<T>& m, Index i0, Index n) {
  return {m.data().data() + i0 * m.cols(), n, m.cols()};
}
template <typename T>
CsrView<T> rows_of(const CsrMatrix<T>& m, Index i0, Index n) {
  return {m.values().data(), m.indices().data(), m.indptr().data() + i0, n, m.cols()};
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

class KernelSetTest : public ::testing::TestWithParam<const KernelSet*> {};

INSTANTIATE_TEST_SUITE_P(Supported, KernelSetTest, ::testing::ValuesIn(supported_kernel_sets()),
                         set_name);

// Margins, Xᵀr, (X∘X)ᵀr and H v of one storage M against the scalar contract.
template <typename M>
void check_matrix_kernels(const KernelSet& k, Index d) {
  using T = typename M::Scalar;
  const Index n = 37;
  std::mt19937 rng(static_cast<unsigned>(d));
  std::normal_distribution<double> nd;
  RowMatrix<double> X(n, d);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < d; ++j) X(i, j) = (i * 7 + j) % 5 == 0 ? 0.0 : static_cast<T>(nd(rng));
  }
  Vec theta(d + 1), r(n), D(n), g0(d + 1);
  for (Index j = 0; j <= d; ++j) theta[j] = nd(rng), g0[j] = nd(rng);
  for (Index i = 0; i < n; ++i) r[i] = nd(rng), D[i] = std::abs(nd(rng));
  const Shard shard = test::shard_as<M>(X, Vec::Zero(n));
  const M& m = std::get<M>(shard.X);
  const auto& kk = k.get<decltype(rows_of(m, 0, 0))>();
  const std::string where = std::string(k.name) + (std::is_same_v<M, DenseMatrix<T>> ? " dense " : " CSR ") +
                            (sizeof(T) == 4 ? "float32" : "float64") + ", d = " + std::to_string(d);
  // The whole shard and a range starting mid-shard, as the blocked passes see them.
  for (auto [i0, len] : {std::pair<Index, Index>{0, n}, {3, 29}}) {
    const auto view = rows_of(m, i0, len);
    Vec z(len), g = g0, sq = g0, hv(d + 1);
    kk.margins(view, theta.data(), z.data());
    kk.transpose_add(view, r.data() + i0, g.data());
    kk.squared_transpose_add(view, r.data() + i0, sq.data());
    kk.hessian_apply(view, D.data() + i0, theta.data(), hv.data());
    Vec gref = g0, sqref = g0, hvref = Vec::Zero(d + 1), u(len);
    for (Index i = i0; i < i0 + len; ++i) {
      const double zi = ref_dot(k, X, i, theta.data()) + theta[d];
      ASSERT_TRUE(same_bits(z[i - i0], zi)) << where << ": margin of row " << i;
      u[i - i0] = zi * D[i];
      for (Index j = 0; j < d; ++j) {
        const double x = X(i, j);
        gref[j] = ref_madd(k, r[i], x, gref[j]);
        sqref[j] = ref_madd(k, r[i], x * x, sqref[j]);
        hvref[j] = ref_madd(k, u[i - i0], x, hvref[j]);
      }
    }
    hvref[d] = row_sum(u.data(), len);
    for (Index j = 0; j <= d; ++j) {
      ASSERT_TRUE(same_bits(g[j], gref[j])) << where << ": Xᵀr column " << j;
      ASSERT_TRUE(same_bits(sq[j], sqref[j])) << where << ": (X∘X)ᵀr column " << j;
      ASSERT_TRUE(same_bits(hv[j], hvref[j])) << where << ": Hv entry " << j;
    }
  }
}

TEST_P(KernelSetTest, MatrixKernelsFollowTheSummationContractBitwise) {
  const KernelSet& k = *GetParam();
  for (Index d : {1, 3, 7, 8, 9, 15, 16, 17, 31, 100, 129, 513, 1100}) {
    check_matrix_kernels<DenseMatrix<double>>(k, d);
    check_matrix_kernels<DenseMatrix<float>>(k, d);
    check_matrix_kernels<CsrMatrix<double>>(k, d);
    check_matrix_kernels<CsrMatrix<float>>(k, d);
  }
}

// Margins for the residual tests: every regime of exp and log1p (|z| from 0 to beyond the
// subnormal range of e^(−|z|)), both signs, and the partial packets of every length.
Vec margin_grid() {
  std::vector<double> v{0.0, -0.0, 1e-300, 0.34657359, 0.6931, 0.8813735870195430, 1.0, 2.0, 36.7,
                        700.0, 708.3, 708.4, 709.0, 730.0, 745.0, 745.2, 746.0, 800.0, 1e4, 1e300};
  for (double m = 1e-9; m < 760; m *= 1.0371) v.push_back(m);
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-40, 40);
  for (int i = 0; i < 4001; ++i) v.push_back(u(rng));
  const size_t half = v.size();
  for (size_t i = 0; i < half; ++i) v.push_back(-v[i]);
  return Eigen::Map<Vec>(v.data(), static_cast<Index>(v.size()));
}

struct RowOutputs {
  Vec r, h, d, zline;
  double loss = 0.0, line_loss = 0.0, slope = 0.0;
};

RowOutputs row_outputs(const KernelSet& k, const Vec& z, const Vec& y, const Vec& s) {
  const Index n = z.size();
  RowOutputs o{Vec(n), Vec(n), Vec(n), Vec(), 0.0, 0.0, 0.0};
  k.rows.loss_residual(n, z.data(), y.data(), s.data(), o.r.data(), o.h.data(), &o.loss);
  k.rows.hessian_weights(n, z.data(), s.data(), o.d.data());
  const Vec zd = Vec::LinSpaced(n, -2.0, 3.0);
  k.rows.line_sums(n, z.data(), zd.data(), 0.375, y.data(), s.data(), &o.line_loss, &o.slope);
  return o;
}

TEST_P(KernelSetTest, ResidualsAreBitwiseEqualWithinAFamilyAndCloseAcross) {
  const KernelSet& k = *GetParam();
  const KernelSet& head = family_head(k);
  const KernelSet& best = *supported_kernel_sets().front();
  const Vec z = margin_grid();
  const Index n = z.size();
  Vec y(n), s(n);
  for (Index i = 0; i < n; ++i) y[i] = (i % 3) == 0, s[i] = 0.5 + (i % 4);
  // Every length of a final partial packet.
  for (Index len : {n, n - 1, n - 2, n - 3, n - 4, n - 5, n - 6, n - 7}) {
    const Vec zz = z.head(len), yy = y.head(len), ss = s.head(len);
    const RowOutputs a = row_outputs(k, zz, yy, ss), b = row_outputs(head, zz, yy, ss);
    const RowOutputs c = row_outputs(best, zz, yy, ss);
    ASSERT_TRUE(same_bits(a.loss, b.loss)) << k.name << " vs " << head.name;
    ASSERT_TRUE(same_bits(a.line_loss, b.line_loss));
    ASSERT_TRUE(same_bits(a.slope, b.slope));
    for (Index i = 0; i < len; ++i) {
      ASSERT_TRUE(same_bits(a.r[i], b.r[i])) << k.name << " residual, z = " << zz[i];
      ASSERT_TRUE(same_bits(a.h[i], b.h[i])) << k.name << " curvature, z = " << zz[i];
      ASSERT_TRUE(same_bits(a.d[i], a.h[i])) << k.name << " hessian_weights = fused, z = " << zz[i];
      ASSERT_NEAR(a.r[i], c.r[i], 1e-15 * ss[i]) << k.name << " vs " << best.name << ", z = " << zz[i];
      ASSERT_NEAR(a.h[i], c.h[i], 1e-15 * std::abs(c.h[i]) + 1e-300) << "z = " << zz[i];
    }
    EXPECT_NEAR(a.loss, c.loss, 1e-15 * std::abs(c.loss));
    EXPECT_NEAR(a.line_loss, c.line_loss, 1e-15 * std::abs(c.line_loss));
  }
}

// Relative error in units of the last place of the reference.
double ulps(double got, long double ref) {
  if (ref == 0) return got == 0 ? 0.0 : 1e300;
  const long double ulp = std::ldexp(1.0L, std::ilogb(static_cast<double>(ref)) - 52);
  return static_cast<double>(std::fabs(static_cast<long double>(got) - ref) /
                             std::max(ulp, std::numeric_limits<long double>::denorm_min()));
}

TEST_P(KernelSetTest, ExpAndLog1pAreAccurateTo1Point5Ulps) {
  const KernelSet& k = *GetParam();
  std::vector<double> x;
  for (double m = 1e-12; m < 745; m *= 1.0013) x.push_back(-m);
  for (double v : {0.0, -0.5 * std::log(2.0), -std::log(2.0), -708.39, -709.7, -744.0, -745.13})
    x.push_back(v);
  std::vector<double> e(x.size());
  k.rows.exp_neg(static_cast<Index>(x.size()), x.data(), e.data());
  double worst = 0.0, worst_exp = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    const long double ref = std::exp(static_cast<long double>(x[i]));
    if (ref < 0x1p-1022L) {  // subnormal: absolute error within one unit of 2^−1074
      ASSERT_LE(std::fabs(e[i] - ref), 0x1p-1074L) << k.name << " exp(" << x[i] << ")";
      continue;
    }
    worst_exp = std::max(worst_exp, ulps(e[i], ref));
    ASSERT_LE(ulps(e[i], ref), 1.5) << k.name << " exp(" << x[i] << ") = " << e[i];
  }
  std::vector<double> u;
  for (double m = 1e-300; m < 1; m *= 1.01) u.push_back(m);
  for (double v : {0.0, 1.0, std::sqrt(2.0) - 1, 0.41421356, 0.5, 0.999999})
    u.push_back(v);
  std::vector<double> l(u.size());
  k.rows.log1p_unit(static_cast<Index>(u.size()), u.data(), l.data());
  for (size_t i = 0; i < u.size(); ++i) {
    const long double ref = std::log1p(static_cast<long double>(u[i]));
    worst = std::max(worst, ulps(l[i], ref));
    ASSERT_LE(ulps(l[i], ref), 1.5) << k.name << " log1p(" << u[i] << ") = " << l[i];
  }
  std::printf("[ %s ] worst error: exp %.2f ulp, log1p %.2f ulp\n", k.name, worst_exp, worst);
  // Beyond −746 and for NaN.
  const double tail[3] = {-746.0, -1e300, std::nan("")};
  double out[3];
  k.rows.exp_neg(3, tail, out);
  EXPECT_EQ(out[0], 0.0);
  EXPECT_EQ(out[1], 0.0);
  EXPECT_TRUE(std::isnan(out[2]));
}

// A shard large enough for several blocks, with weights, zeros and two scales of feature.
template <typename M>
Shard pass_shard(Index n, Index d) {
  RowMatrix<double> X;
  Vec y;
  test::random_problem(n, d, 17, X, y);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < d; ++j) {
      X(i, j) = (i + 2 * j) % 7 == 0 ? 0.0 : static_cast<double>(static_cast<float>(X(i, j) * (j % 3 ? 1.0 : 20.0)));
    }
  }
  Vec w(n);
  for (Index i = 0; i < n; ++i) w[i] = 0.25 * (1 + i % 5);
  return test::shard_as<M>(X, y, &w);
}

struct PassOutputs {
  Vec z, zd, grad, diag, sums;
  double loss;
};

// A pass from θ with the curvature sums, into o (sized here).
PassArgs pass_from_theta(const Shard& shard, const Vec& theta, PassOutputs& o) {
  const Index n = shard.rows(), d = theta.size() - 1;
  o = PassOutputs{Vec(n), Vec(), Vec(d + 1), Vec(d + 1), Vec(d + 1), 0.0};
  PassArgs a;
  a.theta = theta.data();
  a.z = o.z.data();
  a.y = shard.y.data();
  a.s = shard.weight.data();
  a.grad = o.grad.data();
  a.diag = o.diag.data();
  a.sums = o.sums.data();
  return a;
}

// The fused pass of set k in each margin mode, and its pieces composed by hand.
template <typename M>
void check_fused_passes(const KernelSet& k, Index d) {
  const Shard shard = pass_shard<M>(2500, d);
  const M& m = std::get<M>(shard.X);
  const auto view = m.view();
  const auto& kk = k.get<std::decay_t<decltype(view)>>();
  const Index n = shard.rows();
  Vec theta = Vec::LinSpaced(d + 1, -0.3, 0.2), dir = Vec::LinSpaced(d + 1, 0.1, -0.05);
  PassOutputs o;
  const PassArgs a = pass_from_theta(shard, theta, o);
  o.loss = kk.loss_grad(view, a);
  // Pieces: margins, residuals, Xᵀr, and the sums over rows one after another.
  Vec z(n), r(n), h(n), g = Vec::Zero(d + 1), diag = Vec::Zero(d + 1), sums = Vec::Zero(d + 1);
  double loss = 0.0;
  kk.margins(view, theta.data(), z.data());
  k.rows.loss_residual(n, z.data(), shard.y.data(), shard.weight.data(), r.data(), h.data(), &loss);
  kk.transpose_add(view, r.data(), g.data());
  kk.squared_transpose_add(view, h.data(), diag.data());
  kk.transpose_add(view, h.data(), sums.data());
  g[d] = row_sum(r.data(), n);
  diag[d] = sums[d] = row_sum(h.data(), n);
  const std::string where = std::string(k.name) + " d = " + std::to_string(d);
  ASSERT_TRUE(same_bits(o.loss, loss)) << where;
  for (Index i = 0; i < n; ++i) ASSERT_TRUE(same_bits(o.z[i], z[i])) << where << " row " << i;
  for (Index j = 0; j <= d; ++j) {
    ASSERT_TRUE(same_bits(o.grad[j], g[j])) << where << " gradient " << j;
    ASSERT_TRUE(same_bits(o.diag[j], diag[j])) << where << " diagonal " << j;
    ASSERT_TRUE(same_bits(o.sums[j], sums[j])) << where << " sums " << j;
  }
  // Along a direction: zd = X̂ dir, z = z0 + α zd, then as from given margins.
  Vec z2(n), zd(n), g2(d + 1), g3(d + 1);
  PassArgs b = a;
  b.margins = PassArgs::Margins::Along;
  b.theta = dir.data();
  b.z0 = z.data();
  b.alpha = 0.7;
  b.zd = zd.data();
  b.z = z2.data();
  b.grad = g2.data();
  b.diag = b.sums = nullptr;
  const double loss2 = kk.loss_grad(view, b);
  Vec zd_ref(n);
  kk.margins(view, dir.data(), zd_ref.data());
  for (Index i = 0; i < n; ++i) {
    ASSERT_TRUE(same_bits(zd[i], zd_ref[i])) << where;
    ASSERT_TRUE(same_bits(z2[i], z[i] + 0.7 * zd_ref[i])) << where;
  }
  PassArgs c = b;
  c.margins = PassArgs::Margins::Given;
  c.grad = g3.data();
  ASSERT_TRUE(same_bits(kk.loss_grad(view, c), loss2)) << where;
  for (Index j = 0; j <= d; ++j) ASSERT_TRUE(same_bits(g3[j], g2[j])) << where;
}

TEST_P(KernelSetTest, FusedPassesEqualTheirPiecesBitwise) {
  const KernelSet& k = *GetParam();
  for (Index d : {1, 5, 20, 100, 700}) {
    check_fused_passes<DenseMatrix<double>>(k, d);
    check_fused_passes<DenseMatrix<float>>(k, d);
    check_fused_passes<CsrMatrix<double>>(k, d);
    check_fused_passes<CsrMatrix<float>>(k, d);
  }
}

// One fused pass with curvature of set k, for comparing sets.
template <typename M>
PassOutputs pass_outputs(const KernelSet& k, const Shard& shard) {
  const auto view = std::get<M>(shard.X).view();
  const Vec theta = Vec::LinSpaced(view.cols + 1, -0.3, 0.2);
  PassOutputs o;
  o.loss = k.get<std::decay_t<decltype(view)>>().loss_grad(view, pass_from_theta(shard, theta, o));
  return o;
}

template <typename M>
void compare_with_best(const KernelSet& k, Index d) {
  const Shard shard = pass_shard<M>(1500, d);
  const PassOutputs a = pass_outputs<M>(k, shard);
  const PassOutputs h = pass_outputs<M>(family_head(k), shard);
  const PassOutputs b = pass_outputs<M>(*supported_kernel_sets().front(), shard);
  const std::string where = std::string(k.name) + " d = " + std::to_string(d);
  auto close = [](double x, double ref) { return std::abs(x - ref) <= 1e-12 * std::max(1.0, std::abs(ref)); };
  ASSERT_TRUE(same_bits(a.loss, h.loss)) << where;
  ASSERT_TRUE(close(a.loss, b.loss)) << where << ": " << a.loss << " vs " << b.loss;
  for (Index i = 0; i < a.z.size(); ++i) {
    ASSERT_TRUE(same_bits(a.z[i], h.z[i])) << where;
    ASSERT_TRUE(close(a.z[i], b.z[i])) << where;
  }
  for (Index j = 0; j <= d; ++j) {
    for (auto [x, y, ref] : {std::tuple{a.grad[j], h.grad[j], b.grad[j]}, std::tuple{a.diag[j], h.diag[j], b.diag[j]},
                             std::tuple{a.sums[j], h.sums[j], b.sums[j]}}) {
      ASSERT_TRUE(same_bits(x, y)) << where << " entry " << j;
      ASSERT_TRUE(close(x, ref)) << where << " entry " << j << ": " << x << " vs " << ref;
    }
  }
}

TEST_P(KernelSetTest, PassesGiveTheBestSetsBitsInTheFamilyAndAgreeWithin1e12Across) {
  const KernelSet& k = *GetParam();
  for (Index d : {3, 100, 1100}) {
    compare_with_best<DenseMatrix<double>>(k, d);
    compare_with_best<DenseMatrix<float>>(k, d);
    compare_with_best<CsrMatrix<double>>(k, d);
    compare_with_best<CsrMatrix<float>>(k, d);
  }
}

// L-BFGS to convergence on standardized breast-cancer data with each set: the same model bits
// within a family, within 1e-9 across.
Vec solve_with(const KernelSet& k, const RowMatrix<double>& X, const Vec& y) {
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(test::dense_shard(X, y), k), comm, {1e-3, 0.0, true, true});
  SolverParams sp;
  sp.name = SolverKind::Lbfgs;
  sp.max_iter = 500;
  sp.tol = 1e-10;
  SolverState start;
  start.x = Vec::Zero(obj.dim());
  SolveResult r = minimize(obj, start, sp, nullptr);
  EXPECT_EQ(r.status, SolverStatus::Converged) << k.name;
  return obj.to_model(r.point.x);
}

TEST_P(KernelSetTest, TrainingGivesTheSameModelBitsWithinAFamily) {
  const KernelSet& k = *GetParam();
  RowMatrix<double> X;
  Vec y;
  test::random_problem(3000, 23, 5, X, y);
  for (Index i = 0; i < X.rows(); ++i) X(i, 4) = 100.0 * X(i, 4) + 3.0;  // unequal scales
  const Vec a = solve_with(k, X, y), h = solve_with(family_head(k), X, y);
  const Vec b = solve_with(*supported_kernel_sets().front(), X, y);
  for (Index j = 0; j < a.size(); ++j) {
    ASSERT_TRUE(same_bits(a[j], h[j])) << k.name << " coefficient " << j;
    ASSERT_NEAR(a[j], b[j], 1e-9 * std::max(1.0, std::abs(b[j]))) << k.name << " coefficient " << j;
  }
}

TEST(KernelDispatch, NamesSelectSetsAndRefuseUnknownOrUnsupportedOnes) {
  const auto supported = supported_kernel_sets();
  ASSERT_FALSE(supported.empty());
  EXPECT_STREQ(supported.back()->name, "generic");
  EXPECT_EQ(&kernel_set_named("auto", "X"), supported.front());
  EXPECT_EQ(&kernel_set_named("", "X"), supported.front());
  for (const KernelSet* k : supported) EXPECT_EQ(&kernel_set_named(k->name, "X"), k);
  try {
    kernel_set_named("avx9000", "LOGREG_KERNELS");
    ADD_FAILURE() << "an unknown name was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("LOGREG_KERNELS: unknown kernel set 'avx9000', expected auto"),
              std::string::npos)
        << e.what();
  }
  for (const KernelSet* k : compiled_kernel_sets()) {
    if (std::find(supported.begin(), supported.end(), k) != supported.end()) continue;
    EXPECT_THROW(kernel_set_named(k->name, "LOGREG_KERNELS"), ConfigError) << k->name;
  }
  std::string ran;
  for (const KernelSet* k : supported) ran += std::string(" ") + k->name;
  std::printf("[ kernel sets run on this host (%s):%s ]\n", cpu_model_name().c_str(), ran.c_str());
}

}  // namespace
}  // namespace logreg
