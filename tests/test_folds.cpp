// Cross-validation's folds and fused pass (include/logreg/core/folds.hpp): fold_of against a plain
// splitmix64 and fixed values, its balance and seeds, folds by global row index; each model of
// LocalFolds against the binary model computed on its own (an Eigen reference, and the library's
// binary pass bit for bit) for every storage kind, K = 2, 3, 5, 10, with and without weights, on
// every kernel set this processor runs; dense and CSR storage alike to the bit; moments; labels.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>

#include "fold_reference.hpp"
#include "logreg/core/folds.hpp"
#include "logreg/core/kernel_dispatch.hpp"
#include "logreg/core/local_objective.hpp"
#include "logreg/errors.hpp"
#include "multinomial_reference.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

// splitmix64 as Vigna wrote it: the state advances by γ, then the output is mixed from it.
uint64_t reference_splitmix64(uint64_t state) {
  uint64_t z = state + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int reference_fold(uint64_t row, int K, int seed) {
  const uint64_t state = row + static_cast<uint64_t>(seed) * 0x9E3779B97F4A7C15ull;
  return static_cast<int>(reference_splitmix64(state) % static_cast<uint64_t>(K));
}

TEST(FoldOf, MatchesFixedValuesOfAPlainSplitmix64) {
  // The generator's well-known first output from state 0.
  EXPECT_EQ(reference_splitmix64(0), 0xE220A8397B1DCDAFull);
  struct Case {
    uint64_t row;
    int K, seed;
    uint64_t hash;
    int fold;
  };
  // Computed apart from this file (Python integers).
  const Case cases[] = {
      {3, 5, 0, 0x1d0b14e4db018fedull, 3},
      {4, 5, 0, 0x6e73e372e2338acaull, 3},
      {5, 5, 1, 0xc097314d939736f8ull, 4},
      {12345, 10, 3, 0x2d160e7e5c3f42caull, 0},
      {999999999, 7, 42, 0xf271a7bb2a0e6b54ull, 1},
      {1099511627793, 3, 1, 0x058a1eeb13fe4aceull, 1},
      {7, 2, 0, 0x63cbe1e459320dd7ull, 1},
      {100, 100, 2147483647, 0x51e7c7367c3df31cull, 76},
      {31, 4, 9, 0xc1dd67990de101a5ull, 1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(reference_splitmix64(c.row + static_cast<uint64_t>(c.seed) * 0x9E3779B97F4A7C15ull),
              c.hash);
    EXPECT_EQ(fold_of(static_cast<Index>(c.row), c.K, c.seed), c.fold) << c.row;
  }
  for (int K : {2, 3, 5, 10, 100}) {
    for (int seed : {0, 1, 12345}) {
      for (uint64_t row = 0; row < 2000; ++row) {
        ASSERT_EQ(fold_of(static_cast<Index>(row), K, seed), reference_fold(row, K, seed));
      }
    }
  }
  EXPECT_THROW(fold_of(0, 0, 0), std::invalid_argument);
}

TEST(FoldOf, FoldsAreBalanced) {
  for (int seed : {0, 1, 99}) {
    std::vector<int> count(5, 0);
    for (Index row = 0; row < 100000; ++row) ++count[static_cast<size_t>(fold_of(row, 5, seed))];
    for (int c : count) EXPECT_NEAR(c / 100000.0, 0.2, 0.01) << "seed " << seed;
  }
}

TEST(FoldOf, TheSeedChangesTheFolds) {
  int same = 0;
  for (Index row = 0; row < 10000; ++row) same += fold_of(row, 5, 0) == fold_of(row, 5, 1);
  EXPECT_NEAR(same / 10000.0, 0.2, 0.03);  // independent folds agree one time in K
}

// 1037 rows (not a multiple of 8 nor of a block) of 13 float-valued features, a third of them
// zero, labels 0/1, random weights (some zero), at a global offset.
struct Data {
  RowMatrix<double> X;
  Vec y, w;
};

Data problem(Index n = 1037, Index d = 13) {
  Data p;
  test::multinomial_problem(n, d, 2, 17, p.X, p.y);
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> u(-0.5, 2.0);
  p.w.resize(n);
  for (Index i = 0; i < n; ++i) p.w[i] = std::max(0.0, u(rng));
  return p;
}

constexpr Index kOffset = 123457;

template <typename M>
Shard shard_of(const Data& p, const Vec* weights, Index offset = kOffset) {
  Shard s = test::shard_as<M>(p.X, p.y, weights);
  s.row_offset = offset;
  return s;
}

Vec random_vector(Index n, unsigned seed, double scale) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> nd;
  Vec x(n);
  for (Index j = 0; j < n; ++j) x[j] = scale * nd(rng);
  return x;
}

// The outputs of LocalFolds' three passes at one θ and v.
struct FoldSums {
  double total = 0.0;
  Vec losses, grad, hv, diag, sums, diag_alone;
  RowMatrix<double> Z;
};

FoldSums run_passes(const LocalFolds& f, const Vec& theta, const Vec& v) {
  FoldSums out;
  const Index n = f.parameters();
  out.losses.resize(f.folds()), out.grad.resize(n), out.hv.resize(n);
  out.diag.resize(n), out.sums.resize(n), out.diag_alone.resize(n);
  out.total = f.loss_grad(theta, out.grad, out.losses, &out.Z);
  f.hessian_product(out.Z, v, out.hv);
  f.curvature(out.Z, out.diag, out.sums);
  Vec none;
  f.curvature(out.Z, out.diag_alone, none);
  return out;
}

// Model k's weights: sᵢ where row i is not in fold k, else 0.
Vec model_weights(const LocalFolds& f, const Vec& s, int k) {
  Vec out = s;
  for (Index i = 0; i < s.size(); ++i) out[i] = f.fold()[static_cast<size_t>(i)] == k ? 0.0 : s[i];
  return out;
}

double rel(const Vec& a, const Vec& b) { return (a - b).norm() / std::max(1e-300, b.norm()); }

template <typename M>
class FoldsTest : public ::testing::Test {};
using Kinds =
    ::testing::Types<DenseMatrix<double>, DenseMatrix<float>, CsrMatrix<double>, CsrMatrix<float>>;
TYPED_TEST_SUITE(FoldsTest, Kinds);

// Each model against the Eigen reference over its rows, to 1e-12.
TYPED_TEST(FoldsTest, EachModelIsTheBinaryModelOnItsRows) {
  const Data p = problem();
  for (const KernelSet* set : supported_kernel_sets()) {
    for (int K : {2, 3, 5, 10}) {
      for (bool weighted : {false, true}) {
        const LocalFolds f(shard_of<TypeParam>(p, weighted ? &p.w : nullptr), K, 7, *set);
        ASSERT_EQ(f.parameters(), K * (p.X.cols() + 1));
        const Vec theta = random_vector(f.parameters(), 21, 0.1);
        const Vec v = random_vector(f.parameters(), 22, 1.0);
        const FoldSums got = run_passes(f, theta, v);
        const std::string what = std::string(set->name) + " K=" + std::to_string(K) +
                                 " weights=" + std::to_string(weighted);
        ASSERT_EQ(got.Z.rows(), p.X.rows());
        ASSERT_EQ(got.Z.cols(), K);
        double total = 0.0;
        for (int k = 0; k < K; ++k) {
          const Vec s = model_weights(f, weighted ? p.w : Vec::Ones(p.X.rows()), k);
          const auto ref = test::binary_reference(p.X, p.y, s, test::model_part(theta, K, k),
                                                  test::model_part(v, K, k));
          EXPECT_NEAR(got.losses[k], ref.loss, 1e-12 * ref.loss) << what << " k=" << k;
          EXPECT_LE(rel(test::model_part(got.grad, K, k), ref.grad), 1e-12) << what << " k=" << k;
          EXPECT_LE(rel(test::model_part(got.hv, K, k), ref.hv), 1e-12) << what << " k=" << k;
          EXPECT_LE(rel(test::model_part(got.diag, K, k), ref.diag), 1e-12) << what << " k=" << k;
          EXPECT_LE(rel(test::model_part(got.sums, K, k), ref.sums), 1e-12) << what << " k=" << k;
          // Margins for every row, held-out rows included.
          EXPECT_LE(rel(got.Z.col(k), ref.z), 1e-12) << what << " k=" << k;
          total += got.losses[k];
        }
        EXPECT_EQ(got.total, total) << what;
        EXPECT_EQ(got.diag_alone, got.diag) << what;
      }
    }
  }
}

// Model k's sums are the library's binary pass with weights s·[fold ≠ k], bit for bit.
TYPED_TEST(FoldsTest, EachModelIsTheBinaryPassBitForBit) {
  const Data p = problem();
  for (const KernelSet* set : supported_kernel_sets()) {
    const int K = 5;
    const LocalFolds f(shard_of<TypeParam>(p, &p.w), K, 3, *set);
    const Vec theta = random_vector(f.parameters(), 31, 0.1);
    const Vec v = random_vector(f.parameters(), 32, 1.0);
    const FoldSums got = run_passes(f, theta, v);
    for (int k = 0; k < K; ++k) {
      const Vec s = model_weights(f, p.w, k);
      const auto binary = make_local_objective(shard_of<TypeParam>(p, &s), *set);
      const Index d = p.X.cols();
      Vec z(p.X.rows()), grad(d + 1), diag(d + 1), sums(d + 1), hv(d + 1);
      const double loss =
          binary->loss_grad_curvature(test::model_part(theta, K, k), z, grad, diag, sums);
      binary->hessian(z)->apply(test::model_part(v, K, k), hv);
      const std::string what = std::string(set->name) + " k=" + std::to_string(k);
      EXPECT_EQ(got.losses[k], loss) << what;
      EXPECT_EQ(test::model_part(got.grad, K, k), grad) << what;
      EXPECT_EQ(Vec(got.Z.col(k)), z) << what;
      EXPECT_EQ(test::model_part(got.hv, K, k), hv) << what;
      EXPECT_EQ(test::model_part(got.diag, K, k), diag) << what;
      EXPECT_EQ(test::model_part(got.sums, K, k), sums) << what;
    }
  }
}

double distance(const FoldSums& a, const FoldSums& b) {
  return std::max({rel(a.losses, b.losses), rel(a.grad, b.grad), rel(a.hv, b.hv),
                   rel(a.diag, b.diag), rel(a.sums, b.sums),
                   (a.Z - b.Z).norm() / std::max(1e-300, b.Z.norm())});
}

template <typename M>
FoldSums sums_of(const Data& p, int K, const KernelSet& set) {
  const LocalFolds f(shard_of<M>(p, &p.w), K, 11, set);
  return run_passes(f, random_vector(f.parameters(), 41, 0.1),
                    random_vector(f.parameters(), 42, 1));
}

TEST(Folds, StorageKindsAndKernelSetsOfAFamilyGiveTheSameBits) {
  for (int K : {2, 3, 10}) {
    for (Index d : {1, 8, 13, 30}) {
      const Data p = problem(203, d);
      const KernelSet& best = *supported_kernel_sets().front();
      const FoldSums base = sums_of<DenseMatrix<double>>(p, K, best);
      for (const KernelSet* k : supported_kernel_sets()) {
        const double tol = k->fused_multiply_add == best.fused_multiply_add ? 0.0 : 1e-12;
        const std::string what =
            std::string(k->name) + " K=" + std::to_string(K) + " d=" + std::to_string(d);
        EXPECT_LE(distance(sums_of<DenseMatrix<double>>(p, K, *k), base), tol) << what;
        EXPECT_LE(distance(sums_of<DenseMatrix<float>>(p, K, *k), base), tol) << what;
        EXPECT_LE(distance(sums_of<CsrMatrix<double>>(p, K, *k), base), tol) << what;
        EXPECT_LE(distance(sums_of<CsrMatrix<float>>(p, K, *k), base), tol) << what;
      }
    }
  }
}

TEST(Folds, HeldOutRowsDoNotChangeTheirModel) {
  const Data p = problem();
  Data changed = p;
  const LocalFolds f(shard_of<DenseMatrix<double>>(p, &p.w), 4, 0);
  for (Index i = 0; i < p.X.rows(); ++i) {
    if (f.fold()[static_cast<size_t>(i)] != 2) continue;
    changed.y[i] = 1.0 - p.y[i];
    changed.X.row(i) *= 3.0;
  }
  const LocalFolds g(shard_of<DenseMatrix<double>>(changed, &p.w), 4, 0);
  const Vec theta = random_vector(f.parameters(), 51, 0.1),
            v = random_vector(f.parameters(), 52, 1);
  const FoldSums a = run_passes(f, theta, v), b = run_passes(g, theta, v);
  for (int k = 0; k < 4; ++k) {
    const bool same = k == 2;
    EXPECT_EQ(a.losses[k] == b.losses[k], same) << k;
    EXPECT_EQ(test::model_part(a.grad, 4, k) == test::model_part(b.grad, 4, k), same) << k;
    EXPECT_EQ(test::model_part(a.hv, 4, k) == test::model_part(b.hv, 4, k), same) << k;
    EXPECT_EQ(test::model_part(a.diag, 4, k) == test::model_part(b.diag, 4, k), same) << k;
  }
}

TEST(Folds, MomentsAreEachModelsWeightedColumnSums) {
  const Data p = problem();
  for (bool weighted : {false, true}) {
    const LocalFolds f(shard_of<CsrMatrix<float>>(p, weighted ? &p.w : nullptr), 5, 2);
    RowMatrix<double> sum, sum_sq;
    const Vec totals = f.moments(sum, sum_sq);
    ASSERT_EQ(totals.size(), 5);
    ASSERT_EQ(sum.rows(), 5);
    ASSERT_EQ(sum.cols(), p.X.cols());
    ASSERT_EQ(sum_sq.rows(), 5);
    for (int k = 0; k < 5; ++k) {
      const Vec s = model_weights(f, weighted ? p.w : Vec::Ones(p.X.rows()), k);
      EXPECT_NEAR(totals[k], s.sum(), 1e-12 * s.sum()) << k;
      const Vec ref = p.X.transpose() * s, ref_sq = p.X.cwiseAbs2().transpose() * s;
      EXPECT_LE(rel(sum.row(k).transpose(), ref), 1e-12) << k;
      EXPECT_LE(rel(sum_sq.row(k).transpose(), ref_sq), 1e-12) << k;
    }
  }
}

TEST(Folds, FoldsFollowTheRowsGlobalIndices) {
  const Data p = problem(1000, 3);
  const Data top{p.X.topRows(437), p.y.head(437), Vec()};
  const Data bottom{p.X.bottomRows(563), p.y.tail(563), Vec()};
  const LocalFolds whole(shard_of<DenseMatrix<double>>(p, nullptr, 5000), 5, 8);
  const LocalFolds first(shard_of<DenseMatrix<double>>(top, nullptr, 5000), 5, 8);
  const LocalFolds second(shard_of<CsrMatrix<double>>(bottom, nullptr, 5437), 5, 8);
  std::vector<int> joined = first.fold();
  joined.insert(joined.end(), second.fold().begin(), second.fold().end());
  EXPECT_EQ(joined, whole.fold());
  for (Index i = 0; i < 1000; ++i) {
    ASSERT_EQ(whole.fold()[static_cast<size_t>(i)], fold_of(5000 + i, 5, 8));
  }
  // Another offset gives other folds.
  const LocalFolds elsewhere(shard_of<DenseMatrix<double>>(p, nullptr, 0), 5, 8);
  EXPECT_NE(elsewhere.fold(), whole.fold());
}

TEST(Folds, LabelsMustBeZeroOrOne) {
  const RowMatrix<double> X = RowMatrix<double>::Ones(5, 2);
  for (double bad : {2.0, -1.0, 0.5, std::nan("")}) {
    Vec y(5);
    y << 0, 1, 1, bad, 0;
    Shard s = test::dense_shard(X, y);
    s.row_offset = 100;
    try {
      LocalFolds(std::move(s), 3, 0);
      ADD_FAILURE() << "label " << bad << " accepted";
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("row 103"), std::string::npos) << e.what();
    }
  }
  Vec y(5);
  y << 0, 1, 1, 0, 0;
  EXPECT_NO_THROW(LocalFolds(test::dense_shard(X, y), 2, 0));
  EXPECT_THROW(LocalFolds(test::dense_shard(X, y), 1, 0), std::invalid_argument);
}

TEST(Folds, EmptyShardGivesZeroSums) {
  Shard s;
  s.X = DenseMatrix<double>(RowMatrix<double>(0, 4));
  s.features = 4;
  const LocalFolds f(std::move(s), 3, 0);
  const Vec theta = Vec::Ones(f.parameters());
  Vec g = Vec::Constant(f.parameters(), 7.0), losses = Vec::Constant(3, 7.0);
  RowMatrix<double> Z;
  EXPECT_EQ(f.loss_grad(theta, g, losses, &Z), 0.0);
  EXPECT_TRUE(g.isZero());
  EXPECT_TRUE(losses.isZero());
  EXPECT_EQ(Z.rows(), 0);
  f.hessian_product(Z, theta, g);
  EXPECT_TRUE(g.isZero());
}

}  // namespace
}  // namespace logreg
