// Dense and CSR storage, float64 and float32 precision, on real data read back from HDF5 files.
#include <gtest/gtest.h>

#include "logreg/dist/distributed_objective.hpp"
#include "logreg/io/dataset.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/solvers/solver.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

struct Result {
  Vec theta;
  double objective;
  size_t feature_bytes;
};

Result train_file(const std::string& path, Precision dtype, const std::string& solver,
                  int max_iter, double tol, bool standardize) {
  DataSource src;
  src.files = {path};
  src.dtype = dtype;
  DataLayout layout = scan_layout(src);
  Shard shard = load_shard(src, layout, {0, layout.rows});
  const size_t bytes = shard.feature_bytes();
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(std::move(shard)), comm,
                           {1e-2, solver == "owlqn" ? 1e-3 : 0.0, true, standardize});
  SolverParams sp;
  sp.name = parse_solver_kind(solver);
  sp.max_iter = max_iter;
  sp.tol = tol;
  SolverState start;
  start.x = Vec::Zero(obj.dim());
  SolveResult r = minimize(obj, start, sp, nullptr);
  return {obj.to_model(r.point.x), r.objective, bytes};
}

// digits: 1797 × 64 with ~50% zeros, a natural sparse data set.
class DenseVsCsr : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::TempDir("dense_csr");
    h5::File f(std::string(LOGREG_FIXTURES) + "/digits.h5", h5::File::Mode::ReadOnly);
    auto ds = f.open_dataset("X");
    auto dims = ds.shape();
    RowMatrix<double> X(dims[0], dims[1]);
    ds.read_all(H5T_NATIVE_DOUBLE, X.data());
    std::vector<double> y = h5::read_vector(f, "y");
    Vec yv = Eigen::Map<Vec>(y.data(), static_cast<Index>(y.size()));
    test::write_dense_h5(dir_->file("dense.h5"), X, yv);
    test::write_csr_h5(dir_->file("csr.h5"), X, yv);
  }
  static void TearDownTestSuite() { delete dir_; }
  static test::TempDir* dir_;
};
test::TempDir* DenseVsCsr::dir_ = nullptr;

TEST_P(DenseVsCsr, SameThetaAfterThirtyIterations) {
  for (bool standardize : {false, true}) {
    Result d = train_file(dir_->file("dense.h5"), Precision::Float64, GetParam(), 30, 1e-14, standardize);
    Result c = train_file(dir_->file("csr.h5"), Precision::Float64, GetParam(), 30, 1e-14, standardize);
    // The acceptance is 1e-12; by construction (kernels.hpp) the results are even bitwise equal.
    EXPECT_LE((d.theta - c.theta).norm() / d.theta.norm(), 1e-12)
        << GetParam() << " standardize=" << standardize;
    EXPECT_EQ(d.theta, c.theta) << GetParam() << " standardize=" << standardize;
    EXPECT_EQ(d.objective, c.objective);
    EXPECT_LT(c.feature_bytes, d.feature_bytes);  // the zeros are not stored
  }
}

INSTANTIATE_TEST_SUITE_P(Solvers, DenseVsCsr,
                         ::testing::Values("gd", "nesterov", "lbfgs", "newton", "owlqn"));

class Float32 : public ::testing::TestWithParam<std::string> {};

TEST_P(Float32, HalvesMemoryAndReachesTheFloat64Objective) {
  const std::string path = std::string(LOGREG_FIXTURES) + "/" + GetParam() + ".h5";
  Result d = train_file(path, Precision::Float64, "newton", 100, 1e-10, true);
  Result f = train_file(path, Precision::Float32, "newton", 100, 1e-10, true);
  EXPECT_EQ(f.feature_bytes * 2, d.feature_bytes);
  const double rel = std::abs(f.objective - d.objective) / d.objective;
  EXPECT_LE(rel, 1e-6) << "float32 " << f.objective << " vs float64 " << d.objective;
  std::printf("%s: float32 objective %.15g vs float64 %.15g (relative %.1e)\n", GetParam().c_str(),
              f.objective, d.objective, rel);
}

INSTANTIATE_TEST_SUITE_P(Data, Float32,
                         ::testing::Values("breast_cancer", "heart_scale", "wine", "digits"));

}  // namespace
}  // namespace logreg
