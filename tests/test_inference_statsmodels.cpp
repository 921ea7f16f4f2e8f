// Inference at l2 = 0 against statsmodels' Logit on two real data sets (tests/fixtures/inference,
// written by scripts/make_inference_fixtures.py; its README describes them): the library fits
// the model itself (Newton, ‖∇J‖∞ ≤ 1e-13), then the coefficients, standard errors, z and
// p-values must equal statsmodels' within 1e-6 relative, and the log-likelihood too.
//
// p-values are compared relatively as well: a relative error δ in z moves p by about z²δ
// relatively (d ln p / d ln z ≈ −z² in the tail), so agreement to 1e-6 holds down to the
// smallest p here (1e-18, z ≈ 8.8). Below about 1e-300 (|z| > 37) p leaves double's normal
// range and keeps no relative precision; there both must merely be that small.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "logreg/dist/distributed_objective.hpp"
#include "logreg/dist/inference.hpp"
#include "logreg/io/hdf5.hpp"
#include "logreg/solvers/solver.hpp"
#include "test_support.hpp"

namespace logreg {
namespace {

struct Reference {
  RowMatrix<double> X;  // the fixture's columns of the data set
  Vec y;
  Vec params, bse, tvalues, pvalues;  // θ's order: [w; b]
  double llf = 0.0;
};

Vec read(const h5::File& f, const std::string& name) {
  std::vector<double> v = h5::read_vector(f, name);
  return Eigen::Map<Vec>(v.data(), static_cast<Index>(v.size()));
}

Reference load(const std::string& name) {
  const std::string dir = std::string(LOGREG_FIXTURES);
  h5::File ref(dir + "/inference/" + name + ".h5", h5::File::Mode::ReadOnly);
  Reference r;
  const Vec columns = read(ref, "columns");
  r.params = read(ref, "params");
  r.bse = read(ref, "bse");
  r.tvalues = read(ref, "tvalues");
  r.pvalues = read(ref, "pvalues");
  r.llf = ref.read_double_attribute("/", "llf");

  h5::File data(dir + "/" + ref.read_string_attribute("/", "source"), h5::File::Mode::ReadOnly);
  h5::Dataset ds = data.open_dataset("X");
  const auto shape = ds.shape();
  RowMatrix<double> all(static_cast<Index>(shape[0]), static_cast<Index>(shape[1]));
  ds.read_all(H5T_NATIVE_DOUBLE, all.data());
  r.X.resize(all.rows(), columns.size());
  for (Index j = 0; j < columns.size(); ++j) r.X.col(j) = all.col(static_cast<Index>(columns[j]));
  r.y = read(data, "y");
  return r;
}

// max over entries of |a − b| / |b|; p-values below 1e-300 count as equal when both are.
double max_relative(const Vec& a, const Vec& b, bool p_values = false) {
  double worst = 0.0;
  for (Index j = 0; j < b.size(); ++j) {
    if (p_values && b[j] < 1e-300) {
      if (!(a[j] < 1e-300)) return INFINITY;
      continue;
    }
    worst = std::max(worst, std::abs(a[j] - b[j]) / std::abs(b[j]));
  }
  return worst;
}

Vec with_intercept(const Vec& w, double b) {
  Vec v(w.size() + 1);
  v << w, b;
  return v;
}

class Statsmodels : public ::testing::TestWithParam<std::string> {};

TEST_P(Statsmodels, StandardErrorsZAndPValuesAgreeWithin1e6) {
  const Reference ref = load(GetParam());
  SerialCommunicator comm;
  DistributedObjective obj(make_local_objective(test::dense_shard(ref.X, ref.y)), comm,
                           {0.0, 0.0, true, false});
  SolverState start;
  start.x = Vec::Zero(obj.dim());
  const SolveResult fit =
      minimize(obj, start, {.name = SolverKind::Newton, .max_iter = 100, .tol = 1e-13}, nullptr);
  ASSERT_EQ(fit.status, SolverStatus::Converged) << fit.grad_norm;
  const Vec theta = obj.to_model(fit.point.x);
  const double S = obj.weight_sum();
  EXPECT_NEAR(-S * fit.objective, ref.llf, 1e-12 * std::abs(ref.llf));

  const Inference inf =
      compute_inference(comm, test::dense_shard(ref.X, ref.y), theta, {S, 0.0, {}, true});
  const double coef = max_relative(theta, ref.params);
  const double se = max_relative(with_intercept(inf.std_error, inf.intercept_std_error), ref.bse);
  const double z = max_relative(with_intercept(inf.z_value, inf.intercept_z_value), ref.tvalues);
  const double p =
      max_relative(with_intercept(inf.p_value, inf.intercept_p_value), ref.pvalues, true);
  EXPECT_LE(coef, 1e-6);
  EXPECT_LE(se, 1e-6);
  EXPECT_LE(z, 1e-6);
  EXPECT_LE(p, 1e-6);
  std::printf(
      "%s: %d Newton iterations; max relative difference to statsmodels: coef %.1e, "
      "std err %.1e, z %.1e, p %.1e\n",
      GetParam().c_str(), fit.iterations, coef, se, z, p);
}

INSTANTIATE_TEST_SUITE_P(RealData, Statsmodels, ::testing::Values("heart_scale", "digits"));

}  // namespace
}  // namespace logreg
