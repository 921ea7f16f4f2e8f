#include "logreg/dist/evaluator.hpp"

#include <cmath>
#include <limits>

#include "logreg/core/evaluation.hpp"

namespace logreg {

DistributedEvaluator::DistributedEvaluator(std::unique_ptr<LocalObjective> local,
                                           Communicator& comm)
    : local_(std::move(local)), comm_(comm), z_(local_->rows()), hist_(2 * kBins) {}

EvalMetrics DistributedEvaluator::evaluate(const Vec& theta) {
  local_->margins(theta, z_);
  const Vec& y = local_->shard().y;
  const MetricSums s = metric_sums(z_, y);
  // Three reduces: the sums, the margin range (max of z and of −z), then the histograms over it.
  const double inf = std::numeric_limits<double>::infinity();
  double sums[4] = {s.log_loss, s.correct, s.rows, s.positives};
  double range[2] = {z_.size() ? z_.maxCoeff() : -inf, z_.size() ? -z_.minCoeff() : -inf};
  comm_.allreduce_sum(sums);
  comm_.allreduce_max(range);
  EvalMetrics m;
  m.rows = sums[2];
  m.log_loss = sums[0] / sums[2];
  m.accuracy = sums[1] / sums[2];
  hist_.setZero();
  margin_histogram(z_, y, -range[1], range[0], hist_.head(kBins), hist_.tail(kBins));
  comm_.allreduce_sum({hist_.data(), static_cast<size_t>(hist_.size())});
  m.auc = auc_from_histogram(hist_.head(kBins), hist_.tail(kBins), &m.auc_bound);
  return m;
}

}  // namespace logreg
