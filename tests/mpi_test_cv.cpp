// Cross-validation on 1, 2, 3, 4 and 7 ranks (README, "Regularization path and cross-validation"):
// each row's fold depends only on its global index, and the mean CV log-loss per penalty equals a
// straightforward per-fold reimplementation here (each fold-model fitted alone on its training
// rows with Newton, scored on its held-out rows) within 1e-9.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "logreg/app/train.hpp"
#include "logreg/comm/communicator.hpp"
#include "logreg/core/folds.hpp"
#include "logreg/core/logistic.hpp"
#include "logreg/dist/distributed_objective.hpp"
#include "logreg/io/hdf5.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

const char* kData = "breast_cancer";
constexpr int kFolds = 5;

std::vector<std::vector<double>> read_table(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // header
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    std::vector<double> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) {
      try {
        cells.push_back(std::stod(cell));
      } catch (const std::exception&) {
        cells.push_back(std::nan(""));
      }
    }
    rows.push_back(cells);
  }
  return rows;
}

// Fold-model k alone: trained on the rows whose fold is not k, scored on the others. X is
// standardized with the moments of all rows beforehand, as the fold-models are (README).
double fold_logloss(const RowMatrix<double>& X, const Vec& y, int k, int seed, double l2) {
  std::vector<Index> train, held;
  for (Index i = 0; i < X.rows(); ++i) (fold_of(i, kFolds, seed) == k ? held : train).push_back(i);
  RowMatrix<double> Xt(static_cast<Index>(train.size()), X.cols());
  Vec yt(static_cast<Index>(train.size()));
  for (size_t r = 0; r < train.size(); ++r)
    Xt.row(static_cast<Index>(r)) = X.row(train[r]), yt[static_cast<Index>(r)] = y[train[r]];
  SerialCommunicator serial;
  DistributedObjective obj(make_local_objective(test::dense_shard(Xt, yt)), serial,
                           RegularizationParams{l2, 0.0, true, false});
  const SolveResult r = test::fit(obj, SolverKind::Newton, 1e-12, 500, Vec::Zero(obj.dim()));
  EXPECT_EQ(r.status, SolverStatus::Converged);
  const Vec theta = obj.to_model(r.point.x);
  double loss = 0.0;
  for (Index i : held)
    loss += logistic_loss(X.row(i).dot(theta.head(X.cols())) + theta[X.cols()], y[i]);
  return loss / static_cast<double>(held.size());
}

TEST(CrossValidation, MatchesPerFoldFitsOnAnyRankCount) {
  MpiCommunicator comm;
  const std::string fixture = std::string(LOGREG_FIXTURES) + "/" + kData + ".h5";
  const std::string dir =
      std::string(LOGREG_BINARY_DIR) + "/test_tmp/cv_np" + std::to_string(comm.size());
  if (comm.is_root()) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  comm.barrier();
  const std::string yaml = "data: {train: " + fixture +
                           "}\nmodel: {standardize: true}\npath: {n: 6, ratio: 1.0e-3}\n"
                           "cv: {folds: 5, seed: 3}\nsolver: {name: lbfgs, tol: 1.0e-11, "
                           "max_iter: 5000}\noutput: {model: " +
                           dir + "/model.h5, metrics: null, path: " + dir + "/path.csv}\n";
  std::ostringstream log;
  ASSERT_EQ(run_training(comm, parse_config(yaml, "test"), log), 0) << log.str();
  if (!comm.is_root()) return;
  const auto table = read_table(dir + "/path.csv");
  ASSERT_EQ(table.size(), 6u);
  h5::File f(fixture, h5::File::Mode::ReadOnly);
  h5::Dataset ds = f.open_dataset("X");
  RowMatrix<double> X(static_cast<Index>(ds.shape()[0]), static_cast<Index>(ds.shape()[1]));
  ds.read_all(H5T_NATIVE_DOUBLE, X.data());
  const std::vector<double> yv = h5::read_vector(f, "y");
  const Vec y = Eigen::Map<const Vec>(yv.data(), static_cast<Index>(yv.size()));
  test::standardize_columns(X);
  for (const auto& row : table) {
    const double l2 = row[3];
    double mean = 0.0;
    for (int k = 0; k < kFolds; ++k) {
      const double ref = fold_logloss(X, y, k, 3, l2);
      EXPECT_NEAR(row[13 + static_cast<size_t>(k)], ref, 1e-9) << "fold " << k << " at l2 " << l2;
      mean += ref / kFolds;
    }
    EXPECT_NEAR(row[10], mean, 1e-9) << "mean at l2 " << l2;
  }
}

// A rank's folds are those of its rows' global indices, whatever the split.
TEST(CrossValidation, FoldsFollowGlobalRowIndices) {
  MpiCommunicator comm;
  const Index n = 1000;
  const Index lo = n * comm.rank() / comm.size(), hi = n * (comm.rank() + 1) / comm.size();
  RowMatrix<double> X = RowMatrix<double>::Zero(hi - lo, 2);
  Vec y = Vec::Zero(hi - lo);
  Shard shard = test::dense_shard(X, y);
  shard.row_offset = lo;
  const LocalFolds folds(&shard, 7, 11);
  for (Index i = 0; i < hi - lo; ++i)
    EXPECT_EQ(folds.fold()[static_cast<size_t>(i)], fold_of(lo + i, 7, 11));
}

}  // namespace
}  // namespace logreg
