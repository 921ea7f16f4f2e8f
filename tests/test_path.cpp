// The regularization path (README, "Regularization path and cross-validation"): a 20-point l2
// path on the four reference data sets ends at every penalty within 1e-9 of an independent cold
// fit at that penalty, in fewer passes over the data than the 20 cold fits; λ_max for l1 is the
// smallest penalty with every coefficient zero; the selection rules; the path table.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "logreg/app/path_table.hpp"
#include "logreg/app/selection.hpp"
#include "logreg/app/train.hpp"
#include "logreg/dist/distributed_objective.hpp"
#include "logreg/dist/penalty_path.hpp"
#include "logreg/errors.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/io/model_io.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

std::string fixture(const std::string& name) {
  return std::string(LOGREG_FIXTURES) + "/" + name + ".h5";
}

std::string temp_dir(const std::string& name) {
  const std::string dir = std::string(LOGREG_BINARY_DIR) + "/test_tmp/path_" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

void load(const std::string& name, RowMatrix<double>& X, Vec& y) {
  h5::File f(fixture(name), h5::File::Mode::ReadOnly);
  h5::Dataset ds = f.open_dataset("X");
  const auto shape = ds.shape();
  X.resize(static_cast<Index>(shape[0]), static_cast<Index>(shape[1]));
  ds.read_all(H5T_NATIVE_DOUBLE, X.data());
  const std::vector<double> v = h5::read_vector(f, "y");
  y = Eigen::Map<const Vec>(v.data(), static_cast<Index>(v.size()));
}

struct ColdFit {
  Vec theta;
  long passes = 0;
};

ColdFit cold_fit(const RowMatrix<double>& X, const Vec& y, double l2, bool standardize,
                 SolverKind solver, double tol) {
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(test::dense_shard(X, y)), comm,
                           RegularizationParams{l2, 0.0, true, standardize});
  const SolveResult r = test::fit(obj, solver, tol, 5000, Vec::Zero(obj.dim()));
  EXPECT_EQ(r.status, SolverStatus::Converged) << "cold fit at l2 " << l2;
  return {obj.to_model(r.point.x), obj.stats().evaluations + obj.stats().hessian_products};
}

std::vector<std::vector<std::string>> read_csv_rows(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

class L2Path : public ::testing::TestWithParam<std::tuple<std::string, std::string>> {};

TEST_P(L2Path, EveryPointMatchesAColdFitInFewerPasses) {
  const auto& [name, solver] = GetParam();
  const std::string dir = temp_dir(name + "_" + solver);
  const bool standardize = name == "breast_cancer" || name == "digits";
  const std::string yaml = "data: {train: " + fixture(name) +
                           "}\nmodel: {standardize: " + (standardize ? "true" : "false") +
                           "}\npath: {n: 20, ratio: 1.0e-4}\nsolver: {name: " + solver +
                           ", tol: 1.0e-12, max_iter: 5000}\noutput: {model: " + dir +
                           "/model.h5, metrics: " + dir + "/metrics.jsonl, path: " + dir +
                           "/path.csv}\n";
  SerialCommunicator comm;
  std::ostringstream log;
  ASSERT_EQ(run_training(comm, parse_config(yaml, "test"), log), 0) << log.str();
  const ModelRecord m = read_model(dir + "/model.h5");
  ASSERT_EQ(m.path.lambda.size(), 20u);
  const auto table = read_csv_rows(dir + "/path.csv");
  ASSERT_EQ(table.size(), 21u);
  RowMatrix<double> X;
  Vec y;
  load(name, X, y);
  // Every pass of the job (λ_max's, the preconditioner's and the fits'): the summary's counts.
  std::ifstream metrics(dir + "/metrics.jsonl");
  std::string line, summary;
  while (std::getline(metrics, line)) summary = line;
  auto count = [&](const std::string& key) {
    const size_t at = summary.find("\"" + key + "\":");
    EXPECT_NE(at, std::string::npos) << key << " in " << summary;
    return std::stol(summary.substr(at + key.size() + 3));
  };
  const long path_passes = count("evaluations") + count("hessian_products");
  long table_passes = 0;
  long cold_passes = 0;
  double worst = 0.0;
  for (size_t i = 0; i < 20; ++i) {
    const double l2 = m.path.lambda[i];
    const ColdFit c = cold_fit(X, y, l2, standardize, parse_solver_kind(solver), 1e-12);
    Vec theta(X.cols() + 1);
    theta.head(X.cols()) = m.path.coef.row(static_cast<Index>(i)).transpose();
    theta[X.cols()] = m.path.intercept(static_cast<Index>(i), 0);
    // Relative to the coefficients' scale (max(1, ‖θ‖∞)): raw-unit coefficients of standardized
    // fits reach ~100 at the small end of the path.
    const double diff =
        (theta - c.theta).cwiseAbs().maxCoeff() / std::max(1.0, c.theta.cwiseAbs().maxCoeff());
    worst = std::max(worst, diff);
    EXPECT_LE(diff, 1e-9) << name << " point " << i;
    table_passes += std::stol(table[i + 1][6]);
    cold_passes += c.passes;
  }
  EXPECT_LT(path_passes, cold_passes);
  EXPECT_LE(table_passes, path_passes);
  std::printf(
      "[figures] %s %s: 20-point l2 path %ld passes vs 20 cold fits %ld passes; max "
      "|dtheta|/max(1,|theta|) %.2e\n",
      name.c_str(), solver.c_str(), path_passes, cold_passes, worst);
}

INSTANTIATE_TEST_SUITE_P(
    RealData, L2Path,
    ::testing::Combine(::testing::Values("breast_cancer", "heart_scale", "wine", "digits"),
                       ::testing::Values("lbfgs", "newton")),
    [](const auto& info) { return std::get<0>(info.param) + "_" + std::get<1>(info.param); });

// λ_max for l1 is the smallest l1 at which every coefficient is zero: at 1.001·λ_max the fit is
// intercept-only, at 0.99·λ_max some coefficient is not.
TEST(PathStart, L1MaxIsTheSmallestAllZeroPenalty) {
  RowMatrix<double> X;
  Vec y;
  load("heart_scale", X, y);
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(test::dense_shard(X, y)), comm,
                           RegularizationParams{0.0, 0.0, true, false});
  const PathStart start = path_start(obj);
  ASSERT_GT(start.l1_max, 0.0);
  // The intercept-only optimum: logit of the mean label.
  const double ybar = y.mean();
  EXPECT_NEAR(start.x[X.cols()], std::log(ybar / (1 - ybar)), 1e-12);
  for (const auto& [factor, zero] : {std::pair{1.001, true}, std::pair{0.99, false}}) {
    obj.set_penalty(0.0, factor * start.l1_max);
    const SolveResult r = test::fit(obj, SolverKind::Owlqn, 1e-10, 2000, start.x);
    const Index nnz = (r.point.x.head(X.cols()).array() != 0.0).count();
    EXPECT_EQ(nnz == 0, zero) << "l1 = " << factor << " * lambda_max: " << nnz << " non-zeros";
  }
}

TEST(PathValues, LogSpacedFromLambdaMaxAndSortedLists) {
  Config c = parse_config("data: {train: x.h5}\npath: {n: 5, ratio: 1.0e-4}\n", "t");
  const std::vector<double> v = path_values(c, 2.0);
  ASSERT_EQ(v.size(), 5u);
  EXPECT_DOUBLE_EQ(v[0], 2000.0);  // l2: kRidgeFactor · λ_max
  EXPECT_NEAR(v[4], 0.2, 1e-15);
  EXPECT_NEAR(v[1] / v[0], std::pow(1e-4, 0.25), 1e-15);
  c = parse_config("data: {train: x.h5}\nmodel: {l1: 0.1}\npath: {n: 3}\n", "t");
  EXPECT_TRUE(sweeps_l1(c));
  EXPECT_DOUBLE_EQ(path_values(c, 2.0)[0], 2.0);
  c = parse_config("data: {train: x.h5}\npath: {l1: [0.01, 0.1, 0.05]}\n", "t");
  EXPECT_EQ(path_values(c, 99.0), (std::vector<double>{0.1, 0.05, 0.01}));
  EXPECT_THROW(path_values(parse_config("data: {train: x.h5}\npath: {n: 3}\n", "t"), 0.0),
               DataError);
}

TEST(ChoosePoint, MinAndOneStandardError) {
  std::vector<PathPoint> p(5);
  const double mean[] = {0.70, 0.50, 0.42, 0.40, 0.41};
  for (int i = 0; i < 5; ++i) p[static_cast<size_t>(i)].cv_mean = mean[i], p[i].cv_se = 0.03;
  EXPECT_EQ(choose_point(p, StopMetric::ValLogloss, CvRule::Min), 3);
  EXPECT_EQ(choose_point(p, StopMetric::ValLogloss, CvRule::OneSe), 2);  // 0.42 ≤ 0.40 + 0.03
  for (auto& q : p) q.cv_mean = 1.0 - q.cv_mean;                         // an AUC: higher wins
  EXPECT_EQ(choose_point(p, StopMetric::ValAuc, CvRule::Min), 3);
  EXPECT_EQ(choose_point(p, StopMetric::ValAuc, CvRule::OneSe), 2);
}

TEST(PathTable, CsvAndJsonLinesCarryTheFolds) {
  Selection s;
  s.penalty = "l2";
  s.folds = 2;
  s.metric = StopMetric::ValAuc;
  s.chosen = 1;
  for (int i = 0; i < 2; ++i) {
    PathPoint p;
    p.lambda = p.l2 = 1.0 / (i + 1);
    p.iterations = 3 + i;
    p.status = "converged";
    p.passes = 5;
    p.cv = {0.8, 0.9};
    p.cv_mean = 0.85;
    s.points.push_back(p);
  }
  const std::string csv = path_table(s, false);
  EXPECT_EQ(csv.substr(0, csv.find('\n')),
            "index,penalty,lambda,l2,l1,iterations,passes,objective,nnz,metric,cv_mean,cv_sd,"
            "cv_se,cv_fold_0,cv_fold_1,selected,status");
  EXPECT_NE(csv.find("\n1,l2,0.5,0.5,0.0,4,5,"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",0.8,0.9,1,converged\n"), std::string::npos) << csv;
  const std::string jl = path_table(s, true);
  EXPECT_NE(jl.find("\"cv_folds\":[0.8,0.9],\"selected\":1,"
                    "\"status\":\"converged\"}"),
            std::string::npos)
      << jl;
}

}  // namespace
}  // namespace logreg
