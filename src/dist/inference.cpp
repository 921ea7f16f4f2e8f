// compute_inference and inference_table (include/logreg/dist/inference.hpp). The reduced matrix is
// identical on every rank and everything after the reduce is a deterministic function of it, so
// every rank returns the same statistics or throws the same error.
#include "logreg/dist/inference.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "logreg/errors.hpp"

namespace logreg {

namespace {

// Below this reciprocal condition number (Eigen's 1-norm estimate) of the equilibrated
// information C = Δ^(−1/2) I Δ^(−1/2), Δ = diag(I), the matrix counts as singular: its inverse
// would keep fewer than about four correct digits, and the rounding of a sum over many rows leaves
// an exactly singular matrix near, not at, a zero pivot.
constexpr double kMinReciprocalCondition = 1e-12;
// A feature whose D-weighted variance is below this fraction of its D-weighted second moment is
// constant up to rounding: its column is a multiple of the intercept's.
constexpr double kConstantVariance = 1e-10;
// With l2 = 0, a weighted mean of pᵢ(1 − pᵢ) below this means the fitted probabilities are all
// saturated at 0 or 1: the information is zero up to rounding (statsmodels refuses such fits by
// the same tolerance, every |pᵢ − yᵢ| ≤ 1e-8).
constexpr double kSaturatedCurvature = 1e-8;

std::string short_number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}

// The features whose column is constant on the rows with curvature (a multiple of the
// intercept's, or zero without an intercept), from the penalized information (d+1)².
std::vector<Index> constant_features(const Mat& info, Index d, bool intercept) {
  std::vector<Index> out;
  const double ibb = info(d, d);
  for (Index j = 0; j < d; ++j) {
    const double ijj = info(j, j);
    const bool constant = intercept && ibb > 0
                              ? ijj - info(j, d) * info(j, d) / ibb <= kConstantVariance * ijj
                              : ijj <= 0;
    if (constant) out.push_back(j);
  }
  return out;
}

// "feature 7" / "features 0, 32 and 39" (the first ten, then "…").
std::string feature_list(const std::vector<Index>& js) {
  const size_t shown = std::min<size_t>(js.size(), 10);
  std::string s = js.size() == 1 ? "feature " : "features ";
  for (size_t k = 0; k < shown; ++k) {
    if (k > 0) s += k + 1 == js.size() ? " and " : ", ";
    s += std::to_string(js[k]);
  }
  if (shown < js.size()) s += ", ... (" + std::to_string(js.size()) + " in all)";
  return s + (js.size() == 1 ? " is constant" : " are constant");
}

NumericalError singular_error(const std::vector<Index>& constant, double curvature,
                              const Vec& theta) {
  const std::string largest = short_number(theta.cwiseAbs().maxCoeff());
  std::string why;
  if (curvature <= kSaturatedCurvature) {  // first: no row has curvature, so every column is 0
    why =
        "the classes look separable: the fitted probabilities are saturated at 0 or 1, mean "
        "p(1 - p) " +
        short_number(curvature) + ", largest |coefficient| " + largest;
  } else if (!constant.empty()) {
    why = feature_list(constant);
  } else {
    why = "collinear features, or classes close to separable: largest |coefficient| " + largest;
  }
  return NumericalError("inference: the information matrix is singular (" + why +
                        "); standard errors are undefined. Add l2 > 0 or remove the column");
}

// diag(I⁻¹) of the leading m × m block of `info` (destroyed: it holds the Cholesky factor of the
// equilibrated block afterwards), or the error that names why there is none.
Vec covariance_diagonal(Mat& info, Index m, const Vec& theta, const InferenceParams& p) {
  const Index d = theta.size() - 1;
  if (!info.allFinite()) {
    throw NumericalError("inference: the information matrix is not finite (coefficients of " +
                         short_number(theta.cwiseAbs().maxCoeff()) + " or non-finite data?)");
  }
  const double curvature = info(d, d) / p.weight_sum;
  const std::vector<Index> constant = constant_features(info, d, p.fit_intercept);
  Eigen::Ref<Mat> c = info.topLeftCorner(m, m);
  const Vec delta = c.diagonal();
  if ((p.l2 == 0 && curvature <= kSaturatedCurvature) || !(delta.array() > 0).all()) {
    throw singular_error(constant, curvature, theta);
  }
  // Unit diagonal: the pivot and condition tests do not depend on the features' units.
  const Vec r = delta.cwiseSqrt().cwiseInverse();
  c.array().colwise() *= r.array();
  c.array().rowwise() *= r.transpose().array();
  Eigen::LLT<Eigen::Ref<Mat>> llt(c);
  if (llt.info() != Eigen::Success || !(llt.rcond() >= kMinReciprocalCondition)) {
    throw singular_error(constant, curvature, theta);
  }
  // C⁻¹ = L⁻ᵀL⁻¹, so (C⁻¹)ⱼⱼ is the squared norm of column j of L⁻¹; I⁻¹ = R C⁻¹ R, R = diag(r).
  Mat linv = Mat::Identity(m, m);
  llt.matrixL().solveInPlace(linv);
  return linv.colwise().squaredNorm().transpose().cwiseProduct(r.cwiseAbs2());
}

double two_sided_p(double z) { return std::erfc(std::abs(z) / std::sqrt(2.0)); }

Inference statistics(const Vec& theta, const Vec& variance, bool intercept) {
  const Index d = theta.size() - 1;
  Inference inf;
  inf.std_error = variance.head(d).cwiseSqrt();
  inf.z_value = theta.head(d).cwiseQuotient(inf.std_error);
  inf.p_value = inf.z_value.unaryExpr(&two_sided_p);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  inf.intercept_std_error = intercept ? std::sqrt(variance[d]) : nan;
  inf.intercept_z_value = intercept ? theta[d] / inf.intercept_std_error : nan;
  inf.intercept_p_value = intercept ? two_sided_p(inf.intercept_z_value) : nan;
  return inf;
}

}  // namespace

void InferenceParams::validate(Index features) const {
  if (!(weight_sum > 0) || !std::isfinite(weight_sum) || !(l2 >= 0) || !std::isfinite(l2) ||
      (scale.size() != 0 && scale.size() != features) || !scale.allFinite() ||
      !(scale.array() > 0).all()) {
    throw std::invalid_argument("InferenceParams: needs weight_sum > 0, l2 >= 0 and no or " +
                                std::to_string(features) + " positive scales (weight_sum " +
                                config_number(weight_sum) + ", l2 " + config_number(l2) + ", " +
                                std::to_string(scale.size()) + " scales)");
  }
}

Inference compute_inference(Communicator& comm, const Shard& shard, const Vec& theta,
                            const InferenceParams& p) {
  const Index d = shard.features;
  if (d > kMaxInferenceFeatures) {
    throw ConfigError("inference: true supports at most " + std::to_string(kMaxInferenceFeatures) +
                      " features (the information matrix is (d+1)^2 doubles on every rank), and "
                      "the data has " +
                      std::to_string(d) + "; select fewer features or turn inference off");
  }
  p.validate(d);
  if (theta.size() != d + 1) {
    throw std::invalid_argument("compute_inference: theta of " + std::to_string(theta.size()) +
                                " entries for " + std::to_string(d) + " features");
  }
  // Always with the intercept's row and column: their corner ΣD tells a saturated fit, with an
  // intercept or without (then the d × d block alone is inverted).
  Mat info = Mat::Zero(d + 1, d + 1);
  add_information(shard, theta, true, info);
  comm.allreduce_sum({info.data(), static_cast<size_t>(info.size())});
  for (Index j = 0; j < d; ++j) {
    const double s = p.scale.size() ? p.scale[j] : 1.0;
    info(j, j) += p.weight_sum * p.l2 * s * s;
  }
  const Vec variance = covariance_diagonal(info, p.fit_intercept ? d + 1 : d, theta, p);
  return statistics(theta, variance, p.fit_intercept);
}

std::string inference_table(const Vec& theta, const Inference& inf,
                            const std::vector<std::string>& names) {
  const Index d = inf.std_error.size();
  if (theta.size() != d + 1 || inf.z_value.size() != d || inf.p_value.size() != d ||
      (!names.empty() && static_cast<Index>(names.size()) != d)) {
    throw std::invalid_argument("inference_table: theta, the statistics and the names disagree");
  }
  std::vector<std::string> rows = names;
  // Appended rather than "x" + …, which trips GCC 12's false -Wrestrict alarm.
  for (Index j = static_cast<Index>(rows.size()); j < d; ++j) {
    rows.push_back(std::string("x").append(std::to_string(j)));
  }
  const bool intercept = !std::isnan(inf.intercept_std_error);
  if (intercept) rows.push_back("intercept");
  size_t width = 9;
  for (const auto& r : rows) width = std::max(width, r.size());
  char buf[128];
  std::string out;
  auto line = [&](const std::string& name, double c, double se, double z, double pv) {
    std::snprintf(buf, sizeof buf, " %12.4g %12.4g %12.4g %12.4g\n", c, se, z, pv);
    out += name + std::string(width - name.size(), ' ') + buf;
  };
  out = std::string(width, ' ') + "         coef      std err            z        P>|z|\n";
  out += std::string(width + 52, '-') + "\n";
  for (Index j = 0; j < d; ++j) {
    line(rows[j], theta[j], inf.std_error[j], inf.z_value[j], inf.p_value[j]);
  }
  if (intercept) {
    line(rows[d], theta[d], inf.intercept_std_error, inf.intercept_z_value, inf.intercept_p_value);
  }
  return out;
}

}  // namespace logreg
