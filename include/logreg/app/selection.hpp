// Model selection in one job (README, "Regularization path and cross-validation"): a path of fits
// over l2 or l1, each started from the previous optimum, optionally cross-validated with k folds
// that share every pass over the data, the chosen penalty refit on all rows. Collective.
#pragma once

#include <iosfwd>
#include <limits>
#include <string>
#include <vector>

#include "logreg/app/config.hpp"
#include "logreg/comm/communicator.hpp"

namespace logreg {

// One fit of the path.
struct PathPoint {
  double lambda = 0.0, l2 = 0.0, l1 = 0.0;  // the swept value, and the fit's two penalties
  int iterations = 0;
  std::string status;      // how the fit ended (solver.hpp's names: converged, max_iter, …)
  long passes = 0;         // passes over the data (evaluations and Hessian products)
  double objective = 0.0;  // J at the optimum (CV: the mean over the fold-models)
  double nnz = 0.0;        // non-zero coefficients, intercepts excluded (CV: mean over folds)
  Vec theta;               // the model (CV: the mean of the fold-models), the model file's layout
  std::vector<double> cv;  // the metric of each fold-model on its held-out rows; empty without CV
  double cv_mean = std::numeric_limits<double>::quiet_NaN();
  double cv_sd = std::numeric_limits<double>::quiet_NaN();  // sample sd over the folds
  double cv_se = std::numeric_limits<double>::quiet_NaN();  // cv_sd / √K
};

struct Selection {
  std::string penalty;  // "l2" or "l1": the penalty swept
  std::vector<PathPoint> points;
  int chosen = -1;  // the point written as output.model
  int folds = 0;    // 0 without CV
  StopMetric metric = StopMetric::None;
  std::string source;  // what the points' models are
};

// Which penalty a config sweeps: l1 for path.l1 or path.penalty l1, or under auto with
// model.l1 > 0; l2 otherwise.
bool sweeps_l1(const Config& config);

// The swept values in fitting order (largest first): path.l2 / path.l1 sorted, or path.n values
// log-spaced from λ_max (l1_max for l1, kRidgeFactor·l1_max for l2) down to ratio·λ_max; the
// model's own value without a path.
std::vector<double> path_values(const Config& config, double l1_max);

// The point cross-validation selects: the best mean (lowest log-loss, highest AUC or accuracy);
// with one_se the largest penalty whose mean is within one standard error of the best.
int choose_point(const std::vector<PathPoint>& points, StopMetric metric, CvRule rule);

// The whole job: load, path (and folds), refit, outputs. Returns the exit code.
int run_selection(Communicator& comm, const Config& config, std::ostream& out);

}  // namespace logreg
