// Classification metrics of a model on a data set spread over the ranks, without gathering
// rows: log-loss and accuracy from reduced sums; ROC AUC from positive/negative histograms of
// the margins over their global range (2·bins counts), with an error bound. Three reduces per
// evaluation: the sums, the range, the histograms.
#pragma once

#include <memory>

#include "logreg/comm/communicator.hpp"
#include "logreg/core/local_objective.hpp"

namespace logreg {

struct EvalMetrics {
  double log_loss = 0.0;  // mean over rows (unweighted, like scikit-learn's log_loss)
  double accuracy = 0.0;  // predicted class 1 when z > 0 (probability > 0.5)
  double auc = 0.0;       // NaN when one class is absent
  double auc_bound = 0.0; // |auc − exact AUC| ≤ auc_bound
  double rows = 0.0;
};

// Scores a model θ (original units, the model file's layout) on a data set held by the ranks.
// Collective; every rank gets the same metrics.
class ModelEvaluator {
 public:
  virtual ~ModelEvaluator() = default;
  virtual EvalMetrics evaluate(const Vec& theta) = 0;
};

// The binary family's evaluator: θ = [w; b].
class DistributedEvaluator final : public ModelEvaluator {
 public:
  static constexpr Index kBins = 1 << 16;
  DistributedEvaluator(std::unique_ptr<LocalObjective> local, Communicator& comm);
  // Collective. θ = [w; b] in original units.
  EvalMetrics evaluate(const Vec& theta) override;
  const LocalObjective& local() const { return *local_; }

 private:
  std::unique_ptr<LocalObjective> local_;
  Communicator& comm_;
  Vec z_, hist_;  // sized once
};

}  // namespace logreg
