// MulticlassEvaluator on P ranks gives the same bits as one process holding all rows: log-loss,
// accuracy, AUC and its bound, on both AUC paths (exact, histogram only), with uneven splits,
// empty ranks, dense and CSR shards mixed, and on scikit-learn's fixtures. CTest runs this at
// P = 1, 2, 3, 4, 7.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <random>
#include <sstream>
#include <string>

#include "logreg/dist/multiclass_evaluator.hpp"
#include "logreg/io/hdf5.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

struct Data {
  RowMatrix<double> X;
  Vec y, theta;
  int K = 0;
};

// The same data on every rank (fixed seed); labels from a noisy softmax model.
Data make_data(Index n, Index d, int K, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> nd;
  Data out{RowMatrix<double>(n, d), Vec(n), Vec(K * (d + 1)), K};
  for (Index i = 0; i < n; ++i)
    for (Index j = 0; j < d; ++j) out.X(i, j) = (i * 5 + j) % 3 == 0 ? 0.0 : nd(rng);
  for (Index j = 0; j < out.theta.size(); ++j) out.theta[j] = nd(rng);
  std::uniform_int_distribution<int> flip(0, 3), other(0, K - 1);
  for (Index i = 0; i < n; ++i) {
    Eigen::VectorXd z(K);
    for (int k = 0; k < K; ++k)
      z[k] = out.theta[K * d + k] + out.X.row(i).dot(out.theta.segment(k * d, d));
    Index best;
    z.maxCoeff(&best);
    out.y[i] = flip(rng) == 0 ? other(rng) : static_cast<double>(best);
  }
  return out;
}

// Rank r's rows: an uneven split (rank r gets a share growing with r; the first ranks may get
// none), stored dense on even ranks and CSR on odd ones.
Shard my_rows(const Data& data, const Communicator& comm) {
  const Index n = data.X.rows(), P = comm.size(), r = comm.rank();
  auto start = [&](Index q) { return n * q * (q + 1) / (P * (P + 1)); };
  const Index a = start(r), b = start(r + 1);
  const RowMatrix<double> X = data.X.middleRows(a, b - a);
  const Vec y = data.y.segment(a, b - a);
  Shard s = r % 2 == 0 ? test::shard_as<DenseMatrix<double>>(X, y)
                       : test::shard_as<CsrMatrix<double>>(X, y);
  s.row_offset = a;
  return s;
}

// NaN (an AUC with a class absent) compares equal to itself here.
double comparable(double v) { return std::isnan(v) ? -1.0 : v; }

void expect_same_bits_everywhere(Communicator& comm, const EvalMetrics& m) {
  double v[5] = {comparable(m.log_loss), comparable(m.accuracy), comparable(m.auc), m.auc_bound,
                 m.rows};
  double hi[5], lo[5];
  std::copy(v, v + 5, hi);
  std::copy(v, v + 5, lo);
  comm.allreduce_max(hi);
  comm.allreduce_min(lo);
  for (int j = 0; j < 5; ++j) EXPECT_EQ(hi[j], lo[j]) << "metric " << j << " differs between ranks";
}

void expect_equal(const EvalMetrics& a, const EvalMetrics& b) {
  EXPECT_EQ(comparable(a.log_loss), comparable(b.log_loss));
  EXPECT_EQ(comparable(a.accuracy), comparable(b.accuracy));
  EXPECT_EQ(comparable(a.auc), comparable(b.auc));
  EXPECT_EQ(a.auc_bound, b.auc_bound);
  EXPECT_EQ(a.rows, b.rows);
}

struct Case {
  Index n, d;
  int K;
  Index exact_rows;
};

class MulticlassRanks : public ::testing::TestWithParam<Case> {};

TEST_P(MulticlassRanks, SameBitsAsOneProcess) {
  const Case c = GetParam();
  const Data data = make_data(c.n, c.d, c.K, static_cast<unsigned>(c.n + c.K));
  MpiCommunicator comm;
  SerialCommunicator serial;
  MulticlassEvaluator dist(my_rows(data, comm), c.K, comm, {c.exact_rows});
  MulticlassEvaluator whole(test::dense_shard(data.X, data.y), c.K, serial, {c.exact_rows});
  for (double scale : {1.0, 0.05, 30.0}) {
    SCOPED_TRACE(scale);
    const Vec theta = scale * data.theta;
    const EvalMetrics m = dist.evaluate(theta), ref = whole.evaluate(theta);
    expect_equal(m, ref);
    expect_same_bits_everywhere(comm, m);
    if (c.exact_rows == MulticlassAucParams{}.exact_rows) {
      EXPECT_EQ(m.auc_bound, 0.0);
    }
  }
  // The local probabilities are those of the same rows in the whole set.
  const RowMatrix<double> mine = dist.probabilities(data.theta),
                          all = whole.probabilities(data.theta);
  const Index a = dist.shard().row_offset;
  EXPECT_TRUE(mine == all.middleRows(a, mine.rows()));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MulticlassRanks,
    ::testing::Values(Case{2000, 6, 4, Index{1} << 18}, Case{2000, 6, 4, 0},
                      Case{3000, 5, 10, Index{1} << 18}, Case{3000, 5, 10, 0},
                      Case{700, 3, 3, 200},  // over the limit: histogram, same decision everywhere
                      Case{5, 2, 3, Index{1} << 18}),  // fewer rows than ranks
    [](const auto& info) {
      std::ostringstream name;
      name << "n" << info.param.n << "_K" << info.param.K;
      if (info.param.exact_rows > 0)
        name << "_exact" << info.param.exact_rows;
      else
        name << "_histogram";
      return name.str();
    });

// scikit-learn's numbers (tests/fixtures/multinomial) on any number of ranks.
TEST(MulticlassRanksFixtures, EqualScikitLearnOnEveryRank) {
  for (const std::string name : {"wine", "digits"}) {
    SCOPED_TRACE(name);
    h5::File f(std::string(LOGREG_FIXTURES) + "/multinomial/" + name + ".h5",
               h5::File::Mode::ReadOnly);
    Data data;
    h5::Dataset ds = f.open_dataset("X");
    data.X.resize(static_cast<Index>(ds.shape()[0]), static_cast<Index>(ds.shape()[1]));
    ds.read_all(H5T_NATIVE_DOUBLE, data.X.data());
    const std::vector<double> y = h5::read_vector(f, "y");
    data.y = Eigen::Map<const Vec>(y.data(), static_cast<Index>(y.size()));
    data.K = static_cast<int>(f.read_int_attribute("/", "classes").at(0));
    MpiCommunicator comm;
    MulticlassEvaluator ev(my_rows(data, comm), data.K, comm);
    for (const std::string c : {"random", "sharp", "l2_1e-02_raw"}) {
      const std::string g = "metrics/" + c;
      const std::vector<double> t = h5::read_vector(f, g + "/theta");
      const EvalMetrics m =
          ev.evaluate(Eigen::Map<const Vec>(t.data(), static_cast<Index>(t.size())));
      const double loss = f.read_double_attribute(g, "log_loss");
      EXPECT_NEAR(m.log_loss, loss, 1e-12 * std::max(1.0, loss)) << c;
      EXPECT_DOUBLE_EQ(m.accuracy, f.read_double_attribute(g, "accuracy")) << c;
      EXPECT_NEAR(m.auc, f.read_double_attribute(g, "auc_ovr_macro"), 1e-12) << c;
      expect_same_bits_everywhere(comm, m);
    }
  }
}

}  // namespace
}  // namespace logreg
