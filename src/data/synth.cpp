#include "logreg/data/synth.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "logreg/data/random.hpp"
#include "logreg/data/row_batch.hpp"
#include "logreg/data/shard_writer.hpp"
#include "logreg/errors.hpp"

namespace logreg::data {

namespace {

constexpr uint64_t kModelStream = 1;
constexpr uint64_t kRowStream = 2;
// Entries generated per batch handed to the writer (~8 MB of values).
constexpr int64_t kBatchEntries = 1 << 20;

double expected_nnz_per_row(const SynthOptions& opt) {
  return static_cast<double>(opt.features) * opt.density;
}

double sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

// A row's margins, summed entry by entry as the row is drawn, and its label drawn from them:
// Bernoulli(σ(z)) for 2 classes, Categorical(softmax(z)) for K ≥ 3.
class Margins {
 public:
  Margins(const TrueModel& m, Index features) : model_(m), d_(features) {
    if (m.classes > 2) z_.resize(static_cast<size_t>(m.classes));
  }
  void start() {
    if (z_.empty()) {
      z_binary_ = model_.intercept;
    } else {
      z_ = model_.intercepts;
    }
  }
  void add(Index j, double x) {
    if (z_.empty()) {
      z_binary_ += x * model_.coef[static_cast<size_t>(j)];
      return;
    }
    const double* w = model_.coef.data() + j;
    for (size_t k = 0; k < z_.size(); ++k) z_[k] += x * w[static_cast<Index>(k) * d_];
  }
  double draw(Rng& rng) {
    const double u = rng.uniform();
    if (z_.empty()) return u < sigmoid(z_binary_) ? 1.0 : 0.0;
    const double top = *std::max_element(z_.begin(), z_.end());
    double total = 0.0;
    for (double& z : z_) total += (z = std::exp(z - top));
    double below = 0.0;
    for (size_t k = 0; k + 1 < z_.size(); ++k) {
      below += z_[k];
      if (u * total < below) return static_cast<double>(k);
    }
    return static_cast<double>(z_.size() - 1);
  }

 private:
  const TrueModel& model_;
  Index d_;
  double z_binary_ = 0.0;
  std::vector<double> z_;
};

// Rows [row0, row0 + count) into `batch`. Values are rounded to the stored precision before
// the label is drawn, so y follows the model exactly for the X that is written.
void generate_rows(const SynthOptions& opt, const TrueModel& model, Index row0, Index count,
                   RowBatch& batch) {
  const bool f32 = opt.dtype == Precision::Float32;
  auto stored = [f32](double v) { return f32 ? static_cast<double>(static_cast<float>(v)) : v; };
  const Index d = opt.features;
  Margins margins(model, d);
  if (!opt.sparse()) {
    batch.dense.resize(static_cast<size_t>(count * d));
    for (Index i = 0; i < count; ++i) {
      Rng rng(opt.seed, kRowStream, static_cast<uint64_t>(row0 + i));
      double* x = batch.dense.data() + i * d;
      margins.start();
      for (Index j = 0; j < d; ++j) {
        x[j] = stored(rng.normal());
        margins.add(j, x[j]);
      }
      batch.labels.push_back(margins.draw(rng));
    }
    return;
  }
  // Gaps between present entries are geometric, which yields sorted distinct column ids in
  // O(non-zeros) per row, the same distribution as d independent Bernoulli(density) draws.
  const double log_q = std::log1p(-opt.density);
  for (Index i = 0; i < count; ++i) {
    Rng rng(opt.seed, kRowStream, static_cast<uint64_t>(row0 + i));
    margins.start();
    double col = -1.0;
    while (true) {
      col += 1.0 + std::floor(std::log(rng.uniform()) / log_q);
      if (col >= static_cast<double>(d)) break;
      const auto j = static_cast<int32_t>(col);
      const double v = stored(rng.normal());
      batch.indices.push_back(j);
      batch.values.push_back(v);
      margins.add(j, v);
    }
    batch.indptr.push_back(static_cast<int64_t>(batch.values.size()));
    batch.labels.push_back(margins.draw(rng));
  }
}

}  // namespace

void SynthOptions::validate() const {
  if (rows <= 0) {
    throw ConfigError("--rows: must be a positive integer (got " + std::to_string(rows) + ")");
  }
  if (features <= 0) {
    throw ConfigError("--features: must be a positive integer (got " + std::to_string(features) +
                      ")");
  }
  if (features > std::numeric_limits<int32_t>::max()) {
    throw ConfigError("--features: at most 2147483647 features are supported (got " +
                      std::to_string(features) + ")");
  }
  if (!(density > 0.0 && density <= 1.0)) {
    std::ostringstream os;
    os << "--density: must be in (0, 1] (got " << density << ")";
    throw ConfigError(os.str());
  }
  if (classes < 2 || classes > kMaxSynthClasses) {
    throw ConfigError("--classes: must be between 2 and " + std::to_string(kMaxSynthClasses) +
                      " (got " + std::to_string(classes) + ")");
  }
  if (shards < 1 || shards > rows) {
    throw ConfigError("--shards: must be between 1 and --rows (" + std::to_string(rows) +
                      "), got " + std::to_string(shards));
  }
}

TrueModel draw_true_model(const SynthOptions& opt) {
  TrueModel m;
  Rng rng(opt.seed, kModelStream, 0);
  const double scale = 1.0 / std::sqrt(std::max(1.0, expected_nnz_per_row(opt)));
  m.classes = opt.classes;
  const size_t rows = opt.classes > 2 ? static_cast<size_t>(opt.classes) : 1;
  m.coef.resize(rows * static_cast<size_t>(opt.features));
  for (double& w : m.coef) w = rng.normal() * scale;
  if (opt.classes > 2) {
    m.intercepts.resize(rows);
    for (double& b : m.intercepts) b = 0.5 * rng.normal();
  } else {
    m.intercept = 0.5 * rng.normal();
  }
  return m;
}

SynthResult synthesize(const std::string& out, const SynthOptions& opt) {
  opt.validate();
  const TrueModel model = draw_true_model(opt);
  const double per_row =
      opt.sparse() ? expected_nnz_per_row(opt) : static_cast<double>(opt.features);
  SizeHint hint;
  hint.rows = opt.rows;
  // Mean plus a generous margin; only sizes chunks.
  hint.nnz = static_cast<int64_t>(static_cast<double>(opt.rows) * per_row * 1.05) + 1024;
  ShardWriter writer({out, opt.shards, opt.sparse(), opt.dtype}, opt.rows, opt.features, hint);
  if (model.classes > 2) {
    const auto k = static_cast<uint64_t>(model.classes);
    writer.add_array("true_coef", {k, static_cast<uint64_t>(opt.features)}, model.coef);
    writer.add_vector("true_intercept", model.intercepts);
  } else {
    writer.add_vector("true_coef", model.coef);
    writer.add_scalar("true_intercept", model.intercept);
  }

  const Index batch_rows =
      std::max<Index>(1, static_cast<Index>(kBatchEntries / std::max(1.0, per_row)));
  RowBatch batch(opt.sparse(), opt.features);
  for (Index row0 = 0; row0 < opt.rows; row0 += batch_rows) {
    batch.clear();
    generate_rows(opt, model, row0, std::min(batch_rows, opt.rows - row0), batch);
    writer.append(batch);
  }
  SynthResult result;
  result.files = writer.finish(opt.features);
  result.nnz = writer.nnz();
  return result;
}

}  // namespace logreg::data
