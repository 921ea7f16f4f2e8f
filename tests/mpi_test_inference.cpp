// Inference on P ranks equals one process holding all rows: every rank reads the same data set
// (heart_scale, θ fixed at statsmodels' optimum from tests/fixtures/inference), keeps its block
// of rows, computes the distributed inference and, independently, a serial one over all rows,
// then compares (1e-12 relative; the reduce only reorders the sums). CTest runs this at
// P = 1, 2, 3, 4, 7. Every rank must hold bitwise the same values, a rank without rows must work,
// and a refusal must be the same error on every rank.
#include <gtest/gtest.h>
#include <mpi.h>

#include <cstdio>
#include <string>
#include <vector>

#include "logreg/dist/inference.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

struct Data {
  RowMatrix<double> X;
  Vec y, weight, theta;
};

const Data& heart() {
  static const Data d = [] {
    Data r;
    const std::string dir = LOGREG_FIXTURES;
    h5::File f(dir + "/heart_scale.h5", h5::File::Mode::ReadOnly);
    h5::Dataset ds = f.open_dataset("X");
    r.X.resize(static_cast<Index>(ds.shape()[0]), static_cast<Index>(ds.shape()[1]));
    ds.read_all(H5T_NATIVE_DOUBLE, r.X.data());
    std::vector<double> y = h5::read_vector(f, "y");
    r.y = Eigen::Map<Vec>(y.data(), static_cast<Index>(y.size()));
    h5::File ref(dir + "/inference/heart_scale.h5", h5::File::Mode::ReadOnly);
    std::vector<double> t = h5::read_vector(ref, "params");
    r.theta = Eigen::Map<Vec>(t.data(), static_cast<Index>(t.size()));
    r.weight.resize(r.y.size());
    for (Index i = 0; i < r.y.size(); ++i) r.weight[i] = 0.5 + 0.25 * static_cast<double>(i % 4);
    return r;
  }();
  return d;
}

enum class Storage { Dense, Csr, DenseFloat };

// Rows [lo, hi) of the data in the given storage, as the rank's shard.
Shard rows(const Data& d, Index lo, Index hi, Storage storage) {
  const RowMatrix<double> X = d.X.middleRows(lo, hi - lo);
  const Vec y = d.y.segment(lo, hi - lo), w = d.weight.segment(lo, hi - lo);
  Shard s = storage == Storage::Csr          ? test::shard_as<CsrMatrix<double>>(X, y, &w)
            : storage == Storage::DenseFloat ? test::shard_as<DenseMatrix<float>>(X, y, &w)
                                             : test::shard_as<DenseMatrix<double>>(X, y, &w);
  s.row_offset = lo;
  s.features = d.X.cols();
  return s;
}

// This rank's block; with `last_empty`, the rows go to the first P − 1 ranks only.
Shard block(Communicator& comm, const Data& d, Storage storage, bool last_empty) {
  const Index n = d.X.rows();
  const int parts = last_empty && comm.size() > 1 ? comm.size() - 1 : comm.size();
  const int r = comm.rank();
  if (r >= parts) return rows(d, n, n, storage);
  return rows(d, n * r / parts, n * (r + 1) / parts, storage);
}

InferenceParams params(const Data& d, double l2) {
  return {d.weight.sum(), l2, Vec::LinSpaced(d.X.cols(), 0.5, 2.0), true};
}

Vec flat(const Inference& inf) {
  const Index d = inf.std_error.size();
  Vec v(3 * d + 3);
  v << inf.std_error, inf.z_value, inf.p_value, inf.intercept_std_error, inf.intercept_z_value,
      inf.intercept_p_value;
  return v;
}

void expect_same(Storage storage, bool last_empty, double l2) {
  MpiCommunicator comm;
  SerialCommunicator serial;
  const Data& d = heart();
  const Vec dist =
      flat(compute_inference(comm, block(comm, d, storage, last_empty), d.theta, params(d, l2)));
  const Vec ref =
      flat(compute_inference(serial, rows(d, 0, d.X.rows(), storage), d.theta, params(d, l2)));
  const double rel = ((dist - ref).cwiseAbs().array() / ref.cwiseAbs().array()).maxCoeff();
  EXPECT_LE(rel, 1e-12) << comm.size() << " ranks";
  if (comm.is_root()) {
    std::printf("%s%s, l2 %g on %d ranks: within %.1e of 1 rank\n",
                storage == Storage::Csr     ? "csr"
                : storage == Storage::Dense ? "dense"
                                            : "float",
                last_empty ? " (last rank empty)" : "", l2, comm.size(), rel);
  }
  // Bitwise the same on every rank: everything after the reduce depends on reduced values only.
  Vec mx = dist, mn = dist;
  comm.allreduce_max({mx.data(), static_cast<size_t>(mx.size())});
  comm.allreduce_min({mn.data(), static_cast<size_t>(mn.size())});
  EXPECT_EQ((mx - mn).cwiseAbs().maxCoeff(), 0.0);
}

TEST(MpiInference, DenseEqualsOneRank) { expect_same(Storage::Dense, false, 0.0); }
TEST(MpiInference, CsrEqualsOneRank) { expect_same(Storage::Csr, false, 0.0); }
TEST(MpiInference, FloatWithPenaltyEqualsOneRank) { expect_same(Storage::DenseFloat, false, 1e-2); }
TEST(MpiInference, ARankWithoutRowsWorks) {
  expect_same(Storage::Dense, true, 0.0);
  expect_same(Storage::Csr, true, 1e-3);
}

TEST(MpiInference, ARefusalIsTheSameErrorOnEveryRank) {
  MpiCommunicator comm;
  Data d = heart();
  d.X.col(5).setConstant(0.25);
  std::string message;
  try {
    compute_inference(comm, block(comm, d, Storage::Dense, true), d.theta, params(d, 0.0));
  } catch (const NumericalError& e) {
    message = e.what();
  }
  EXPECT_NE(message.find("(feature 5 is constant)"), std::string::npos) << message;
  std::string root = message;
  comm.broadcast(root, 0);
  EXPECT_EQ(message, root);
}

}  // namespace
}  // namespace logreg
